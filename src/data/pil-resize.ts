/**
 * Pillow's bilinear resize of 8-bit images, reproduced step for step (Pillow's
 * `libImaging/Resample.c`), because that is what torchvision's `Resize` does to the PIL images
 * models are trained on: a triangle filter widened by the scale factor when shrinking (so it
 * antialiases), coefficients in 22-bit fixed point, the horizontal pass first and rounded to
 * 8 bits, then the vertical pass. libvips' own resize differs (a box pre-shrink past 2x, another
 * upsampling interpolator), by several levels on some pixels.
 *
 * Only the window of the output that is asked for is computed (the centre crop); every output
 * pixel depends only on its own coefficients, so the window equals the same pixels of the
 * whole resized image.
 */

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

interface AxisCoefficients {
  /** Per output position: first input index and number of taps. */
  first: Int32Array;
  taps: Int32Array;
  /** Fixed-point weights, `ksize` per output position. */
  weights: Int32Array;
  ksize: number;
}

function bilinear(x: number): number {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc, for outputs [from, from + count). */
function coefficients(inSize: number, outSize: number, from: number, count: number): AxisCoefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 1 * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(count);
  const taps = new Int32Array(count);
  const weights = new Int32Array(count * ksize);
  const k = new Float64Array(ksize);
  for (let i = 0; i < count; i++) {
    const xx = from + i;
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterScale;
    // C's (int) cast truncates toward zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bilinear((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x]! / ww : k[x]!;
      weights[i * ksize + x] = Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE);
    }
    first[i] = xmin;
    taps[i] = xmax;
  }
  return { first, taps, weights, ksize };
}

function clip8(value: number): number {
  if (value >= ONE << 8) return 255;
  if (value <= 0) return 0;
  return value >> PRECISION_BITS;
}

export interface Window {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Resizes an interleaved 8-bit image (`channels` per pixel) to outWidth×outHeight as Pillow's
 * `Image.resize(..., BILINEAR)` does, and returns only `window` of the result.
 */
export function pilBilinearResize(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
  window: Window,
): Uint8Array {
  const horizontal = coefficients(width, outWidth, window.left, window.width);
  const vertical = coefficients(height, outHeight, window.top, window.height);
  // The input rows the vertical pass reads.
  const rowFirst = vertical.first[0]!;
  const rowEnd = vertical.first[window.height - 1]! + vertical.taps[window.height - 1]!;

  // Pillow skips a pass whose size does not change; its coefficients would be the identity.
  let rows: Uint8Array;
  let rowWidth: number;
  let columnShift: number;
  if (outWidth === width) {
    rows = pixels.subarray(rowFirst * width * channels, rowEnd * width * channels);
    rowWidth = width;
    columnShift = window.left; // the window's columns are picked when the vertical pass reads them
  } else {
    rowWidth = window.width;
    columnShift = 0;
    rows = new Uint8Array((rowEnd - rowFirst) * rowWidth * channels);
    const { first, taps, weights, ksize } = horizontal;
    for (let y = rowFirst; y < rowEnd; y++) {
      const src = y * width * channels;
      const dst = (y - rowFirst) * rowWidth * channels;
      for (let i = 0; i < window.width; i++) {
        const n = taps[i]!;
        const k = i * ksize;
        const p = src + first[i]! * channels;
        const o = dst + i * channels;
        if (channels === 3) {
          // RGB, the preset's case: one pass over the taps for all three channels.
          let s0 = HALF;
          let s1 = HALF;
          let s2 = HALF;
          for (let x = 0, q = p; x < n; x++, q += 3) {
            const w = weights[k + x]!;
            s0 += pixels[q]! * w;
            s1 += pixels[q + 1]! * w;
            s2 += pixels[q + 2]! * w;
          }
          rows[o] = clip8(s0);
          rows[o + 1] = clip8(s1);
          rows[o + 2] = clip8(s2);
          continue;
        }
        for (let c = 0; c < channels; c++) {
          let ss = HALF;
          for (let x = 0, q = p + c; x < n; x++, q += channels) ss += pixels[q]! * weights[k + x]!;
          rows[o + c] = clip8(ss);
        }
      }
    }
  }

  const out = new Uint8Array(window.width * window.height * channels);
  const stride = rowWidth * channels;
  const { first, taps, weights, ksize } = vertical;
  for (let j = 0; j < window.height; j++) {
    const dst = j * window.width * channels;
    if (outHeight === height) {
      const src = (window.top + j - rowFirst) * stride + columnShift * channels;
      out.set(rows.subarray(src, src + window.width * channels), dst);
      continue;
    }
    const n = taps[j]!;
    const k = j * ksize;
    const top = (first[j]! - rowFirst) * stride + columnShift * channels;
    for (let e = 0; e < window.width * channels; e++) {
      let ss = HALF;
      for (let y = 0, q = top + e; y < n; y++, q += stride) ss += rows[q]! * weights[k + y]!;
      out[dst + e] = clip8(ss);
    }
  }
  return out;
}
