// HardSigmoid and HardSwish between int8 neighbours (issue 11, glyphmobile): the ONNX Runtime
// flavour rewrites them into groups the real ONNX Runtime fuses into QLinearAdd and QLinearMul,
// leaves a HardSigmoid with α ≤ 0 in float, keeps the TensorRT flavour as it was, and loses no
// fidelity against keeping them in float.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MemoryLog } from '../../src/log.ts';
import { readModel } from '../../src/model/read.ts';
import { writeModel } from '../../src/model/write.ts';
import { readCalibrationFile } from '../../src/quantize/calibration-file.ts';
import { quantizeModel } from '../../src/quantize/quantize.ts';
import { randomFloatDataSet } from '../helpers/data.ts';
import { hardSwishCnn, seeded } from '../helpers/models.ts';
import { cosine, optimizedOpCounts, runFloat } from '../helpers/ort.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const modelPath = join(dir, 'hardswish.onnx');
writeModel(hardSwishCnn(), modelPath);
const settings = { method: 'minmax', percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: {}, threads: 1, seed: 0, randomIntRange: [0, 100], mode: 'static', placement: 'rules' } as const;
const request = (out: string) => ({
  model: readModel(modelPath),
  data: randomFloatDataSet('input', [3, 12, 12], 16, { seed: 5 }),
  settings: settings as never,
  cpu: { arch: 'x64', vnni: true, dotprod: false, features: ['avx2', 'avx512_vnni'] },
  outDir: join(dir, out),
  log: new MemoryLog(),
  sensitivitySamples: 0,
});

describe('HardSigmoid and HardSwish in int8 (ONNX Runtime flavour)', () => {
  it('are rewritten into groups ONNX Runtime fuses into QLinearAdd and QLinearMul', async () => {
    const outcome = await quantizeModel(request('rules'));
    const nodes = readModel(outcome.files.ort).proto.graph!.node;
    assert.deepEqual(
      nodes.filter((n) => n.opType === 'HardSwish' || n.opType === 'HardSigmoid').map((n) => n.name),
      ['/odd/HardSigmoid'],
      'only the HardSigmoid with α < 0 is left',
    );
    const counts = await optimizedOpCounts(outcome.files.ort, dir);
    assert.equal(counts['com.microsoft:QLinearConv'], 5);
    assert.equal(counts['com.microsoft:QLinearAdd'], 3, 'two HardSwish and the gate HardSigmoid');
    assert.equal(counts['com.microsoft:QLinearMul'], 3, 'two HardSwish and the gate Mul');
    assert.equal(counts['com.microsoft:QLinearGlobalAveragePool'], 1, 'the squeeze now reads int8');
    assert.equal(counts['HardSwish'], undefined);
    assert.equal(counts['HardSigmoid'], 1);
    // The gate's input is read only through the rescaled DequantizeLinear: no unread one is left
    // for ONNX Runtime to run (behind a Transpose), so the one left dequantizes the α < 0 input.
    const readers = new Set(nodes.flatMap((n) => n.input));
    assert.deepEqual(nodes.filter((n) => n.opType === 'DequantizeLinear' && !readers.has(n.output[0]!)).map((n) => n.name), []);
    assert.equal(counts['DequantizeLinear'], 1);
    // What the report counts as float between Q/DQ pairs: the α < 0 HardSigmoid, nothing else.
    assert.deepEqual(outcome.summary.floatAfterDequantize, { HardSigmoid: 1 });
  });

  it('keeps the TensorRT flavour as it was: TensorRT fuses HardSwish itself', async () => {
    const outcome = await quantizeModel(request('trt'));
    const nodes = readModel(outcome.files.trt!).proto.graph!.node;
    assert.equal(nodes.filter((n) => n.opType === 'HardSwish').length, 2);
    assert.equal(nodes.filter((n) => n.opType === 'HardSigmoid').length, 2);
  });

  it('tracks FP32 as closely as keeping them in float does', async () => {
    const rewritten = await quantizeModel(request('fidelity-rewritten'));
    // The same calibration with the three nodes kept in float, as a recorded placement replays it.
    const recorded = readCalibrationFile(rewritten.files.calibration);
    const kept = await quantizeModel({ ...request('fidelity-float'), reuse: { ...recorded, placement: { mode: 'auto' as const, reason: 'test', float: ['/stem/HardSwish', '/dw/HardSwish', '/se/HardSigmoid'] } } });
    assert.ok(readModel(kept.files.ort).proto.graph!.node.some((n) => n.opType === 'HardSwish'), 'the float-kept model has its HardSwish');
    const random = seeded(9);
    const feeds = { input: { data: Float32Array.from({ length: 32 * 3 * 12 * 12 }, () => random() * 4 - 2), dims: [32, 3, 12, 12] } };
    const fp32 = await runFloat(modelPath, feeds);
    const cosRewritten = cosine(await runFloat(rewritten.files.ort, feeds), fp32);
    const cosKept = cosine(await runFloat(kept.files.ort, feeds), fp32);
    assert.ok(cosKept > 0.99, `float-kept model cosine ${cosKept}`);
    assert.ok(cosRewritten >= cosKept - 0.002, `rewritten ${cosRewritten} vs kept in float ${cosKept}`);
  });
});
