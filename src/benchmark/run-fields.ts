/**
 * The part of a results.json run (schema v1) that the benchmark fills: status and reason,
 * latency, throughput, memory, load time, the runner's settings and the per-round medians. The
 * pipeline adds runtime, model, precision, accuracy and the rest.
 */
import type { Power, RunResult } from '../results/schema.js';
import type { EnergyMeasurement } from '../runtime/tensorrt/power.js';
import type { BenchmarkOutcome } from './benchmark.js';

export type BenchmarkRunFields = Pick<RunResult, 'status' | 'reason' | 'latencyMs' | 'throughput' | 'memory' | 'loadMs' | 'settings' | 'rounds' | 'power'>;

/** results.json's power of a row, from the benchmark's measurement. */
export function powerFields(power: EnergyMeasurement | null): Power | null {
  if (!power) return null;
  return {
    meanW: power.meanWatts,
    peakW: power.peakWatts,
    joules: power.joules,
    joulesPerInference: power.joulesPerInference,
    durationMs: power.durationMs,
    samples: power.samples,
    energySource: power.energySource,
    powerSource: power.powerSource,
    start: power.start,
    end: power.end,
  };
}

/** `group` names the rows timed together, interleaved round by round (their rounds pair up). */
export function runFields(outcome: BenchmarkOutcome, group: string = outcome.label): BenchmarkRunFields {
  if (outcome.status === 'failed') return { ...emptyFields(), status: 'failed', reason: outcome.reason };
  return {
    status: 'ok',
    reason: null,
    latencyMs: outcome.latencyMs,
    throughput: outcome.throughput,
    memory: outcome.memory,
    loadMs: outcome.loadMs,
    settings: outcome.settings,
    rounds: { group, p50Ms: outcome.rounds.map((r) => r.p50Ms) },
    power: powerFields(outcome.power),
  };
}

/** A row that did not run: a provider that is not installed, a batch size the model does not take. */
export function skippedFields(reason: string): BenchmarkRunFields {
  return { ...emptyFields(), status: 'skipped', reason };
}

function emptyFields(): Omit<BenchmarkRunFields, 'status' | 'reason'> {
  return { latencyMs: null, throughput: null, memory: null, loadMs: null, settings: null, rounds: null, power: null };
}
