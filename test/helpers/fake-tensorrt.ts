// A fake of the native addon (src/runtime/tensorrt/binding.ts TensorRtBinding) that behaves as
// the C++ glue does where the TypeScript side depends on it: builds report progress
// asynchronously and honour cancel(); sessions run one operation at a time, refuse dispose()
// while one runs and refuse everything after dispose; errors carry the addon's codes. It records
// every call so tests assert on what was asked of TensorRT.
import type {
  BuildHandle,
  BuildProgressEvent,
  Capabilities,
  DeviceMemory,
  EngineTensor,
  NamedTensor,
  NativeBenchmarkOptions,
  NativeBenchmarkResult,
  NativeBuildOptions,
  NativeBuildResult,
  NativeEngineSession,
  NativeError,
  NativeErrorCode,
  NativePowerSampler,
  ParserError,
  PowerTrace,
  SessionMemory,
  TensorRtBinding,
} from '../../src/runtime/tensorrt/binding.ts';

export function nativeError(code: NativeErrorCode, message: string, extra: Partial<NativeError> = {}): NativeError {
  return Object.assign(new Error(message), { code, details: [], ...extra }) as NativeError;
}

/** Capabilities of a machine with TensorRT 10.13, CUDA 12.9 and an H100. */
export function workingCapabilities(): Capabilities {
  return {
    compiledAgainst: { tensorrt: '10.13.0', cudaRuntime: 12090 },
    tensorrt: { available: true, version: '10.13.0', library: '/usr/lib/x86_64-linux-gnu/libnvinfer.so.10', parserVersion: '10.13.0', parserLibrary: '/usr/lib/x86_64-linux-gnu/libnvonnxparser.so.10', failure: null },
    cuda: { available: true, runtimeVersion: 12090, driverVersion: 13000, deviceCount: 1, deviceError: null, library: '/usr/local/cuda/lib64/libcudart.so.12', failure: null },
    nvml: { available: true, driverVersion: '580.159.04', cudaDriverVersion: 13000, library: '/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1', failure: null },
    gpu: {
      available: true,
      ordinal: 0,
      name: 'NVIDIA H100 80GB HBM3',
      uuid: 'GPU-00000000-1111-2222-3333-444444444444',
      pciBusId: '00000000:19:00.0',
      computeCapability: '9.0',
      multiprocessors: 132,
      totalMemoryBytes: 85_520_809_984,
      usedMemoryBytes: 1_048_576,
      powerLimitWatts: 700,
      reason: null,
    },
  };
}

/** Capabilities of this development machine: nothing NVIDIA at all. */
export function bareCapabilities(): Capabilities {
  const tried = (names: string[]) => names.map((candidate) => ({ candidate, error: `${candidate}: cannot open shared object file: No such file or directory` }));
  return {
    compiledAgainst: { tensorrt: '10.13.0', cudaRuntime: 12090 },
    tensorrt: {
      available: false,
      version: null,
      library: null,
      parserVersion: null,
      parserLibrary: null,
      failure: { library: 'TensorRT (libnvinfer)', tried: tried(['libnvinfer.so.10', 'libnvinfer.so.11']), found: null, required: null, reason: 'TensorRT (libnvinfer) could not be loaded', fix: 'install TensorRT 10 or 11' },
    },
    cuda: {
      available: false,
      runtimeVersion: null,
      driverVersion: null,
      deviceCount: null,
      deviceError: null,
      library: null,
      failure: { library: 'the CUDA runtime (libcudart)', tried: tried(['libcudart.so.12', 'libcudart.so.13']), found: null, required: null, reason: 'the CUDA runtime (libcudart) could not be loaded', fix: 'install the CUDA 12 or 13 runtime' },
    },
    nvml: {
      available: false,
      driverVersion: null,
      cudaDriverVersion: null,
      library: null,
      failure: { library: 'NVML (libnvidia-ml)', tried: tried(['libnvidia-ml.so.1']), found: null, required: null, reason: 'NVML (libnvidia-ml) could not be loaded', fix: 'install the NVIDIA driver' },
    },
    gpu: { available: false, ordinal: 0, name: null, uuid: null, pciBusId: null, computeCapability: null, multiprocessors: null, totalMemoryBytes: null, usedMemoryBytes: null, powerLimitWatts: null, reason: 'neither the CUDA runtime nor NVML could be loaded, so no GPU can be seen' },
  };
}

