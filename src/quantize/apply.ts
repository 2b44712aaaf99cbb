/**
 * Carrying out a plan on a copy of the prepared graph: fold the Relu/Clip it removes, put Q/DQ on
 * its activations with parameters from the calibrated ranges, rewrite its HardSigmoid/HardSwish
 * nodes into int8 Add/Mul groups (affine-clip.ts), replace its weights (and, for ONNX Runtime,
 * biases) by integers behind DequantizeLinear, and leave a topologically sorted graph.
 */
import type { OnnxModel } from '../model/model.js';
import { decomposeAffineClip } from './affine-clip.js';
import { renameInNode, type GraphEditor } from './graph.js';
import { fitOrtKernels, type KernelRewrites } from './ort-kernels.js';
import { trimOrtGraph, type OrtTrims } from './ort-trims.js';
import { asymmetricUint8, symmetricInt8, type ActivationParams } from './params.js';
import type { FlavourPlan } from './plan.js';
import { QdqWriter, type ScaleType } from './qdq.js';
import type { TensorRange } from './ranges.js';

export interface ApplyOptions {
  /** Largest |weight| of the integer grid: 127, or 64 for 7-bit weights. */
  weightQmax: number;
  scaleType?: ScaleType;
  /**
   * ONNX Runtime flavour only: the probe's shapes, and whether the inputs fix them, for the
   * rewrites onto ONNX Runtime's faster int8 kernels (ort-kernels.ts) and the trims of nodes it
   * would run for nothing (ort-trims.ts).
   */
  ortKernels?: { dims: ReadonlyMap<string, readonly number[]>; fixedSpatial: boolean };
}

/**
 * A HardSigmoid that was its input's only reader leaves that input's DequantizeLinear unread: the
 * rewrite reads the integers through a rescaled one (and a tiled convolution's input, through the
 * DequantizeLinear behind its Tile). ONNX Runtime does not drop such a node; it
 * runs it on every inference, behind a Transpose where the producer is a channels-last
 * convolution (three of each on glyphmobile, one per squeeze-excite gate).
 */
function removeUnreadDequantizers(editor: GraphEditor): void {
  const unread = editor.graph.node.filter((n) => n.opType === 'DequantizeLinear' && n.output.every((o) => !o || (editor.consumers(o).length === 0 && !editor.isGraphOutput(o))));
  if (unread.length) editor.removeNodes(unread);
}

/** Parameters for an activation of each flavour, from its calibrated range. */
export function activationParams(flavour: FlavourPlan['flavour'], range: TensorRange): ActivationParams {
  if (flavour === 'trt') return symmetricInt8(range.threshold);
  // Clip the observed range at the method's threshold on both sides.
  return asymmetricUint8(Math.max(range.min, -range.threshold), Math.min(range.max, range.threshold));
}

/** What the ONNX Runtime-only rewrites changed (all empty for the TensorRT flavour). */
export type OrtRewrites = KernelRewrites & OrtTrims;

export function applyPlan(editor: GraphEditor, model: OnnxModel, plan: FlavourPlan, ranges: ReadonlyMap<string, TensorRange>, options: ApplyOptions): OrtRewrites {
  // The producer writes the removed activation's output directly; its Q/DQ does the clamping.
  for (const removed of plan.removed) {
    const producer = editor.producer(removed.input[0]!);
    if (!producer) throw new Error(`plan: ${removed.opType} '${removed.name}' has no producer to fold into`);
    const folded = producer.output[0]!;
    producer.output[0] = removed.output[0]!;
    for (const reader of editor.consumers(folded)) if (reader !== removed) renameInNode(reader, folded, removed.output[0]!);
  }
  editor.removeNodes(plan.removed);
  // The activation each rewritten HardSigmoid/HardSwish reads, before Q/DQ renames its input.
  const decomposedInputs = plan.decomposed.map((node) => node.input[0]!);

  const writer = new QdqWriter(editor, model, options.scaleType);
  const params = new Map<string, ActivationParams>();
  const rangeOf = (tensor: string) => {
    const range = ranges.get(tensor);
    if (!range) throw new Error(`plan: no calibrated range for '${tensor}'`);
    return range;
  };
  for (const [tensor, source] of plan.activations) {
    const p =
      source.kind === 'same-as'
        ? params.get(source.tensor)
        : source.kind === 'fixed'
          ? asymmetricUint8(source.min, source.max)
          : activationParams(plan.flavour, rangeOf(source.kind === 'own' ? tensor : source.tensor));
    if (!p) throw new Error(`plan: '${tensor}' shares parameters with '${(source as { tensor: string }).tensor}', which has none yet`);
    params.set(tensor, p);
    writer.quantizeActivation(tensor, p, plan.excluded);
  }
  for (const { node, index } of plan.constants) writer.quantizeConstant(node, index);
  plan.decomposed.forEach((node, i) => decomposeAffineClip(editor, writer, node, decomposedInputs[i]!));
  const rewrites: OrtRewrites = options.ortKernels
    ? { ...fitOrtKernels(editor, options.ortKernels.dims, options.ortKernels.fixedSpatial), ...trimOrtGraph(editor, writer) }
    : { tiled: [], pools: [], shapeReaders: [], foldedScales: [], onIntegers: [] };
  removeUnreadDequantizers(editor);

  const weightScales = new Map<object, Float32Array>();
  for (const w of plan.weights) {
    const quantization = writer.quantizeWeight(w.node, w.index, w.axis, plan.flavour === 'trt' ? 127 : options.weightQmax);
    weightScales.set(w, quantization.scales);
  }
  // A mean's weights, all 1/(H·W), are exact on the int8 grid: per channel, every integer is qmax.
  for (const pool of rewrites.pools) writer.quantizeWeight(pool, 1, 0, options.weightQmax);
  for (const b of plan.biases) {
    const inputParams = params.get(b.input);
    const scales = weightScales.get(b.weight);
    if (inputParams && scales) writer.quantizeBias(b.node, b.index, inputParams.scale, scales);
  }
  editor.dropUnusedInitializers();
  editor.sortTopologically();
  return rewrites;
}
