// Preparation keeps the model's function: each pass is checked by running the model before and
// after it through ONNX Runtime.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BadInputError } from '../../src/errors.ts';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { readModel } from '../../src/model/read.ts';
import { modelSignature } from '../../src/model/signature.ts';
import { makeTensor } from '../../src/model/tensor.ts';
import { writeModel } from '../../src/model/write.ts';
import { prepareModel } from '../../src/quantize/prepare/index.ts';
import { upgradeOpset } from '../../src/quantize/prepare/opset.ts';
import { maxAbsDiff, runFloat } from '../helpers/ort.ts';
import { seeded, smallCnn } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const random = seeded(21);
const input = (dims: number[]) => ({ data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1), dims });

function load(proto: ReturnType<typeof smallCnn>, name: string) {
  const path = join(dir, name);
  writeModel(proto, path);
  return readModel(path);
}

describe('preparation', () => {
  it('folds BatchNormalization into the Conv before it, with the same outputs', async () => {
    const original = load(smallCnn(), 'cnn.onnx');
    const { proto, report } = prepareModel(original, 'cnn.onnx');
    assert.equal(report.batchNormsFolded, 2);
    assert.equal(modelSignature(proto).opCounts.BatchNormalization, undefined);
    const x = { input: input([2, 3, 16, 16]) };
    assert.ok(maxAbsDiff(await runFloat(original.path, x), await runFloat(proto, x)) < 1e-4);
  });

  it('folds Constant nodes and Identity nodes over weights into initializers', async () => {
    const w = makeTensor('w_value', DataType.FLOAT, [4, 3], Float32Array.from({ length: 12 }, (_, i) => i / 10 - 0.5));
    const proto = model(
      graph({
        nodes: [
          node('Constant', [], ['w_const'], { name: 'const_w', attributes: { value: w } }),
          node('Identity', ['w_const'], ['w_routed'], { name: 'identity_w' }),
          node('Constant', [], ['b_const'], { name: 'const_b', attributes: { value_floats: { floats: [0.1, 0.2, 0.3, 0.4] } } }),
          node('Gemm', ['x', 'w_routed', 'b_const'], ['y'], { name: 'fc', attributes: { transB: 1 } }),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, ['batch', 3])],
        outputs: [valueInfo('y', DataType.FLOAT, ['batch', 4])],
      }),
    );
    const original = load(proto, 'constants.onnx');
    const { proto: prepared, report } = prepareModel(original, 'constants.onnx');
    assert.equal(report.constantsFolded, 2);
    // The Identity reads a Constant, which became an initializer first: it folds too.
    assert.equal(report.identitiesFolded, 1);
    assert.deepEqual(prepared.graph!.node.map((n) => n.opType), ['Gemm']);
    assert.deepEqual(prepared.graph!.node[0]!.input, ['x', 'w_const', 'b_const']);
    const x = { x: input([3, 3]) };
    assert.deepEqual(await runFloat(prepared, x), await runFloat(original.path, x));
  });

  it('raises opset 11 to 13 with adapters for Softmax, Split, Squeeze, Unsqueeze, ReduceSum and Dropout', async () => {
    const proto = model(
      graph({
        nodes: [
          // Softmax at axis 1 of a rank-3 tensor: flattened to 2-D before opset 13.
          node('Softmax', ['x'], ['s'], { name: 'softmax', attributes: { axis: 1 } }),
          node('Split', ['s'], ['s1', 's2'], { name: 'split', attributes: { axis: 2, split: [1, 3] } }),
          node('Unsqueeze', ['s1'], ['u'], { name: 'unsqueeze', attributes: { axes: [0] } }),
          node('Squeeze', ['u'], ['q'], { name: 'squeeze', attributes: { axes: [0, 3] } }),
          node('ReduceSum', ['s2'], ['r'], { name: 'reducesum', attributes: { axes: [2], keepdims: 0 } }),
          node('Dropout', ['r'], ['d'], { name: 'dropout', attributes: { ratio: 0.5 } }),
          node('Add', ['q', 'd'], ['y'], { name: 'add' }),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, [2, 3, 4])],
        outputs: [valueInfo('y', DataType.FLOAT, [2, 3])],
      }),
      { opsets: { '': 11 }, irVersion: 6 },
    );
    const original = load(proto, 'opset11.onnx');
    const upgraded = readModel(original.path).proto;
    const report = upgradeOpset(upgraded, 'opset11.onnx');
    assert.deepEqual(report?.adapted, { Softmax: 1, Split: 1, Unsqueeze: 1, Squeeze: 1, ReduceSum: 1, Dropout: 1 });
    assert.equal(Number(upgraded.opsetImport[0]!.version), 13);
    const x = { x: input([2, 3, 4]) };
    assert.ok(maxAbsDiff(await runFloat(original.path, x), await runFloat(upgraded, x)) < 1e-6);
  });

  it('names the ops that block an upgrade it has no adapter for', () => {
    const proto = model(
      graph({
        nodes: [node('Upsample', ['x', 'scales'], ['y'], { name: 'up', attributes: { mode: 'nearest' } })],
        inputs: [valueInfo('x', DataType.FLOAT, [1, 1, 2, 2])],
        outputs: [valueInfo('y', DataType.FLOAT, [1, 1, 4, 4])],
        initializers: [makeTensor('scales', DataType.FLOAT, [4], Float32Array.of(1, 1, 2, 2))],
      }),
      { opsets: { '': 9 }, irVersion: 4 },
    );
    assert.throws(
      () => upgradeOpset(proto, 'old.onnx'),
      (e: unknown) => e instanceof BadInputError && /opset 9/.test(e.message) && /Upsample \(up\)/.test(e.message) && /opset_version/.test(e.fix),
    );
  });
});

