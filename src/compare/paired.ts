/**
 * Ratios of two rows timed interleaved, round by round: round i of each ran within the same
 * cycle, so a neighbour that slows the machine for a few seconds slows both sides of a round
 * alike, and their ratio stays. The figure is the median of the per-round ratios, with a
 * distribution-free interval for that median from their order statistics (the k-th smallest to
 * the k-th largest, k the largest that keeps at least 95% coverage under Binomial(n, ½); below six
 * rounds no pair of order statistics reaches 95%, and the interval is the whole range, with its
 * own, lower coverage).
 */
import { binomialPmf } from '../accuracy/binomial.js';
import { percentile } from '../benchmark/statistics.js';
import type { RunResult } from '../results/schema.js';

export interface PairedRatio {
  /** The median of the per-round ratios. */
  median: number;
  /** The interval of the median, [lo, hi]. */
  interval: [number, number];
  /** Its coverage, a fraction (0.979 for 10 rounds). */
  level: number;
  /** Rounds paired. */
  rounds: number;
}

/** Coverage of [x(k), x(n+1−k)] for the median of n values: 1 − 2·P(Binomial(n, ½) ≤ k − 1). */
export function medianIntervalCoverage(n: number, k: number): number {
  const { first, mass } = binomialPmf(n, 0.5);
  let below = 0;
  for (let j = 0; j < mass.length; j++) if (first + j <= k - 1) below += mass[j]!;
  return 1 - 2 * below;
}

/** The median of `ratios` and its interval (see above); null for no ratios. */
export function medianWithInterval(ratios: readonly number[]): PairedRatio | null {
  const n = ratios.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(ratios).sort();
  let k = 1;
  while (k + 1 <= Math.ceil(n / 2) && medianIntervalCoverage(n, k + 1) >= 0.95) k++;
  return { median: percentile(sorted, 50), interval: [sorted[k - 1]!, sorted[n - k]!], level: medianIntervalCoverage(n, k), rounds: n };
}

/**
 * numerator_i / denominator_i over the rounds two runs share, when they were timed in the same
 * interleaved group (else their rounds did not run side by side and do not pair); null otherwise.
 */
export function pairedRatio(numerator: Pick<RunResult, 'rounds'>, denominator: Pick<RunResult, 'rounds'>): PairedRatio | null {
  const a = numerator.rounds;
  const b = denominator.rounds;
  if (!a || !b || a.group !== b.group) return null;
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a.p50Ms.length, b.p50Ms.length); i++) {
    if (a.p50Ms[i]! > 0 && b.p50Ms[i]! > 0) ratios.push(a.p50Ms[i]! / b.p50Ms[i]!);
  }
  return medianWithInterval(ratios);
}
