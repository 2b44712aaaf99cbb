/**
 * Benchmarks runners, each in its own worker process (worker.ts) that opens it through its
 * backend: load, warm-up, timed rounds, memory, dispose. `benchmarkInterleaved` runs several
 * runners at once and alternates their rounds, so that the models compared with each other (FP32
 * and INT8, the pull request's and the base branch's) see the same machine conditions (a noisy
 * neighbour, thermal state, frequency) instead of one getting the quiet minute and the other the
 * busy one; their per-round figures then pair up round by round.
 *
 * What is measured:
 * - latency: wall time of each run of the bound batch (process.hrtime.bigint around the awaited
 *   call, in the worker), or the backend's own timing where its runner has `timeRound`, over the
 *   timed rounds only; statistics as statistics.ts defines them;
 * - throughput: batch × 1000 / mean latency, samples/s (back-to-back runs, one at a time);
 * - loadMs: creating the session (parsing, graph optimisation, provider setup);
 * - memory.rssMB (CPU and GPU providers): peak RSS of the worker during load, warm-up and the
 *   timed rounds, less its RSS just before the runner was created (the runtime primed and the
 *   input batch received): weights, arenas, activations, outputs. MiB.
 * - memory.deviceMB / processDeviceMB (GPU providers, UNRUN): see gpu-memory.ts.
 * - power (GPU rows, where the addon's NVML sampler loads): the GPU's draw sampled during this
 *   row's own timed rounds only (gpu-power.ts), combined by runtime/tensorrt/power.ts: mean and
 *   peak watts, joules per inference (samples processed in those rounds), clocks and temperature
 *   before the first round and after the last.
 */
import type { Batch } from '../data/types.js';
import type { Latency } from '../results/schema.js';
import type { OpenOptions } from '../runtime/backend.js';
import { backendNamed } from '../runtime/registry.js';
import type { PowerTrace } from '../runtime/tensorrt/binding.js';
import { energyOf, type EnergyMeasurement } from '../runtime/tensorrt/power.js';
import type { ProviderName, RunnerSettings, RuntimeName } from '../runtime/types.js';
import { DeviceMemoryTracker } from './gpu-memory.js';
import { resolveSettings, roundQuota, type BenchmarkSettings } from './settings.js';
import { latencyStatistics, percentile, throughput } from './statistics.js';
import { BenchmarkWorker } from './worker-client.js';

export interface BenchmarkSpec extends Omit<OpenOptions, 'interleaved'> {
  /** Names this runner in progress and results, e.g. "int8.ort cpu b1". */
  label: string;
  /** The backend that runs it (its registered name). */
  runtime: RuntimeName;
  /** The inputs every iteration runs; `size` is the batch size throughput is counted in. */
  batch: Batch;
}

export interface Memory {
  rssMB: number | null;
  deviceMB: number | null;
  processDeviceMB: number | null;
}

export interface RoundSummary {
  iterations: number;
  p50Ms: number;
  wallMs: number;
}

export interface BenchmarkResult {
  label: string;
  status: 'ok';
  provider: ProviderName;
  batch: number;
  latencyMs: Latency;
  throughput: number;
  memory: Memory;
  /** What the memory fields measured, in words (for the report's details). */
  memoryMeasured: string;
  loadMs: number;
  /** What the runner ran with (threads, spinning...), as its backend reports it. */
  settings: RunnerSettings;
  warmup: { iterations: number; ms: number };
  /** Per round, in run order: their p50s show drift over the run. */
  rounds: RoundSummary[];
  /** Wall time of all timed rounds: the latencies plus the loop's own cost, ms. */
  timedWallMs: number;
  /** GPU rows: the GPU's power over this row's timed rounds; null where not sampled (`powerNote` says why). */
  power: EnergyMeasurement | null;
  powerNote: string | null;
}

export interface BenchmarkFailure {
  label: string;
  status: 'failed';
  provider: ProviderName;
  batch: number;
  reason: string;
}

export type BenchmarkOutcome = BenchmarkResult | BenchmarkFailure;

