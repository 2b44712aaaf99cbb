// Fewer nodes in the ONNX Runtime flavour of an attention block (issue 11, glyphformer at batch 1):
// Shape nodes read the integers, the attention scale goes into a DequantizeLinear's scale, and the
// fused QKV projection gets one QuantizeLinear before the Gathers that split it. Checked through
// the real ONNX Runtime: the nodes its optimizer leaves, and outputs against the model written
// without the trims.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ModelProto, NodeProto } from 'onnx-buf';
import { MemoryLog } from '../../src/log.ts';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { makeTensor, toFloat32 } from '../../src/model/tensor.ts';
import { readModel } from '../../src/model/read.ts';
import { writeModel } from '../../src/model/write.ts';
import { readCalibrationFile } from '../../src/quantize/calibration-file.ts';
import { quantizeModel } from '../../src/quantize/quantize.ts';
import { randomFloatDataSet } from '../helpers/data.ts';
import { fusedQkvAttention, seeded } from '../helpers/models.ts';
import { optimizedOpCounts, runFloat } from '../helpers/ort.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const settings = { method: 'minmax', percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: {}, threads: 1, seed: 0, randomIntRange: [0, 100], mode: 'static', placement: 'rules' } as const;

async function quantize(proto: ModelProto, out: string, options: { fitOrtKernels?: boolean; reuse?: ReturnType<typeof readCalibrationFile> } = {}) {
  const modelPath = join(dir, `${out}.onnx`);
  writeModel(proto, modelPath);
  const log = new MemoryLog();
  const outcome = await quantizeModel({
    model: readModel(modelPath),
    data: randomFloatDataSet('x', [16, 32], 16, { seed: 5 }),
    settings: settings as never,
    cpu: { arch: 'x64', vnni: true, dotprod: false, features: ['avx2', 'avx512_vnni'] },
    outDir: join(dir, out),
    log,
    sensitivitySamples: 0,
    ...(options.fitOrtKernels === false ? { fitOrtKernels: false } : {}),
    ...(options.reuse ? { reuse: options.reuse } : {}),
  });
  const ort = readModel(outcome.files.ort);
  return { outcome, log, ort, nodes: ort.proto.graph!.node, trtNodes: readModel(outcome.files.trt!).proto.graph!.node };
}

const producerOf = (nodes: readonly NodeProto[], tensor: string) => nodes.find((n) => n.output.includes(tensor));
const random = seeded(11);
const feeds = { x: { data: Float32Array.from({ length: 8 * 16 * 32 }, () => random() * 4 - 2), dims: [8, 16, 32] } };

