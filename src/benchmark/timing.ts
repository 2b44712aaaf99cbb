/**
 * The timed loop. It is the whole of the harness inside a measurement: two clock reads and one
 * array push around each run, nothing else (bench/harness-overhead.ts measures what that costs
 * against a bare `session.run` loop).
 */
import type { TimedRound } from '../runtime/types.js';

export type Run = () => Promise<unknown>;

/** Runs untimed for `ms` (at least once); returns how many runs that took. */
export async function warmUp(run: Run, ms: number): Promise<number> {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  let iterations = 0;
  do {
    await run();
    iterations++;
  } while (process.hrtime.bigint() < deadline);
  return iterations;
}

export type { TimedRound };

/** Runs until both `minIterations` runs and `minMs` have passed, timing each run. */
export async function timeRound(run: Run, minIterations: number, minMs: number): Promise<TimedRound> {
  const samples: number[] = [];
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(minMs * 1e6));
  let end = start;
  while (samples.length < minIterations || end < deadline) {
    const t0 = process.hrtime.bigint();
    await run();
    end = process.hrtime.bigint();
    samples.push(Number(end - t0) / 1e6);
  }
  return { samplesMs: Float64Array.from(samples), wallMs: Number(end - start) / 1e6 };
}
