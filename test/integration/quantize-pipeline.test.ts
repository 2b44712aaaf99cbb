// The quantize stage end to end on a small residual CNN built in code, with the real ONNX Runtime:
// both flavours load and run, the TensorRT one obeys TensorRT's rules and tracks FP32, the ONNX
// Runtime one is fused into int8 kernels, runs are byte-identical, --ranges reproduces them,
// exclusions and bad input behave.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Method } from '../../src/config/types.ts';
import { BadInputError } from '../../src/errors.ts';
import { MemoryLog } from '../../src/log.ts';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { readModel } from '../../src/model/read.ts';
import { makeTensor, typedView } from '../../src/model/tensor.ts';
import { writeModel } from '../../src/model/write.ts';
import { boundedOutputs } from '../../src/quantize/calibrate.ts';
import { readCalibrationFile } from '../../src/quantize/calibration-file.ts';
import { quantizeModel, type QuantizeRequest } from '../../src/quantize/quantize.ts';
import { validateTensorRtModel } from '../../src/quantize/validate-trt.ts';
import { randomFloatDataSet } from '../helpers/data.ts';
import { seeded, smallCnn } from '../helpers/models.ts';
import { argmaxRows, cosine, optimizedOpCounts, runFloat } from '../helpers/ort.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const modelPath = join(dir, 'cnn.onnx');
writeModel(smallCnn(), modelPath);
const avx2 = { arch: 'x64', vnni: false, dotprod: false, features: ['avx2'] };

function request(out: string, overrides: Partial<QuantizeRequest['settings']> = {}, extra: Partial<QuantizeRequest> = {}): QuantizeRequest {
  return {
    model: readModel(modelPath),
    data: randomFloatDataSet('input', [3, 16, 16], 24, { seed: 3 }),
    settings: { method: 'minmax', percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: {}, threads: 1, seed: 0, randomIntRange: [0, 100], mode: 'static', placement: 'rules', ...overrides },
    cpu: avx2,
    outDir: join(dir, out),
    log: new MemoryLog(),
    sensitivitySamples: 2,
    ...extra,
  };
}

const evalInput = { input: { data: Float32Array.from({ length: 16 * 3 * 16 * 16 }, (_, i) => Math.sin(i * 0.37) * 1.2), dims: [16, 3, 16, 16] } };

