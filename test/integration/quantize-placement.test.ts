// Placement on a CNN with elementwise chains between convolutions (issue 11): the ONNX Runtime
// flavour puts no Q/DQ around ops that run in float, and the real ONNX Runtime fuses every group
// it does place into an int8 kernel.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { NodeProto } from 'onnx-buf';
import { MemoryLog } from '../../src/log.ts';
import { readModel } from '../../src/model/read.ts';
import { writeModel } from '../../src/model/write.ts';
import { readCalibrationFile } from '../../src/quantize/calibration-file.ts';
import { placementRule } from '../../src/quantize/placement/registry.ts';
import { quantizeModel } from '../../src/quantize/quantize.ts';
import { validateTensorRtModel } from '../../src/quantize/validate-trt.ts';
import { randomFloatDataSet } from '../helpers/data.ts';
import { elementwiseCnn } from '../helpers/models.ts';
import { optimizedOpCounts } from '../helpers/ort.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const modelPath = join(dir, 'elementwise.onnx');
writeModel(elementwiseCnn(), modelPath);
const settings = { method: 'minmax', percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: {}, threads: 1, seed: 0, randomIntRange: [0, 100], mode: 'static', placement: 'rules' } as const;

function baseRequest(out: string) {
  return {
    model: readModel(modelPath),
    data: randomFloatDataSet('input', [3, 16, 16], 8, { seed: 3 }),
    settings: settings as never,
    cpu: { arch: 'x64', vnni: false, dotprod: false, features: ['avx2'] },
    outDir: join(dir, out),
    log: new MemoryLog(),
    sensitivitySamples: 0,
  };
}

async function quantize(out: string) {
  return quantizeModel(baseRequest(out));
}

/** QuantizeLinear nodes reading the output of a node that runs in float, whose DQ feeds something other than an int8 input. */
function needlessQuantize(nodes: readonly NodeProto[], flavour: 'ort' | 'trt'): string[] {
  const producer = new Map(nodes.flatMap((n) => n.output.map((o) => [o, n] as const)));
  const readers = (t: string) => nodes.filter((n) => n.input.includes(t));
  const out: string[] = [];
  for (const q of nodes.filter((n) => n.opType === 'QuantizeLinear')) {
    const p = producer.get(q.input[0]!);
    if (!p || placementRule(flavour, p.opType)) continue;
    const dqReaders = readers(q.output[0]!).flatMap((dq) => readers(dq.output[0]!));
    // TensorRT's residual Add reads a quantized input by its rule; nothing else may.
    if (dqReaders.some((r) => !['weighted', 'residual-add'].includes(placementRule(flavour, r.opType)?.role ?? ''))) out.push(`${p.opType} ${p.name}`);
  }
  return out;
}

describe('placement: elementwise chains between convolutions', () => {
  it('ONNX Runtime flavour: no Q/DQ around float-only ops; every placed group fuses', async () => {
    const outcome = await quantize('rules');
    const ort = readModel(outcome.files.ort).proto.graph!.node;
    assert.deepEqual(needlessQuantize(ort, 'ort'), []);
    // The HardSwish Mul reads a float-only op's output: it stays float, with no Q/DQ of its own.
    const swishMul = ort.find((n) => n.name === '/act1/Mul')!;
    const producers = new Map(ort.flatMap((n) => n.output.map((o) => [o, n.opType] as const)));
    assert.equal(producers.get(swishMul.input[1]!), 'HardSigmoid');
    assert.ok(!ort.some((n) => n.opType === 'QuantizeLinear' && n.input[0] === swishMul.output[0]), 'no Q on the float Mul');
    for (const name of ['/scale/Div', '/act1/HardSigmoid']) {
      const n = ort.find((x) => x.name === name)!;
      assert.ok(!ort.some((x) => x.opType === 'QuantizeLinear' && x.input[0] === n.output[0]), `${name}: no Q on its output`);
    }
    const counts = await optimizedOpCounts(outcome.files.ort, dir);
    // Four convolutions, and the final GlobalAveragePool written as a depthwise one (ort-kernels.ts).
    assert.equal(counts['com.microsoft:QLinearConv'], 5);
    assert.equal(counts['com.microsoft:QLinearGlobalAveragePool'], undefined);
    assert.equal(counts['com.microsoft:QLinearAdd'], 1, 'the residual Add of two int8 tensors');
    assert.equal(counts['com.microsoft:QLinearSigmoid'], 1);
    assert.equal(counts['com.microsoft:QLinearMul'], 1, 'the gate Mul; the HardSwish Mul stays float');
    assert.equal(counts['Mul'], 1);
    // Q only on the model input and on the input of conv2 (after the float chain).
    assert.equal(counts['QuantizeLinear'], 2);
  });

  it('TensorRT flavour: weighted inputs and the residual Add only, obeying TensorRT rules', async () => {
    const outcome = await quantize('trt');
    const trt = readModel(outcome.files.trt!);
    assert.deepEqual(validateTensorRtModel(trt.proto, trt), []);
    assert.deepEqual(needlessQuantize(trt.proto.graph!.node, 'trt'), []);
    const quantizedTensors = trt.proto.graph!.node.filter((n) => n.opType === 'QuantizeLinear').map((n) => n.input[0]).sort();
    // conv1..4 and Gemm inputs, and the residual (r2 is conv3's input already).
    assert.deepEqual(quantizedTensors, ['f', 'input', 'r2', 'shifted', 'sum']);
  });
});

describe('placement auto: recorded and replayed', () => {
  it('auto times the optional regions, records its choice, and --ranges replays it byte for byte', async () => {
    const first = await quantizeModel({ ...baseRequest('auto-1'), settings: { ...settings, placement: 'auto' } as never });
    const recorded = readCalibrationFile(first.files.calibration);
    assert.equal(recorded.placement?.mode, 'auto');
    assert.equal(recorded.placement?.reason, 'asked for');
    const replay = await quantizeModel({ ...baseRequest('auto-2'), settings: { ...settings, placement: 'auto' } as never, reuse: recorded });
    assert.deepEqual(readFileSync(replay.files.ort), readFileSync(first.files.ort));
    assert.deepEqual(readFileSync(replay.files.trt!), readFileSync(first.files.trt!));
    assert.equal(readFileSync(replay.files.calibration, 'utf8'), readFileSync(first.files.calibration, 'utf8'));
  });

  it('a recorded choice is what --ranges writes, whatever this CPU would time', async () => {
    const base = await quantize('replay-base');
    const file = readCalibrationFile(base.files.calibration);
    assert.equal(file.placement?.mode, 'rules');
    const forced = { ...file, placement: { mode: 'auto' as const, reason: 'recorded elsewhere', float: ['/gate/Sigmoid', '/gate/Mul', '/gap/GlobalAveragePool', '/flatten/Flatten'] } };
    const replay = await quantizeModel({ ...baseRequest('replay-forced'), reuse: forced });
    const counts = await optimizedOpCounts(replay.files.ort, dir);
    assert.equal(counts['com.microsoft:QLinearSigmoid'], undefined, 'the recorded float region stays float');
    assert.equal(counts['com.microsoft:QLinearGlobalAveragePool'], undefined);
    assert.equal(counts['com.microsoft:QLinearConv'], 4, 'weighted nodes stay int8');
    assert.deepEqual(readCalibrationFile(replay.files.calibration).placement, forced.placement);
  });
});
