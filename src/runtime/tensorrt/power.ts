/**
 * Power and energy of a GPU benchmark from the addon's NVML sampler, for TensorRT rows and ONNX
 * Runtime's GPU rows alike: the sampler watches the GPU, not a runtime. Interleaved rows sample
 * only their own timed rounds (start before a round, stop after) and combine the traces here.
 *
 * Joules per trace come from the driver's energy counter where the GPU has one and the window is
 * at least a second long (the counter's resolution is a millijoule but it updates in steps);
 * otherwise from the samples' integral. The GPU's power draw includes whatever else runs on it:
 * the report says the numbers are the GPU's, not the process's.
 */
import type { GpuState, NativePowerSampler, PowerTrace, TensorRtBinding } from './binding.js';

export const COUNTER_MIN_WINDOW_MS = 1000;

export interface EnergyMeasurement {
  meanWatts: number;
  peakWatts: number;
  joules: number;
  /** Null when no inference was counted. */
  joulesPerInference: number | null;
  durationMs: number;
  /** "counter" when every trace used the energy counter, "samples" when none did, else "mixed". */
  energySource: 'counter' | 'samples' | 'mixed';
  powerSource: 'instant' | 'average';
  samples: number;
  /** Clocks and temperature before the first round and after the last. */
  start: GpuState;
  end: GpuState;
}

function traceJoules(trace: PowerTrace): { joules: number; counter: boolean } {
  if (trace.counterJoules !== null && trace.durationMs >= COUNTER_MIN_WINDOW_MS) return { joules: trace.counterJoules, counter: true };
  return { joules: trace.sampledJoules, counter: false };
}

/** Combines the traces of one row's timed rounds; `inferences` = samples processed in them. */
export function energyOf(traces: readonly PowerTrace[], inferences: number): EnergyMeasurement {
  if (traces.length === 0) throw new Error('energyOf needs at least one power trace');
  let joules = 0;
  let durationMs = 0;
  let counters = 0;
  let samples = 0;
  let peak = 0;
  for (const trace of traces) {
    const t = traceJoules(trace);
    joules += t.joules;
    counters += t.counter ? 1 : 0;
    durationMs += trace.durationMs;
    samples += trace.watts.length;
    peak = Math.max(peak, trace.peakWatts);
  }
  return {
    meanWatts: durationMs > 0 ? (joules * 1000) / durationMs : 0,
    peakWatts: peak,
    joules,
    joulesPerInference: inferences > 0 ? joules / inferences : null,
    durationMs,
    energySource: counters === traces.length ? 'counter' : counters === 0 ? 'samples' : 'mixed',
    powerSource: traces.every((t) => t.powerSource === 'instant') ? 'instant' : 'average',
    samples,
    start: traces[0]!.start,
    end: traces[traces.length - 1]!.end,
  };
}

/** Runs `work` with the sampler on; the trace is returned even when `work` throws (then rethrown). */
export async function sampled<T>(sampler: NativePowerSampler, work: () => Promise<T>): Promise<{ value: T; trace: PowerTrace }> {
  sampler.start();
  let value: T;
  try {
    value = await work();
  } catch (error) {
    sampler.stop();
    throw error;
  }
  return { value, trace: sampler.stop() };
}

/** A sampler for CUDA device `device`, or the reason there is none (no NVML, no GPU). */
export function createPowerSampler(binding: TensorRtBinding, options: { device?: number; intervalMs?: number } = {}): { sampler: NativePowerSampler } | { reason: string } {
  try {
    return { sampler: new binding.PowerSampler(options) };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}
