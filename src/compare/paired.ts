/**
 * Ratios of two rows timed interleaved, round by round: round i of each ran within the same
 * cycle, so a neighbour that slows the machine for a few seconds slows both sides of a round
 * alike, and their ratio stays. The figure is the median of the per-round ratios, with a
 * distribution-free interval for that median from their order statistics (the k-th smallest to
 * the k-th largest, k the largest that keeps at least 95% coverage under Binomial(n, ½); below six
 * rounds no pair of order statistics reaches 95%, and the interval is the whole range, with its
 * own, lower coverage).
 *
 * Pairing cancels a neighbour only where it slows both sides in proportion. With many threads it
 * does not: on 16 cores, rounds met by a neighbour on every core slowed FP32 1.85x and INT8 1.23x,
 * and the median drifted 27% (bench/noisy-neighbour.ts). So the ratios come from the quiet rounds:
 * a round's load is how far each side is above its own fastest round, summed; rounds within
 * QUIET_TOLERANCE of the quietest round are kept, and never fewer than half of them (on a machine
 * under constant load every round is alike and all are kept).
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
  /** Rounds the median is taken over: the quiet ones. */
  rounds: number;
  /** Rounds timed; more than `rounds` when some were left out as loaded. */
  of: number;
}

/** A round whose load is more than this fraction above the quietest round's is left out. */
export const QUIET_TOLERANCE = 0.15;

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
  return { median: percentile(sorted, 50), interval: [sorted[k - 1]!, sorted[n - k]!], level: medianIntervalCoverage(n, k), rounds: n, of: n };
}

/**
 * Indexes of the quiet rounds of paired p50s (see above): load_i = a_i / min(a) + b_i / min(b);
 * kept where load_i ≤ (1 + QUIET_TOLERANCE) · min(load), topped up with the next quietest to half.
 */
export function quietRounds(a: readonly number[], b: readonly number[]): number[] {
  const minA = Math.min(...a);
  const minB = Math.min(...b);
  const load = a.map((x, i) => x / minA + b[i]! / minB);
  const order = load.map((_, i) => i).sort((i, j) => load[i]! - load[j]! || i - j);
  const limit = (1 + QUIET_TOLERANCE) * load[order[0]!]!;
  const half = Math.ceil(order.length / 2);
  return order.filter((i, rank) => rank < half || load[i]! <= limit).sort((i, j) => i - j);
}

/**
 * numerator_i / denominator_i over the rounds two runs share, when they were timed in the same
 * interleaved group (else their rounds did not run side by side and do not pair); null otherwise.
 */
export function pairedRatio(numerator: Pick<RunResult, 'rounds'>, denominator: Pick<RunResult, 'rounds'>): PairedRatio | null {
  const a = numerator.rounds;
  const b = denominator.rounds;
  if (!a || !b || a.group !== b.group) return null;
  const pa: number[] = [];
  const pb: number[] = [];
  for (let i = 0; i < Math.min(a.p50Ms.length, b.p50Ms.length); i++) {
    if (a.p50Ms[i]! > 0 && b.p50Ms[i]! > 0) pa.push(a.p50Ms[i]!), pb.push(b.p50Ms[i]!);
  }
  const quiet = pa.length > 0 ? quietRounds(pa, pb) : [];
  const paired = medianWithInterval(quiet.map((i) => pa[i]! / pb[i]!));
  return paired && { ...paired, of: pa.length };
}
