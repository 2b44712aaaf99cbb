/**
 * How each weighted op (Conv, ConvTranspose, Gemm, MatMul) is quantized: which inputs are
 * activations (per-tensor), which is the constant weight and its output-channel axis (Conv: 0;
 * ConvTranspose: 1; Gemm: 0 with transB=1, else 1; MatMul: the output column, the last axis of
 * B), and which is the bias. Or why the node cannot be quantized.
 */
import type { NodeProto } from 'onnx-buf';
import { DataType } from '../model/dtypes.js';
import { intAttribute } from './attributes.js';
import type { GraphEditor } from './graph.js';
import type { TensorTypes, WeightPlan } from './plan.js';

export interface WeightedNode {
  node: NodeProto;
  /** Activation inputs, quantized per tensor. */
  activations: string[];
  weights: WeightPlan[];
  /** A constant 1-D bias (Conv's B, Gemm's C), if any. */
  bias?: { index: number; name: string };
}

export function describeWeighted(node: NodeProto, editor: GraphEditor, types: TensorTypes): WeightedNode | { reason: string } {
  const isFloatInitializer = (name: string | undefined) => {
    const t = name ? editor.initializer(name) : undefined;
    return t !== undefined && t.dataType === DataType.FLOAT;
  };
  const rank = (name: string) => editor.initializer(name)?.dims.length ?? 0;
  const activation = (name: string | undefined): string | { reason: string } => {
    if (!name) return { reason: 'an input is missing' };
    const type = types.get(name);
    if (type === undefined) return { reason: `the element type of input '${name}' is unknown` };
    if (type !== DataType.FLOAT) return { reason: `input '${name}' is not float32 (quantgate quantizes float32 models)` };
    return name;
  };
  const result: WeightedNode = { node, activations: [], weights: [] };
  const addActivation = (name: string | undefined): { reason: string } | undefined => {
    const a = activation(name);
    if (typeof a !== 'string') return a;
    result.activations.push(a);
    return undefined;
  };

  switch (node.opType) {
    case 'Conv':
    case 'ConvTranspose': {
      const failed = addActivation(node.input[0]);
      if (failed) return failed;
      const weight = node.input[1];
      if (!isFloatInitializer(weight)) return { reason: 'its weight is not a constant float32 tensor' };
      const group = intAttribute(node, 'group', 1);
      // ConvTranspose's axis 1 holds out/group channels: with groups it is not the output channel.
      const axis = node.opType === 'Conv' ? 0 : group === 1 ? 1 : null;
      result.weights.push({ node, index: 1, axis });
      if (node.input[2] && isFloatInitializer(node.input[2])) result.bias = { index: 2, name: node.input[2] };
      else if (node.input[2]) return { reason: 'its bias is not a constant float32 tensor' };
      return result;
    }
    case 'Gemm': {
      const failed = addActivation(node.input[0]);
      if (failed) return failed;
      const b = node.input[1]!;
      if (isFloatInitializer(b) && rank(b) === 2) result.weights.push({ node, index: 1, axis: intAttribute(node, 'transB', 0) === 1 ? 0 : 1 });
      else {
        const f = addActivation(b);
        if (f) return f;
      }
      const c = node.input[2];
      if (c && isFloatInitializer(c) && rank(c) === 1) result.bias = { index: 2, name: c };
      return result;
    }
    case 'MatMul': {
      const [a, b] = [node.input[0]!, node.input[1]!];
      if (isFloatInitializer(a) && isFloatInitializer(b)) return { reason: 'both operands are constants (fold it instead)' };
      if (isFloatInitializer(a)) result.weights.push({ node, index: 0, axis: null });
      else {
        const f = addActivation(a);
        if (f) return f;
      }
      if (isFloatInitializer(b)) result.weights.push({ node, index: 1, axis: rank(b) >= 2 ? rank(b) - 1 : null });
      else {
        const f = addActivation(b);
        if (f) return f;
      }
      return result;
    }
    default:
      return { reason: `${node.opType} is not a weighted op` };
  }
}
