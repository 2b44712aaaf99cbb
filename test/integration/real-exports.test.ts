// Models as real converters write them (issue 10): placeholder dim names that mean "unknown",
// and, from test/fixtures/real/ (made by bench/models/make_real_exports.sh), small models
// exported by Paddle2ONNX, tf2onnx, skl2onnx and onnxmltools, each run through `quantgate run`.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeNpy } from '../../src/data/npy-write.ts';
import { valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { writeModel } from '../../src/model/write.ts';
import { readModel } from '../../src/model/read.ts';
import { modelSignature } from '../../src/model/signature.ts';
import type { Batch } from '../../src/data/types.ts';
import { pairedTimeRatio } from '../../src/quantize/placement/timing.ts';
import { randomFloatDataSet } from '../helpers/data.ts';
import { cli, ROOT } from '../helpers/cli.ts';
import { seeded, smallCnn } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const fast = ['--warmup-ms', '10', '--min-iterations', '3', '--min-time-ms', '30', '--batch-sizes', '1', '--quiet'];

function writeSamples(folder: string, dims: number[], seed: number, dtype: 'float32' | 'float64' = 'float32'): string {
  const random = seeded(seed);
  mkdirSync(folder, { recursive: true });
  const length = dims.reduce((a, b) => a * b, 1);
  const data = dtype === 'float64' ? Float64Array.from({ length }, () => random() * 2 - 1) : Float32Array.from({ length }, () => random() * 2 - 1);
  writeFileSync(join(folder, 'samples.npy'), encodeNpy({ dataType: dtype === 'float64' ? DataType.DOUBLE : DataType.FLOAT, dims, data }));
  return folder;
}

describe('placeholder dim names', () => {
  // The CNN ends in GlobalAveragePool, so any height and width run.
  const shapes: { name: string; shape: (number | string)[] }[] = [
    { name: "Paddle2ONNX's -1×3×?×? (a negative batch size, '?' on height and width)", shape: [-1, 3, '?', '?'] },
    { name: "tf2onnx's unk__N names", shape: ['unk__0', 3, 'unk__1', 'unk__2'] },
    { name: "'-1' as a name on height and width", shape: ['-1', 3, '-1', '-1'] },
    { name: 'empty names', shape: ['', 3, '', ''] },
  ];
  for (const [i, c] of shapes.entries()) {
    it(`runs a model declared ${c.name} on 48×192 samples`, async () => {
      const proto = smallCnn();
      proto.graph!.input[0] = valueInfo('input', DataType.FLOAT, c.shape);
      const path = join(dir, `placeholders-${i}.onnx`);
      writeModel(proto, path);
      const data = writeSamples(join(dir, `data-${i}`), [4, 3, 48, 192], 3);
      const out = join(dir, `out-${i}`);
      const r = await cli(['run', '--model', path, '--calibration-data', data, '--out', out, ...fast]);
      assert.equal(r.code, 0, r.stderr);
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
      assert.ok(results.runs.some((run: { model: string; status: string }) => run.model === 'int8.ort' && run.status === 'ok'));
    });
  }

  it('still holds a named symbol to one size: the same name on height and width', async () => {
    const proto = smallCnn();
    proto.graph!.input[0] = valueInfo('input', DataType.FLOAT, ['batch', 3, 'size', 'size']);
    const path = join(dir, 'square.onnx');
    writeModel(proto, path);
    const data = writeSamples(join(dir, 'data-square'), [2, 3, 48, 192], 4);
    const r = await cli(['run', '--model', path, '--calibration-data', data, '--out', join(dir, 'out-square'), ...fast]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /dim 'size'/);
  });
});

/** A committed export: `<name>.json` beside `<name>.onnx` (see make_real_exports.sh). */
interface RealExport {
  file: string;
  converter: string;
  opset: number;
  data: Record<string, number[]>;
  dtype?: 'float32' | 'float64';
}

const REAL = join(ROOT, 'test', 'fixtures', 'real');
const exports: RealExport[] = readdirSync(REAL)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(REAL, f), 'utf8')) as RealExport);

