/**
 * The benchmark stage: every runnable row timed in its own worker process, the pull request's
 * model and the baseline model (when one is given) interleaved round by round so that both see
 * the same machine. Rows are filled as they finish, so an interrupted run keeps what it measured.
 */
import { benchmark, benchmarkInterleaved, type BenchmarkSpec } from '../benchmark/index.js';
import { runFields } from '../benchmark/run-fields.js';
import type { BenchmarkSettings } from '../benchmark/settings.js';
import type { Batch, DataSet, HostTensor } from '../data/types.js';
import type { Log } from '../log.js';
import type { TypedArray } from '../model/tensor.js';
import type { PlannedRow } from './runs.js';

export interface MeasureInput {
  rows: PlannedRow[];
  data: DataSet;
  settings: Partial<BenchmarkSettings>;
  threads?: number;
  log: Log;
  onRow?: () => void;
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

export async function measureRows(input: MeasureInput): Promise<void> {
  const { log } = input;
  const runnable = input.rows.filter((p) => p.benchmark && p.skip === null && p.row.runtime === 'onnxruntime' && p.row.status !== 'failed');
  // Pair each row of the pull request's model with the baseline model's same row.
  const key = (p: PlannedRow) => `${p.row.provider}|${p.variant}|${p.row.batch}`;
  const groups = new Map<string, PlannedRow[]>();
  for (const p of runnable) groups.set(key(p), [...(groups.get(key(p)) ?? []), p]);
  const batches = new Map<number, Batch>();
  let done = 0;
  for (const group of groups.values()) {
    const size = group[0]!.row.batch;
    let batch = batches.get(size);
    if (!batch) {
      batch = await benchmarkBatch(input.data, size);
      batches.set(size, batch);
    }
    const specs: BenchmarkSpec[] = group.map((p) => ({
      label: `${p.row.model} ${p.row.provider} batch ${size}`,
      modelPath: p.file,
      provider: p.row.provider,
      batch: batch!,
      ...(input.threads ? { threads: input.threads } : {}),
    }));
    log.info(`benchmark ${++done}/${groups.size}: ${specs.map((s) => s.label).join(' ⇄ ')}`);
    const outcomes =
      specs.length === 1
        ? [await benchmark(specs[0]!, input.settings, (e) => e.phase === 'round' && log.debug(`  ${e.label}: round ${e.round}/${e.rounds}, p50 ${e.p50Ms.toFixed(2)} ms`))]
        : await benchmarkInterleaved(specs, input.settings, (e) => e.phase === 'round' && log.debug(`  ${e.label}: round ${e.round}/${e.rounds}, p50 ${e.p50Ms.toFixed(2)} ms`));
    outcomes.forEach((outcome, i) => {
      const row = group[i]!.row;
      Object.assign(row, runFields(outcome));
      if (outcome.status === 'ok') log.info(`  ${outcome.label}: p50 ${outcome.latencyMs.p50.toFixed(2)} ms, ${outcome.throughput.toFixed(1)} samples/s`);
      else log.warn(`${outcome.label} failed: ${outcome.reason}`);
    });
    input.onRow?.();
  }
}
