/**
 * NaN and infinity in packed little-endian float tensors (float32, float64, float16, bfloat16),
 * found by their bit patterns: weights, input data and outputs are all checked with this.
 */
import { DataType } from './dtypes.js';

export interface NonFinite {
  nan: number;
  inf: number;
  /** Index of the first NaN / infinite element (offset by `firstIndex`), −1 if none. */
  firstNan: number;
  firstInf: number;
}

/** NaN and infinite counts of packed float bytes, with the first index of each; null for non-float types. */
export function nonFiniteValues(dataType: number, bytes: Uint8Array, firstIndex = 0): NonFinite | null {
  // Exponent all ones: infinity when the mantissa is zero, NaN otherwise.
  const layout =
    dataType === DataType.FLOAT ? { size: 4, exp: 0x7f800000, man: 0x007fffff }
    : dataType === DataType.FLOAT16 ? { size: 2, exp: 0x7c00, man: 0x03ff }
    : dataType === DataType.BFLOAT16 ? { size: 2, exp: 0x7f80, man: 0x007f }
    : dataType === DataType.DOUBLE ? { size: 8, exp: 0, man: 0 }
    : null;
  if (!layout) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Math.floor(bytes.byteLength / layout.size);
  const out: NonFinite = { nan: 0, inf: 0, firstNan: -1, firstInf: -1 };
  for (let i = 0; i < n; i++) {
    let isNan: boolean;
    let isInf: boolean;
    if (layout.size === 8) {
      const v = view.getFloat64(i * 8, true);
      isNan = v !== v;
      isInf = v === Infinity || v === -Infinity;
    } else {
      const bits = layout.size === 4 ? view.getUint32(i * 4, true) : view.getUint16(i * 2, true);
      if ((bits & layout.exp) !== layout.exp) continue;
      isNan = (bits & layout.man) !== 0;
      isInf = !isNan;
    }
    if (isNan && out.nan++ === 0) out.firstNan = firstIndex + i;
    if (isInf && out.inf++ === 0) out.firstInf = firstIndex + i;
  }
  return out;
}