/** What each committed export must give; a model missing here fails the test (no silent additions). */
const EXPECTED: Record<string, { code: number; stderr?: RegExp; todo?: string }> = {
  // Paddle2ONNX: input x DynamicDimension.0×3×48×DynamicDimension.1, Identity nodes over weights.
  'paddle_textrec_tiny.onnx': { code: 0 },
  // tf2onnx: NHWC input unk__N×32×32×3, BatchNormalization folded into Mul/Add by the converter.
  'tf_cnn_tiny.onnx': { code: 0 },
  // The dynamo exporter: IR 10, opset 18, LayerNormalization, named dims batch×sequence×16.
  'torch_encoder_tiny.onnx': { code: 0 },
  // skl2onnx: the int64 label first, probabilities second; scored on the probabilities.
  'skl_mlp.onnx': { code: 0 },
  // skl2onnx's default ZipMap output (a sequence of maps): calibration leaves it out; the
  // benchmark still asks ONNX Runtime for it (src/benchmark, src/runtime fetch every output).
  'skl_mlp_zipmap.onnx': { code: 2, stderr: /no floating-point output to score accuracy on .*zipmap': False/s },
  // ai.onnx.ml only (LinearClassifier, TreeEnsembleClassifier): nothing to put in INT8.
  'skl_logreg.onnx': { code: 2, stderr: /has nothing to quantize/ },
  // skl2onnx for float64 inputs: quantgate quantizes float32 models, and says so.
  'skl_mlp_double.onnx': { code: 2, stderr: /is not float32 \(quantgate quantizes float32 models\)/ },
  'lgbm.onnx': { code: 2, stderr: /has nothing to quantize/ },
};

describe('exports of real converters (test/fixtures/real)', () => {
  it('has an expectation for every committed export', () => {
    assert.deepEqual(exports.map((e) => e.file).sort(), Object.keys(EXPECTED).sort());
  });

  for (const [i, entry] of exports.entries()) {
    const expected = EXPECTED[entry.file];
    if (!expected) continue;
    const verb = expected.code === 0 ? 'runs' : 'is bad input for';
    it(`quantgate run ${verb} ${entry.file} (${entry.converter}, opset ${entry.opset})`, { ...(expected.todo ? { todo: expected.todo } : {}) }, async () => {
      const [shape] = Object.values(entry.data);
      const data = writeSamples(join(dir, `real-data-${i}`), [8, ...shape!.slice(1)], 5, entry.dtype);
      const r = await cli(['run', '--model', join(REAL, entry.file), '--calibration-data', data, '--out', join(dir, `real-out-${i}`), ...fast]);
      assert.equal(r.code, expected.code, r.stderr);
      if (expected.stderr) assert.match(r.stderr, expected.stderr);
    });
  }

  it('times the ZipMap export against itself: placement timing fetches tensors only', async () => {
    // --placement auto and the default's one timing run both go through pairedTimeRatio; a
    // sequence output (the ZipMap's) made onnxruntime-node throw there.
    const model = readModel(join(REAL, 'skl_mlp_zipmap.onnx'));
    const data = randomFloatDataSet(modelSignature(model.proto).inputs[0]!.name, [20], 4, { seed: 2 });
    let batch: Batch | undefined;
    for await (const b of data.batches(1)) {
      batch = b;
      break;
    }
    const ratio = await pairedTimeRatio(model.proto, model.proto, model, batch!, { rounds: 2, iterations: 2, threads: 1 });
    assert.ok(Number.isFinite(ratio.median) && ratio.median > 0, JSON.stringify(ratio));
  });

  it('quantizes the ZipMap export: calibration fetches tensors only', async () => {
    const data = writeSamples(join(dir, 'zipmap-data'), [8, 20], 6);
    const r = await cli(['quantize', '--model', join(REAL, 'skl_mlp_zipmap.onnx'), '--calibration-data', data, '--out', join(dir, 'zipmap-out'), '--quiet']);
    assert.equal(r.code, 0, r.stderr);
  });
});
