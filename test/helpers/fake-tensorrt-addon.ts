// A stand-in for the built addon (native/build/Release/quantgate_trt.node) that the real loader
// loads when QUANTGATE_TRT_ADDON names this file: so a test runs the real pipeline, the real CLI
// and the real benchmark workers (each its own process, each loading "the addon" through
// load.ts) against a machine with TensorRT, which this one is not.
//
// It behaves as TensorRT would where the pipeline can tell: an "engine" records the ONNX file it
// was built from, and its session runs that file with ONNX Runtime on the CPU, so accuracy is
// real; its inspector JSON lists the model's compute nodes, in INT8 where a DequantizeLinear feeds
// them; benchmark() returns CUDA-event-like times that depend only on the model and batch, and the
// power sampler a trace that depends only on them, so a report made from a run is reproducible.
//
// The machine and the failures come from QUANTGATE_FAKE_TRT (JSON, FakeScenario), read at each
// call; every build is appended to the file named by `buildRecord` (builds happen in whichever
// process needs them, so tests count them there).
import { appendFileSync } from 'node:fs';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { DataType } from '../../src/model/dtypes.ts';
import { readModel } from '../../src/model/read.ts';
import { loadOrt } from '../../src/runtime/onnxruntime/load.ts';
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
  NativeEngineSession,
  NativeError,
  NativeErrorCode,
  NativePowerSampler,
  PowerTrace,
  SessionMemory,
} from '../../src/runtime/tensorrt/binding.ts';
import { workingCapabilities } from './fake-tensorrt.ts';

export const SCENARIO_VARIABLE = 'QUANTGATE_FAKE_TRT';

export interface FakeScenario {
  /**
   * working: TensorRT 10.13 on an H100. no-gpu: libraries there, no CUDA device. no-driver: no
   * NVIDIA driver (the CUDA runtime loads but finds no driver; no NVML). no-tensorrt: no
   * libnvinfer. wrong-major: a TensorRT 11 library for an addon built with 10.x headers.
   * old-tensorrt: TensorRT 10.3, older than the 10.13 headers the addon was built with.
   */
  machine?: 'working' | 'no-gpu' | 'no-driver' | 'no-tensorrt' | 'wrong-major' | 'old-tensorrt';
  /** TensorRT's version on a working machine (default 10.13.0). */
  tensorrtVersion?: string;
  /** The parser rejects models whose path contains `file`, naming `node`. */
  parserRejects?: { file: string; node: string; op: string; description: string };
  /** Building models whose path contains this runs out of device memory. */
  buildOutOfMemory?: string;
  /** Running engines of models whose path contains this runs out of device memory. */
  runOutOfMemory?: string;
  /** A file each build appends one line to (`<model path>\t<tensorrt version>`). */
  buildRecord?: string;
}

function scenario(): FakeScenario {
  const text = process.env[SCENARIO_VARIABLE];
  return text ? (JSON.parse(text) as FakeScenario) : {};
}

function nativeError(code: NativeErrorCode, message: string, extra: Partial<NativeError> = {}): NativeError {
  return Object.assign(new Error(message), { code, details: [], ...extra }) as NativeError;
}

const tried = (names: string[]) => names.map((candidate) => ({ candidate, error: `${candidate}: cannot open shared object file: No such file or directory` }));