describe('quantize: a residual CNN', () => {
  for (const method of ['minmax', 'percentile', 'entropy'] as Method[]) {
    it(`${method}: writes both flavours from one calibration`, async () => {
      const outcome = await quantizeModel(request(method, { method }));
      const trt = readModel(outcome.files.trt!);
      assert.deepEqual(validateTensorRtModel(trt.proto, trt), []);
      for (const m of outcome.summary.models) {
        assert.deepEqual(m.quantized.Conv, [3, 3], `${m.flavour}: all Convs quantized`);
        assert.deepEqual(m.quantized.Gemm, [1, 1], `${m.flavour}: the Gemm quantized`);
      }
      const fp32 = await runFloat(modelPath, evalInput);
      const simulated = await runFloat(outcome.files.trt!, evalInput, 'disabled');
      const ort = await runFloat(outcome.files.ort, evalInput);
      assert.ok(cosine(fp32, simulated) >= 0.99, `TensorRT flavour cosine ${cosine(fp32, simulated)}`);
      assert.ok(cosine(fp32, ort) >= 0.99, `ONNX Runtime flavour cosine ${cosine(fp32, ort)}`);
      const agree = argmaxRows(fp32, 10).filter((c, i) => c === argmaxRows(simulated, 10)[i]).length;
      assert.ok(agree >= 14, `top-1 agreement ${agree}/16`);
      const calibration = readCalibrationFile(outcome.files.calibration);
      assert.equal(calibration.method, method);
      assert.equal(calibration.samples, 24);
      assert.ok(Object.keys(calibration.tensors).length > 0);
      assert.match(readFileSync(outcome.files.cache, 'utf8'), /^TRT-\d+-EntropyCalibration2\n/);
    });
  }

  it('the ONNX Runtime flavour is fused into int8 kernels, Relu folded away', async () => {
    const outcome = await quantizeModel(request('fused'));
    const ops = await optimizedOpCounts(outcome.files.ort, dir);
    // The mean after a Relu stays a GlobalAveragePool: ONNX Runtime keeps it channels-last itself (ort-kernels.ts).
    assert.equal(ops['com.microsoft:QLinearConv'], 3, JSON.stringify(ops));
    assert.equal(ops['com.microsoft:QLinearGlobalAveragePool'], 1, JSON.stringify(ops));
    assert.equal(ops['com.microsoft:QLinearAdd'], 1, JSON.stringify(ops));
    assert.equal(ops.Conv, undefined, 'no float Conv left');
    assert.equal(ops.Relu, undefined, 'Relu folded into the uint8 ranges');
    // 7-bit weights on a CPU without VNNI: every weight within ±64.
    const ort = readModel(outcome.files.ort);
    for (const t of ort.proto.graph!.initializer.filter((t) => t.dataType === DataType.INT8 && t.dims.length === 4)) {
      const values = typedView(DataType.INT8, ort.tensorBytes(t)) as Int8Array;
      assert.ok(values.every((v) => v >= -64 && v <= 64), `${t.name} has 8-bit values`);
    }
  });

  it('is deterministic: the same inputs give byte-identical models and calibration.json', async () => {
    const a = await quantizeModel(request('det-a', { method: 'entropy' }));
    const b = await quantizeModel(request('det-b', { method: 'entropy' }));
    for (const key of ['trt', 'ort', 'calibration', 'cache', 'trtFp16', 'fp16'] as const) {
      assert.ok(readFileSync(a.files[key]!).equals(readFileSync(b.files[key]!)), `${key} differs between runs`);
    }
  });

  it('--ranges writes the same models again without calibrating', async () => {
    const first = await quantizeModel(request('ranges-a', { method: 'percentile' }));
    const reuse = readCalibrationFile(first.files.calibration);
    const again = await quantizeModel(request('ranges-b', { method: 'percentile' }, { reuse }));
    assert.equal(again.summary.calibrationMs, null);
    assert.equal(again.summary.reusedRanges, true);
    assert.ok(readFileSync(first.files.trt!).equals(readFileSync(again.files.trt!)));
    assert.ok(readFileSync(first.files.ort).equals(readFileSync(again.files.ort)));
  });

  it('keeps excluded nodes in float and lists them', async () => {
    const outcome = await quantizeModel(request('exclude', { exclude: ['/conv2/Conv', 'op:Gemm'] }));
    for (const m of outcome.summary.models) {
      assert.deepEqual(m.quantized.Conv, [2, 3]);
      assert.deepEqual(m.quantized.Gemm, [0, 1]);
    }
    assert.deepEqual(outcome.summary.keptFloat.map((k) => k.node).sort(), ['/conv2/Conv', '/fc/Gemm']);
    const trt = readModel(outcome.files.trt!).proto.graph!;
    const conv2 = trt.node.find((n) => n.name === '/conv2/Conv')!;
    assert.ok(!conv2.input.some((i) => i.endsWith('_dequantized')), `excluded Conv reads ${conv2.input.join(', ')}`);
  });

  it('reports the most sensitive layers with the flag that keeps them in float', async () => {
    const outcome = await quantizeModel(request('sensitivity'));
    assert.ok(outcome.summary.mostSensitive.length > 0);
    const worst = outcome.summary.mostSensitive[0]!;
    assert.equal(worst.exclude, `--exclude ${worst.node}`);
    const all = outcome.sensitivity!;
    assert.equal(all.length, 4, 'three Convs and the Gemm');
    assert.ok(all.every((s) => s.cumulativeSqnrDb !== null && s.localSqnrDb > 10), JSON.stringify(all));
    assert.ok(outcome.summary.sensitivityMs! > 0);
  });
});

