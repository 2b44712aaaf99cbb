/**
 * Where Q/DQ pays, per op type and target: one rule per op, written down as data. A Q/DQ pair is
 * only worth its cost where the target replaces the group DQ → op → Q by an int8 kernel; around an
 * op with no int8 kernel it is two extra passes over the tensor and the op still runs in float.
 *
 * ONNX Runtime (CPU provider): the rules come from its QDQ selector/action transformer
 * (onnxruntime/core/optimizer/qdq_transformer/selectors_actions/qdq_selector_action_transformer.cc),
 * which registers, per op type, the node group it fuses and what it replaces it with:
 *   - ConvQDQRules: DQ(x), DQ(w), DQ(b)? → Conv → Q  ⇒ QLinearConv (the output Q is required).
 *   - MatMulQDQRules: DQ, DQ → MatMul → Q? ⇒ QLinearMatMul with Q, MatMulIntegerToFloat without.
 *   - GemmQDQRules: DQ, DQ, DQ(b)? → Gemm → Q? ⇒ QGemm (float output without Q).
 *   - BinaryOpQDQRules: DQ, DQ → Add|Mul → Q ⇒ QLinearAdd / QLinearMul (com.microsoft).
 *   - UnaryOpQDQRules: DQ → AveragePool|GlobalAveragePool|LeakyRelu|Sigmoid|Softmax → Q ⇒ their
 *     QLinear forms (com.microsoft).
 *   - VariadicOpQDQRules: DQ… → Concat → Q ⇒ QLinearConcat.
 *   - DropQDQNodesRules: DQ → Reshape|Flatten|Transpose|Squeeze|Unsqueeze|Slice|Gather|Expand|Tile
 *     |MaxPool|Resize → Q with equal parameters ⇒ the op on the integers, Q/DQ dropped.
 * HardSigmoid and HardSwish have no int8 kernel, but both are built from ops that have one:
 * HardSigmoid(x) = clip(αx + β, 0, 1), so with α > 0 the α goes into the scale of a second
 * DequantizeLinear of x's integers, β is a constant, and the clamp is the saturation of a uint8
 * output with range [0, 1]: DQ, DQ(β) → Add → Q ⇒ QLinearAdd. HardSwish(x) = x · HardSigmoid(x)
 * adds DQ, DQ → Mul → Q ⇒ QLinearMul (affine-clip.ts writes both).
 * Everything else (Div, Sub, Pow, Erf, LayerNormalization, ReduceMean, …) has no int8 CPU kernel:
 * ONNX Runtime runs it in float, so a Q/DQ pair next to it is pure cost.
 *
 * TensorRT (explicit quantization; NVIDIA's "Q/DQ layer placement recommendations" in the
 * TensorRT developer guide): quantize every input of weighted ops (Conv, ConvTranspose, Gemm,
 * MatMul); do not quantize their outputs (TensorRT moves Q forward across them itself); quantize
 * the residual input of an Add that follows a Conv so the Add fuses into the Conv; TensorRT
 * propagates Q/DQ across MaxPool/AveragePool and data movement, so nothing is written around them;
 * no Q/DQ around ops without int8 kernels.
 */
import type { Flavour } from '../plan.js';

/**
 * What a target does with an op in int8:
 * - `weighted`: int8 inputs and weights (the ops whose quantization buys speed).
 * - `qlinear`: a QLinear kernel; its inputs and its output each need their own parameters, and it
 *   pays only when its inputs already arrive in int8 and its output is read in int8.
 * - `pass-through`: runs on the integers unchanged; its output shares the input's parameters.
 * - `fold`: Relu / Clip(≥0) after a quantized output: the uint8 range does the clamping.
 * - `residual-add`: TensorRT's Add after a Conv: the other input is quantized.
 * - `affine-clip`: HardSigmoid / HardSwish, rewritten into QLinearAdd (and QLinearMul) on the
 *   integers of their input; like `qlinear`, it pays only between int8 neighbours.
 * Ops absent from a target's table run in float there: no Q/DQ is placed for them.
 */
export type Int8Role = 'weighted' | 'qlinear' | 'pass-through' | 'fold' | 'residual-add' | 'affine-clip';

export interface PlacementRule {
  role: Int8Role;
  /** For weighted ops: whether the fused kernel needs a Q on the output (QLinearConv does; QGemm does not). */
  outputQ?: 'required' | 'optional';
  /** The target's rule this comes from. */
  source: string;
}

const ORT_TRANSFORMER = 'ONNX Runtime qdq_selector_action_transformer.cc';