function machineCapabilities(s: FakeScenario): Capabilities {
  const c = workingCapabilities();
  const version = s.machine === 'old-tensorrt' ? '10.3.0' : (s.tensorrtVersion ?? '10.13.0');
  c.tensorrt.version = version;
  c.tensorrt.parserVersion = version;
  const noGpu = (reason: string) => {
    c.gpu = { ...c.gpu, available: false, name: null, uuid: null, pciBusId: null, computeCapability: null, multiprocessors: null, totalMemoryBytes: null, usedMemoryBytes: null, powerLimitWatts: null, reason };
  };
  switch (s.machine) {
    case 'no-gpu':
      c.cuda.deviceCount = 0;
      c.cuda.deviceError = 'cudaErrorNoDevice: no CUDA-capable device is detected';
      noGpu('the CUDA runtime sees no device');
      break;
    case 'no-driver':
      c.cuda.deviceCount = 0;
      c.cuda.driverVersion = null;
      c.cuda.deviceError = 'cudaErrorInsufficientDriver: CUDA driver version is insufficient for CUDA runtime version';
      c.nvml = { available: false, driverVersion: null, cudaDriverVersion: null, library: null, failure: { library: 'NVML (libnvidia-ml)', tried: tried(['/usr/local/nvidia/lib64/libnvidia-ml.so.1', 'libnvidia-ml.so.1']), found: null, required: null, reason: 'NVML (libnvidia-ml) could not be loaded', fix: 'install the NVIDIA driver' } };
      noGpu('no NVIDIA driver: the CUDA runtime finds none and NVML is missing');
      break;
    case 'no-tensorrt':
      c.tensorrt = {
        available: false,
        version: null,
        library: null,
        parserVersion: null,
        parserLibrary: null,
        failure: { library: 'TensorRT (libnvinfer)', tried: tried(['libnvinfer.so.10', 'libnvinfer.so.11']), found: null, required: null, reason: 'TensorRT (libnvinfer) could not be loaded', fix: 'install TensorRT 10 or 11 (e.g. `pip install tensorrt-cu12` and add its folder to LD_LIBRARY_PATH)' },
      };
      break;
    case 'wrong-major':
      c.tensorrt = {
        available: false,
        version: null,
        library: null,
        parserVersion: null,
        parserLibrary: null,
        failure: {
          library: 'TensorRT (libnvinfer)',
          tried: [{ candidate: 'libnvinfer.so.11', error: null }],
          found: 'TensorRT 11.1.0 (/usr/lib/x86_64-linux-gnu/libnvinfer.so.11)',
          required: 'TensorRT 10.x, the version whose headers built this addon',
          reason: 'the TensorRT library is 11.1.0 but the addon was built against 10.13.0 headers',
          fix: 'rebuild the addon against this TensorRT\'s headers (`TENSORRT_ROOT=... npm run build:native`), or put TensorRT 10.x first on LD_LIBRARY_PATH',
        },
      };
      break;
    default:
      break;
  }
  return c;
}

export const compiledAgainst = { tensorrt: '10.13.0', cudaRuntime: 12090, napiVersion: 8 };

export function capabilities(): Promise<Capabilities> {
  return Promise.resolve(machineCapabilities(scenario()));
}

export function deviceMemory(options?: { device?: number; withCuda?: boolean }): Promise<DeviceMemory> {
  return Promise.resolve({ cudaFreeBytes: options?.withCuda ? 80e9 : null, cudaTotalBytes: options?.withCuda ? 85e9 : null, nvmlUsedBytes: 5e9, nvmlTotalBytes: 85e9, processBytes: 5e8, note: null });
}

type Variant = 'int8.trt' | 'int8.trt.fp16' | 'fp16' | 'fp32';

function variantOf(path: string): Variant {
  if (path.endsWith('.int8.trt.fp16.onnx')) return 'int8.trt.fp16';
  if (path.endsWith('.int8.trt.onnx')) return 'int8.trt';
  if (path.endsWith('.fp16.onnx')) return 'fp16';
  return 'fp32';
}

const INT8_FORMAT = 'Thirty-two wide channel vectorized row major Int8 format';
const HALF_FORMAT = 'Channel major FP16 format where channel % 8 == 0';
const FLOAT_FORMAT = 'Row major linear FP32 format';
const LAYER_TYPES: Record<string, string> = { Conv: 'CaskConvolution', ConvTranspose: 'CaskDeconvolution', Gemm: 'CaskGemm', MatMul: 'CaskGemm' };

