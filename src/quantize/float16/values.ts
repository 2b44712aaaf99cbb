/**
 * Float32 values in float16: whether an initializer survives the conversion, and its float16
 * copy.
 *
 * Two ways a value does not survive: a finite value beyond ±65504 becomes infinite, and a nonzero
 * value below half the smallest subnormal (2^-25, about 3e-8) becomes zero. The conversion does
 * not clamp either. A node reading such an initializer stays in float32 and keeps the initializer
 * as it is (precision.ts), as ModelOpt's AutoCast does with its initializer range rule:
 *   - Clamping changes what the model computes. An attention mask of -1e9 clamped to -65504 still
 *     masks, but a scale of 1e5 clamped to 65504 is a different model, and nothing tells the two
 *     apart.
 *   - Keeping the initializer in float32 with a Cast to float16 in front of its reader gains
 *     nothing: the Cast overflows to infinity or flushes to zero at run time just the same.
 * Underflow only matters where it takes the whole tensor: an epsilon (1e-12 added before a square
 * root) that becomes 0. A weight with a few values below 3e-8 loses only those, each smaller than
 * the rounding error float16 puts on its neighbours, so it converts.
 *
 * Q/DQ scales are the exception: a scale must stay positive. One below float16's smallest
 * subnormal (6e-8) becomes that subnormal. quantgate writes scales of at least 1e-8 (params.ts).
 * For an activation, such a scale belongs to a tensor that is all but zero. For a weight, every
 * weight of that channel is below 127 × 6e-8 = 8e-6. Either way the change is within float16's own
 * rounding at the layer's output.
 */
import type { TensorProto } from 'onnx-buf';
import { DataType } from '../../model/dtypes.js';
import { floatToHalf, makeTensor } from '../../model/tensor.js';

/** Largest finite float16. */
export const FLOAT16_MAX = 65504;
/** Smallest positive float16 (a subnormal), 2^-24. */
export const FLOAT16_MIN_POSITIVE = 2 ** -24;

export type Fit = { fits: true } | { fits: false; why: string };

/**
 * Whether `values` (an initializer's float32 values) survive float16; `name` is for the message.
 * A Q/DQ scale (`scale`) only has to stay finite: float16Tensor keeps it positive.
 */
export function float16Fit(name: string, values: Float32Array, options: { scale?: boolean } = {}): Fit {
  let nonzero = 0;
  let flushed = 0;
  let smallest = Infinity;
  for (const v of values) {
    if (Number.isFinite(v) && Math.abs(v) > FLOAT16_MAX) {
      return { fits: false, why: `initializer '${name}' holds ${formatValue(v)}, beyond float16's ±65504` };
    }
    if (v === 0 || Number.isNaN(v) || options.scale) continue;
    nonzero++;
    if ((floatToHalf(v) & 0x7fff) === 0) {
      flushed++;
      smallest = Math.min(smallest, Math.abs(v));
    }
  }
  if (nonzero > 0 && flushed === nonzero) {
    return { fits: false, why: `initializer '${name}' holds ${formatValue(smallest)}, which float16 rounds to zero` };
  }
  return { fits: true };
}

/** A float16 copy of `values` named `name`; `scale` keeps every positive value positive. */
export function float16Tensor(name: string, dims: readonly bigint[], values: Float32Array, options: { scale?: boolean } = {}): TensorProto {
  const bits = Uint16Array.from(values, (v) => {
    const h = floatToHalf(v);
    // The smallest positive float16 (bits 0x0001) for a positive scale that would round to zero.
    return options.scale && v > 0 && h === 0 ? 1 : h;
  });
  return makeTensor(name, DataType.FLOAT16, dims.map(Number), bits);
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toExponential(1) : String(Math.fround(v));
}
