/**
 * How long a benchmark runs. The defaults suit a 2-core CI machine and a GPU alike: a second of
 * warm-up (caches, allocator arenas, CPU frequency, lazy kernel selection), then timed runs until
 * both at least 20 iterations and at least 3 s have passed, so a fast model gets thousands of
 * samples and a slow one still gets enough for its p90.
 */
export interface BenchmarkSettings {
  /** Untimed runs for this long before timing starts (at least one run), ms. */
  warmupMs: number;
  /** Timed iterations, at least. */
  minIterations: number;
  /** Timed wall time, at least, ms. */
  minMs: number;
  /**
   * The timed phase is split into this many rounds (progress is reported after each; interleaved
   * sessions alternate between them). Each round runs at least ⌈minIterations / rounds⌉
   * iterations and minMs / rounds ms, so the totals meet both minimums. Ten rounds of 300 ms keep
   * the rows of a group within a second or two of each other, against a neighbour whose load
   * changes every few seconds, and give the median of the paired per-round ratios a 97.9% interval
   * (the 2nd to the 9th ratio).
   */
  rounds: number;
}

export const DEFAULT_SETTINGS: Readonly<BenchmarkSettings> = { warmupMs: 1000, minIterations: 20, minMs: 3000, rounds: 10 };

/** The defaults overridden by `given`; an impossible value is a bug of the caller (config validates flags). */
export function resolveSettings(given: Partial<BenchmarkSettings> = {}): BenchmarkSettings {
  const settings = { ...DEFAULT_SETTINGS, ...stripUndefined(given) };
  const problems: string[] = [];
  if (!(settings.warmupMs >= 0)) problems.push(`warmupMs ${settings.warmupMs} < 0`);
  if (!(Number.isInteger(settings.minIterations) && settings.minIterations >= 1)) problems.push(`minIterations ${settings.minIterations} is not a whole number ≥ 1`);
  if (!(settings.minMs >= 0)) problems.push(`minMs ${settings.minMs} < 0`);
  if (!(Number.isInteger(settings.rounds) && settings.rounds >= 1)) problems.push(`rounds ${settings.rounds} is not a whole number ≥ 1`);
  if (problems.length > 0) throw new Error(`invalid benchmark settings: ${problems.join(', ')}`);
  return settings;
}

/** What one round of one session runs. */
export function roundQuota(settings: BenchmarkSettings): { minIterations: number; minMs: number } {
  return { minIterations: Math.ceil(settings.minIterations / settings.rounds), minMs: settings.minMs / settings.rounds };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