/** What the engine inspector would say of an engine of this model: its compute nodes, INT8 where Q/DQ feeds them. */
function inspectorJson(path: string): string {
  const model = readModel(path);
  try {
    const variant = variantOf(path);
    const float = variant === 'fp16' || variant === 'int8.trt.fp16' ? HALF_FORMAT : FLOAT_FORMAT;
    const nodes = model.proto.graph!.node;
    const producer = new Map<string, string>();
    for (const n of nodes) for (const o of n.output) producer.set(o, n.opType);
    const layers = nodes
      .filter((n) => n.opType !== 'QuantizeLinear' && n.opType !== 'DequantizeLinear' && n.opType !== 'Cast')
      .map((n) => {
        const compute = n.opType in LAYER_TYPES;
        const format = compute && producer.get(n.input[0] ?? '') === 'DequantizeLinear' ? INT8_FORMAT : float;
        return {
          Name: n.name || n.opType,
          LayerType: LAYER_TYPES[n.opType] ?? 'PointWiseV2',
          Inputs: [{ Name: n.input[0] ?? '', 'Format/Datatype': format }],
          Outputs: [{ Name: n.output[0] ?? '', 'Format/Datatype': float }],
        };
      });
    return JSON.stringify({ Layers: layers, Bindings: [...model.proto.graph!.input.map((i) => i.name), ...model.proto.graph!.output.map((o) => o.name)] });
  } finally {
    model.close();
  }
}

const BUILD_MS: Record<Variant, number> = { 'int8.trt': 38_412, 'int8.trt.fp16': 35_907, fp16: 24_118, fp32: 19_530 };

export function buildEngine(model: Uint8Array | string, options: NativeBuildOptions, onProgress?: (event: BuildProgressEvent) => void): BuildHandle {
  const s = scenario();
  let cancelled = false;
  const promise = (async () => {
    if (typeof model !== 'string') throw nativeError('ERR_QG_INVALID_ARGUMENT', 'the fake addon builds from a model path');
    const version = machineCapabilities(s).tensorrt.version!;
    if (s.buildRecord) appendFileSync(s.buildRecord, `${model}\t${version}\t${options.timingCache ? 'timing cache' : 'no timing cache'}\n`);
    const events: BuildProgressEvent[] = [
      { type: 'phaseStart', phase: 'Building engine', parent: null, steps: 2 },
      { type: 'step', phase: 'Building engine', step: 0 },
      { type: 'step', phase: 'Building engine', step: 1 },
      { type: 'phaseFinish', phase: 'Building engine' },
    ];
    for (const event of events) {
      await new Promise((r) => setImmediate(r));
      if (cancelled) throw nativeError('ERR_QG_CANCELLED', 'the engine build was cancelled');
      onProgress?.(event);
    }
    const log = `[I] [TRT] fake TensorRT ${version}: parsing ${model}\n`;
    if (s.parserRejects && model.includes(s.parserRejects.file)) {
      const p = s.parserRejects;
      throw nativeError('ERR_QG_PARSE', `TensorRT's ONNX parser rejected the model`, {
        parserErrors: [{ node: 4, nodeName: p.node, nodeOperator: p.op, code: 'kUNSUPPORTED_NODE', description: p.description }],
        log: `${log}[E] [TRT] ModelImporter.cpp:949: While parsing node number 4 [${p.op} -> "${p.node}"]: ${p.description}\n`,
        details: [`While parsing node number 4 [${p.op} -> "${p.node}"]: ${p.description}`],
      });
    }
    if (s.buildOutOfMemory && model.includes(s.buildOutOfMemory)) {
      throw nativeError('ERR_QG_OUT_OF_MEMORY', 'TensorRT ran out of device memory while building the engine', {
        details: ['[virtualMemoryBuffer.cpp::resizePhysical::142] Error Code 2: OutOfMemory (Requested size was 25769803776 bytes.)'],
        log: `${log}[E] [TRT] Error Code 2: OutOfMemory\n`,
      });
    }
    const variant = variantOf(model);
    return {
      engine: new TextEncoder().encode(JSON.stringify({ fakeEngine: 1, model, tensorrt: version })),
      timingCache: new Uint8Array([1, 2, 3]),
      log: `${log}[I] [TRT] Total Host Persistent Memory: 18544 bytes\n[I] [TRT] Engine built in ${BUILD_MS[variant] / 1000} seconds.\n`,
      inspectorJson: inspectorJson(model),
      inspectorError: null,
      tensorrtVersion: version,
      buildMs: BUILD_MS[variant],
    };
  })();
  return { promise, cancel: () => (cancelled = true) };
}

