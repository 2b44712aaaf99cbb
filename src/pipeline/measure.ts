/**
 * The benchmark stage: every runnable timed row in its own worker process, opened through its
 * backend; every model of one (runtime, provider, batch) interleaved round by round (timingGroups
 * in rows.ts), so that they see the same machine and their per-round figures pair up. Each group's
 * timings are handed on as soon as it finishes, so an interrupted run keeps what it measured.
 */
import { benchmarkInterleaved, type BenchmarkSpec } from '../benchmark/index.js';
import { runFields } from '../benchmark/run-fields.js';
import { resolveSettings, type BenchmarkSettings } from '../benchmark/settings.js';
import type { Batch, DataSet, HostTensor } from '../data/types.js';
import type { Log } from '../log.js';
import type { InputShapes } from '../runtime/backend.js';
import type { TypedArray } from '../model/tensor.js';
import type { BenchmarkSettingsRecord } from '../results/schema.js';
import type { RowTiming } from './merge.js';
import { timingGroups, type PlannedRow, type RowId } from './rows.js';

export interface MeasureInput {
  rows: readonly PlannedRow[];
  /** Rows not to time (their accuracy stage failed: the model does not run there). */
  exclude?: ReadonlySet<RowId>;
  data: DataSet;
  settings: Partial<BenchmarkSettings>;
  threads?: number;
  outDir?: string;
  /** The shapes the runners will be given (backend.ts InputShapes). */
  inputShapes?: InputShapes;
  log: Log;
  /** Each group's timings as soon as it is done. */
  onTimings?: (timings: ReadonlyMap<RowId, RowTiming>) => void;
}

/** The first `size` samples of the data set as one batch, repeating them when the set is smaller. */
export async function benchmarkBatch(data: DataSet, size: number): Promise<Batch> {
  let first: Batch | undefined;
  for await (const batch of data.batches(size)) {
    first = batch;
    break;
  }
  if (!first) throw new Error(`${data.description}: no samples to benchmark with`);
  if (first.size === size) return first;
  const feeds: Record<string, HostTensor> = {};
  for (const [name, tensor] of Object.entries(first.feeds)) {
    const per = tensor.data.length / first.size;
    const ctor = tensor.data.constructor as new (n: number) => TypedArray;
    const data = new ctor(per * size);
    for (let i = 0; i < size; i++) {
      const from = (i % first.size) * per;
      (data as unknown as { set(a: ArrayLike<number | bigint>, o: number): void }).set(tensor.data.subarray(from, from + per) as ArrayLike<number>, i * per);
    }
    feeds[name] = { dataType: tensor.dataType, dims: [size, ...tensor.dims.slice(1)], data };
  }
  return { feeds, size, start: 0 };
}

/** How measureRows times, as results.json records it. */
export function benchmarkRecord(settings: Partial<BenchmarkSettings>): BenchmarkSettingsRecord {
  return { ...resolveSettings(settings), interleaved: true };
}

export async function measureRows(input: MeasureInput): Promise<Map<RowId, RowTiming>> {
  const { log } = input;
  const groups = timingGroups(input.rows, input.exclude);
  const batches = new Map<number, Batch>();
  const timings = new Map<RowId, RowTiming>();
  let done = 0;
  for (const { group, rows } of groups) {
    const size = rows[0]!.batch;
    let batch = batches.get(size);
    if (!batch) {
      batch = await benchmarkBatch(input.data, size);
      batches.set(size, batch);
    }
    const specs: BenchmarkSpec[] = rows.map((p) => ({
      label: `${p.model} ${p.provider} batch ${size}`,
      runtime: p.runtime,
      modelPath: p.file!,
      provider: p.provider,
      batch: batch!,
      ...(input.threads ? { threads: input.threads } : {}),
      ...(input.outDir ? { outDir: input.outDir } : {}),
      ...(input.inputShapes ? { inputShapes: input.inputShapes } : {}),
    }));
    log.info(`benchmark ${++done}/${groups.length}: ${specs.map((s) => s.label).join(' ⇄ ')}`);
    const progress = (e: { phase: string; label: string; round?: number; rounds?: number; p50Ms?: number }) =>
      e.phase === 'round' && log.debug(`  ${e.label}: round ${e.round}/${e.rounds}, p50 ${e.p50Ms!.toFixed(2)} ms`);
    // Opened as interleaved even alone (a group whose other models failed): every row of a run
    // then runs with the same settings, which results.json records.
    const outcomes = await benchmarkInterleaved(specs, input.settings, progress, true);
    const finished = new Map<RowId, RowTiming>();
    outcomes.forEach((outcome, i) => {
      finished.set(rows[i]!.id, runFields(outcome, group));
      if (outcome.status === 'ok') log.info(`  ${outcome.label}: p50 ${outcome.latencyMs.p50.toFixed(2)} ms, ${outcome.throughput.toFixed(1)} samples/s`);
      else log.warn(`${outcome.label} failed: ${outcome.reason}`);
    });
    for (const [id, timing] of finished) timings.set(id, timing);
    input.onTimings?.(finished);
  }
  return timings;
}
