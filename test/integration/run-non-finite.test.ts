// NaN and infinity where numbers belong. Data holding them is bad input, named by file, input and
// sample; an FP32 model that outputs NaN is bad input (nothing can be compared with it); an INT8
// model that outputs NaN where FP32 does not fails the gate with that reason. Before, all three
// passed: NaN scored as a wrong answer, and without labels nothing was gated.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, type ModelProto } from 'onnx-buf';
import { encodeNpy } from '../../src/data/index.ts';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { makeTensor } from '../../src/model/tensor.ts';
import type { Results } from '../../src/results/schema.ts';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const fast = ['--warmup-ms', '0', '--min-iterations', '2', '--min-time-ms', '0', '--batch-sizes', '1', '--quiet'];
const SAMPLES = 64;

/** Samples (u, 2u − 0.001) with u in [0.2, 1): x·[1, −0.5] is 0.0005 in FP32, but not once quantized. */
const x = new Float32Array(SAMPLES * 2);
for (let i = 0; i < SAMPLES; i++) {
  const u = 0.2 + (0.8 * i) / SAMPLES;
  x[i * 2] = u;
  x[i * 2 + 1] = 2 * u - 0.001;
}
const data = join(dir, 'x.npy');
writeFileSync(data, encodeNpy({ dataType: DataType.FLOAT, dims: [SAMPLES, 2], data: x }));

/** y = Sqrt(MatMul(x, w) − shift): NaN wherever the MatMul's result falls below `shift`. */
function sqrtModel(name: string, w: number[], shift: number): string {
  const nodes = [node('MatMul', ['x', 'w'], ['m'], { name: 'mm' }), node('Sub', ['m', 'shift'], ['s'], { name: 'sub' }), node('Sqrt', ['s'], ['y'], { name: 'sqrt' })];
  const m: ModelProto = model(
    graph({
      nodes,
      inputs: [valueInfo('x', DataType.FLOAT, ['batch', 2])],
      outputs: [valueInfo('y', DataType.FLOAT, ['batch', 2])],
      initializers: [makeTensor('w', DataType.FLOAT, [2, 2], Float32Array.from(w)), makeTensor('shift', DataType.FLOAT, [], Float32Array.from([shift]))],
    }),
    { irVersion: 8, opsets: { '': 17 } },
  );
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, toBinary(ModelProtoSchema, m));
  return path;
}

describe('NaN and infinity', () => {
  it('evaluation data that is half NaN is bad input naming the file, the input and the sample', async () => {
    const half = x.slice();
    for (let i = 2; i < half.length; i += 4) half[i] = Number.NaN;
    const evalData = join(dir, 'half-nan.npy');
    writeFileSync(evalData, encodeNpy({ dataType: DataType.FLOAT, dims: [SAMPLES, 2], data: half }));
    const r = await cli(['run', '--model', sqrtModel('plain', [1, 0, 0, 1], 0), '--calibration-data', data, '--eval-data', evalData, '--out', join(dir, 'out-data'), ...fast]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--eval-data .*half-nan\.npy: sample 1 of input 'x' holds NaN/);
    assert.match(r.stderr, /fix: .*np\.isfinite/);
    const results = JSON.parse(readFileSync(join(dir, 'out-data', 'results.json'), 'utf8')) as Results;
    assert.match(results.incomplete!, /NaN/, 'the results still say why the run stopped');
  });

  it('infinite calibration data is bad input too', async () => {
    const inf = x.slice();
    inf[7] = Number.POSITIVE_INFINITY;
    const calibration = join(dir, 'inf.npy');
    writeFileSync(calibration, encodeNpy({ dataType: DataType.FLOAT, dims: [SAMPLES, 2], data: inf }));
    const r = await cli(['run', '--model', sqrtModel('plain-inf', [1, 0, 0, 1], 0), '--calibration-data', calibration, '--out', join(dir, 'out-inf'), ...fast]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--calibration-data .*inf\.npy: sample 3 of input 'x' holds an infinite value/);
  });

  it('an FP32 model that outputs NaN is bad input', async () => {
    const r = await cli(['run', '--model', sqrtModel('fp32-nan', [1, 0, 0, 1], 10), '--calibration-data', data, '--out', join(dir, 'out-fp32'), ...fast]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /the FP32 model .*fp32-nan\.onnx outputs NaN in 'y' for sample 0/);
    assert.match(r.stderr, /fix: /);
  });

  it('an INT8 model that outputs NaN where FP32 does not fails the gate with that reason', async () => {
    const r = await cli(['run', '--model', sqrtModel('int8-nan', [1, 0.5, -0.5, 0.25], 0), '--calibration-data', data, '--out', join(dir, 'out-int8'), ...fast]);
    assert.equal(r.code, 1, r.stderr);
    const results = JSON.parse(readFileSync(join(dir, 'out-int8', 'results.json'), 'utf8')) as Results;
    const failed = results.runs.filter((run) => run.precision === 'int8' && run.status === 'failed');
    assert.ok(failed.length > 0, 'an INT8 row failed');
    for (const run of failed) assert.match(run.reason!, /outputs NaN in 'y' on \d+ of 64 samples where FP32 does not/);
    assert.equal(results.verdict.pass, false);
    assert.ok(results.verdict.reasons.some((reason) => /NaN/.test(reason)), results.verdict.reasons.join('\n'));
  });
});