const ORT_TYPES: Record<number, Tensor.Type> = { [DataType.FLOAT]: 'float32', [DataType.INT64]: 'int64', [DataType.INT32]: 'int32', [DataType.FLOAT16]: 'float16', [DataType.UINT8]: 'uint8', [DataType.INT8]: 'int8' };
const ONNX_TYPES = Object.fromEntries(Object.entries(ORT_TYPES).map(([k, v]) => [v, Number(k)])) as Record<string, number>;

/** GPU milliseconds per iteration at batch 1, and how much each further sample adds. */
const LATENCY: Record<Variant, { base: number; perSample: number }> = {
  'int8.trt': { base: 0.094, perSample: 0.0061 },
  'int8.trt.fp16': { base: 0.088, perSample: 0.0054 },
  fp16: { base: 0.121, perSample: 0.0097 },
  fp32: { base: 0.187, perSample: 0.0213 },
};
/** Mean and peak watts under load. */
const WATTS: Record<Variant, [number, number]> = { 'int8.trt': [142.6, 171.3], 'int8.trt.fp16': [139.8, 166.2], fp16: [187.4, 219.9], fp32: [246.1, 283.5] };

/** What the power sampler reports: the variant last run here, and the GPU time since start(). */
const device = { variant: null as Variant | null, gpuMsSinceStart: 0 };

class FakeSession implements NativeEngineSession {
  busy = false;
  private disposed = false;

  constructor(
    private readonly session: InferenceSession,
    private readonly model: string,
    private readonly list: EngineTensor[],
  ) {}

  private guard(method: string): void {
    if (this.disposed) throw nativeError('ERR_QG_DISPOSED', `${method}() on a disposed engine session`);
    if (this.busy) throw nativeError('ERR_QG_BUSY', `${method}() while a benchmark or run of this session is in flight`);
  }

  private async operation<T>(method: string, work: () => Promise<T>): Promise<T> {
    this.guard(method);
    const s = scenario();
    if (s.runOutOfMemory && this.model.includes(s.runOutOfMemory)) {
      throw nativeError('ERR_QG_OUT_OF_MEMORY', 'out of device memory for the execution context', { details: ['[executionContext.cpp::enqueueV3::2666] Error Code 1: Cuda Runtime (out of memory)'] });
    }
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }

  tensors(): EngineTensor[] {
    return this.list;
  }

  run(inputs: NamedTensor[]): Promise<NamedTensor[]> {
    return this.operation('run', async () => {
      const ort = await loadOrt();
      const feeds = Object.fromEntries(inputs.map((t) => [t.name, new ort.Tensor(ORT_TYPES[t.dataType]!, t.data as Float32Array, t.dims)]));
      const outputs = await this.session.run(feeds, this.list.filter((t) => !t.isInput).map((t) => t.name));
      return Object.entries(outputs).map(([name, value]) => ({ name, dataType: ONNX_TYPES[(value as Tensor).type] ?? DataType.FLOAT, dims: [...(value as Tensor).dims], data: (value as Tensor).data as Float32Array }));
    });
  }

  benchmark(options: NativeBenchmarkOptions = {}): Promise<NativeBenchmarkResult> {
    return this.operation('benchmark', async () => {
      const variant = variantOf(this.model);
      const batch = options.inputs?.[0]?.dims[0] ?? 1;
      const mean = LATENCY[variant].base + LATENCY[variant].perSample * (batch - 1);
      const n = Math.min(100_000, Math.max(options.iterations ?? 100, Math.ceil((options.minDurationMs ?? 0) / mean)));
      // A fixed spread around the mean, as CUDA events on a quiet GPU show.
      const gpuMs = Float64Array.from({ length: n }, (_, i) => mean * (1 + 0.004 * (((i * 7) % 11) - 5)) + (i % 97 === 96 ? mean * 0.06 : 0));
      device.variant = variant;
      device.gpuMsSinceStart += gpuMs.reduce((a, b) => a + b, 0);
      await new Promise((r) => setImmediate(r));
      return {
        gpuMs,
        endToEndMs: gpuMs.map((t) => t + 0.05),
        hostToDeviceMs: gpuMs.map(() => 0.02),
        deviceToHostMs: gpuMs.map(() => 0.01),
        warmup: options.warmup ?? 0,
        iterations: n,
        cudaGraphUsed: false,
        cudaGraphNote: null,
      };
    });
  }

