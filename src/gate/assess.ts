/**
 * The one place a results file is judged: its comparison with the baselines and the gate's
 * decisions, computed once. The recorder stores the verdict in results.json and hands the whole
 * assessment to the report, which renders it and never decides again; `quantgate compare` takes
 * the same path with its results file as the only baseline.
 */
import { compareResults } from '../compare/compare.js';
import type { Comparison } from '../compare/types.js';
import type { Results, Thresholds, Verdict } from '../results/schema.js';
import { gateDecisions, type GateDecision } from './decisions.js';
import { verdictOf } from './verdict.js';

/** The limits of `quantgate run` when neither the caller nor the results file names any. */
export const DEFAULT_THRESHOLDS: Thresholds = { maxAccuracyDrop: 1.0, maxDisagreement: null, maxLatencyRegression: null };

export interface Assessment {
  comparison: Comparison;
  decisions: GateDecision[];
  verdict: Verdict;
  /** The limits the decisions used. */
  thresholds: Thresholds;
}

export interface AssessOptions {
  /** A results.json from an earlier run to compare with (--baseline, compare's second file). */
  baseline?: Results | null;
  /** How the baseline is named ("main"): defaults to "baseline", or "base model" in one job. */
  baselineLabel?: string;
  /** The gate's limits; default: those recorded in results.verdict, else `quantgate run`'s. */
  thresholds?: Thresholds;
  /** Compare with the baseline file only, leaving the file's own base-model runs out (compare). */
  fileOnly?: boolean;
}

export function assess(results: Results, options: AssessOptions = {}): Assessment {
  const thresholds = options.thresholds ?? results.verdict.thresholds ?? DEFAULT_THRESHOLDS;
  const full = compareResults(results, options.baseline ?? null, options.baselineLabel ? { label: options.baselineLabel } : {});
  const comparison = options.fileOnly ? { ...full, sameJob: null } : full;
  const decisions = gateDecisions(results, thresholds, comparison);
  return { comparison, decisions, verdict: verdictOf(decisions, thresholds), thresholds };
}