export type BenchmarkProgress =
  | { phase: 'load'; label: string; pid: number | undefined; loadMs: number }
  | { phase: 'warmup'; label: string; iterations: number }
  | { phase: 'round'; label: string; round: number; rounds: number; iterations: number; p50Ms: number }
  | { phase: 'failed'; label: string; reason: string };

export type ProgressListener = (event: BenchmarkProgress) => void;

/** One runner in its own worker. */
export async function benchmark(spec: BenchmarkSpec, settings?: Partial<BenchmarkSettings>, onProgress?: ProgressListener): Promise<BenchmarkOutcome> {
  const [outcome] = await benchmarkInterleaved([spec], settings, onProgress);
  return outcome!;
}

/**
 * Several runners, each in its own worker, all loaded at once; the timed rounds alternate
 * between them, the order rotating each round (A B C, B C A, C A B...) so that none always runs
 * right after another. Each is opened as `interleaved` (its backend then keeps no cores busy
 * between runs: ONNX Runtime turns thread spinning off). A runner that fails (or whose worker
 * dies) becomes a failed outcome; the others go on.
 */
export async function benchmarkInterleaved(
  specs: readonly BenchmarkSpec[],
  settings?: Partial<BenchmarkSettings>,
  onProgress: ProgressListener = () => {},
  /** Open the runners as interleaved even when there is one (so that its settings match its peers' in other groups). */
  interleaved = specs.length > 1,
): Promise<BenchmarkOutcome[]> {
  const resolved = resolveSettings(settings);
  const states = specs.map((spec) => new SessionState(spec, interleaved));
  const fail = (state: SessionState, error: unknown) => {
    state.failure = error instanceof Error ? error.message : String(error);
    onProgress({ phase: 'failed', label: state.spec.label, reason: state.failure });
    // Its memory and threads should not disturb the sessions still running.
    void state.worker?.close();
  };
  const live = () => states.filter((s) => s.failure === undefined);
  try {
    // One at a time, so that each load time is not shared with another load.
    for (const state of states) {
      try {
        await state.load();
        onProgress({ phase: 'load', label: state.spec.label, pid: state.worker!.pid, loadMs: state.loadMs });
      } catch (error) {
        fail(state, error);
      }
    }
    for (const state of live()) {
      try {
        await state.warm(resolved.warmupMs);
        onProgress({ phase: 'warmup', label: state.spec.label, iterations: state.warmup!.iterations });
      } catch (error) {
        fail(state, error);
      }
    }
    const quota = roundQuota(resolved);
    for (let round = 0; round < resolved.rounds; round++) {
      const order = live();
      const rotated = [...order.slice(round % Math.max(order.length, 1)), ...order.slice(0, round % Math.max(order.length, 1))];
      for (const state of rotated) {
        try {
          await state.round(quota);
          onProgress({ phase: 'round', label: state.spec.label, round: round + 1, rounds: resolved.rounds, iterations: state.iterations(), p50Ms: state.lastRoundP50() });
        } catch (error) {
          fail(state, error);
        }
      }
    }
    for (const state of live()) {
      try {
        await state.finish();
      } catch (error) {
        fail(state, error);
      }
    }
  } finally {
    await Promise.all(states.map((s) => s.worker?.close()));
  }
  return states.map((s) => s.outcome());
}

class SessionState {
  worker: BenchmarkWorker | undefined;
  failure: string | undefined;
  loadMs = 0;
  settings: RunnerSettings | undefined;
  warmup: { iterations: number; ms: number } | undefined;
  private readonly samples: Float64Array[] = [];
  private readonly rounds: RoundSummary[] = [];
  private rssMB: number | null = null;
  private rssNote = '';
  private device: DeviceMemoryTracker | undefined;
  private runnerDeviceMB: number | null = null;
  private readonly traces: PowerTrace[] = [];
  private powerNote: string | null = null;

  constructor(
    readonly spec: BenchmarkSpec,
    private readonly interleaved: boolean,
  ) {}

