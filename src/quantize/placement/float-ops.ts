/**
 * Ops left in float between Q/DQ pairs: nodes of the ONNX Runtime model that read an activation's
 * DequantizeLinear output and that ONNX Runtime does not fuse into an int8 kernel there (no rule
 * in the registry, or an int8-capable op the placement left in float). Each costs a dequantize
 * and, where its output is quantized again, a quantize: what makes an INT8 model slower than
 * FP32. Counted by op type for the report.
 */
import type { ModelProto } from 'onnx-buf';
import { isDefaultDomain } from '../plan.js';
import { placementRule } from './registry.js';

/** Ops that read only a tensor's shape: no work on its values, nothing to count. */
const READS_SHAPE_ONLY = new Set(['Shape', 'Size']);

export function floatAfterDequantize(proto: ModelProto): Record<string, number> {
  const graph = proto.graph!;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const producer = new Map(graph.node.flatMap((n) => n.output.map((o) => [o, n] as const)));
  // DequantizeLinear outputs of activations (not of constant weights or biases).
  const dequantized = new Set(graph.node.filter((n) => n.opType === 'DequantizeLinear' && !initializers.has(producer.get(n.input[0]!)?.input[0] ?? n.input[0]!) && !initializers.has(n.input[0]!)).map((n) => n.output[0]!));
  // Constants behind a DequantizeLinear (HardSigmoid's β, affine-clip.ts) are int8 inputs too.
  const constants = new Set(graph.node.filter((n) => n.opType === 'DequantizeLinear' && initializers.has(n.input[0]!)).map((n) => n.output[0]!));
  // A node whose every dequantized input comes with a Q on its output is fused (DQ → op → Q).
  const quantizedOutputs = new Set(graph.node.filter((n) => n.opType === 'QuantizeLinear').map((n) => n.input[0]!));
  const counts: Record<string, number> = {};
  for (const node of graph.node) {
    if (!isDefaultDomain(node) || node.opType === 'QuantizeLinear' || node.opType === 'DequantizeLinear' || READS_SHAPE_ONLY.has(node.opType)) continue;
    if (!node.input.some((i) => dequantized.has(i))) continue;
    const rule = placementRule('ort', node.opType);
    if (rule?.role === 'weighted') continue;
    // A pass-through op moves its data input (the first) only: a Reshape's shape or a Gather's
    // indices are int64, computed or constant.
    const moved = rule?.role === 'pass-through' ? [node.input[0]!] : node.input.filter(Boolean);
    if ((rule?.role === 'qlinear' || rule?.role === 'pass-through') && node.output.some((o) => quantizedOutputs.has(o)) && moved.every((i) => dequantized.has(i) || constants.has(i) || initializers.has(i))) continue;
    counts[node.opType] = (counts[node.opType] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
