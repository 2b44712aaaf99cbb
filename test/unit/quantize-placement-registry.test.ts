// The placement registry: one rule per op type and target, each citing the target rule it comes
// from; ops without int8 kernels have no rule (they get no Q/DQ).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { placementRule, placementRules, weightedOps } from '../../src/quantize/placement/registry.ts';

describe('placement registry', () => {
  it('ONNX Runtime: Conv needs its output Q (QLinearConv); MatMul and Gemm do not (MatMulIntegerToFloat, QGemm)', () => {
    assert.equal(placementRule('ort', 'Conv')?.outputQ, 'required');
    assert.equal(placementRule('ort', 'MatMul')?.outputQ, 'optional');
    assert.equal(placementRule('ort', 'Gemm')?.outputQ, 'optional');
    assert.deepEqual(weightedOps('ort'), ['Conv', 'MatMul', 'Gemm']);
  });

  it('ONNX Runtime: QLinear contrib kernels, pass-through ops and folds by op', () => {
    for (const op of ['Add', 'Mul', 'AveragePool', 'GlobalAveragePool', 'LeakyRelu', 'Sigmoid', 'Softmax', 'Concat']) assert.equal(placementRule('ort', op)?.role, 'qlinear', op);
    for (const op of ['MaxPool', 'Resize', 'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze', 'Slice']) assert.equal(placementRule('ort', op)?.role, 'pass-through', op);
    for (const op of ['Relu', 'Clip']) assert.equal(placementRule('ort', op)?.role, 'fold', op);
    for (const op of ['HardSigmoid', 'HardSwish']) assert.equal(placementRule('ort', op)?.role, 'affine-clip', op);
    for (const op of ['HardSigmoid', 'HardSwish']) assert.equal(placementRule('trt', op), undefined, `${op}: TensorRT fuses it itself`);
  });

  it('TensorRT: weighted inputs and the residual Add; ConvTranspose only there', () => {
    assert.deepEqual(weightedOps('trt'), ['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);
    assert.equal(placementRule('trt', 'Add')?.role, 'residual-add');
    assert.equal(placementRule('ort', 'ConvTranspose'), undefined, 'ONNX Runtime has no int8 CPU ConvTranspose');
    for (const op of ['Mul', 'Sigmoid', 'MaxPool', 'Reshape', 'Relu']) assert.equal(placementRule('trt', op), undefined, `${op}: TensorRT places no Q/DQ itself`);
  });

  it('ops with no int8 kernel have no rule on either target', () => {
    for (const op of ['Div', 'Sub', 'Pow', 'Erf', 'LayerNormalization', 'ReduceMean', 'Sqrt', 'toString', 'constructor']) {
      assert.equal(placementRule('ort', op), undefined, `ort ${op}`);
      assert.equal(placementRule('trt', op), undefined, `trt ${op}`);
    }
  });

  it('every rule says which target rule it comes from', () => {
    for (const flavour of ['ort', 'trt'] as const) {
      for (const [op, rule] of placementRules(flavour)) {
        const expected = flavour === 'ort' ? /qdq_selector_action_transformer|ONNX Runtime/ : /TensorRT developer guide/;
        assert.match(rule.source, expected, `${flavour} ${op}`);
      }
    }
  });

  it('docs/int8.md lists every op of both tables with its role', () => {
    const rows = readFileSync(new URL('../../docs/int8.md', import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Op') && !l.startsWith('| ---'));
    for (const flavour of ['ort', 'trt'] as const) {
      for (const [op, rule] of placementRules(flavour)) {
        const row = rows.find((r) => r.split('|')[1]!.split(/[,(]/).map((x) => x.trim()).includes(op));
        assert.ok(row, `${op} has a row`);
        const cell = row.split('|')[flavour === 'ort' ? 2 : 3]!;
        const word = { weighted: 'weighted', qlinear: 'qlinear', 'pass-through': 'pass-through', fold: 'fold', 'residual-add': 'residual-add', 'affine-clip': 'affine-clip' }[rule.role];
        assert.ok(cell.includes(word), `${flavour} ${op}: '${cell.trim()}' should say ${word}`);
      }
    }
  });
});