describe('opset 19 for the float16 TensorRT variant', () => {
  it("moves the reductions' axes into inputs at 18, with the same outputs", async () => {
    const proto = model(
      graph({
        nodes: [
          node('ReduceMean', ['x'], ['m'], { name: 'mean', attributes: { axes: [-1] } }),
          node('ReduceMax', ['x'], ['mx'], { name: 'max', attributes: { axes: [1], keepdims: 1 } }),
          node('ReduceL2', ['x'], ['l2'], { name: 'l2', attributes: { axes: [1, 2] } }),
          node('ReduceSum', ['x', 'axes'], ['s'], { name: 'sum' }),
          node('Add', ['m', 'mx'], ['a'], { name: 'add' }),
          node('Add', ['a', 'l2'], ['b'], { name: 'add2' }),
          node('Add', ['b', 's'], ['y'], { name: 'add3' }),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, [2, 3, 4])],
        outputs: [valueInfo('y', DataType.FLOAT, [2, 3, 4])],
        initializers: [makeTensor('axes', DataType.INT64, [1], BigInt64Array.of(2n))],
      }),
      { opsets: { '': 17 }, irVersion: 8 },
    );
    const original = load(proto, 'opset17.onnx');
    const upgraded = readModel(original.path).proto;
    upgraded.irVersion = 9n;
    const report = upgradeOpset(upgraded, 'opset17.onnx', 19, 'float16 Q/DQ scales need opset 19');
    assert.deepEqual(report?.adapted, { ReduceMean: 1, ReduceMax: 1, ReduceL2: 1 });
    assert.equal(Number(upgraded.opsetImport[0]!.version), 19);
    assert.ok(upgraded.graph!.node.every((n) => n.attribute.every((a) => a.name !== 'axes')));
    const x = { x: input([2, 3, 4]) };
    assert.ok(maxAbsDiff(await runFloat(original.path, x), await runFloat(upgraded, x)) < 1e-6);
  });

  it('names RoiAlign, whose default coordinate mode changed at 16', () => {
    const proto = model(
      graph({
        nodes: [node('RoiAlign', ['x', 'rois', 'index'], ['y'], { name: 'roi' })],
        inputs: [valueInfo('x', DataType.FLOAT, [1, 1, 4, 4])],
        outputs: [valueInfo('y', DataType.FLOAT, [1, 1, 1, 1])],
        initializers: [makeTensor('rois', DataType.FLOAT, [1, 4], Float32Array.of(0, 0, 2, 2)), makeTensor('index', DataType.INT64, [1], BigInt64Array.of(0n))],
      }),
      { opsets: { '': 13 }, irVersion: 7 },
    );
    assert.throws(
      () => upgradeOpset(proto, 'roi.onnx', 19, 'float16 Q/DQ scales need opset 19'),
      (e: unknown) => e instanceof BadInputError && /float16 Q\/DQ scales need opset 19/.test(e.message) && /RoiAlign \(roi\)/.test(e.message) && /opset 19/.test(e.fix),
    );
  });
});
