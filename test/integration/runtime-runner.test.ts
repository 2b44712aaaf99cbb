// The ONNX Runtime runner on the real onnxruntime-node: outputs checked against arithmetic done
// here, the reference provider (graph optimisations off) on a Q/DQ model, and the life cycle.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TensorProto_DataType as DataType } from 'onnx-buf';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { makeTensor } from '../../src/model/tensor.ts';
import { writeModel } from '../../src/model/write.ts';
import { OnnxRuntimeRunner } from '../../src/runtime/onnxruntime/runner.ts';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const gemm = gemmModel({ inputs: 3, classes: 2 });
const gemmPath = join(dir, 'gemm.onnx');
writeModel(gemm, gemmPath);
const [w, b] = gemm.graph!.initializer.map((t) => new Float32Array(t.rawData.slice().buffer));

function expectedGemm(x: Float32Array, batch: number): number[] {
  const out: number[] = [];
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < 2; c++) {
      let sum = b![c]!;
      for (let i = 0; i < 3; i++) sum += x[n * 3 + i]! * w![c * 3 + i]!;
      out.push(sum);
    }
  }
  return out;
}

const feeds = (batch: number) => ({ x: { dataType: DataType.FLOAT, dims: [batch, 3], data: Float32Array.from({ length: batch * 3 }, (_, i) => i / 4 - 1) } });

describe('OnnxRuntimeRunner', () => {
  it('loads, runs a batch and returns host tensors', async () => {
    const runner = new OnnxRuntimeRunner({ modelPath: gemmPath, provider: 'cpu', threads: 1 });
    const info = await runner.load();
    assert.deepEqual(info.inputNames, ['x']);
    assert.deepEqual(info.outputNames, ['y']);
    assert.ok(info.loadMs > 0);
    const input = feeds(2);
    const { y } = await runner.run(input);
    assert.equal(y!.dataType, DataType.FLOAT);
    assert.deepEqual(y!.dims, [2, 2]);
    const expected = expectedGemm(input.x.data, 2);
    [...y!.data].forEach((v, i) => assert.ok(Math.abs(Number(v) - expected[i]!) < 1e-5, `y[${i}] = ${v}, expected ${expected[i]}`));
    await runner.dispose();
  });

  it('runs only the outputs asked for', async () => {
    const twoOutputs = model(
      graph({
        nodes: [node('Relu', ['x'], ['r']), node('Neg', ['x'], ['n'])],
        inputs: [valueInfo('x', DataType.FLOAT, [2])],
        outputs: [valueInfo('r', DataType.FLOAT, [2]), valueInfo('n', DataType.FLOAT, [2])],
      }),
    );
    const path = join(dir, 'two.onnx');
    writeModel(twoOutputs, path);
    const runner = new OnnxRuntimeRunner({ modelPath: path, provider: 'cpu' });
    await runner.load();
    const out = await runner.run({ x: { dataType: DataType.FLOAT, dims: [2], data: Float32Array.from([-1, 2]) } }, ['n']);
    assert.deepEqual(Object.keys(out), ['n']);
    assert.deepEqual([...out.n!.data], [1, -2]);
    await runner.dispose();
  });

  it('reference runs a Q/DQ model with graph optimisations disabled, computing in float', async () => {
    // x → QuantizeLinear(scale 0.5) → DequantizeLinear → Relu: the unfused simulation rounds to the int8 grid.
    const qdq = model(
      graph({
        nodes: [node('QuantizeLinear', ['x', 's', 'z'], ['q']), node('DequantizeLinear', ['q', 's', 'z'], ['dq']), node('Relu', ['dq'], ['y'])],
        inputs: [valueInfo('x', DataType.FLOAT, [4])],
        outputs: [valueInfo('y', DataType.FLOAT, [4])],
        initializers: [makeTensor('s', DataType.FLOAT, [], Float32Array.from([0.5])), makeTensor('z', DataType.INT8, [], Int8Array.from([0]))],
      }),
    );
    const path = join(dir, 'qdq.onnx');
    writeModel(qdq, path);
    const runner = new OnnxRuntimeRunner({ modelPath: path, provider: 'reference', graphOptimization: 'all' });
    assert.equal(runner.settings.graphOptimization, 'disabled');
    await runner.load();
    const { y } = await runner.run({ x: { dataType: DataType.FLOAT, dims: [4], data: Float32Array.from([0.7, -3, 1.26, 100]) } });
    // 0.7/0.5 = 1.4 → 1 → 0.5; −3 → −6 → −3 → relu 0; 1.26 → 2.52 → 3 → 1.5; 100 → 200 → saturates at 127 → 63.5
    assert.deepEqual([...y!.data], [0.5, 0, 1.5, 63.5]);
    await runner.dispose();
  });

  it('refuses dispose while a run is in flight, and runs after dispose', async () => {
    const runner = new OnnxRuntimeRunner({ modelPath: gemmPath, provider: 'cpu' });
    await runner.load();
    const running = runner.run(feeds(1));
    await assert.rejects(runner.dispose(), /dispose\(\) refused: 1 run\(s\) .* still in flight/);
    await running;
    await runner.dispose();
    await assert.rejects(runner.run(feeds(1)), /needs a loaded runner; this one is disposed/);
  });

  it('refuses dispose while a bound run is in flight too', async () => {
    const runner = new OnnxRuntimeRunner({ modelPath: gemmPath, provider: 'cpu' });
    await runner.load();
    const run = runner.bind(feeds(1));
    const running = run();
    await assert.rejects(runner.dispose(), /still in flight/);
    await running;
    await runner.dispose();
  });

  it('refuses run before load and a second load', async () => {
    const runner = new OnnxRuntimeRunner({ modelPath: gemmPath, provider: 'cpu' });
    await assert.rejects(runner.run(feeds(1)), /needs a loaded runner; this one is new/);
    await runner.load();
    await assert.rejects(runner.load(), /load\(\) called on a runner that is loaded/);
    await runner.dispose();
  });

  it('a model ONNX Runtime cannot load rejects load, and the runner can try again', async () => {
    const runner = new OnnxRuntimeRunner({ modelPath: join(dir, 'missing.onnx'), provider: 'cpu' });
    await assert.rejects(runner.load(), /missing\.onnx/);
    await assert.rejects(runner.load(), /missing\.onnx/);
  });
});
