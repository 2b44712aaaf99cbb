/**
 * HardSigmoid and HardSwish in int8 for ONNX Runtime's CPU, which has no int8 kernel for either but
 * has QLinearAdd and QLinearMul. HardSigmoid(x) = clip(αx + β, 0, 1): with α > 0, αx is x's own
 * integers read by a second DequantizeLinear whose scale is α times x's; β is a constant; and the
 * clamp to [0, 1] is what a QuantizeLinear with uint8 range [0, 1] (scale 1/255, zero point 0)
 * does by saturating. So DQ(x)·α, DQ(β) → Add → Q is a QLinearAdd, and HardSwish(x) = x ·
 * HardSigmoid(x) is that followed by DQ, DQ → Mul → Q, a QLinearMul. Left in float instead, each
 * sat between a DequantizeLinear and a QuantizeLinear and cost more than the int8 convolutions
 * around it saved: on glyphmobile (MobileNetV3-like) the INT8 model ran at 0.78x FP32 at batch 32.
 *
 * The rounding this adds: the gate is held to 1/255 (HardSwish's output error ≤ |x|/510 before its
 * own quantization). The planner (plan-ort.ts) picks the nodes; applyPlan calls `decomposeAffineClip`
 * once every activation has its Q/DQ pair.
 */
import type { NodeProto } from 'onnx-buf';
import { node as makeNode } from '../model/build.js';
import { floatAttribute } from './attributes.js';
import type { GraphEditor } from './graph.js';
import { asymmetricUint8 } from './params.js';
import type { QdqWriter } from './qdq.js';

/** α and β of HardSigmoid (ONNX defaults 0.2, 0.5) or of HardSwish (1/6, 1/2); undefined where α ≤ 0 (a rescaled DequantizeLinear needs a positive scale). */
export function affineClipCoefficients(node: NodeProto): { alpha: number; beta: number } | undefined {
  const c = node.opType === 'HardSwish' ? { alpha: 1 / 6, beta: 0.5 } : node.opType === 'HardSigmoid' ? { alpha: floatAttribute(node, 'alpha', 0.2), beta: floatAttribute(node, 'beta', 0.5) } : undefined;
  return c && c.alpha > 0 && Number.isFinite(c.alpha) && Number.isFinite(c.beta) ? c : undefined;
}

/**
 * Replaces `node` (HardSigmoid or HardSwish reading the quantized activation `input`, its output
 * already given a Q/DQ pair by the plan) by the QLinearAdd/QLinearMul groups above.
 */
export function decomposeAffineClip(editor: GraphEditor, writer: QdqWriter, node: NodeProto, input: string): void {
  const coefficients = affineClipCoefficients(node);
  const x = writer.activations.get(input);
  if (!coefficients || !x) throw new Error(`plan: ${node.opType} '${node.name}' cannot be rewritten in int8 (its input '${input}' is not quantized, or α ≤ 0)`);
  const scaled = writer.rescaledDequantize(input, coefficients.alpha);
  const offset = writer.dequantizedConstant(`${node.name || node.opType}_beta`, coefficients.beta);
  const out = node.output[0]!;
  const replacement: NodeProto[] = [];
  if (node.opType === 'HardSigmoid') {
    replacement.push(makeNode('Add', [scaled, offset], [out], { name: node.name }));
  } else {
    const gate = editor.uniqueName(`${out}_hardsigmoid`);
    replacement.push(makeNode('Add', [scaled, offset], [gate], { name: editor.uniqueName(`${node.name}_hardsigmoid`) }));
    const gateDq = writer.qdqPair(gate, asymmetricUint8(0, 1));
    replacement.push(makeNode('Mul', [x.dq, gateDq], [out], { name: node.name }));
  }
  editor.graph.node.splice(editor.graph.node.indexOf(node), 1, ...replacement);
  editor.invalidate();
}
