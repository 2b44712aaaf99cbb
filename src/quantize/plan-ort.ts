/**
 * The ONNX Runtime flavour (`<name>.int8.ort.onnx`) for the CPU: Q/DQ placed only where ONNX
 * Runtime's QDQ fusions turn a group into an int8 kernel (the rules in placement/registry.ts) and
 * the neighbours keep the tensor in int8. uint8 asymmetric activations, int8 per-channel weights
 * (7-bit without VNNI: see cpu-layout.ts), int32 biases.
 *
 * Weighted ops (Conv, MatMul, Gemm) are always quantized. Around them, an op with a QLinear kernel
 * (Add, Mul, pooling, Concat, Sigmoid, Softmax…) is quantized only when every input already
 * arrives in int8 and something reads its output in int8; a pass-through op (Reshape, Transpose,
 * MaxPool…) likewise, sharing its input's parameters; HardSigmoid and HardSwish likewise, rewritten
 * into QLinearAdd/QLinearMul (affine-clip.ts). MatMul and Gemm get a Q on their output only
 * when an int8 reader wants it (else ONNX Runtime runs MatMulIntegerToFloat / QGemm with a float
 * output); Conv always does (QLinearConv needs it). So no Q→DQ pair is written around an op that
 * runs in float unless an int8 kernel on the other side needs it. A Relu or Clip(0, x) right after
 * a quantized output is folded away: the uint8 range starts at 0 and clamps as it would.
 *
 * `floatChoices` (node names) keeps optional QLinear/pass-through nodes in float: what
 * `--placement auto` chose, replayed from calibration.json.
 */
import type { NodeProto } from 'onnx-buf';
import { DataType } from '../model/dtypes.js';
import { toFloat32 } from '../model/tensor.js';
import type { OnnxModel } from '../model/model.js';
import { affineClipCoefficients } from './affine-clip.js';
import { floatAttribute, findAttribute } from './attributes.js';
import type { Exclusions } from './exclusions.js';
import type { GraphEditor } from './graph.js';
import { emptyPlan, isDefaultDomain, WEIGHTED_OPS, type FlavourPlan, type TensorTypes } from './plan.js';
import { placementRule } from './placement/registry.js';
import { describeWeighted, type WeightedNode } from './weighted.js';

/** Pass-through ops whose output holds exactly the values of their input, rearranged. */
const VALUE_PRESERVING = new Set(['Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze']);

export interface OrtPlan extends FlavourPlan {
  /** Nodes the rules may quantize or not (QLinear and pass-through ops in int8, MatMul/Gemm output Q): what auto times. */
  optional: NodeProto[];
}