export const INSPECTOR_JSON = JSON.stringify({
  Layers: [
    { Name: 'conv1 + relu1', LayerType: 'CaskConvolution', Inputs: [{ Name: 'x', 'Format/Datatype': 'Thirty-two wide channel vectorized row major Int8 format' }], Outputs: [{ Name: 'y', 'Format/Datatype': 'Thirty-two wide channel vectorized row major Int8 format' }] },
    { Name: 'fc', LayerType: 'CaskGemm', Inputs: [{ Name: 'y', 'Format/Datatype': 'Row major linear FP16 format' }], Outputs: [{ Name: 'z', 'Format/Datatype': 'Row major linear FP16 format' }] },
    { Name: 'softmax', LayerType: 'Softmax', Inputs: [{ Name: 'z', 'Format/Datatype': 'Row major linear FP32' }], Outputs: [{ Name: 'p', 'Format/Datatype': 'Row major linear FP32' }] },
  ],
  Bindings: ['x', 'p'],
});

export interface FakeBuildPlan {
  /** Progress events sent before the result (each on its own macrotask, like the TSFN). */
  events?: BuildProgressEvent[];
  /** Reject with this instead of resolving. */
  error?: NativeError;
  result?: Partial<NativeBuildResult>;
  /** Wait for cancel() (or forever): a long build. */
  hang?: boolean;
}

class FakeSession implements NativeEngineSession {
  busy = false;
  disposed = false;
  /** Resolvers of operations held open by `holdOperations`. */
  private release: (() => void)[] = [];

  constructor(
    private readonly fake: FakeTensorRt,
    private readonly tensorList: EngineTensor[],
  ) {}

  private guard(method: string, refuseBusy: boolean): void {
    if (this.disposed) throw nativeError('ERR_QG_DISPOSED', `${method}() on a disposed engine session`);
    if (refuseBusy && this.busy) throw nativeError('ERR_QG_BUSY', `${method}() while a benchmark or run of this session is in flight; await it first`);
  }

  private async operation<T>(method: string, work: () => T): Promise<T> {
    this.guard(method, true);
    this.busy = true;
    try {
      await new Promise<void>((resolve) => (this.fake.holdOperations ? this.release.push(resolve) : setImmediate(resolve)));
      return work();
    } finally {
      this.busy = false;
    }
  }

  /** Lets held operations finish. */
  finishHeld(): void {
    for (const r of this.release.splice(0)) r();
  }

  tensors(): EngineTensor[] {
    this.guard('tensors', false);
    return this.tensorList;
  }

  benchmark(options: NativeBenchmarkOptions = {}): Promise<NativeBenchmarkResult> {
    this.fake.calls.push({ method: 'benchmark', args: [options] });
    return this.operation('benchmark', () => {
      const n = options.iterations ?? 100;
      const times = Float64Array.from({ length: n }, (_, i) => 1 + (i % 5) * 0.01);
      return {
        gpuMs: times,
        endToEndMs: times.map((t) => t + 0.2),
        hostToDeviceMs: times.map(() => 0.1),
        deviceToHostMs: times.map(() => 0.1),
        warmup: options.warmup ?? 10,
        iterations: n,
        cudaGraphUsed: options.cudaGraph === true,
        cudaGraphNote: null,
      };
    });
  }

  run(inputs: NamedTensor[]): Promise<NamedTensor[]> {
    this.fake.calls.push({ method: 'run', args: [inputs] });
    return this.operation('run', () => this.tensorList.filter((t) => !t.isInput).map((t) => ({ name: t.name, dataType: t.dataType, dims: [inputs[0]?.dims[0] ?? 1, 10], data: new Float32Array((inputs[0]?.dims[0] ?? 1) * 10) })));
  }

  memory(): SessionMemory {
    this.guard('memory', true);
    return { activationBytes: 1 << 20, weightsBytes: null, ioBytes: 4096, processDeltaBytes: 3 << 20 };
  }

  dispose(): void {
    if (this.disposed) return;
    this.guard('dispose', true);
    this.disposed = true;
  }
}

