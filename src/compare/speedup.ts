/**
 * What INT8 buys: each timed INT8 run of this model against the float run of the same runtime,
 * provider and batch (FP16 where there is one, else FP32). Where the two were timed interleaved,
 * the figure is the median of their per-round ratios (paired.ts), which a neighbour that loads the
 * machine for a few seconds cannot skew; a file without rounds (an earlier quantgate) gets the
 * ratio of the two p50s.
 */
import type { RunResult } from '../results/schema.js';
import { isBaseRun } from './match.js';
import { pairedRatio } from './paired.js';
import type { Speedup } from './types.js';

/** Timed and not the CPU simulation (which carries accuracy only) nor the base model's. */
export function isTimedRun(run: RunResult): boolean {
  return run.status === 'ok' && run.latencyMs !== null && run.provider !== 'reference' && !isBaseRun(run);
}

export function speedups(runs: readonly RunResult[]): Speedup[] {
  const out: Speedup[] = [];
  for (const int8 of runs) {
    if (!isTimedRun(int8) || int8.precision !== 'int8') continue;
    const floats = runs.filter((r) => isTimedRun(r) && r.precision !== 'int8' && r.runtime === int8.runtime && r.provider === int8.provider && r.batch === int8.batch);
    const float = floats.find((r) => r.precision === 'fp16') ?? floats.find((r) => r.precision === 'fp32');
    if (!float) continue;
    const paired = pairedRatio(float, int8);
    out.push({ int8, float, ratio: paired ? paired.median : float.latencyMs!.p50 / int8.latencyMs!.p50, paired });
  }
  return out;
}
