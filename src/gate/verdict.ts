/**
 * The gate's answer for a results file, as results.json stores it: the summary of its decisions
 * (see decisions.ts for what is gated and why a failed run fails while a skipped one never
 * counts).
 */
import type { Comparison } from '../compare/types.js';
import type { Results, Thresholds, Verdict } from '../results/schema.js';
import { gateDecisions, type GateDecision } from './decisions.js';

export function verdictOf(decisions: readonly GateDecision[], thresholds: Thresholds): Verdict {
  return {
    pass: decisions.every((d) => d.pass),
    gated: decisions.some((d) => d.gate !== 'not-gated'),
    reasons: decisions.map((d) => d.sentence),
    thresholds: { ...thresholds },
  };
}

/** A pure function of the results, the limits and the comparison with the baseline. */
export function decideVerdict(results: Results, thresholds: Thresholds, comparison?: Comparison | null): Verdict {
  return verdictOf(gateDecisions(results, thresholds, comparison), thresholds);
}
