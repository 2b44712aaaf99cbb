// The Q/DQ writer is ready for the float16 variant that TensorRT 11 needs (its precision comes
// only from the model's types): with float16 scales, at opset 19, ONNX Runtime runs the Q/DQ pair
// on float16 tensors and gets the int8 grid.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { encodeModel } from '../../src/model/encode.ts';
import { OnnxModel } from '../../src/model/model.ts';
import { floatToHalf, halfToFloat } from '../../src/model/tensor.ts';
import { GraphEditor } from '../../src/quantize/graph.ts';
import { symmetricInt8 } from '../../src/quantize/params.ts';
import { QdqWriter } from '../../src/quantize/qdq.ts';
import { loadOrt } from '../../src/runtime/onnxruntime/load.ts';
import { fromOrtTensor, hostToOrt } from '../../src/runtime/onnxruntime/tensor.ts';

describe('float16 Q/DQ', () => {
  it('writes float16 scales that ONNX Runtime runs at opset 19', async () => {
    const proto = model(
      graph({
        nodes: [node('Relu', ['x'], ['y'], { name: 'relu' })],
        inputs: [valueInfo('x', DataType.FLOAT16, [6])],
        outputs: [valueInfo('y', DataType.FLOAT16, [6])],
      }),
      { irVersion: 9, opsets: { '': 19 } },
    );
    const editor = new GraphEditor(proto.graph!);
    const writer = new QdqWriter(editor, new OnnxModel(proto, 'memory.onnx', 0), DataType.FLOAT16);
    writer.quantizeActivation('x', symmetricInt8(1.27));
    editor.sortTopologically();
    const scale = proto.graph!.initializer.find((t) => t.name.endsWith('_scale'))!;
    assert.equal(scale.dataType, DataType.FLOAT16);

    const ort = await loadOrt();
    const session = await ort.InferenceSession.create(encodeModel(proto), { graphOptimizationLevel: 'disabled' });
    const input = [0.0049, 0.0151, -1, 0.5, 1.27, 2];
    // Through quantgate's own conversions, which pass float16 as Uint16Array bits on every Node.
    const x = hostToOrt(ort, { dataType: DataType.FLOAT16, dims: [6], data: Uint16Array.from(input, floatToHalf) });
    const y = fromOrtTensor((await session.run({ x })).y!);
    const got = Array.from(y.data as Uint16Array, halfToFloat);
    // The int8 grid of scale 1.27/127 (in float16), Relu after it, 2 saturated at 127 steps.
    const step = halfToFloat(floatToHalf(0.01));
    const want = input.map((v) => Math.max(0, Math.min(127, Math.round(halfToFloat(floatToHalf(v)) / step))) * step);
    got.forEach((g, i) => assert.ok(Math.abs(g - want[i]!) < 1e-3, `y[${i}] = ${g}, want ${want[i]}`));
    await session.release();
  });
});