export function planOnnxRuntime(editor: GraphEditor, types: TensorTypes, exclusions: Exclusions, model: OnnxModel, floatChoices: ReadonlySet<string> = new Set()): OrtPlan {
  const plan: OrtPlan = { ...emptyPlan('ort'), optional: [] };
  const isActivation = (name: string) => types.get(name) === DataType.FLOAT && !editor.initializer(name);
  const isFloatConstant = (name: string) => editor.initializer(name)?.dataType === DataType.FLOAT;
  const readByFold = (node: NodeProto) => editor.consumers(node.output[0]!).some((r) => placementRule('ort', r.opType)?.role === 'fold');
  const nodes = editor.graph.node.filter(isDefaultDomain);

  // 1. Weighted nodes: quantized unless excluded or not describable.
  const weighted = new Map<NodeProto, WeightedNode>();
  for (const node of nodes) {
    const rule = placementRule('ort', node.opType);
    const isWeighted = (WEIGHTED_OPS as readonly string[]).includes(node.opType);
    if (exclusions.has(node)) {
      plan.excluded.add(node);
      if (isWeighted) plan.keptFloat.push({ node: node.name, opType: node.opType, reason: 'excluded (--exclude)' });
      continue;
    }
    if (!isWeighted) continue;
    if (rule?.role !== 'weighted') {
      plan.keptFloat.push({ node: node.name, opType: node.opType, reason: `ONNX Runtime has no int8 CPU kernel for ${node.opType}; Q/DQ would only add work` });
      continue;
    }
    const described = describeWeighted(node, editor, types);
    if ('reason' in described) {
      plan.keptFloat.push({ node: node.name, opType: node.opType, reason: described.reason });
      continue;
    }
    weighted.set(node, described);
  }

  // A Relu/Clip(≥0) that is the only reader of a node's output: folded into that output's Q.
  const foldOf = new Map<NodeProto, NodeProto>();
  const effectiveOutput = (node: NodeProto) => foldOf.get(node)?.output[0] ?? node.output[0]!;
  const foldable = (node: NodeProto): NodeProto | undefined => {
    const out = node.output[0]!;
    if (editor.isGraphOutput(out) || !isActivation(out)) return undefined;
    const readers = editor.consumers(out);
    const next = readers.length === 1 ? readers[0]! : undefined;
    if (!next || placementRule('ort', next.opType)?.role !== 'fold' || !isFoldable(next, editor, model) || exclusions.has(next) || editor.isGraphOutput(next.output[0]!)) return undefined;
    // Every reader of the activation's output must read the quantized value for the fold to keep the clamp.
    const after = editor.consumers(next.output[0]!);
    return after.length > 0 && after.every((r) => !exclusions.has(r)) ? next : undefined;
  };

  // 2. Candidates: QLinear and pass-through nodes whose data inputs are all activations.
  const candidates = new Set<NodeProto>();
  for (const node of nodes) {
    if (exclusions.has(node) || floatChoices.has(node.name)) continue;
    const role = placementRule('ort', node.opType)?.role;
    const out = node.output[0];
    if (!out || node.output.filter(Boolean).length !== 1 || editor.isGraphOutput(out) || !isActivation(out)) continue;
    if (role === 'qlinear') {
      const data = node.input.filter((i) => i !== '');
      if (data.length > 0 && data.every(isActivation)) candidates.add(node);
      // An Add of an activation and a float constant (the bias of a fused QKV projection, which
      // PyTorch exports as MatMul then Add): QLinearAdd with the constant in uint8. Not where a
      // Relu or Clip follows (an MLP layer): the MatMul's output Q would then cover the negative
      // values the Relu drops, a step 2-3x coarser than the Add's own output Q after the fold.
      else if (node.opType === 'Add' && data.length === 2 && data.filter(isActivation).length === 1 && data.some(isFloatConstant) && !readByFold(node)) candidates.add(node);
    } else if (role === 'pass-through') {
      if (node.input[0] && isActivation(node.input[0])) candidates.add(node);
    } else if (role === 'affine-clip') {
      if (node.input[0] && isActivation(node.input[0]) && affineClipCoefficients(node)) candidates.add(node);
    }
  }
  // The inputs that must arrive in int8 (a constant an Add reads is quantized where it is).
  const dataInputs = (node: NodeProto) => {
    const role = placementRule('ort', node.opType)?.role;
    return role === 'pass-through' || role === 'affine-clip' ? [node.input[0]!] : node.input.filter((i) => i !== '' && !editor.initializer(i));
  };
  // Pass-through outputs share their input's parameters, and rewritten HardSigmoid/HardSwish keep
  // their own output: no Relu is folded into them.
  for (const node of [...weighted.keys(), ...candidates]) {
    const role = placementRule('ort', node.opType)?.role;
    if (role === 'pass-through' || role === 'affine-clip') continue;
    const fold = foldable(node);
    if (fold) foldOf.set(node, fold);
  }

  // 3. Fixed point: drop candidates whose inputs are not int8 or whose output nobody reads in int8.
  const readsInt8 = (tensor: string) =>
    editor.consumers(tensor).some((r) => (weighted.get(r)?.activations.includes(tensor) ?? false) || (candidates.has(r) && dataInputs(r).includes(tensor)));
  const outputQuantized = (node: NodeProto): boolean => {
    if (weighted.has(node)) {
      if (placementRule('ort', node.opType)?.outputQ === 'required') return canQuantizeOutput(node);
      // An optional output Q (QLinearMatMul rather than MatMulIntegerToFloat) that auto kept in float.
      return canQuantizeOutput(node) && !floatChoices.has(node.name) && readsInt8(effectiveOutput(node));
    }
    return candidates.has(node);
  };
  const canQuantizeOutput = (node: NodeProto) => !editor.isGraphOutput(effectiveOutput(node)) && isActivation(effectiveOutput(node));
  const producerOf = new Map<string, NodeProto>();
  for (const node of nodes) for (const o of node.output) if (o) producerOf.set(o, node);
  for (const [node, fold] of foldOf) producerOf.set(fold.output[0]!, node);
  // The int8 readers a float tensor reaches through pass-through candidates only, and whether
  // those keep every value (so the readers' own ranges would equal the tensor's); undefined when
  // any reader on the way reads it in float.
  const int8Tree = (tensor: string): { leaves: number; preserving: boolean } | undefined => {
    const readers = editor.consumers(tensor);
    if (readers.length === 0) return undefined;
    let leaves = 0;
    let preserving = true;
    for (const r of readers) {
      if (weighted.get(r)?.activations.includes(tensor)) {
        leaves++;
        continue;
      }
      if (!candidates.has(r) || placementRule('ort', r.opType)?.role !== 'pass-through' || r.input.indexOf(tensor) !== 0 || r.input.lastIndexOf(tensor) !== 0) return undefined;
      const below = int8Tree(r.output[0]!);
      if (!below) return undefined;
      leaves += below.leaves;
      preserving &&= below.preserving && VALUE_PRESERVING.has(r.opType);
    }
    return { leaves, preserving };
  };
  // A float op's output read in int8 only behind pass-through ops gets its Q before them, so the
  // data movement runs on uint8: where it fans out to several int8 readers (a fused QKV projection
  // split by Gather into Q, K and V: one QuantizeLinear instead of three), or where the ops keep
  // every value (Reshape, Transpose…: the same parameters the reader's own range would give).
  const hoisted = (tensor: string) => {
    if (!isActivation(tensor) || editor.isGraphOutput(tensor)) return false;
    const p = producerOf.get(tensor);
    if (p && (weighted.has(p) || candidates.has(p))) return false;
    const tree = int8Tree(tensor);
    return tree !== undefined && (tree.leaves >= 2 || tree.preserving);
  };
  const arrivesInt8 = (tensor: string) => {
    // A tensor some weighted node reads gets a Q/DQ anyway; others only from an int8 producer.
    if (editor.consumers(tensor).some((r) => weighted.get(r)?.activations.includes(tensor))) return true;
    const p = producerOf.get(tensor);
    if (p !== undefined && effectiveOutput(p) === tensor && (weighted.has(p) || candidates.has(p)) && outputQuantized(p)) return true;
    return hoisted(tensor);
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const node of candidates) {
      if (dataInputs(node).every(arrivesInt8) && readsInt8(effectiveOutput(node))) continue;
      candidates.delete(node);
      changed = true;
    }
  }

  // 4. The plan, in graph order (a same-as source comes before its dependants).
  const want = (tensor: string) => {
    if (!plan.activations.has(tensor)) plan.activations.set(tensor, { kind: 'own' });
  };
  for (const node of nodes) {
    const described = weighted.get(node);
    if (described) {
      described.activations.forEach(want);
      plan.weights.push(...described.weights);
      const weight = described.weights.find((w) => w.index === 1);
      if (described.bias && weight && described.activations[0]) plan.biases.push({ node, index: described.bias.index, input: described.activations[0], weight });
      plan.quantized.push(node);
    } else if (candidates.has(node)) {
      plan.optional.push(node);
      const role = placementRule('ort', node.opType)!.role;
      if (role === 'pass-through') {
        // Its input has parameters already, unless it is a hoisted float output: then its own.
        want(node.input[0]!);
        plan.activations.set(node.output[0]!, { kind: 'same-as', tensor: node.input[0]! });
        continue;
      }
      if (role === 'affine-clip') {
        want(node.input[0]!);
        plan.decomposed.push(node);
        // HardSigmoid's output is [0, 1] whatever the data; HardSwish's is calibrated.
        if (node.opType === 'HardSigmoid') plan.activations.set(node.output[0]!, { kind: 'fixed', min: 0, max: 1 });
        else want(node.output[0]!);
        continue;
      }
      dataInputs(node).forEach(want);
      node.input.forEach((input, index) => {
        if (input && editor.initializer(input)) plan.constants.push({ node, index });
      });
    } else continue;
    if (!outputQuantized(node)) continue;
    if (described && placementRule('ort', node.opType)?.outputQ === 'optional') plan.optional.push(node);
    const fold = foldOf.get(node);
    if (fold) plan.removed.push(fold);
    want(effectiveOutput(node));
  }
  return plan;
}

/** Relu, or Clip whose lower bound is 0 or more: a uint8 range starting at 0 does its clamping. */
function isFoldable(node: NodeProto, editor: GraphEditor, model: OnnxModel): boolean {
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
