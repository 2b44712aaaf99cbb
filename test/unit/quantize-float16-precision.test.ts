// Which nodes the float16 variants keep in float32 (src/quantize/float16/precision.ts), rule by
// rule, on small graphs; and the float16 copy of initializer values (values.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeProto, TensorProto } from 'onnx-buf';
import { graph, node, valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { halfToFloat, floatToHalf, makeTensor, toFloat32 } from '../../src/model/tensor.ts';
import { choosePrecision, OBSERVED_LIMIT, type Precision } from '../../src/quantize/float16/precision.ts';
import { float16Fit, float16Tensor, FLOAT16_MAX } from '../../src/quantize/float16/values.ts';

const F = DataType.FLOAT;

/** Decides a graph whose tensors are float32 unless `types` says otherwise; returns precision by node name. */
function decide(
  nodes: NodeProto[],
  options: { initializers?: TensorProto[]; types?: Record<string, number>; magnitudes?: Record<string, number>; outputs?: string[] } = {},
): Record<string, Precision> {
  const g = graph({ nodes, inputs: [valueInfo('x', F, [4])], outputs: (options.outputs ?? []).map((o) => valueInfo(o, F, null)), initializers: options.initializers ?? [] });
  const types = new Map<string, number>([['x', F]]);
  for (const n of nodes) for (const o of n.output) types.set(o, F);
  for (const t of options.initializers ?? []) types.set(t.name, t.dataType);
  // 0: the tensor's type is unknown.
  for (const [k, v] of Object.entries(options.types ?? {})) {
    if (v === 0) types.delete(k);
    else types.set(k, v);
  }
  const precision = choosePrecision({
    graph: g,
    types,
    magnitudes: new Map(Object.entries(options.magnitudes ?? {})),
    values: (t) => toFloat32(t.dataType, t.rawData),
  });
  return Object.fromEntries([...precision].map(([n, p]) => [n.name, p]));
}

const scalar = (name: string, v: number) => makeTensor(name, F, [], Float32Array.of(v));
const kind = (p: Precision | undefined) => p?.kind;
const reason = (p: Precision | undefined) => (p?.kind === 'float32' ? p.reason : '');

describe('float16 precision: fragile ops stay in float32', () => {
  const cases: [string, string[], 'float16' | 'float32'][] = [
    ['Softmax', ['x'], 'float32'],
    ['LogSoftmax', ['x'], 'float32'],
    ['ReduceMean', ['x'], 'float32'],
    ['ReduceSum', ['x'], 'float32'],
    ['ReduceL2', ['x'], 'float32'],
    ['GlobalAveragePool', ['x'], 'float32'],
    ['Exp', ['x'], 'float32'],
    ['Log', ['x'], 'float32'],
    ['Sqrt', ['x'], 'float32'],
    ['Reciprocal', ['x'], 'float32'],
    ['Pow', ['x', 'x'], 'float32'],
    ['LRN', ['x'], 'float32'],
    ['Relu', ['x'], 'float16'],
    ['Add', ['x', 'x'], 'float16'],
    ['Mul', ['x', 'x'], 'float16'],
    ['Erf', ['x'], 'float16'],
    ['Tanh', ['x'], 'float16'],
  ];
  for (const [op, inputs, expected] of cases) {
    it(`${op}: ${expected}`, () => {
      // The reader is a float16 Relu, so no float32 neighbour pulls the node in (rule 6).
      assert.equal(kind(decide([node(op, inputs, ['y'], { name: 'n' }), node('Relu', ['y'], ['z'], { name: 'next' })])['n']), expected);
    });
  }

  it('LayerNormalization, with its reason', () => {
    const p = decide([node('LayerNormalization', ['x', 'g', 'b'], ['y'], { name: 'ln' })], { initializers: [scalar('g', 1), scalar('b', 0)] })['ln'];
    assert.match(reason(p), /normalisation/);
  });

  it('Div: float16 by a constant of magnitude ≥ 1, float32 by a small constant or an activation', () => {
    const d = decide(
      [
        node('Div', ['x', 'four'], ['a'], { name: 'by4' }),
        node('Div', ['x', 'minus2'], ['b'], { name: 'by-2' }),
        node('Div', ['x', 'half'], ['c'], { name: 'byhalf' }),
        node('Div', ['x', 'x'], ['e'], { name: 'byx' }),
        ...['a', 'b', 'c', 'e'].map((t) => node('Relu', [t], [`${t}r`], { name: `relu_${t}` })),
      ],
      { initializers: [scalar('four', 4), scalar('minus2', -2), scalar('half', 0.5)] },
    );
    assert.equal(kind(d['by4']), 'float16');
    assert.equal(kind(d['by-2']), 'float16');
    assert.match(reason(d['byhalf']), /division/);
    assert.match(reason(d['byx']), /division/);
  });
});

describe('float16 precision: types', () => {
  it('ops that move values keep their integer inputs and run in float16; integer decisions stay in float32', () => {
    const I = DataType.INT64;
    const d = decide(
      [
        node('Reshape', ['x', 'shape'], ['r'], { name: 'reshape' }),
        node('Gather', ['r', 'idx'], ['g'], { name: 'gather' }),
        node('Shape', ['g'], ['s'], { name: 'shape' }),
        node('ArgMax', ['g'], ['am'], { name: 'argmax' }),
        node('Cast', ['g'], ['c'], { name: 'cast', attributes: { to: DataType.INT32 } }),
        node('Less', ['g', 'x'], ['lt'], { name: 'less' }),
        node('Range', ['start', 'limit', 'delta'], ['rg'], { name: 'range' }),
        node('RandomNormalLike', ['g'], ['noise'], { name: 'random' }),
        node('Relu', ['g'], ['out'], { name: 'relu' }),
      ],
      {
        initializers: [makeTensor('shape', I, [1], BigInt64Array.of(4n)), makeTensor('idx', I, [2], BigInt64Array.of(0n, 1n)), scalar('start', 0), scalar('limit', 4), scalar('delta', 1)],
        types: { s: I, am: I, c: DataType.INT32, lt: DataType.BOOL },
      },
    );
    assert.equal(kind(d['reshape']), 'float16');
    assert.equal(kind(d['gather']), 'float16');
    assert.equal(kind(d['shape']), 'any', 'Shape reads whatever type it gets');
    assert.match(reason(d['argmax']), /integer decision/);
    assert.match(reason(d['cast']), /writes the type its attribute names/);
    assert.match(reason(d['less']), /integer decision/);
    assert.match(reason(d['range']), /no float16 form/);
    assert.match(reason(d['random']), /writes the type its attribute names/);
  });

  it('an unknown output type, another float type, a custom domain, a subgraph: float32', () => {
    const body = graph({ nodes: [node('Identity', ['x'], ['t'])], inputs: [], outputs: [valueInfo('t', F, null)] });
    const d = decide(
      [
        node('Relu', ['x'], ['h'], { name: 'to_half_input' }),
        node('Add', ['h', 'd'], ['mixed'], { name: 'mixed' }),
        node('Gelu', ['x'], ['ms'], { name: 'custom', domain: 'com.microsoft' }),
        node('If', ['cond'], ['branch'], { name: 'if', attributes: { then_branch: body, else_branch: body } }),
        node('Relu', ['x'], ['unknown'], { name: 'untyped' }),
      ],
      { types: { d: DataType.DOUBLE, cond: DataType.BOOL, unknown: 0 } },
    );
    assert.match(reason(d['untyped']), /the type of 'unknown' is unknown/);
    assert.match(reason(d['mixed']), /mixes float32 with float64/);
    assert.match(reason(d['custom']), /com\.microsoft op/);
    assert.match(reason(d['if']), /subgraph/);
  });
});

describe('float16 precision: ranges', () => {
  it('an initializer beyond ±65504 or an epsilon that rounds to zero keeps its reader in float32; a weight with a few tiny values does not', () => {
    const d = decide(
      [
        node('Add', ['x', 'mask'], ['a'], { name: 'mask_add' }),
        node('Add', ['x', 'eps'], ['b'], { name: 'eps_add' }),
        node('Mul', ['x', 'w'], ['c'], { name: 'weight_mul' }),
        ...['a', 'b', 'c'].map((t) => node('Relu', [t], [`${t}r`], { name: `relu_${t}` })),
      ],
      { initializers: [makeTensor('mask', F, [4], Float32Array.of(0, -1e9, 0, 0)), scalar('eps', 1e-12), makeTensor('w', F, [4], Float32Array.of(0.5, 1e-9, -0.25, 2))] },
    );
    assert.match(reason(d['mask_add']), /'mask' holds -1\.0e\+9, beyond float16's ±65504/);
    assert.match(reason(d['eps_add']), /'eps' holds 1\.0e-12, which float16 rounds to zero/);
    assert.equal(kind(d['weight_mul']), 'float16');
  });

  it(`a tensor that passed ${OBSERVED_LIMIT} on the probe's sample keeps its producer and readers in float32`, () => {
    const d = decide(
      [node('Relu', ['x'], ['big'], { name: 'makes_big' }), node('Relu', ['big'], ['y'], { name: 'reads_big' }), node('Relu', ['x'], ['small'], { name: 'makes_small' }), node('Relu', ['small'], ['z'], { name: 'reads_small' })],
      { magnitudes: { x: 3, big: OBSERVED_LIMIT + 1, small: OBSERVED_LIMIT } },
    );
    assert.match(reason(d['makes_big']), /'big' reached 4\.10e\+3 on a calibration sample/);
    assert.equal(kind(d['reads_big']), 'float32');
    assert.equal(kind(d['makes_small']), 'float16');
    assert.equal(kind(d['reads_small']), 'float16');
  });
});

describe('float16 precision: groups and neighbours', () => {
  it('a Q/DQ pair, its reader and the reader\'s weight DQ share one precision', () => {
    const qdq = (t: string) => [
      node('QuantizeLinear', [t, `${t}_s`, 'zp'], [`${t}_q`], { name: `${t}_Q` }),
      node('DequantizeLinear', [`${t}_q`, `${t}_s`, 'zp'], [`${t}_dq`], { name: `${t}_DQ` }),
    ];
    const nodes = [
      ...qdq('x'),
      node('DequantizeLinear', ['w_int8', 'w_s', 'zp'], ['w_dq'], { name: 'w_DQ' }),
      node('MatMul', ['x_dq', 'w_dq'], ['y'], { name: 'matmul' }),
      ...qdq('y'),
      node('DequantizeLinear', ['v_int8', 'v_s', 'zp'], ['v_dq'], { name: 'v_DQ' }),
      node('MatMul', ['y_dq', 'v_dq'], ['z'], { name: 'matmul2' }),
    ];
    const initializers = [
      makeTensor('zp', DataType.INT8, [], Int8Array.of(0)),
      makeTensor('w_int8', DataType.INT8, [4, 4], new Int8Array(16)),
      makeTensor('v_int8', DataType.INT8, [4, 4], new Int8Array(16)),
      ...['x_s', 'y_s', 'w_s', 'v_s'].map((s) => scalar(s, 0.01)),
    ];
    const types = { x_q: DataType.INT8, y_q: DataType.INT8 };
    const low = decide(nodes, { initializers, types });
    assert.ok(Object.values(low).every((p) => p.kind === 'float16'), JSON.stringify(low));
    // The second MatMul's output reached the limit: its group follows it, the first group does not.
    const high = decide(nodes, { initializers, types, magnitudes: { z: OBSERVED_LIMIT * 2 } });
    for (const n of ['y_Q', 'y_DQ', 'v_DQ']) assert.match(reason(high[n]), /shares Q\/DQ pairs with MatMul 'matmul2'/, n);
    for (const n of ['x_Q', 'x_DQ', 'w_DQ', 'matmul']) assert.equal(kind(high[n]), 'float16', n);
  });

  it('a cheap node joins its float32 neighbours where that saves Casts, and not where it only moves one', () => {
    const d = decide(
      [
        node('ReduceMean', ['x'], ['var'], { name: 'variance' }),
        node('Add', ['var', 'eps'], ['v1'], { name: 'add_eps' }),
        node('Sqrt', ['v1'], ['sd'], { name: 'sqrt' }),
        node('Mul', ['sd', 'sd'], ['m'], { name: 'feeds_float16' }),
        node('Relu', ['m'], ['out'], { name: 'relu' }),
      ],
      { initializers: [scalar('eps', 1e-5)] },
    );
    assert.match(reason(d['add_eps']), /fewer Casts in float32/);
    assert.equal(kind(d['feeds_float16']), 'float16');
  });
});

describe('float16 values', () => {
  it('float16Fit: the boundaries', () => {
    assert.deepEqual(float16Fit('w', Float32Array.of(FLOAT16_MAX, -FLOAT16_MAX, 0, 1e-7)), { fits: true });
    assert.equal(float16Fit('w', Float32Array.of(65520)).fits, false);
    assert.equal(float16Fit('w', Float32Array.of(Infinity, -Infinity, NaN)).fits, true, 'infinities and NaN stay what they are');
    assert.equal(float16Fit('eps', Float32Array.of(2e-8, 0)).fits, false, 'every nonzero value rounds to zero');
    assert.equal(float16Fit('scale', Float32Array.of(2e-8), { scale: true }).fits, true, 'a scale stays positive instead');
    assert.equal(float16Fit('scale', Float32Array.of(1e6), { scale: true }).fits, false);
  });

  it('float16Tensor rounds to nearest and keeps a tiny scale at the smallest positive float16', () => {
    const values = Float32Array.of(0.1, -3.14159, 2e-8, 65504);
    const plain = float16Tensor('w', [4n], values);
    const bits = new Uint16Array(plain.rawData.buffer, plain.rawData.byteOffset, 4);
    assert.equal(plain.dataType, DataType.FLOAT16);
    assert.deepEqual([...bits], [...values].map(floatToHalf));
    const scale = float16Tensor('s', [4n], values, { scale: true });
    assert.equal(halfToFloat(new Uint16Array(scale.rawData.buffer, scale.rawData.byteOffset, 4)[2]!), 2 ** -24);
  });
});