describe('quantize: bad input', () => {
  it('an exclusion pattern that matches nothing', async () => {
    await assert.rejects(quantizeModel(request('bad1', { exclude: ['/conv9/Conv'] })), (e: unknown) => e instanceof BadInputError && /matches no node/.test(e.message));
  });

  it('an exclusion of a node that preparation folds away', async () => {
    await assert.rejects(
      quantizeModel(request('bad2', { exclude: ['/bn1/BatchNormalization'] })),
      (e: unknown) => e instanceof BadInputError && /folds away/.test(e.message) && /Conv or Gemm/.test(e.fix),
    );
  });

  it('a model with nothing to quantize', async () => {
    const path = join(dir, 'relu.onnx');
    writeModel(
      model(graph({ nodes: [node('Relu', ['input'], ['y'])], inputs: [valueInfo('input', DataType.FLOAT, ['batch', 3, 16, 16])], outputs: [valueInfo('y', DataType.FLOAT, ['batch', 3, 16, 16])] })),
      path,
    );
    await assert.rejects(
      quantizeModel({ ...request('bad3'), model: readModel(path) }),
      (e: unknown) => e instanceof BadInputError && /nothing to quantize/.test(e.message),
    );
  });

  it('everything excluded', async () => {
    await assert.rejects(quantizeModel(request('bad4', { exclude: ['op:Conv', 'op:Gemm'] })), (e: unknown) => e instanceof BadInputError && /exclude fewer nodes/.test(e.fix));
  });

  it('an empty calibration set', async () => {
    await assert.rejects(
      quantizeModel({ ...request('bad5'), data: randomFloatDataSet('input', [3, 16, 16], 0) }),
      (e: unknown) => e instanceof BadInputError && /no samples/.test(e.message),
    );
  });

  it('ranges from another model', async () => {
    const reuse = readCalibrationFile((await quantizeModel(request('other'))).files.calibration);
    reuse.tensors = {};
    await assert.rejects(quantizeModel(request('bad6', {}, { reuse })), (e: unknown) => e instanceof BadInputError && /made for another model/.test(e.message));
  });
});

describe('quantize: outputs an op bounds', () => {
  // Attention in miniature: scores = x·W, p = Softmax(scores), out = p·x. Both MatMuls are
  // quantized, so the Softmax output is calibrated; its largest probabilities are the ones that
  // matter, and a clipping method must not cut them.
  const attention = join(dir, 'attention.onnx');
  const random = seeded(21);
  writeModel(
    model(
      graph({
        nodes: [
          node('MatMul', ['x', 'w'], ['scores'], { name: '/att/scores/MatMul' }),
          node('Softmax', ['scores'], ['p'], { name: '/att/Softmax', attributes: { axis: -1 } }),
          node('MatMul', ['p', 'x'], ['out'], { name: '/att/out/MatMul' }),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, ['batch', 16, 16])],
        outputs: [valueInfo('out', DataType.FLOAT, ['batch', 16, 16])],
        initializers: [makeTensor('w', DataType.FLOAT, [16, 16], Float32Array.from({ length: 256 }, () => (random() - 0.5) * 2))],
      }),
    ),
    attention,
  );
  const data = () => randomFloatDataSet('x', [16, 16], 32, { seed: 5, scale: 2 });

  for (const method of ['percentile', 'entropy'] as Method[]) {
    it(`${method} keeps the Softmax output's whole observed range, and clips the scores`, async () => {
      const outcome = await quantizeModel({ ...request(`attention-${method}`, { method, percentile: 99 }), model: readModel(attention), data: data() });
      const tensors = readCalibrationFile(outcome.files.calibration).tensors;
      const p = tensors['p']!;
      assert.ok(p.max > 0.5, `the probabilities are peaked (max ${p.max})`);
      assert.equal(p.threshold, p.max, 'a Softmax output is never clipped');
      const x = tensors['x']!;
      assert.ok(x.threshold < Math.max(-x.min, x.max), `the unbounded input is still clipped (${x.threshold} of ${Math.max(-x.min, x.max)})`);
    });
  }

  it('boundedOutputs: Softmax, Sigmoid, HardSigmoid, Tanh, and Clip only with both bounds', () => {
    const g = graph({
      nodes: [
        node('Softmax', ['a'], ['s']),
        node('Sigmoid', ['a'], ['g']),
        node('HardSigmoid', ['a'], ['h']),
        node('Tanh', ['a'], ['t']),
        node('Clip', ['a', 'lo', 'hi'], ['relu6']),
        node('Clip', ['a', 'lo'], ['floor']),
        node('Clip', ['a', '', 'hi'], ['ceiling']),
        node('Relu', ['a'], ['r']),
      ],
      inputs: [valueInfo('a', DataType.FLOAT, [4])],
      outputs: [],
    });
    assert.deepEqual([...boundedOutputs(model(g))].sort(), ['g', 'h', 'relu6', 's', 't']);
  });
});

