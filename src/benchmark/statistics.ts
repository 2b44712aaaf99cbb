/**
 * Latency statistics in trtexec's vocabulary (TensorRT's sampleReporting): min, max, mean,
 * percentiles, standard deviation and coefficient of variation.
 *
 * Percentiles use linear interpolation between the two closest ranks: for n sorted samples x,
 * the p-th percentile is at rank h = (n − 1)·p/100, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 * This is numpy's default (`np.percentile`, method 'linear'; Hyndman & Fan type 7), so p50 is
 * the usual median and every number can be checked with one line of Python. With few samples
 * the tail percentiles interpolate toward the maximum (p99 of 20 samples is 19% of the way from
 * the second largest to the largest).
 *
 * `std` is the sample standard deviation (n − 1 in the denominator); `cv` = std / mean.
 */
import type { Latency } from '../results/schema.js';

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile ${p} is outside 0..100`);
  const rank = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (rank - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Statistics of per-iteration latencies (any unit; quantgate passes milliseconds). */
export function latencyStatistics(samples: ArrayLike<number>): Latency {
  const n = samples.length;
  if (n === 0) throw new Error('latency statistics of no samples');
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const mean = sum / n;
  // Two passes: the textbook one-pass formula loses digits when the spread is tiny against the mean.
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (sorted[i]! - mean) ** 2;
  const std = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    mean,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    std,
    cv: mean > 0 ? std / mean : 0,
    iterations: n,
  };
}

/** Samples per second for a batch of `batch` samples at a mean latency of `meanMs`. */
export function throughput(batch: number, meanMs: number): number {
  return meanMs > 0 ? (batch * 1000) / meanMs : 0;
}

/** Coefficient of variation of a few values (e.g. p50 over repeated runs): sample std / mean. */
export function coefficientOfVariation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return mean > 0 ? Math.sqrt(variance) / mean : 0;
}
