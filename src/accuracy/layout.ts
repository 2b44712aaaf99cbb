/**
 * Where the classes are in a scored output, and its values as float32.
 *
 * Axis 0 is always the batch. The class axis splits the rest into positions: the axes before it
 * (`outer`) and after it (`inner`). A classifier's [N, C] has one position per sample; an NCHW
 * segmentation map [N, C, H, W] with class axis 1 has H·W; a sequence of token logits [N, T, C]
 * with class axis 2 has T.
 */
import type { HostTensor } from '../data/types.js';
import { BadInputError } from '../errors.js';
import { msg, opt } from '../message.js';
import { DataType, dtypeName } from '../model/dtypes.js';
import { bytesOf, toFloat32 } from '../model/tensor.js';

export interface ScoringOptions {
  /** The output scored (its name, for messages). */
  output: string;
  /** Class axis; default `defaultClassAxis(rank)`. */
  classAxis?: number;
  /** One-channel outputs: the value above which the prediction is 1. Default 0.5. */
  threshold?: number;
}

export interface ClassLayout {
  /** The class axis in the output's own rank (a rank-1 output [N] is read as [N, 1]: axis 1). */
  classAxis: number;
  /** Samples in the batch (axis 0). */
  samples: number;
  /** Size of the class axis; 1 for a one-channel map compared at a threshold. */
  classes: number;
  /** Product of the dims between the batch axis and the class axis. */
  outer: number;
  /** Product of the dims after the class axis. */
  inner: number;
}

export function positionsPerSample(layout: ClassLayout): number {
  return layout.outer * layout.inner;
}

/**
 * The class axis used when none is set: the last axis, except for rank 4 and 5 outputs, which
 * are read as channels-first maps (NCHW, NCDHW: the layout ONNX convolutions produce), class
 * axis 1. A rank-1 output [N] holds one value per sample and is read as [N, 1].
 */
export function defaultClassAxis(rank: number): number {
  if (rank <= 1) return 1;
  if (rank === 4 || rank === 5) return 1;
  return rank - 1;
}

/**
 * The layout of one batch of `output`. `classAxis` may be negative (counted from the end, as
 * numpy does). Throws BadInputError when the axis does not fit the output or when the output's
 * first axis is not the batch.
 */
export function classLayout(output: string, dims: readonly number[], batchSize: number, classAxis?: number): ClassLayout {
  const rank = dims.length;
  const shape = dims.join('×') || 'scalar';
  if (rank === 0 || dims[0] !== batchSize) {
    throw new BadInputError(
      `output '${output}' has shape ${shape} for a batch of ${batchSize} sample${batchSize === 1 ? '' : 's'}: its first axis is not the batch axis, so it cannot be scored per sample`,
      msg`score an output whose first axis is the batch with ${opt('output')}`,
    );
  }
  if (rank === 1) {
    if (classAxis !== undefined && classAxis !== 1 && classAxis !== -1) throw badAxis(output, shape, classAxis, rank);
    return { classAxis: 1, samples: batchSize, classes: 1, outer: 1, inner: 1 };
  }
  const axis = classAxis === undefined ? defaultClassAxis(rank) : classAxis < 0 ? rank + classAxis : classAxis;
  if (!Number.isInteger(axis) || axis < 1 || axis >= rank) throw badAxis(output, shape, classAxis!, rank);
  let outer = 1;
  for (let i = 1; i < axis; i++) outer *= dims[i]!;
  let inner = 1;
  for (let i = axis + 1; i < rank; i++) inner *= dims[i]!;
  return { classAxis: axis, samples: batchSize, classes: dims[axis]!, outer, inner };
}

function badAxis(output: string, shape: string, axis: number, rank: number): BadInputError {
  const allowed = rank <= 2 ? '1' : `1 to ${rank - 1}`;
  return new BadInputError(
    `class axis ${axis} does not fit output '${output}' (shape ${shape}): axis 0 is the batch, and the classes must lie on axis ${allowed}`,
    `set the class axis to ${allowed} (or leave it unset: ${defaultClassAxis(rank)} for a rank-${rank} output)`,
  );
}

const SCORE_TYPES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16, DataType.DOUBLE]);

/**
 * The output's values as float32 (float16 and bfloat16 widened, float64 narrowed; a float32
 * output is viewed, not copied). Only floating-point outputs are scores: an integer output holds
 * class indices or counts, which top-1 and cosine cannot be computed from.
 */
export function scoresOf(output: string, tensor: HostTensor): Float32Array {
  if (!SCORE_TYPES.has(tensor.dataType)) {
    throw new BadInputError(
      `output '${output}' holds ${dtypeName(tensor.dataType)} values, not per-class scores: accuracy is scored on float logits or probabilities`,
      msg`score an output of float logits or probabilities with ${opt('output')}`,
    );
  }
  return toFloat32(tensor.dataType, bytesOf(tensor.data));
}
