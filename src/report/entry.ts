/**
 * What one results file contributes to a report: the results and their assessment (comparison and
 * gate decisions, computed once by gate/assess.ts). A report is built from a list of these, so
 * that the aggregate step of a matrix of runners (one results.json each) can merge them into one
 * comment; `renderReport` passes one.
 */
import type { Comparison } from '../compare/types.js';
import type { Assessment } from '../gate/assess.js';
import type { GateDecision } from '../gate/decisions.js';
import type { Results, Thresholds } from '../results/schema.js';

export interface ReportEntry {
  results: Results;
  comparison: Comparison;
  decisions: GateDecision[];
  thresholds: Thresholds;
  /** Names the runner when several entries share one comment: "NVIDIA L4", "AMD EPYC 7763". */
  runner: string;
}

export function reportEntry(results: Results, assessment: Assessment): ReportEntry {
  const env = results.environment;
  return {
    results,
    comparison: assessment.comparison,
    decisions: assessment.decisions,
    thresholds: assessment.thresholds,
    runner: env.gpu ? env.gpu.name : env.cpu.model,
  };
}
