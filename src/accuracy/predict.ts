/**
 * The class each position of an output predicts.
 *
 * Ties go to the lowest class index, as numpy's and torch's argmax do. A position whose class
 * scores hold a NaN predicts nothing (NO_PREDICTION), so it counts as wrong against a label and
 * as disagreeing against FP32: a model that emits NaN must not score as if it had guessed.
 * (numpy's argmax would instead return the NaN's index.) ±Infinity are ordinary, ordered values.
 *
 * A one-channel map (class axis of size 1, e.g. a sigmoid probability per pixel) predicts 1 where
 * the value is above the threshold (default 0.5) and 0 where it is at or below it.
 */
import { type ClassLayout, positionsPerSample } from './layout.js';

export const NO_PREDICTION = -1;
export const DEFAULT_THRESHOLD = 0.5;

/**
 * Predicted classes of one batch, one per position, in sample-major order:
 * index (sample · outer + o) · inner + i.
 */
export function predictClasses(values: Float32Array, layout: ClassLayout, threshold = DEFAULT_THRESHOLD): Int32Array {
  const { samples, classes, inner } = layout;
  const rows = samples * layout.outer;
  const predictions = new Int32Array(samples * positionsPerSample(layout));
  if (values.length !== rows * classes * inner) {
    throw new Error(`predictClasses: ${values.length} values do not fill the layout (${rows}·${classes}·${inner})`);
  }
  if (classes === 1) {
    for (let k = 0; k < predictions.length; k++) {
      const v = values[k]!;
      predictions[k] = v !== v ? NO_PREDICTION : v > threshold ? 1 : 0;
    }
    return predictions;
  }
  if (inner === 1) {
    for (let r = 0; r < rows; r++) predictions[r] = argmaxRow(values, r * classes, classes);
    return predictions;
  }
  // Maps: walk each row's classes outermost so the reads stay contiguous along the inner axes.
  const best = new Float32Array(inner);
  const hasNaN = new Uint8Array(inner);
  for (let r = 0; r < rows; r++) {
    const base = r * classes * inner;
    const out = predictions.subarray(r * inner, (r + 1) * inner);
    best.set(values.subarray(base, base + inner));
    out.fill(0);
    hasNaN.fill(0);
    for (let i = 0; i < inner; i++) if (best[i] !== best[i]) hasNaN[i] = 1;
    for (let c = 1; c < classes; c++) {
      const offset = base + c * inner;
      for (let i = 0; i < inner; i++) {
        const v = values[offset + i]!;
        if (v > best[i]!) {
          best[i] = v;
          out[i] = c;
        } else if (v !== v) hasNaN[i] = 1;
      }
    }
    for (let i = 0; i < inner; i++) if (hasNaN[i]) out[i] = NO_PREDICTION;
  }
  return predictions;
}

/** Index of the largest of `count` values from `start`; the first on ties; NO_PREDICTION on NaN. */
export function argmaxRow(values: Float32Array, start: number, count: number): number {
  let best = values[start]!;
  if (best !== best) return NO_PREDICTION;
  let index = 0;
  for (let c = 1; c < count; c++) {
    const v = values[start + c]!;
    if (v > best) {
      best = v;
      index = c;
    } else if (v !== v) return NO_PREDICTION;
  }
  return index;
}

/**
 * Whether `label` is among the `k` best of a row, ranking ties by class index as argmax does
 * (a class ranks before the label when its score is higher, or equal with a lower index).
 * False when the row holds a NaN.
 */
export function inTopK(values: Float32Array, start: number, count: number, label: number, k: number): boolean {
  const score = values[start + label]!;
  if (score !== score) return false;
  let before = 0;
  for (let c = 0; c < count; c++) {
    const v = values[start + c]!;
    if (v !== v) return false;
    if (v > score || (v === score && c < label)) before++;
  }
  return before < k;
}
