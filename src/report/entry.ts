/**
 * What one results file contributes to a report: the results, their comparison with the
 * baselines and the gate's decisions. A report is built from a list of these, so that the
 * aggregate step of a matrix of runners (one results.json each) can merge them into one comment;
 * `renderReport` passes one.
 */
import { compareResults } from '../compare/compare.js';
import type { Comparison } from '../compare/types.js';
import { gateDecisions, type GateDecision } from '../gate/decisions.js';
import type { Results, Thresholds } from '../results/schema.js';

export interface ReportEntry {
  results: Results;
  comparison: Comparison;
  decisions: GateDecision[];
  thresholds: Thresholds;
  /** Names the runner when several entries share one comment: "NVIDIA L4", "AMD EPYC 7763". */
  runner: string;
}

export const DEFAULT_THRESHOLDS: Thresholds = { maxAccuracyDrop: 1.0, maxDisagreement: null, maxLatencyRegression: null };

export interface EntryOptions {
  baseline?: Results | null;
  baselineLabel?: string;
  thresholds?: Thresholds;
}

/**
 * The limits the report explains: the caller's, else those the stored verdict recorded, else the
 * defaults of `quantgate run`.
 */
export function reportEntry(results: Results, options: EntryOptions): ReportEntry {
  const thresholds = options.thresholds ?? results.verdict.thresholds ?? DEFAULT_THRESHOLDS;
  const comparison = compareResults(results, options.baseline ?? null, options.baselineLabel ? { label: options.baselineLabel } : {});
  const env = results.environment;
  return {
    results,
    comparison,
    decisions: gateDecisions(results, thresholds, comparison),
    thresholds,
    runner: env.gpu ? env.gpu.name : env.cpu.model,
  };
}
