/**
 * Calibrated ranges: for each observed activation its exact min and max and the clipping threshold
 * the range method chose. Both models are written from these same numbers.
 */
import type { Method } from '../config/types.js';
import { AbsHistogram, MinMax } from './histogram.js';
import { entropyThreshold, percentileThreshold } from './range-methods.js';

export interface TensorRange {
  min: number;
  max: number;
  /** The |x| the method clips at (for minmax: the largest |x| seen). */
  threshold: number;
}

export function chooseThreshold(method: Method, percentile: number, minmax: MinMax, histogram: AbsHistogram | undefined): number {
  if (method === 'minmax' || !histogram) return minmax.amax;
  return method === 'percentile' ? percentileThreshold(histogram, percentile) : entropyThreshold(histogram);
}

/** A range rounded to float32, as it is written into the models and calibration.json. */
export function tensorRange(minmax: MinMax, threshold: number): TensorRange {
  const finite = (x: number) => (Number.isFinite(x) ? Math.fround(x) : 0);
  return { min: finite(minmax.min), max: finite(minmax.max), threshold: finite(threshold) };
}