  memory(): SessionMemory {
    this.guard('memory');
    const mib: Record<Variant, number> = { 'int8.trt': 9.5, 'int8.trt.fp16': 8.25, fp16: 13.75, fp32: 24.5 };
    return { activationBytes: 4 << 20, weightsBytes: null, ioBytes: 65536, processDeltaBytes: mib[variantOf(this.model)] * 2 ** 20 };
  }

  dispose(): void {
    if (this.disposed) return;
    this.guard('dispose');
    this.disposed = true;
  }
}

export async function openEngineSession(engine: Uint8Array): Promise<NativeEngineSession> {
  let parsed: { fakeEngine?: number; model?: string };
  try {
    parsed = JSON.parse(new TextDecoder().decode(engine)) as typeof parsed;
  } catch {
    throw nativeError('ERR_QG_ENGINE', 'TensorRT could not deserialize the engine', { details: ['[runtime.cpp::deserializeCudaEngine::96] Error Code 1: Serialization (Serialization assertion magicTagRead == kMAGIC_TAG failed.)'] });
  }
  if (parsed.fakeEngine !== 1 || !parsed.model) throw nativeError('ERR_QG_ENGINE', 'TensorRT could not deserialize the engine');
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(parsed.model, { executionProviders: ['cpu'], logSeverityLevel: 3 });
  const tensor = (name: string, isInput: boolean, meta: InferenceSession.ValueMetadata | undefined): EngineTensor => {
    const shape = meta && meta.isTensor ? meta.shape.map((d) => (typeof d === 'number' ? d : -1)) : [-1];
    return { name, isInput, dataType: meta && meta.isTensor ? (ONNX_TYPES[meta.type] ?? DataType.FLOAT) : DataType.FLOAT, shape, profile: null };
  };
  const list = [
    ...session.inputNames.map((name, i) => tensor(name, true, session.inputMetadata[i])),
    ...session.outputNames.map((name, i) => tensor(name, false, session.outputMetadata[i])),
  ];
  return new FakeSession(session, parsed.model, list);
}

export class PowerSampler implements NativePowerSampler {
  running = false;
  constructor() {
    if (machineCapabilities(scenario()).nvml.available === false) throw nativeError('ERR_QG_LIBRARY', 'NVML (libnvidia-ml) could not be loaded');
  }
  start(): void {
    if (this.running) throw nativeError('ERR_QG_BUSY', 'the power sampler is already running');
    this.running = true;
    device.gpuMsSinceStart = 0;
  }
  stop(): PowerTrace {
    if (!this.running) throw nativeError('ERR_QG_INVALID_ARGUMENT', 'the power sampler is not running');
    this.running = false;
    const [mean, peak] = WATTS[device.variant ?? 'fp32'];
    const durationMs = device.gpuMsSinceStart;
    const samples = Math.max(2, Math.round(durationMs / 10));
    return {
      timesMs: Float64Array.from({ length: samples }, (_, i) => (i * durationMs) / (samples - 1)),
      watts: Float64Array.from({ length: samples }, (_, i) => (i === 1 ? peak : mean)),
      durationMs,
      meanWatts: mean,
      peakWatts: peak,
      sampledJoules: (mean * durationMs) / 1000,
      counterJoules: null,
      powerSource: 'instant',
      start: { smClockMHz: 1980, memoryClockMHz: 2619, temperatureC: 41, watts: 71.2 },
      end: { smClockMHz: 1755, memoryClockMHz: 2619, temperatureC: 47, watts: mean },
    };
  }
}
