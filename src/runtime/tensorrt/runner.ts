/**
 * The TensorRT implementation of `Runner`: one engine session over one model file. `load()` gets
 * the engine through engines.ts (a verified engine this runner built before, else built now:
 * in a `quantgate run` the backend's prepare step has built every engine in the main process, so
 * here it is a cache hit and `loadMs` is deserialization), opens it, and reads its tensors.
 *
 * Timing: `timeRound` runs the addon's benchmark, whose per-iteration times are CUDA events
 * around each enqueue on the GPU: what the engine costs, without the JavaScript thread's wake-ups
 * that a host clock around each awaited call would add. The batch is bound once (`bind`) and its
 * inputs stay on the device between iterations. `run` is for accuracy: host to device, the
 * engine, device to host, for each batch.
 *
 * UNRUN against real TensorRT (no TensorRT here); tested against the fake binding.
 */
import { basename } from 'node:path';
import type { HostTensor } from '../../data/types.js';
import type { TypedArray } from '../../model/tensor.js';
import type { OpenOptions } from '../backend.js';
import type { BoundRun, LoadInfo, ProviderName, Runner, RunnerSettings, TimedRound } from '../types.js';
import type { TensorRtProbe } from './availability.js';
import { isNativeError, type NamedTensor, type NativeEngineSession } from './binding.js';
import type { EngineCache } from './engine-cache.js';
import { openEngine } from './engine-session.js';
import { ensureEngine, type EngineControl, type ReadyEngine } from './engines.js';
import { fromNativeError, TensorRtUnavailableError } from './errors.js';
import { describeProfile } from './profile.js';

export interface TensorRtRunnerOptions {
  open: OpenOptions;
  /** Whether TensorRT runs here, with the binding and capabilities (the backend's, computed once). */
  probe: () => Promise<TensorRtProbe>;
  cache: EngineCache;
  /** CUDA device ordinal. */
  device?: number;
  /** Where a build that has to happen here reports progress (the main process has a log; workers do not). */
  control?: EngineControl;
}

function toNamed(feeds: Record<string, HostTensor>): NamedTensor[] {
  return Object.entries(feeds).map(([name, t]) => ({ name, dataType: t.dataType, dims: t.dims, data: t.data }));
}

export class TensorRtRunner implements Runner {
  readonly runtime = 'tensorrt' as const;
  readonly provider: ProviderName;
  readonly settings: RunnerSettings;
  /** The engine `load()` used: built now or from the cache. */
  ready: ReadyEngine | undefined;
  private session: NativeEngineSession | undefined;
  private bound: NamedTensor[] | undefined;
  private outputs: string[] = [];
  private state: 'new' | 'loading' | 'loaded' | 'disposed' = 'new';
  private inFlight = 0;
  private readonly description: string;

  constructor(private readonly options: TensorRtRunnerOptions) {
    this.provider = options.open.provider;
    this.description = `the TensorRT engine of ${basename(options.open.modelPath)}`;
    // What changes the timings, compared against a baseline's (compare/timing-settings.ts).
    this.settings = { timing: 'gpu (CUDA events)', cudaGraph: false, profile: describeProfile(options.open.inputShapes) };
  }

