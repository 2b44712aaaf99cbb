// `quantgate quantize` as a user runs it: files written, and every bad input is exit 2 with one
// message naming the problem and the fix.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeNpy } from '../../src/data/index.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { writeModel } from '../../src/model/write.ts';
import { cli, ROOT } from '../helpers/cli.ts';
import { seeded, smallCnn } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const modelPath = join(dir, 'cnn.onnx');
writeModel(smallCnn(), modelPath);
const random = seeded(5);
function npyFolder(name: string, dims: number[], dataType = DataType.FLOAT, files = 4): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  const n = dims.reduce((a, b) => a * b, 1);
  for (let i = 0; i < files; i++) {
    const data = dataType === DataType.DOUBLE ? Float64Array.from({ length: n }, () => random() * 2 - 1) : Float32Array.from({ length: n }, () => random() * 2 - 1);
    writeFileSync(join(folder, `${i}.npy`), encodeNpy({ dataType, dims, data }));
  }
  return folder;
}
const calib = npyFolder('calib', [2, 3, 16, 16]);

describe('quantgate quantize', () => {
  it('writes both models, calibration.json and the cache', async () => {
    const out = join(dir, 'out');
    const r = await cli(['quantize', '--model', modelPath, '--calibration-data', calib, '--out', out, '--method', 'minmax']);
    assert.equal(r.code, 0, r.stderr);
    for (const f of ['cnn.int8.trt.onnx', 'cnn.int8.ort.onnx', 'calibration.json', 'calibration.cache']) assert.ok(existsSync(join(out, f)), f);
    assert.match(r.stdout, /cnn\.int8\.trt\.onnx .*Conv 3\/3, Gemm 1\/1 in INT8/);
    assert.match(r.stdout, /ranges: minmax over 8 samples/);
  });

  it('--json prints the quantization summary', async () => {
    const r = await cli(['quantize', '--model', modelPath, '--calibration-data', calib, '--out', join(dir, 'json'), '--json', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.quantization.models.length, 2);
    assert.equal(json.quantization.samples, 8);
  });

  it('without calibration data or ranges: bad input', async () => {
    const r = await cli(['quantize', '--model', modelPath, '--out', join(dir, 'x')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs calibration data or earlier ranges/);
  });

  const bad: [string, () => string[], RegExp, RegExp][] = [
    ['calibration data of the wrong shape', () => ['--calibration-data', npyFolder('wrong-shape', [2, 3, 8, 8])], /shape 2×3×8×8 does not fit input 'input' \(batch×3×16×16\)/, /fix: save samples of 3×16×16/],
    ['calibration data of the wrong dtype', () => ['--calibration-data', npyFolder('wrong-dtype', [2, 3, 16, 16], DataType.DOUBLE)], /float64/, /astype\(np\.float32\)/],
    ['an empty calibration folder', () => ['--calibration-data', npyFolder('empty', [1], DataType.FLOAT, 0)], /--calibration-data \S+empty: no samples/, /fix: put the samples in it/],
    ['an unknown method', () => ['--calibration-data', calib, '--method', 'kl'], /--method is 'kl'/, /fix: give entropy, minmax, percentile/],
    ['an exclusion that matches nothing', () => ['--calibration-data', calib, '--exclude', '/nope/Conv'], /--exclude \/nope\/Conv: matches no node/, /inspect --model MODEL --nodes/],
    ['missing --ranges file', () => ['--ranges', join(dir, 'nope.json')], /--ranges .*nope\.json: no such file/, /calibration\.json/],
    ['a model newer than ONNX Runtime runs', () => ['--model', join(ROOT, 'test/fixtures/default_onnx_1_23.onnx'), '--calibration-data', calib], /cannot run this model/, /save the model at IR/],
  ];
  for (const [what, args, problem, fix] of bad) {
    it(`${what}: exit 2, one message`, async () => {
      const extra = args();
      const r = await cli(['quantize', ...(extra.includes('--model') ? [] : ['--model', modelPath]), ...extra, '--out', join(dir, 'bad'), '--quiet']);
      assert.equal(r.code, 2, r.stderr);
      const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      assert.equal(errorLines.length, 1, r.stderr);
      assert.match(r.stderr, problem);
      assert.match(r.stderr, fix);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  }
});