const ORT_RULES: Readonly<Record<string, PlacementRule>> = {
  Conv: { role: 'weighted', outputQ: 'required', source: `${ORT_TRANSFORMER}: ConvQDQRules → QLinearConv` },
  MatMul: { role: 'weighted', outputQ: 'optional', source: `${ORT_TRANSFORMER}: MatMulQDQRules → QLinearMatMul, or MatMulIntegerToFloat without Q` },
  Gemm: { role: 'weighted', outputQ: 'optional', source: `${ORT_TRANSFORMER}: GemmQDQRules → QGemm (float output without Q)` },
  Add: { role: 'qlinear', source: `${ORT_TRANSFORMER}: BinaryOpQDQRules → QLinearAdd` },
  Mul: { role: 'qlinear', source: `${ORT_TRANSFORMER}: BinaryOpQDQRules → QLinearMul` },
  AveragePool: { role: 'qlinear', source: `${ORT_TRANSFORMER}: UnaryOpQDQRules → QLinearAveragePool` },
  GlobalAveragePool: { role: 'qlinear', source: `${ORT_TRANSFORMER}: UnaryOpQDQRules → QLinearGlobalAveragePool` },
  LeakyRelu: { role: 'qlinear', source: `${ORT_TRANSFORMER}: UnaryOpQDQRules → QLinearLeakyRelu` },
  Sigmoid: { role: 'qlinear', source: `${ORT_TRANSFORMER}: UnaryOpQDQRules → QLinearSigmoid` },
  Softmax: { role: 'qlinear', source: `${ORT_TRANSFORMER}: UnaryOpQDQRules → QLinearSoftmax` },
  Concat: { role: 'qlinear', source: `${ORT_TRANSFORMER}: VariadicOpQDQRules → QLinearConcat` },
  MaxPool: { role: 'pass-through', source: `${ORT_TRANSFORMER}: DropQDQNodesRules (positive scale)` },
  Resize: { role: 'pass-through', source: `${ORT_TRANSFORMER}: DropQDQNodesRules (no int16)` },
  Reshape: { role: 'pass-through', source: `${ORT_TRANSFORMER}: DropQDQNodesRules` },
  Flatten: { role: 'pass-through', source: `${ORT_TRANSFORMER}: DropQDQNodesRules` },
  Transpose: { role: 'pass-through', source: `${ORT_TRANSFORMER}: DropQDQNodesRules` },
  Squeeze: { role: 'pass-through', source: `${ORT_TRANSFORMER}: DropQDQNodesRules` },
  Unsqueeze: { role: 'pass-through', source: `${ORT_TRANSFORMER}: DropQDQNodesRules` },
  Slice: { role: 'pass-through', source: `${ORT_TRANSFORMER}: DropQDQNodesRules` },
  Expand: { role: 'pass-through', source: `${ORT_TRANSFORMER}: DropQDQNodesRules` },
  Tile: { role: 'pass-through', source: `${ORT_TRANSFORMER}: DropQDQNodesRules` },
  Gather: { role: 'pass-through', source: `${ORT_TRANSFORMER}: DropQDQNodesRules (the data input; indices stay int64)` },
  HardSigmoid: { role: 'affine-clip', source: `${ORT_TRANSFORMER}: BinaryOpQDQRules → QLinearAdd of x rescaled by α and the constant β, the uint8 range [0, 1] clamping (α > 0)` },
  HardSwish: { role: 'affine-clip', source: `${ORT_TRANSFORMER}: BinaryOpQDQRules → QLinearAdd (HardSigmoid, as above), then QLinearMul by x` },
  Relu: { role: 'fold', source: 'uint8 output range starting at 0 (ONNX Runtime QDQ Relu removal)' },
  Clip: { role: 'fold', source: 'uint8 output range clamped at the Clip bounds (ONNX Runtime QDQ Clip removal)' },
};

const TRT_GUIDE = 'TensorRT developer guide, Q/DQ layer placement recommendations';

const TRT_RULES: Readonly<Record<string, PlacementRule>> = {
  Conv: { role: 'weighted', source: `${TRT_GUIDE}: quantize all inputs of weighted operations` },
  ConvTranspose: { role: 'weighted', source: `${TRT_GUIDE}: quantize all inputs of weighted operations` },
  Gemm: { role: 'weighted', source: `${TRT_GUIDE}: quantize all inputs of weighted operations` },
  MatMul: { role: 'weighted', source: `${TRT_GUIDE}: quantize all inputs of weighted operations` },
  Add: { role: 'residual-add', source: `${TRT_GUIDE}: quantize the residual input in skip connections` },
};

const TABLES: Readonly<Record<Flavour, Readonly<Record<string, PlacementRule>>>> = { ort: ORT_RULES, trt: TRT_RULES };

/** The rule for an op (default ONNX domain) on a target, or undefined: it runs in float there. */
export function placementRule(flavour: Flavour, opType: string): PlacementRule | undefined {
  return Object.hasOwn(TABLES[flavour], opType) ? TABLES[flavour][opType] : undefined;
}

/** Every rule of a target, in a fixed order (the docs table and the tests read it). */
export function placementRules(flavour: Flavour): [string, PlacementRule][] {
  return Object.entries(TABLES[flavour]);
}

/** Weighted ops a target runs in int8. */
export function weightedOps(flavour: Flavour): string[] {
  return placementRules(flavour)
    .filter(([, r]) => r.role === 'weighted')
    .map(([op]) => op);
}
