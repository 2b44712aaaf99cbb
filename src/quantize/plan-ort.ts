/**
 * The ONNX Runtime flavour (`<name>.int8.ort.onnx`) for the CPU: Q/DQ placed so that ONNX
 * Runtime's QDQ fusions turn groups into int8 kernels: DQ→Conv→Q into QLinearConv, DQ→Gemm into
 * QGemm, DQ→MatMul→Q into QLinearMatMul, DQ,DQ→Add→Q into QLinearAdd, pooling and Concat into
 * their QLinear forms, and DQ→MaxPool/Reshape/Flatten/Transpose→Q with equal parameters into the
 * op on uint8 directly. uint8 asymmetric activations, int8 per-channel weights (7-bit without
 * VNNI: see cpu-layout.ts), int32 biases. A Relu or Clip(0, x) right after a quantized node is
 * folded away: the uint8 range of its producer's output starts at 0 and clamps as it would.
 * Graph outputs stay float (Gemm and MatMul then produce float from int8 directly).
 */
import type { NodeProto } from 'onnx-buf';
import { DataType } from '../model/dtypes.js';
import { toFloat32 } from '../model/tensor.js';
import type { OnnxModel } from '../model/model.js';
import { floatAttribute, findAttribute } from './attributes.js';
import type { Exclusions } from './exclusions.js';
import type { GraphEditor } from './graph.js';
import { emptyPlan, isDefaultDomain, WEIGHTED_OPS, type FlavourPlan, type TensorTypes } from './plan.js';
import { describeWeighted } from './weighted.js';

/** Ops with a QLinear kernel in ONNX Runtime's CPU provider: inputs and output get their own parameters. */
const OWN_OUTPUT = new Set(['Add', 'Mul', 'GlobalAveragePool', 'AveragePool', 'Concat']);
/** Ops that only move values: output shares the input's parameters, so the Q/DQ around them drop. */
const SAME_AS_INPUT = new Set(['MaxPool', 'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze']);

export function planOnnxRuntime(editor: GraphEditor, types: TensorTypes, exclusions: Exclusions, model: OnnxModel): FlavourPlan {
  const plan = emptyPlan('ort');
  const isActivation = (name: string) => types.get(name) === DataType.FLOAT && !editor.initializer(name);
  const want = (tensor: string) => {
    if (!plan.activations.has(tensor)) plan.activations.set(tensor, { kind: 'own' });
  };

  /** Quantizes a node's output, folding a following Relu/Clip(0, x) when it can. */
  const planOutput = (node: NodeProto) => {
    const out = node.output[0]!;
    if (editor.isGraphOutput(out) || !isActivation(out)) return;
    const readers = editor.consumers(out);
    const next = readers.length === 1 ? readers[0]! : undefined;
    if (next && isRemovableActivation(next, editor, model) && !exclusions.has(next) && !editor.isGraphOutput(next.output[0]!)) {
      // Every reader of the activation's output must read the quantized value for the fold to
      // keep the clamp (an excluded reader would see the unclamped float).
      const after = editor.consumers(next.output[0]!);
      if (after.length > 0 && after.every((r) => !exclusions.has(r))) {
        plan.removed.push(next);
        plan.activations.set(next.output[0]!, { kind: 'own' });
        return;
      }
    }
    want(out);
  };

  for (const node of editor.graph.node) {
    if (!isDefaultDomain(node)) continue;
    const weighted = (WEIGHTED_OPS as readonly string[]).includes(node.opType);
    if (exclusions.has(node)) {
      plan.excluded.add(node);
      if (weighted) plan.keptFloat.push({ node: node.name, opType: node.opType, reason: 'excluded (--exclude)' });
      continue;
    }
    if (plan.removed.includes(node)) continue;
    if (weighted) {
      const described = describeWeighted(node, editor, types);
      if ('reason' in described) {
        plan.keptFloat.push({ node: node.name, opType: node.opType, reason: described.reason });
        continue;
      }
      described.activations.forEach(want);
      plan.weights.push(...described.weights);
      const weight = described.weights.find((w) => w.index === 1);
      if (described.bias && weight && described.activations[0]) {
        plan.biases.push({ node, index: described.bias.index, input: described.activations[0], weight });
      }
      plan.quantized.push(node);
      planOutput(node);
      continue;
    }
    const data = node.input.filter((i) => i !== '');
    if (OWN_OUTPUT.has(node.opType)) {
      // Both operands must be activations: a constant operand has no calibrated range.
      if (data.length === 0 || !data.every(isActivation)) continue;
      data.forEach(want);
      planOutput(node);
      continue;
    }
    if (SAME_AS_INPUT.has(node.opType)) {
      const input = node.input[0]!;
      const out = node.output[0]!;
      // Only worth it when the input is int8 already; MaxPool's optional indices output blocks it.
      if (!plan.activations.has(input) || node.output.filter(Boolean).length !== 1 || editor.isGraphOutput(out) || !isActivation(out)) continue;
      plan.activations.set(out, { kind: 'same-as', tensor: input });
    }
  }
  return plan;
}

/** Relu, or Clip whose lower bound is 0 or more: a uint8 range starting at 0 does its clamping. */
function isRemovableActivation(node: NodeProto, editor: GraphEditor, model: OnnxModel): boolean {
  if (!isDefaultDomain(node)) return false;
  if (node.opType === 'Relu') return true;
  if (node.opType !== 'Clip') return false;
  // Opset ≥ 11: min is input 1; before, an attribute.
  const minName = node.input[1];
  if (minName) {
    const t = editor.initializer(minName);
    if (!t || t.dataType !== DataType.FLOAT) return false;
    const min = toFloat32(DataType.FLOAT, model.tensorBytes(t))[0];
    return min !== undefined && min >= 0;
  }
  return findAttribute(node, 'min') !== undefined && floatAttribute(node, 'min', -Infinity) >= 0;
}
