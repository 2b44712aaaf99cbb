/**
 * Pairs runs by what they measured: (runtime, provider, model, batch). The baseline model's runs
 * of a same-job comparison carry a `base:` prefix on their model; it is stripped for the key.
 */
import type { RunResult } from '../results/schema.js';

export const BASE_PREFIX = 'base:';

export function isBaseRun(run: RunResult): boolean {
  return run.model.startsWith(BASE_PREFIX);
}

/** The model key without `base:`: "int8.trt". */
export function modelKey(run: RunResult): string {
  return isBaseRun(run) ? run.model.slice(BASE_PREFIX.length) : run.model;
}

export function runKey(run: RunResult): string {
  return `${run.runtime}/${run.provider}/${modelKey(run)}/${run.batch}`;
}

export interface Matched {
  pairs: { key: string; current: RunResult; baseline: RunResult }[];
  onlyCurrent: RunResult[];
  onlyBaseline: RunResult[];
}

/**
 * Matches each current run to the baseline run with the same key, in the current runs' order.
 * A key that appears twice on one side (it should not) matches its first occurrence; the rest
 * count as unmatched rather than disappearing.
 */
export function matchRuns(current: readonly RunResult[], baseline: readonly RunResult[]): Matched {
  const byKey = new Map<string, RunResult>();
  for (const run of baseline) if (!byKey.has(runKey(run))) byKey.set(runKey(run), run);
  const used = new Set<RunResult>();
  const pairs: Matched['pairs'] = [];
  const onlyCurrent: RunResult[] = [];
  for (const run of current) {
    const other = byKey.get(runKey(run));
    if (other && !used.has(other)) {
      used.add(other);
      pairs.push({ key: runKey(run), current: run, baseline: other });
    } else {
      onlyCurrent.push(run);
    }
  }
  return { pairs, onlyCurrent, onlyBaseline: baseline.filter((run) => !used.has(run)) };
}
