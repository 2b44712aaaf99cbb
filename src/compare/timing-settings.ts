/**
 * Benchmark settings that change latencies: how the benchmark ran (warm-up, minimums, rounds,
 * interleaving) and what each runner ran with (threads, ONNX Runtime's thread spinning, graph
 * optimisation). Two results files timed under different settings do not measure the same thing:
 * turning spinning off for interleaving, for one, moves every p50 on its own. The comparison lists
 * what differs, and the latency gate does not judge rows against such a baseline (decisions.ts).
 *
 * A file written before these were recorded has neither: it was timed the old way (each model
 * after the other, ONNX Runtime spinning on), so against a file that records them it differs.
 */
import type { BenchmarkSettingsRecord, Results, RunResult } from '../results/schema.js';
import { runtimeName } from '../text/run-names.js';
import { isBaseRun, matchRuns } from './match.js';
import type { Difference } from './types.js';

export const NOT_RECORDED = 'not recorded (an earlier quantgate: each model timed after the other, ONNX Runtime spinning on)';

function describeBenchmark(b: BenchmarkSettingsRecord): string {
  return `${b.interleaved ? 'interleaved' : 'one after the other'}, ${b.rounds} rounds, warm-up ${b.warmupMs} ms, at least ${b.minIterations} iterations and ${b.minMs} ms`;
}

function settingText(value: string | number | boolean | null | undefined): string {
  return value === null || value === undefined ? 'default' : String(value);
}

/** Differences of the runners' own settings over the matched rows, one line per runtime and setting. */
function runnerDifferences(current: readonly RunResult[], baseline: readonly RunResult[]): Difference[] {
  const out = new Map<string, Difference>();
  for (const { current: a, baseline: b } of matchRuns(current, baseline).pairs) {
    if (!a.settings || !b.settings) continue;
    for (const key of [...new Set([...Object.keys(a.settings), ...Object.keys(b.settings)])].sort()) {
      const mine = settingText(a.settings[key]);
      const theirs = settingText(b.settings[key]);
      const what = `${runtimeName(a)}: ${key}`;
      if (mine !== theirs && !out.has(what)) out.set(what, { what, current: mine, baseline: theirs });
    }
  }
  return [...out.values()];
}

/** What differs between the benchmark settings of two results files; empty when they are comparable. */
export function timingDifferences(current: Results, baseline: Results): Difference[] {
  const a = current.benchmark ?? null;
  const b = baseline.benchmark ?? null;
  if (a === null && b === null) return [];
  if (a === null || b === null) {
    return [{ what: 'benchmark settings', current: a ? describeBenchmark(a) : NOT_RECORDED, baseline: b ? describeBenchmark(b) : NOT_RECORDED }];
  }
  const out: Difference[] = [];
  if (describeBenchmark(a) !== describeBenchmark(b)) out.push({ what: 'benchmark settings', current: describeBenchmark(a), baseline: describeBenchmark(b) });
  out.push(...runnerDifferences(current.runs.filter((r) => !isBaseRun(r)), baseline.runs.filter((r) => !isBaseRun(r))));
  return out;
}
