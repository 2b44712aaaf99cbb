// Each of TensorRT's Q/DQ rules, with a broken model that the validator catches, and a good one
// that it passes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelProto } from 'onnx-buf';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { floatToHalf, inlineTensorBytes, makeTensor } from '../../src/model/tensor.ts';
import { validateTensorRtModel, type TrtRule } from '../../src/quantize/validate-trt.ts';

const bytes = { tensorBytes: inlineTensorBytes };

/** x → Q → DQ → Conv(·, DQ(int8 weight, per channel axis 0), float bias) → y */
function goodModel(): ModelProto {
  return model(
    graph({
      nodes: [
        node('QuantizeLinear', ['x', 'x_scale', 'x_zero'], ['x_q'], { name: 'x_Q' }),
        node('DequantizeLinear', ['x_q', 'x_scale', 'x_zero'], ['x_dq'], { name: 'x_DQ' }),
        node('DequantizeLinear', ['w_q', 'w_scale', 'w_zero'], ['w_dq'], { name: 'w_DQ', attributes: { axis: 0 } }),
        node('Conv', ['x_dq', 'w_dq', 'b'], ['y'], { name: 'conv' }),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, [1, 2, 4, 4])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, 3, 4, 4])],
      initializers: [
        makeTensor('x_scale', DataType.FLOAT, [], Float32Array.of(0.1)),
        makeTensor('x_zero', DataType.INT8, [], Int8Array.of(0)),
        makeTensor('w_q', DataType.INT8, [3, 2, 1, 1], Int8Array.of(1, 2, 3, 4, 5, 6)),
        makeTensor('w_scale', DataType.FLOAT, [3], Float32Array.of(0.1, 0.2, 0.3)),
        makeTensor('w_zero', DataType.INT8, [3], new Int8Array(3)),
        makeTensor('b', DataType.FLOAT, [3], Float32Array.of(0, 1, 2)),
      ],
    }),
    { opsets: { '': 13 } },
  );
}

function rulesOf(m: ModelProto): TrtRule[] {
  return [...new Set(validateTensorRtModel(m, bytes).map((v) => v.rule))];
}

function replaceInitializer(m: ModelProto, name: string, t: ReturnType<typeof makeTensor>) {
  const i = m.graph!.initializer.findIndex((x) => x.name === name);
  m.graph!.initializer[i] = t;
}