  async load(): Promise<LoadInfo> {
    if (this.state !== 'new') throw new Error(`load() called on a runner that is ${this.state}`);
    this.state = 'loading';
    try {
      const probe = await this.options.probe();
      if (!probe.available) throw new TensorRtUnavailableError(`TensorRT cannot run here: ${probe.reason}`, probe.fix, probe.possibleSolutions);
      const source = { binding: probe.binding, capabilities: probe.capabilities, cache: this.options.cache };
      const wanted = { modelPath: this.options.open.modelPath, description: this.description, ...(this.options.open.inputShapes ? { inputShapes: this.options.open.inputShapes } : {}) };
      const device = this.options.device ?? 0;
      let ready = await ensureEngine(source, wanted, this.options.control);
      let start = process.hrtime.bigint();
      try {
        this.session = await openEngine(probe.binding, ready.engine, { device });
      } catch (error) {
        // An engine this runner built that TensorRT now refuses (a driver update changed what it
        // accepts): forget it and build again, once.
        if (ready.source !== 'cache' || !isNativeError((error as Error).cause, 'ERR_QG_ENGINE')) throw error;
        this.options.control?.log?.warn(`${this.description}: TensorRT refused the cached engine (${(error as Error).message.split('\n')[0]}): rebuilding`);
        await this.options.cache.forget(ready.engine.key);
        ready = await ensureEngine(source, wanted, this.options.control);
        start = process.hrtime.bigint();
        this.session = await openEngine(probe.binding, ready.engine, { device });
      }
      const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
      this.ready = ready;
      const tensors = this.session.tensors();
      this.outputs = tensors.filter((t) => !t.isInput).map((t) => t.name);
      this.state = 'loaded';
      return { loadMs, inputNames: tensors.filter((t) => t.isInput).map((t) => t.name), outputNames: [...this.outputs] };
    } catch (error) {
      this.state = 'new';
      throw error;
    }
  }

  async run(feeds: Record<string, HostTensor>, outputs?: string[]): Promise<Record<string, HostTensor>> {
    const session = this.loaded('run');
    const results = await this.track(() => session.run(toNamed(feeds)), 'running');
    const wanted = new Set(outputs ?? this.outputs);
    return Object.fromEntries(
      results.filter((t) => wanted.has(t.name)).map((t) => [t.name, { dataType: t.dataType, dims: t.dims, data: t.data as TypedArray }]),
    );
  }

  bind(feeds: Record<string, HostTensor>): BoundRun {
    const session = this.loaded('bind');
    const bound = toNamed(feeds);
    this.bound = bound;
    return async () => {
      await this.track(() => session.run(bound), 'running');
    };
  }

  async timeRound(minIterations: number, minMs: number): Promise<TimedRound> {
    const session = this.loaded('timeRound');
    if (!this.bound) throw new Error('timeRound() needs a batch bound with bind() first');
    const inputs = this.bound;
    const start = process.hrtime.bigint();
    const result = await this.track(() => session.benchmark({ inputs, warmup: 0, iterations: minIterations, minDurationMs: minMs, cudaGraph: false }), 'timing');
    return { samplesMs: Float64Array.from(result.gpuMs), wallMs: Number(process.hrtime.bigint() - start) / 1e6 };
  }

  deviceMemoryMB(): number | null {
    const m = this.loaded('deviceMemoryMB').memory();
    // 11.x reports the weights; on 10.x the device memory taken while the engine was
    // deserialized covers them (cudaMemGetInfo: the whole GPU's, so only where nothing else ran).
    const bytes = m.weightsBytes !== null && m.activationBytes !== null ? m.weightsBytes + m.activationBytes + m.ioBytes : (m.processDeltaBytes ?? null);
    return bytes === null ? null : bytes / 2 ** 20;
  }

  async dispose(): Promise<void> {
    if (this.inFlight > 0) throw new Error(`dispose() refused: ${this.inFlight} run(s) of ${this.options.open.modelPath} still in flight`);
    if (this.state === 'loading') throw new Error('dispose() refused: the engine is still loading');
    const session = this.session;
    this.session = undefined;
    this.state = 'disposed';
    session?.dispose();
  }

  private loaded(what: string): NativeEngineSession {
    if (this.state !== 'loaded' || !this.session) throw new Error(`${what}() needs a loaded runner; this one is ${this.state}`);
    return this.session;
  }

  private async track<T>(work: () => Promise<T>, doing: string): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } catch (error) {
      throw fromNativeError(error, `${doing} ${this.description}`);
    } finally {
      this.inFlight--;
    }
  }
}
