/**
 * The TensorRT flavour (`<name>.int8.trt.onnx`), TensorRT's explicit quantization: symmetric int8
 * activations (zero point 0) on the inputs of Conv/ConvTranspose/Gemm/MatMul, per-channel
 * symmetric int8 weights on the output-channel axis, float bias, and Q/DQ on the residual input of
 * an Add that follows a Conv so that TensorRT can fuse the Add into the Conv. No Q/DQ on outputs:
 * TensorRT propagates and fuses them itself (its "Q/DQ layer placement" recommendations; the
 * rules are data in placement/registry.ts).
 */
import type { NodeProto } from 'onnx-buf';
import { DataType } from '../model/dtypes.js';
import type { Exclusions } from './exclusions.js';
import type { GraphEditor } from './graph.js';
import { emptyPlan, isDefaultDomain, type FlavourPlan, type TensorTypes } from './plan.js';
import { placementRule } from './placement/registry.js';
import { describeWeighted } from './weighted.js';

export function planTensorRt(editor: GraphEditor, types: TensorTypes, exclusions: Exclusions): FlavourPlan {
  const plan = emptyPlan('trt');
  const quantized = new Set<NodeProto>();
  for (const node of editor.graph.node) {
    if (!isDefaultDomain(node) || placementRule('trt', node.opType)?.role !== 'weighted') continue;
    if (exclusions.has(node)) {
      plan.excluded.add(node);
      plan.keptFloat.push({ node: node.name, opType: node.opType, reason: 'excluded (--exclude)' });
      continue;
    }
    const described = describeWeighted(node, editor, types);
    if ('reason' in described) {
      plan.keptFloat.push({ node: node.name, opType: node.opType, reason: described.reason });
      continue;
    }
    for (const a of described.activations) plan.activations.set(a, { kind: 'own' });
    plan.weights.push(...described.weights);
    plan.quantized.push(node);
    quantized.add(node);
  }

  // Residual Adds: the input that does not come from the Conv TensorRT fuses the Add into.
  for (const node of editor.graph.node) {
    if (placementRule('trt', node.opType)?.role !== 'residual-add' || !isDefaultDomain(node) || exclusions.has(node) || node.input.length !== 2) continue;
    const producers = node.input.map((i) => editor.producer(i));
    const fromConv = producers.map((p) => p !== undefined && p.opType === 'Conv' && quantized.has(p));
    if (!fromConv[0] && !fromConv[1]) continue;
    // With two Conv inputs (a projection shortcut), TensorRT fuses one: quantize the second, the
    // shortcut as PyTorch exports `out += identity`.
    const residual = fromConv[0] ? node.input[1]! : node.input[0]!;
    if (types.get(residual) === DataType.FLOAT && !editor.initializer(residual)) plan.activations.set(residual, { kind: 'own' });
  }
  return plan;
}
