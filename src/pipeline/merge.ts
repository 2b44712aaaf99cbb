/**
 * What the stages found, keyed by row id, and how a planned row and those results become one
 * results.json run. The stages never write into shared rows: the accuracy stage returns its scores
 * and failures, the benchmark stage its timings, and `mergeRow` decides, in one place, what a row
 * with both (or neither) says.
 */
import type { BenchmarkRunFields } from '../benchmark/run-fields.js';
import type { RunResult } from '../results/schema.js';
import type { Prepared } from '../runtime/backend.js';
import type { PlannedRow, RowId } from './rows.js';

/** The reason a runnable row carries until a stage fills it: what an interrupted run shows. */
export const NOT_REACHED = 'not run: the run stopped before it reached this row';

export type AccuracyFields = Pick<RunResult, 'accuracy' | 'accuracyLossPp' | 'accuracyLossCi' | 'accuracyFlips'>;

/**
 * A row's accuracy: scored, or failed (the runner would not load, a batch failed, or it produced
 * NaN where FP32 did not, in which case its scores stay on record beside the reason).
 */
export type RowAccuracy = ({ status: 'ok' } & AccuracyFields) | ({ status: 'failed'; reason: string } & Partial<AccuracyFields>);

/** A row's benchmark: the fields the benchmark fills (benchmark/run-fields.ts). */
export type RowTiming = BenchmarkRunFields;

export interface StageResults {
  /** What the engine stage (backend `prepare`) answered; absent where no backend prepares. */
  prepared?: ReadonlyMap<RowId, Prepared>;
  accuracy: ReadonlyMap<RowId, RowAccuracy>;
  timing: ReadonlyMap<RowId, RowTiming>;
}

function emptyRun(row: PlannedRow): RunResult {
  return {
    runtime: row.runtime,
    provider: row.provider,
    model: row.model,
    modelFile: row.shownFile,
    precision: row.precision,
    batch: row.batch,
    status: 'skipped',
    reason: row.skip ?? NOT_REACHED,
    latencyMs: null,
    throughput: null,
    memory: null,
    loadMs: null,
    accuracy: null,
    accuracyLossPp: null,
    accuracyLossCi: null,
    settings: null,
    rounds: null,
  };
}

/**
 * One run of results.json. A skipped row stays skipped with its reason; a failure in any stage
 * (engine, accuracy, benchmark) makes the row failed with that stage's reason; a timed row is ok
 * once the benchmark timed it, an accuracy-only row once it was scored; anything else was not
 * reached. What the engine stage prepared (the engine's record) is on the row whatever follows.
 */
export function mergeRow(row: PlannedRow, results: StageResults): RunResult {
  const empty = emptyRun(row);
  if (row.skip !== null) return empty;
  const prepared = results.prepared?.get(row.id);
  if (prepared?.status === 'failed') return { ...empty, status: 'failed', reason: prepared.reason };
  const run = prepared?.status === 'ok' ? { ...empty, ...prepared.fields } : empty;
  const accuracy = results.accuracy.get(row.id);
  const timing = results.timing.get(row.id);
  if (accuracy?.status === 'failed') {
    const { status: _failed, reason, ...kept } = accuracy;
    return { ...run, ...kept, status: 'failed', reason };
  }
  const { status: _status, ...scores } = accuracy ?? { status: 'ok' };
  const scored = { ...run, ...scores };
  if (timing) return { ...scored, ...timing };
  if (!row.timed && accuracy) return { ...scored, status: 'ok', reason: null };
  return scored;
}

export function mergeRows(rows: readonly PlannedRow[], results: StageResults): RunResult[] {
  return rows.map((row) => mergeRow(row, results));
}
