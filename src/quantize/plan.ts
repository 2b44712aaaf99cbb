/**
 * A quantization plan: which nodes of the prepared FP32 graph get INT8, which activations get a
 * Q/DQ pair and where their parameters come from, and which nodes stay in float and why. Plans are
 * made before calibration (they only need the graph and each tensor's element type), so that
 * calibration observes just the tensors a plan needs.
 */
import type { NodeProto } from 'onnx-buf';

/** The ops counted in "quantized/total" for each model written. */
export const WEIGHTED_OPS = ['Conv', 'ConvTranspose', 'Gemm', 'MatMul'] as const;

export type Flavour = 'trt' | 'ort';

/** Where an activation's quantization parameters come from. */
export type ActivationSource =
  /** Its own calibrated range. */
  | { kind: 'own' }
  /** Another tensor's range (a removed Relu's output: the Conv now writes it). */
  | { kind: 'range-of'; tensor: string }
  /** Exactly another tensor's parameters (the output of Reshape, MaxPool...: ONNX Runtime drops Q/DQ pairs with equal parameters around them). */
  | { kind: 'same-as'; tensor: string }
  /** A range known without calibrating: HardSigmoid's output is [0, 1] by definition. */
  | { kind: 'fixed'; min: number; max: number };

export interface WeightPlan {
  node: NodeProto;
  /** Input index of the constant operand. */
  index: number;
  /** Output-channel axis, or null for per-tensor. */
  axis: number | null;
}

export interface KeptFloat {
  node: string;
  opType: string;
  reason: string;
}

export interface FlavourPlan {
  flavour: Flavour;
  /** Activations to quantize, in graph order (a `same-as` source comes before its dependants). */
  activations: Map<string, ActivationSource>;
  weights: WeightPlan[];
  /** ONNX Runtime flavour: int32 biases (node, input index, the activation it scales with). */
  biases: { node: NodeProto; index: number; input: string; weight: WeightPlan }[];
  /** Relu/Clip nodes folded into the Q/DQ of their producer's output. */
  removed: NodeProto[];
  /** HardSigmoid/HardSwish nodes rewritten into QLinearAdd (and QLinearMul) after Q/DQ are placed (affine-clip.ts). */
  decomposed: NodeProto[];
  /** Weighted nodes quantized. */
  quantized: NodeProto[];
  keptFloat: KeptFloat[];
  /** Nodes that stay float because the user excluded them (they read float inputs). */
  excluded: Set<NodeProto>;
  /** ONNX Runtime flavour: float constants an int8 Add reads (a bias after a MatMul), written as uint8 behind a DequantizeLinear. */
  constants: { node: NodeProto; index: number }[];
}

/** What planning needs to know of a tensor: its element type as observed or declared. */
export type TensorTypes = ReadonlyMap<string, number>;

export function emptyPlan(flavour: Flavour): FlavourPlan {
  return { flavour, activations: new Map(), weights: [], biases: [], removed: [], decomposed: [], quantized: [], keptFloat: [], excluded: new Set(), constants: [] };
}

export function isDefaultDomain(node: NodeProto): boolean {
  return node.domain === '' || node.domain === 'ai.onnx';
}

/** The tensors whose ranges a plan needs from calibration. */
export function tensorsToCalibrate(plans: readonly FlavourPlan[]): Set<string> {
  const out = new Set<string>();
  for (const plan of plans) {
    for (const [tensor, source] of plan.activations) {
      if (source.kind === 'own') out.add(tensor);
      else if (source.kind === 'range-of') out.add(source.tensor);
    }
  }
  return out;
}

/** Per weighted op type: [quantized, total] in the graph. */
export function quantizedCounts(nodes: readonly NodeProto[], plan: Pick<FlavourPlan, 'quantized'>): Record<string, [number, number]> {
  const quantized = new Set(plan.quantized);
  const counts: Record<string, [number, number]> = {};
  for (const op of WEIGHTED_OPS) counts[op] = [0, 0];
  for (const n of nodes) {
    const c = counts[n.opType];
    if (!c || !isDefaultDomain(n)) continue;
    c[1]++;
    if (quantized.has(n)) c[0]++;
  }
  return counts;
}