describe('ONNX Runtime flavour: trims of an attention block', () => {
  it('Shape nodes read the integers and the attention scale moves into a DequantizeLinear: fewer nodes run, the same outputs to float rounding', async () => {
    const trimmed = await quantize(fusedQkvAttention(), 'trimmed');
    const plain = await quantize(fusedQkvAttention(), 'plain', { fitOrtKernels: false });

    for (const shape of trimmed.nodes.filter((n) => n.opType === 'Shape')) {
      assert.equal(producerOf(trimmed.nodes, shape.input[0]!)?.opType, 'QuantizeLinear', `${shape.name} reads the integers`);
    }
    assert.ok(
      plain.nodes.filter((n) => n.opType === 'Shape').every((s) => producerOf(plain.nodes, s.input[0]!)?.opType === 'DequantizeLinear'),
      'without the trims each Shape reads a DequantizeLinear',
    );
    assert.equal(trimmed.nodes.find((n) => n.name === '/att/Mul'), undefined, 'the scale Mul is gone');
    const scores = trimmed.nodes.find((n) => n.name === '/att/MatMul')!;
    assert.deepEqual(scores.output, ['scaled'], 'Q·Kᵀ writes what the Mul wrote');
    // Its first input's scale is the query's scale times 1/√16.
    const scale = (model: typeof trimmed.ort, tensor: string) => toFloat32(DataType.FLOAT, model.tensorBytes(model.proto.graph!.initializer.find((t) => t.name === producerOf(model.proto.graph!.node, tensor)!.input[1])!))[0]!;
    const plainScores = plain.nodes.find((n) => n.name === '/att/MatMul')!;
    assert.ok(Math.abs(scale(trimmed.ort, scores.input[0]!) - scale(plain.ort, plainScores.input[0]!) / 4) < 1e-12);
    assert.match(trimmed.log.lines.map((l) => l.message).join('\n'), /ONNX Runtime nodes trimmed: 2 Shape node\(s\) read the integers, not a DequantizeLinear; \/att\/Mul folded into the scale of an int8 MatMul's input/);

    // What ONNX Runtime runs: no Mul, no DequantizeLinear, at most one Shape (the two merged, or
    // folded into the Reshapes), fewer nodes.
    const trimmedOps = await optimizedOpCounts(trimmed.outcome.files.ort, dir);
    const plainOps = await optimizedOpCounts(plain.outcome.files.ort, dir);
    assert.equal(trimmedOps['Mul'], undefined);
    assert.equal(trimmedOps['DequantizeLinear'], undefined);
    assert.ok((trimmedOps['Shape'] ?? 0) <= 1, JSON.stringify(trimmedOps));
    // Without the trims ONNX Runtime 1.30 runs the Mul, and a DequantizeLinear → QuantizeLinear
    // pair it left behind the QKV Transpose.
    assert.equal(plainOps['Mul'], 1, `plain: ${JSON.stringify(plainOps)}`);
    assert.ok((plainOps['DequantizeLinear'] ?? 0) >= 1, `plain: ${JSON.stringify(plainOps)}`);
    assert.ok(trimmedOps['QuantizeLinear']! < plainOps['QuantizeLinear']!, `trimmed: ${JSON.stringify(trimmedOps)}`);
    const total = (ops: Record<string, number>) => Object.values(ops).reduce((a, b) => a + b, 0);
    // (ONNX Runtime then turns the three uint8 Gathers into a Split and three Squeezes.)
    assert.ok(total(trimmedOps) < total(plainOps), `trimmed ${total(trimmedOps)} nodes, plain ${total(plainOps)}`);

    const a = await runFloat(trimmed.outcome.files.ort, feeds);
    const b = await runFloat(plain.outcome.files.ort, feeds);
    const largest = Math.max(...b.map(Math.abs));
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-5 * largest, `output ${i}: ${a[i]} against ${b[i]}`);

    // TensorRT folds shapes and scales itself: its flavour keeps both.
    assert.ok(trimmed.trtNodes.some((n) => n.name === '/att/Mul'));
  });

  it('a negative scale is not folded: a DequantizeLinear scale must stay positive', async () => {
    const negative = await quantize(fusedQkvAttention({ scale: -0.25 }), 'negative');
    assert.ok(negative.nodes.some((n) => n.name === '/att/Mul'), 'a DequantizeLinear scale must stay positive');
    assert.doesNotMatch(negative.log.lines.map((l) => l.message).join('\n'), /folded into the scale/);
  });

  it('the QKV projection\'s bias Add runs as QLinearAdd, its bias in uint8, the MatMul before it as QLinearMatMul', async () => {
    const { nodes, ort, outcome } = await quantize(fusedQkvAttention(), 'bias-add');
    const add = nodes.find((n) => n.name === '/att/qkv/Add')!;
    const [bias, product] = add.input.map((t) => producerOf(nodes, t)!);
    assert.equal(bias?.opType, 'DequantizeLinear');
    const integers = ort.proto.graph!.initializer.find((t) => t.name === bias!.input[0])!;
    assert.equal(integers.dataType, DataType.UINT8, 'the bias constant is uint8');
    assert.deepEqual(integers.dims.map(Number), [96]);
    // The bias comes back within half a step of its float values.
    const step = toFloat32(DataType.FLOAT, ort.tensorBytes(ort.proto.graph!.initializer.find((t) => t.name === bias!.input[1])!))[0]!;
    const zero = ort.tensorBytes(ort.proto.graph!.initializer.find((t) => t.name === bias!.input[2])!)[0]!;
    const source = readModel(join(dir, 'bias-add.onnx'));
    const original = toFloat32(DataType.FLOAT, source.tensorBytes(source.proto.graph!.initializer.find((t) => t.name === 'qkv.bias')!));
    const back = Array.from(ort.tensorBytes(integers), (q) => (q - zero) * step);
    original.forEach((v, i) => assert.ok(Math.abs(v - back[i]!) <= step / 2 + 1e-7, `bias ${i}: ${v} back as ${back[i]}`));
    assert.equal(producerOf(nodes, product!.input[0]!)?.opType, 'QuantizeLinear', 'the MatMul output is quantized for the Add');
    const ops = await optimizedOpCounts(outcome.files.ort, dir);
    assert.equal(ops['com.microsoft:QLinearAdd'], 1, JSON.stringify(ops));
    assert.equal(ops['QLinearMatMul'], 2, JSON.stringify(ops));
    assert.equal(ops['Add'], 1, 'only the residual Add runs in float');
    assert.equal(ops['DequantizeLinear'], undefined, JSON.stringify(ops));
  });

  it('a bias Add before a Relu (an MLP layer) stays in float: the MatMul output Q would be coarser than the Add\'s after the fold', async () => {
    const random = seeded(3);
    const weight = (name: string, dims: number[]) => makeTensor(name, DataType.FLOAT, dims, Float32Array.from({ length: dims[0]! * (dims[1] ?? 1) }, () => random() - 0.5));
    const n = node;
    const mlp = model(
      graph({
        name: 'mlp',
        nodes: [
          n('MatMul', ['x', 'w1'], ['m1'], { name: '/fc1/MatMul' }),
          n('Add', ['m1', 'b1'], ['a1'], { name: '/fc1/Add' }),
          n('Relu', ['a1'], ['r1'], { name: '/fc1/Relu' }),
          n('MatMul', ['r1', 'w2'], ['logits'], { name: '/fc2/MatMul' }),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, ['batch', 16, 32])],
        outputs: [valueInfo('logits', DataType.FLOAT, ['batch', 16, 8])],
        initializers: [weight('w1', [32, 32]), weight('b1', [32]), weight('w2', [32, 8])],
      }),
      { irVersion: 8, opsets: { '': 17 } },
    );
    const { nodes } = await quantize(mlp, 'mlp');
    const add = nodes.find((x) => x.name === '/fc1/Add')!;
    assert.ok(add.input.includes('b1'), 'the bias stays a float constant');
    assert.ok(!nodes.some((x) => x.opType === 'QuantizeLinear' && x.input[0] === 'm1'), 'the MatMul output is not quantized');
  });

  it('a projection output from a float op gets one QuantizeLinear before the Gathers that split it; they move its integers', async () => {
    const { nodes, ort, outcome } = await quantize(fusedQkvAttention({ bias: 'sub' }), 'hoisted');
    const quantizers = nodes.filter((n) => n.opType === 'QuantizeLinear');
    const projection = quantizers.filter((n) => n.input[0] === 'qkv');
    assert.equal(projection.length, 1, 'the projection output is quantized');
    const value = (name: string) => toFloat32(DataType.FLOAT, ort.tensorBytes(ort.proto.graph!.initializer.find((t) => t.name === name)!))[0];
    // Reshape, Transpose and the Gathers read and write uint8 (no Q/DQ pair around them); the
    // DequantizeLinear in front of each attention MatMul reads what they wrote, at the
    // projection's scale (times 1/√16 for the query, whose MatMul took the attention scale).
    for (const name of ['/att/Reshape', '/att/Transpose', '/att/Gather_q', '/att/Gather_k', '/att/Gather_v', '/att/Transpose_k']) {
      const node = nodes.find((n) => n.name === name)!;
      const from = producerOf(nodes, node.input[0]!);
      assert.ok(from && from.opType !== 'DequantizeLinear', `${name} reads integers, not a DequantizeLinear (${from?.opType})`);
    }
    const scores = nodes.find((n) => n.name === '/att/MatMul')!;
    const context = nodes.find((n) => n.name === '/att/MatMul_1')!;
    const [queryDq, keyDq, valueDq] = [scores.input[0]!, scores.input[1]!, context.input[1]!].map((t) => producerOf(nodes, t)!) as [NodeProto, NodeProto, NodeProto];
    assert.deepEqual([queryDq, keyDq, valueDq].map((dq) => producerOf(nodes, dq.input[0]!)?.name), ['/att/Gather_q', '/att/Transpose_k', '/att/Gather_v']);
    const projectionScale = value(projection[0]!.input[1]!)!;
    assert.equal(value(keyDq.input[1]!), projectionScale);
    assert.equal(value(valueDq.input[1]!), projectionScale);
    assert.ok(Math.abs(value(queryDq.input[1]!)! - projectionScale / 4) < 1e-12);
    // What ONNX Runtime runs: four QuantizeLinear (LayerNorm output, projection, Softmax, pooled
    // mean), where a Q per Q, K and V would make six, and no DequantizeLinear.
    const ops = await optimizedOpCounts(outcome.files.ort, dir);
    assert.equal(ops['QuantizeLinear'], 4, JSON.stringify(ops));
    assert.equal(ops['DequantizeLinear'], undefined, JSON.stringify(ops));
    assert.deepEqual(outcome.summary.models.find((m) => m.flavour === 'ort')!.quantized['MatMul'], [4, 4]);
    // A Reshape's computed shape is int64, not a float input: nothing counts as left in float.
    assert.deepEqual(outcome.summary.floatAfterDequantize, {});
  });

  it('a chain one float reader leaves is not hoisted past it: Q, K and V keep their own ranges', async () => {
    const { nodes } = await quantize(fusedQkvAttention({ bias: 'sub', leakFloat: true }), 'leak');
    const quantized = (tensor: string) => nodes.filter((n) => n.opType === 'QuantizeLinear' && n.input[0] === tensor);
    assert.equal(quantized('qkv').length, 0);
    assert.equal(quantized('split').length, 0);
    assert.equal(nodes.find((n) => n.name === '/leak/ReduceMean')!.input[0], 'split', 'the float reader reads float values');
    // K's Q goes above its Transpose, which keeps every value: the same parameters, uint8 moved.
    for (const tensor of ['q', 'k', 'v']) assert.equal(quantized(tensor).length, 1, `${tensor} is quantized for its MatMul`);
    assert.equal(producerOf(nodes, nodes.find((n) => n.name === '/att/Transpose_k')!.input[0]!)?.opType, 'QuantizeLinear');
  });

  it('a replayed placement that keeps the hoisted chain in float still has every range it needs', async () => {
    const first = await quantize(fusedQkvAttention(), 'replay-source');
    const file = readCalibrationFile(first.outcome.files.calibration);
    // The Reshape in float: the Q moves below it, onto a tensor the rules plan gave shared parameters.
    const forced = { ...file, placement: { mode: 'auto' as const, reason: 'recorded elsewhere', float: ['/att/Reshape'] } };
    const replay = await quantize(fusedQkvAttention(), 'replay', { reuse: forced });
    const quantized = (tensor: string) => replay.nodes.filter((n) => n.opType === 'QuantizeLinear' && n.input[0] === tensor);
    assert.equal(quantized('qkv').length, 0);
    assert.equal(quantized('qkv_heads').length, 1, 'hoisted below the float Reshape');
    assert.deepEqual(replay.outcome.summary.models.find((m) => m.flavour === 'ort')!.quantized['MatMul'], [4, 4]);
  });
});