  async load(): Promise<void> {
    this.worker = new BenchmarkWorker();
    const { label: _label, runtime, batch, ...open } = this.spec;
    await this.worker.request('prime', { backend: runtime, provider: open.provider });
    if (backendNamed(runtime).usesDevice(open.provider)) {
      this.device = new DeviceMemoryTracker(this.worker.pid!);
      await this.device.markContext();
    }
    const loaded = await this.worker.request('load', { backend: runtime, open: { ...open, interleaved: this.interleaved }, feeds: batch.feeds });
    this.loadMs = loaded.loadMs;
    this.settings = loaded.settings;
    this.powerNote = loaded.power?.reason ?? null;
    await this.device?.sample();
  }

  async warm(ms: number): Promise<void> {
    this.warmup = await this.worker!.request('warmup', { ms });
    await this.device?.sample();
  }

  async round(quota: { minIterations: number; minMs: number }): Promise<void> {
    const { samplesMs, wallMs, power } = await this.worker!.request('round', quota);
    this.samples.push(samplesMs);
    if (power) this.traces.push(power);
    this.rounds.push({ iterations: samplesMs.length, p50Ms: percentile(Float64Array.from(samplesMs).sort(), 50), wallMs });
    await this.device?.sample();
  }

  async finish(): Promise<void> {
    const memory = await this.worker!.request('memory', {});
    this.rssMB = Math.max(0, memory.peakRssBytes - memory.rssBeforeBytes) / 2 ** 20;
    this.runnerDeviceMB = memory.runnerDeviceMB;
    this.rssNote = memory.peakSinceMark
      ? 'rssMB: peak RSS of a worker process holding only this session (load, warm-up, timed runs), less its RSS before the session was created'
      : 'rssMB: lifetime peak RSS of a worker process holding only this session, less its RSS before the session was created (this platform cannot reset the peak, so Node start-up is included)';
    await this.worker!.request('dispose', {});
  }

  iterations(): number {
    return this.rounds.reduce((n, r) => n + r.iterations, 0);
  }

  lastRoundP50(): number {
    return this.rounds.at(-1)?.p50Ms ?? Number.NaN;
  }

  outcome(): BenchmarkOutcome {
    const base = { label: this.spec.label, provider: this.spec.provider, batch: this.spec.batch.size };
    if (this.failure !== undefined) return { ...base, status: 'failed', reason: this.failure };
    const all = new Float64Array(this.iterations());
    let offset = 0;
    for (const s of this.samples) {
      all.set(s, offset);
      offset += s.length;
    }
    const latencyMs = latencyStatistics(all);
    const tracked = this.device?.result() ?? { deviceMB: null, processDeviceMB: null };
    // nvidia-smi's per-process figure first; the runtime's own report where nvidia-smi has none.
    const runnerReported = tracked.deviceMB === null && this.runnerDeviceMB !== null;
    const device = runnerReported ? { ...tracked, deviceMB: this.runnerDeviceMB } : tracked;
    // Every round sampled, or no figure: energy over some rounds divided by all inferences would be wrong.
    const power = this.traces.length > 0 && this.traces.length === this.rounds.length ? energyOf(this.traces, all.length * this.spec.batch.size) : null;
    return {
      ...base,
      status: 'ok',
      latencyMs,
      throughput: throughput(this.spec.batch.size, latencyMs.mean),
      memory: { rssMB: this.rssMB, ...device },
      memoryMeasured: this.device
        ? `${this.rssNote}; deviceMB: ${runnerReported ? 'the device memory the runtime reports for this engine (nvidia-smi did not list the worker)' : "the worker's peak device memory (nvidia-smi) less what it held with the provider up and no model loaded"}; processDeviceMB: that peak, CUDA context included (MiB)`
        : `${this.rssNote} (MiB)`,
      loadMs: this.loadMs,
      settings: this.settings!,
      warmup: this.warmup!,
      rounds: this.rounds,
      timedWallMs: this.rounds.reduce((t, r) => t + r.wallMs, 0),
      power,
      powerNote: power ? null : (this.powerNote ?? (this.traces.length > 0 ? 'the GPU was not sampled in every timed round' : null)),
    };
  }
}