describe('TensorRT Q/DQ rules', () => {
  it('a valid model passes', () => assert.deepEqual(rulesOf(goodModel()), []));

  it('float16 scales at opset 19 pass', () => {
    const m = goodModel();
    replaceInitializer(m, 'x_scale', makeTensor('x_scale', DataType.FLOAT16, [], Uint16Array.of(floatToHalf(0.1))));
    replaceInitializer(m, 'w_scale', makeTensor('w_scale', DataType.FLOAT16, [3], Uint16Array.from([0.1, 0.2, 0.3], floatToHalf)));
    m.opsetImport[0]!.version = 19n;
    assert.deepEqual(rulesOf(m), []);
  });

  const broken: [string, TrtRule, (m: ModelProto) => void][] = [
    ['opset below 13', 'opset', (m) => (m.opsetImport[0]!.version = 12n)],
    ['a QuantizeLinear without zero point (it would output uint8)', 'zero-point', (m) => (m.graph!.node[0]!.input = ['x', 'x_scale'])],
    ['a uint8 zero point', 'zero-point', (m) => replaceInitializer(m, 'x_zero', makeTensor('x_zero', DataType.UINT8, [], Uint8Array.of(0)))],
    ['a zero point that is not 0', 'zero-point', (m) => replaceInitializer(m, 'x_zero', makeTensor('x_zero', DataType.INT8, [], Int8Array.of(3)))],
    ['a negative scale', 'scale', (m) => replaceInitializer(m, 'x_scale', makeTensor('x_scale', DataType.FLOAT, [], Float32Array.of(-0.1)))],
    ['a NaN scale', 'scale', (m) => replaceInitializer(m, 'w_scale', makeTensor('w_scale', DataType.FLOAT, [3], Float32Array.of(0.1, NaN, 0.3)))],
    [
      'a per-channel activation scale',
      'scale',
      (m) => {
        replaceInitializer(m, 'x_scale', makeTensor('x_scale', DataType.FLOAT, [2], Float32Array.of(0.1, 0.2)));
        replaceInitializer(m, 'x_zero', makeTensor('x_zero', DataType.INT8, [2], new Int8Array(2)));
      },
    ],
    ['a per-channel weight on the wrong axis', 'per-channel-axis', (m) => (m.graph!.node[2]!.attribute[0]!.i = 1n)],
    [
      'a weight quantized at run time (QuantizeLinear on a constant)',
      'weight-initializer',
      (m) => {
        m.graph!.initializer.push(makeTensor('w_float', DataType.FLOAT, [3, 2, 1, 1], new Float32Array(6).fill(0.5)));
        m.graph!.node.unshift(node('QuantizeLinear', ['w_float', 'w_scale', 'w_zero'], ['w_q2'], { name: 'w_Q', attributes: { axis: 0 } }));
        m.graph!.node[3]!.input[0] = 'w_q2';
      },
    ],
    ['a weighted node with Q/DQ on the weight only', 'quantized-inputs', (m) => (m.graph!.node[3]!.input[0] = 'x')],
    [
      'a bias through DequantizeLinear',
      'float-bias',
      (m) => {
        m.graph!.initializer.push(makeTensor('b_q', DataType.INT8, [3], Int8Array.of(0, 1, 2)));
        m.graph!.node.push(node('DequantizeLinear', ['b_q', 'w_scale', 'w_zero'], ['b_dq'], { name: 'b_DQ', attributes: { axis: 0 } }));
        m.graph!.node[3]!.input[2] = 'b_dq';
      },
    ],
    [
      'a QuantizeLinear feeding something else than a DequantizeLinear',
      'q-dq-pairs',
      (m) => m.graph!.node.push(node('Cast', ['x_q'], ['x_cast'], { name: 'cast', attributes: { to: 1 } })),
    ],
    [
      'a Q and its DQ with different scales',
      'q-dq-pairs',
      (m) => {
        m.graph!.initializer.push(makeTensor('x_scale2', DataType.FLOAT, [], Float32Array.of(0.2)));
        m.graph!.node[1]!.input[1] = 'x_scale2';
      },
    ],
    [
      'float16 scales below opset 19',
      'opset',
      (m) => {
        replaceInitializer(m, 'x_scale', makeTensor('x_scale', DataType.FLOAT16, [], Uint16Array.of(floatToHalf(0.1))));
        m.opsetImport[0]!.version = 17n;
      },
    ],
    [
      'a Cast between a DequantizeLinear and the Conv it would fuse into',
      'dq-cast',
      (m) => {
        m.graph!.node.splice(3, 0, node('Cast', ['w_dq'], ['w_dq_cast'], { name: 'cast', attributes: { to: DataType.FLOAT16 } }));
        m.graph!.node[4]!.input[1] = 'w_dq_cast';
      },
    ],
  ];
  for (const [what, rule, breakIt] of broken) {
    it(`catches ${what} (${rule})`, () => {
      const m = goodModel();
      breakIt(m);
      assert.ok(rulesOf(m).includes(rule), `expected ${rule}, got ${rulesOf(m).join(', ') || 'nothing'}`);
    });
  }

  it('names the node in each violation', () => {
    const m = goodModel();
    replaceInitializer(m, 'x_zero', makeTensor('x_zero', DataType.INT8, [], Int8Array.of(3)));
    const v = validateTensorRtModel(m, bytes);
    assert.ok(v.some((x) => x.node === 'x_Q' && /is not 0/.test(x.message)));
  });
});
