/**
 * The part of a results.json run (schema v1) that the benchmark fills: status and reason,
 * latency, throughput, memory and load time. The pipeline adds runtime, model, precision,
 * accuracy and the rest.
 */
import type { RunResult } from '../results/schema.js';
import type { BenchmarkOutcome } from './benchmark.js';

export type BenchmarkRunFields = Pick<RunResult, 'status' | 'reason' | 'latencyMs' | 'throughput' | 'memory' | 'loadMs'>;

export function runFields(outcome: BenchmarkOutcome): BenchmarkRunFields {
  if (outcome.status === 'failed') return { ...emptyFields(), status: 'failed', reason: outcome.reason };
  return { status: 'ok', reason: null, latencyMs: outcome.latencyMs, throughput: outcome.throughput, memory: outcome.memory, loadMs: outcome.loadMs };
}

/** A row that did not run: a provider that is not installed, a batch size the model does not take. */
export function skippedFields(reason: string): BenchmarkRunFields {
  return { ...emptyFields(), status: 'skipped', reason };
}

function emptyFields(): Omit<BenchmarkRunFields, 'status' | 'reason'> {
  return { latencyMs: null, throughput: null, memory: null, loadMs: null };
}
