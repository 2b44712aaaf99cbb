/**
 * The noise rule of the contracts. A timed run's coefficient of variation (std / mean of its
 * iterations) is its spread; two runs differ by more than chance only when the change exceeds
 * twice their combined spread, 2·√(CV_current² + CV_baseline²). The latency gate uses the same
 * band, so the report never calls "within noise" what the gate would call a regression.
 */
import type { ChangeClass, MetricChange, PairedRatio } from './types.js';

/** Half-width of the noise band in percent, from two coefficients of variation (fractions). */
export function noiseBandPct(cvCurrent: number, cvBaseline: number): number {
  return 200 * Math.sqrt(cvCurrent * cvCurrent + cvBaseline * cvBaseline);
}

/** Relative change in percent of the baseline. */
export function changePct(current: number, baseline: number): number {
  return ((current - baseline) / baseline) * 100;
}

/**
 * A change is noise while its size is at most the band (equal counts as noise: the rule fires
 * only when the change *exceeds* it). `higherIsBetter` orients regression and improvement.
 */
export function classifyChange(change: number, noise: number, higherIsBetter: boolean): ChangeClass {
  if (Math.abs(change) <= noise) return 'within-noise';
  return change > 0 === higherIsBetter ? 'improvement' : 'regression';
}

export function metricChange(current: number, baseline: number, noisePct: number, higherIsBetter: boolean): MetricChange {
  const change = changePct(current, baseline);
  return { baseline, current, changePct: change, noisePct, class: classifyChange(change, noisePct, higherIsBetter) };
}

/**
 * The p50 change of two rows timed interleaved: the change is the median of the per-round
 * current/baseline ratios, judged against the same noise band; the p50s stay as they are.
 */
export function pairedLatencyChange(current: number, baseline: number, paired: PairedRatio, noisePct: number): MetricChange {
  const change = (paired.median - 1) * 100;
  return { baseline, current, changePct: change, noisePct, class: classifyChange(change, noisePct, false), paired };
}

/**
 * The latency gate's rule for one matched row: p50 grew by more than the limit and by more than
 * the noise band. Both must hold: a 7% change on a runner whose runs scatter by ±9% is noise,
 * whatever the limit.
 */
export function latencyGateFires(p50: MetricChange, limitPct: number): boolean {
  return p50.changePct > limitPct && p50.changePct > p50.noisePct;
}