export class FakeTensorRt implements TensorRtBinding {
  readonly compiledAgainst = { tensorrt: '10.13.0', cudaRuntime: 12090, napiVersion: 8 };
  calls: { method: string; args: unknown[] }[] = [];
  capabilitiesResult: Capabilities = workingCapabilities();
  buildPlan: FakeBuildPlan = {};
  /** When set, openEngineSession rejects with it. */
  openError: NativeError | null = null;
  /** Session operations wait for `session.finishHeld()`. */
  holdOperations = false;
  sessions: FakeSession[] = [];
  powerTraces: PowerTrace[] = [];
  /** When set, `new PowerSampler()` throws it (as the addon does without NVML). */
  samplerError: NativeError | null = null;
  cancelled = 0;

  capabilities(options?: { device?: number }): Promise<Capabilities> {
    this.calls.push({ method: 'capabilities', args: [options] });
    return Promise.resolve(structuredClone(this.capabilitiesResult));
  }

  deviceMemory(options?: { device?: number; withCuda?: boolean }): Promise<DeviceMemory> {
    this.calls.push({ method: 'deviceMemory', args: [options] });
    return Promise.resolve({ cudaFreeBytes: options?.withCuda ? 80e9 : null, cudaTotalBytes: options?.withCuda ? 85e9 : null, nvmlUsedBytes: 5e9, nvmlTotalBytes: 85e9, processBytes: 5e8, note: null });
  }

  buildEngine(model: Uint8Array | string, options: NativeBuildOptions, onProgress?: (event: BuildProgressEvent) => void): BuildHandle {
    this.calls.push({ method: 'buildEngine', args: [model, options] });
    const plan = this.buildPlan;
    let cancel!: () => void;
    const cancelled = new Promise<void>((resolve) => (cancel = resolve));
    const promise = (async () => {
      let stop = false;
      void cancelled.then(() => {
        stop = true;
        this.cancelled++;
      });
      for (const event of plan.events ?? []) {
        await new Promise((r) => setImmediate(r));
        if (stop) break;
        onProgress?.(event);
      }
      if (plan.hang) await cancelled;
      else await new Promise((r) => setImmediate(r));
      if (stop) throw nativeError('ERR_QG_CANCELLED', 'the engine build was cancelled', { parserErrors: [], log: '' });
      if (plan.error) throw plan.error;
      return {
        engine: new Uint8Array([0x71, 0x67, 1, 2, 3]),
        timingCache: new Uint8Array([9, 9]),
        log: '[I] built\n',
        inspectorJson: INSPECTOR_JSON,
        inspectorError: null,
        tensorrtVersion: '10.13.0',
        buildMs: 1234,
        ...plan.result,
      } satisfies NativeBuildResult;
    })();
    return { promise, cancel: () => cancel() };
  }

  openEngineSession(engine: Uint8Array, options?: { device?: number }): Promise<NativeEngineSession> {
    this.calls.push({ method: 'openEngineSession', args: [engine, options] });
    if (this.openError) return Promise.reject(this.openError);
    const session = new FakeSession(this, [
      { name: 'input', isInput: true, dataType: 1, shape: [-1, 3, 8, 8], profile: { min: [1, 3, 8, 8], opt: [4, 3, 8, 8], max: [8, 3, 8, 8] } },
      { name: 'logits', isInput: false, dataType: 1, shape: [-1, 10], profile: null },
    ]);
    this.sessions.push(session);
    return Promise.resolve(session);
  }

  get PowerSampler(): TensorRtBinding['PowerSampler'] {
    const fake = this;
    return class implements NativePowerSampler {
      running = false;
      constructor() {
        if (fake.samplerError) throw fake.samplerError;
      }
      start(): void {
        if (this.running) throw nativeError('ERR_QG_BUSY', 'the power sampler is already running');
        this.running = true;
      }
      stop(): PowerTrace {
        if (!this.running) throw nativeError('ERR_QG_INVALID_ARGUMENT', 'the power sampler is not running');
        this.running = false;
        const trace = fake.powerTraces.shift();
        if (!trace) throw new Error('FakeTensorRt: no power trace queued for stop()');
        return trace;
      }
    };
  }
}

export function parserError(nodeName: string, nodeOperator: string, description: string): ParserError {
  return { node: 3, nodeName, nodeOperator, code: 'kUNSUPPORTED_NODE', description };
}
