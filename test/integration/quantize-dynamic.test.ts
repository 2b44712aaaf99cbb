// --mode dynamic on a small transformer with the real ONNX Runtime: the ONNX Runtime flavour gets
// DynamicQuantizeLinear + MatMulInteger (which ONNX Runtime fuses into its dynamic int8 kernels),
// needs no calibration data, tracks FP32; the TensorRT flavour is skipped with the reason without
// calibration data and written with it; `quantgate run` scores and gates without calibration data.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeNpy, randomDataSet } from '../../src/data/index.ts';
import { MemoryLog } from '../../src/log.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { readModel } from '../../src/model/read.ts';
import { modelSignature } from '../../src/model/signature.ts';
import { writeModel } from '../../src/model/write.ts';
import { quantizeModel } from '../../src/quantize/quantize.ts';
import { validateTensorRtModel } from '../../src/quantize/validate-trt.ts';
import { resultsSchema } from '../../src/results/schema.ts';
import { cli } from '../helpers/cli.ts';
import { randomFloatDataSet } from '../helpers/data.ts';
import { seeded, smallTransformer } from '../helpers/models.ts';
import { cosine, optimizedOpCounts, runFloat } from '../helpers/ort.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const modelPath = join(dir, 'transformer.onnx');
writeModel(smallTransformer(), modelPath);
const settings = { method: 'minmax', percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: {}, threads: 1, seed: 0, randomIntRange: [0, 100], mode: 'dynamic' } as const;
const cpu = { arch: 'x64', vnni: false, dotprod: false, features: ['avx2'] };
const x = { image: { data: Float32Array.from({ length: 8 * 256 }, (_, i) => Math.sin(i * 0.37) * 1.3), dims: [8, 1, 16, 16] } };

describe('dynamic INT8', () => {
  it('without calibration data: MatMulInteger + DynamicQuantizeLinear that ONNX Runtime runs; no TensorRT flavour, with the reason', async () => {
    const model = readModel(modelPath);
    const data = randomDataSet(modelSignature(model.proto).inputs, { count: 4, seed: 0, inputShapes: {}, intRange: [0, 100] });
    const outcome = await quantizeModel({ model, data, settings: settings as never, cpu, outDir: join(dir, 'random'), log: new MemoryLog(), sensitivitySamples: 2 });
    assert.equal(outcome.files.trt, null);
    assert.match(outcome.trtSkipped!, /^dynamic mode without calibration data: TensorRT needs calibrated activation ranges/);
    assert.deepEqual(outcome.float16.skipped.map((s) => s.flavour), ['int8.trt.fp16']);
    assert.equal(outcome.summary.mode, 'dynamic');
    assert.equal(outcome.summary.randomData, false, 'no ranges came from the random samples');
    assert.deepEqual(outcome.summary.models.map((m) => m.flavour), ['ort']);
    // The 6 MatMuls with constant weights and the Gemm head; the two activation×activation MatMuls and the Conv stay float.
    assert.deepEqual(outcome.summary.models[0]!.quantized.MatMul, [6, 8]);
    assert.deepEqual(outcome.summary.models[0]!.quantized.Gemm, [1, 1]);
    assert.ok(outcome.summary.keptFloat.some((k) => k.opType === 'Conv' && /dynamic mode/.test(k.reason)));

    const written = readModel(outcome.files.ort).proto.graph!.node;
    assert.equal(written.filter((n) => n.opType === 'MatMulInteger').length, 7);
    // One per distinct activation: Q, K and V share the LayerNorm's output.
    assert.equal(written.filter((n) => n.opType === 'DynamicQuantizeLinear').length, 5);
    assert.equal(written.filter((n) => n.opType === 'QuantizeLinear').length, 0);
    const counts = await optimizedOpCounts(outcome.files.ort, dir);
    const fused = (counts['com.microsoft:DynamicQuantizeMatMul'] ?? 0) + (counts['com.microsoft:MatMulIntegerToFloat'] ?? 0);
    assert.equal(fused, 7, `ONNX Runtime fused every MatMulInteger group: ${JSON.stringify(counts)}`);
    const similarity = cosine(await runFloat(modelPath, x), await runFloat(outcome.files.ort, x));
    assert.ok(similarity >= 0.99, `cosine ${similarity}`);
  });

  it('with calibration data the TensorRT flavour is still written from calibrated ranges', async () => {
    const outcome = await quantizeModel({
      model: readModel(modelPath),
      data: randomFloatDataSet('image', [1, 16, 16], 8, { seed: 5 }),
      settings: settings as never,
      cpu,
      outDir: join(dir, 'calibrated'),
      log: new MemoryLog(),
      sensitivitySamples: 0,
    });
    assert.equal(outcome.trtSkipped, null);
    const trt = readModel(outcome.files.trt!);
    assert.deepEqual(validateTensorRtModel(trt.proto, trt), []);
    assert.ok(trt.proto.graph!.node.some((n) => n.opType === 'QuantizeLinear'));
    assert.ok(readModel(outcome.files.ort).proto.graph!.node.some((n) => n.opType === 'DynamicQuantizeLinear'));
  });

  it('quantgate run --mode dynamic scores and gates without calibration data; the simulated TensorRT row says why it is skipped', async () => {
    const random = seeded(4);
    mkdirSync(join(dir, 'eval'));
    writeFileSync(join(dir, 'eval', 'eval.npy'), encodeNpy({ dataType: DataType.FLOAT, dims: [24, 1, 16, 16], data: Float32Array.from({ length: 24 * 256 }, () => random() * 2 - 1) }));
    const out = join(dir, 'run');
    const r = await cli(['run', '--model', modelPath, '--mode', 'dynamic', '--eval-data', join(dir, 'eval'), '--out', out, '--batch-sizes', '1', '--max-disagreement', '50', '--warmup-ms', '10', '--min-iterations', '3', '--min-time-ms', '30', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const res = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    const int8 = res.runs.find((row) => row.runtime === 'onnxruntime' && row.provider === 'cpu' && row.model === 'int8.ort')!;
    assert.equal(int8.status, 'ok', int8.reason ?? '');
    assert.ok(int8.accuracy !== null && int8.accuracy !== undefined, 'the dynamic model was scored');
    const reference = res.runs.find((row) => row.provider === 'reference')!;
    assert.equal(reference.status, 'skipped');
    assert.match(reference.reason!, /dynamic mode without calibration data/);
    assert.equal(res.quantization!.mode, 'dynamic');
    assert.equal(res.verdict.gated, true, 'the disagreement gate was applied');
    assert.ok(res.verdict.reasons.some((line) => /disagree/i.test(line)), res.verdict.reasons.join('; '));
  });
});
