/**
 * The ONNX Runtime implementation of `Runner`: one InferenceSession on one execution provider.
 *
 * Providers: `cpu`; `reference` (the CPU with graph optimisations disabled, so the Q/DQ pairs of
 * the TensorRT-flavoured model compute its INT8 arithmetic in float: the labelled simulation of
 * TensorRT's numerics); `cuda` and `tensorrt` where the installed onnxruntime-node has them (see
 * `providers.ts`). The GPU providers are UNRUN: the machine this was written on has no GPU and
 * onnxruntime-node without its CUDA binaries, so only their option plumbing is exercised here.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { HostTensor } from '../../data/types.js';
import { bytesOf } from '../../model/tensor.js';
import { loadOrt, type Ort } from './load.js';
import { fromOrtTensor, toOrtTensor } from './tensor.js';
import { resolveSessionSettings, sessionOptions, type ResolvedSessionSettings, type SessionSettings } from './session-options.js';
import type { BoundRun, LoadInfo, ProviderName, Runner } from '../types.js';

export interface OnnxRuntimeRunnerOptions extends SessionSettings {
  modelPath: string;
  provider: ProviderName;
}

export class OnnxRuntimeRunner implements Runner {
  readonly runtime = 'onnxruntime' as const;
  readonly provider: ProviderName;
  readonly settings: ResolvedSessionSettings;
  private readonly modelPath: string;
  private ort: Ort | undefined;
  private ortSession: InferenceSession | undefined;
  private state: 'new' | 'loading' | 'loaded' | 'disposed' = 'new';
  private inFlight = 0;

  constructor(options: OnnxRuntimeRunnerOptions) {
    this.modelPath = options.modelPath;
    this.provider = options.provider;
    this.settings = resolveSessionSettings(options.provider, options);
  }

  async load(): Promise<LoadInfo> {
    if (this.state !== 'new') throw new Error(`load() called on a runner that is ${this.state}`);
    this.state = 'loading';
    try {
      this.ort = await loadOrt();
      const start = process.hrtime.bigint();
      this.ortSession = await this.ort.InferenceSession.create(this.modelPath, sessionOptions(this.provider, this.settings));
      const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
      this.state = 'loaded';
      return { loadMs, inputNames: [...this.ortSession.inputNames], outputNames: [...this.ortSession.outputNames] };
    } catch (error) {
      this.state = 'new';
      throw error;
    }
  }

  async run(feeds: Record<string, HostTensor>, outputs?: string[]): Promise<Record<string, HostTensor>> {
    const session = this.loaded('run');
    const results = await this.track(() => session.run(this.toOrtFeeds(feeds), outputs ?? tensorOutputs(session)));
    return Object.fromEntries(Object.entries(results).map(([name, value]) => [name, fromOrtTensor(value as Tensor)]));
  }

  /**
   * Converts `feeds` once and returns the cheapest repeated run of them: what the benchmark
   * times, so that the loop costs what a bare `session.run` loop costs.
   */
  bind(feeds: Record<string, HostTensor>): BoundRun {
    const session = this.loaded('bind');
    const ortFeeds = this.toOrtFeeds(feeds);
    const fetches = tensorOutputs(session);
    return async () => {
      this.inFlight++;
      try {
        await session.run(ortFeeds, fetches);
      } finally {
        this.inFlight--;
      }
    };
  }

  /**
   * The underlying session, for measuring this runner against a bare `session.run` loop on the
   * same session (bench/harness-overhead.ts). The pipeline goes through run() and bind().
   */
  get session(): InferenceSession | undefined {
    return this.ortSession;
  }

  async dispose(): Promise<void> {
    if (this.inFlight > 0) throw new Error(`dispose() refused: ${this.inFlight} run(s) of ${this.modelPath} still in flight`);
    if (this.state === 'loading') throw new Error('dispose() refused: the session is still loading');
    const session = this.ortSession;
    this.ortSession = undefined;
    this.state = 'disposed';
    await session?.release();
  }

  private loaded(what: string): InferenceSession {
    if (this.state !== 'loaded' || !this.ortSession) throw new Error(`${what}() needs a loaded runner; this one is ${this.state}`);
    return this.ortSession;
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }

  private toOrtFeeds(feeds: Record<string, HostTensor>): Record<string, Tensor> {
    const ort = this.ort!;
    return Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, toOrtTensor(ort, t.dataType, t.dims, bytesOf(t.data))]));
  }
}

/**
 * The outputs onnxruntime-node can return: it fails a whole run that fetches a sequence or a map
 * ("Non tensor type is temporarily not supported"), which skl2onnx's ZipMap classifiers end in.
 */
function tensorOutputs(session: InferenceSession): string[] {
  const tensors = session.outputMetadata.filter((m) => m.isTensor).map((m) => m.name);
  return tensors.length > 0 ? tensors : [...session.outputNames];
}
