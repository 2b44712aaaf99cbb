/**
 * The paired bootstrap interval of an accuracy loss.
 *
 * FP32 and the candidate are scored on the same samples, so each sample falls in one cell of a
 * 2×2 table: both right, both wrong, flipped to wrong (FP32 right, candidate wrong), flipped to
 * right. The loss in points is 100 · (toWrong − toRight) / n, and only the difference
 * D = toWrong − toRight changes between resamples.
 *
 * Resampling the n samples with replacement draws the cell counts from a multinomial with the
 * observed frequencies. So instead of drawing n sample indices per resample, the distribution of
 * the resampled D is computed once from the 2×2 counts, exactly: the flips
 * m ~ Binomial(n, (toWrong + toRight)/n), then toWrong* | m ~ Binomial(m, toWrong/(toWrong + toRight)),
 * D* = 2·toWrong* − m. Each resample is then one seeded uniform looked up in its cumulative
 * distribution (a binary search). The resamples are the same draws a sample-by-sample bootstrap
 * makes, at a cost that no longer grows with n × resamples.
 *
 * The interval is the percentile interval of the resampled losses, quantiles interpolated
 * linearly between order statistics (numpy's default). When no sample flipped, every resample is
 * 0 and the interval collapses to [0, 0]: the data show no change but cannot rule out a flip rate
 * below about 3/n (the "rule of three"); `describeLoss` says so.
 */
import { binomialPmf } from './binomial.js';
import { Rng } from '../random.js';

export interface PairedCounts {
  samples: number;
  /** Samples FP32 got right and the candidate got wrong. */
  toWrong: number;
  /** Samples FP32 got wrong and the candidate got right. */
  toRight: number;
}

export interface BootstrapOptions {
  /** Resamples; at least 2000. Default 10,000. */
  resamples?: number;
  /** Seed of the generator: the same counts and seed give the same interval. */
  seed?: number;
  /** Coverage of the interval, in (0, 1). Default 0.95. */
  confidence?: number;
}

export const DEFAULT_RESAMPLES = 10_000;
export const MIN_RESAMPLES = 2000;
export const DEFAULT_SEED = 20_240_601;
export const DEFAULT_CONFIDENCE = 0.95;

/** [low, high] of the loss in percentage points. */
export function pairedBootstrapInterval(counts: PairedCounts, options: BootstrapOptions = {}): [number, number] {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(resamples) || resamples < MIN_RESAMPLES) throw new Error(`the bootstrap needs at least ${MIN_RESAMPLES} resamples, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`confidence must lie in (0, 1), got ${confidence}`);
  const { first, cumulative } = resampledDifference(counts);
  const random = new Rng(options.seed ?? DEFAULT_SEED);
  const draws = new Int32Array(resamples);
  for (let r = 0; r < resamples; r++) draws[r] = first + lowerBound(cumulative, random.uniform());
  draws.sort();
  const tail = (1 - confidence) / 2;
  // Rounded far below any printed precision, so results.json does not carry 2.4000000000000004.
  const points = (d: number): number => Math.round((1e10 * 100 * d) / counts.samples) / 1e10;
  return [points(quantile(draws, tail)), points(quantile(draws, 1 - tail))];
}

/**
 * The exact distribution of D* = toWrong* − toRight* over resamples of the samples, as a
 * cumulative distribution over D* = first, first+1, ... (the last entry is 1).
 */
export function resampledDifference(counts: PairedCounts): { first: number; cumulative: Float64Array } {
  const { samples, toWrong, toRight } = counts;
  if (!(Number.isInteger(samples) && samples > 0) || toWrong < 0 || toRight < 0 || toWrong + toRight > samples) {
    throw new Error(`impossible paired counts: ${toWrong} + ${toRight} flips in ${samples} samples`);
  }
  const flips = toWrong + toRight;
  if (flips === 0) return { first: 0, cumulative: Float64Array.of(1) };
  const flipCounts = binomialPmf(samples, flips / samples);
  const mMax = flipCounts.first + flipCounts.mass.length - 1;
  // D* lies in [−mMax, mMax]; index d + mMax.
  const mass = new Float64Array(2 * mMax + 1);
  const pToWrong = toWrong / flips;
  for (let j = 0; j < flipCounts.mass.length; j++) {
    const m = flipCounts.first + j;
    const weight = flipCounts.mass[j]!;
    const split = binomialPmf(m, pToWrong);
    for (let k = 0; k < split.mass.length; k++) {
      const index = 2 * (split.first + k) - m + mMax;
      mass[index] = mass[index]! + weight * split.mass[k]!;
    }
  }
  let lo = 0;
  while (mass[lo] === 0) lo++;
  let hi = mass.length - 1;
  while (mass[hi] === 0) hi--;
  const cumulative = new Float64Array(hi - lo + 1);
  let sum = 0;
  for (let i = lo; i <= hi; i++) cumulative[i - lo] = sum += mass[i]!;
  for (let i = 0; i < cumulative.length; i++) cumulative[i] = cumulative[i]! / sum;
  cumulative[cumulative.length - 1] = 1;
  return { first: lo - mMax, cumulative };
}

/** The first index whose cumulative probability reaches u. */
function lowerBound(cumulative: Float64Array, u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The q-quantile of sorted values, interpolating linearly between order statistics. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const fraction = position - below;
  return sorted[below]! + fraction * (sorted[above]! - sorted[below]!);
}
