/**
 * The native addon's whole surface (native/src/napi/addon.cc), typed: what `load.ts` returns
 * and what tests fake (test/helpers/fake-tensorrt.ts). Nothing here runs code; the shapes are
 * those the C++ glue builds, field for field.
 *
 * Units: bytes, milliseconds, watts, joules, MHz, °C. A reading the machine cannot give is
 * null. Element types are ONNX's numbers (TensorProto.DataType), as in HostTensor.
 */

/** `code` of every Error the addon throws or rejects with (native/src/core/native_error.h). */
export type NativeErrorCode =
  | 'ERR_QG_INVALID_ARGUMENT'
  | 'ERR_QG_LIBRARY'
  | 'ERR_QG_CUDA'
  | 'ERR_QG_NVML'
  | 'ERR_QG_OUT_OF_MEMORY'
  | 'ERR_QG_PARSE'
  | 'ERR_QG_BUILD'
  | 'ERR_QG_ENGINE'
  | 'ERR_QG_CANCELLED'
  | 'ERR_QG_BUSY'
  | 'ERR_QG_DISPOSED'
  | 'ERR_QG_INTERNAL';

/** One error of TensorRT's ONNX parser, naming the node it failed on. */
export interface ParserError {
  /** Index of the node in the graph; -1 when the error is not about a node. */
  node: number;
  nodeName: string;
  nodeOperator: string;
  /** nvonnxparser::ErrorCode's name, e.g. "kUNSUPPORTED_NODE". */
  code: string;
  description: string;
}

/** The Error the addon rejects with. */
export interface NativeError extends Error {
  code: NativeErrorCode;
  /** What TensorRT, CUDA or NVML said, one line each (the error recorder's and the log's errors). */
  details: string[];
  /** Build failures only. */
  parserErrors?: ParserError[];
  /** Build failures only: TensorRT's log up to the failure. */
  log?: string;
}

/** One dlopen attempt. */
export interface LoadAttempt {
  candidate: string;
  /** dlerror()'s text; null for the attempt that succeeded. */
  error: string | null;
}

/** Why a library cannot be used: each file tried with dlopen's reason, or found against required. */
export interface LibraryFailure {
  library: string;
  tried: LoadAttempt[];
  found: string | null;
  required: string | null;
  reason: string;
  fix: string;
}

export interface Capabilities {
  /** The headers the addon was compiled against. */
  compiledAgainst: { tensorrt: string; cudaRuntime: number };
  tensorrt: {
    available: boolean;
    version: string | null;
    library: string | null;
    parserVersion: string | null;
    parserLibrary: string | null;
    failure: LibraryFailure | null;
  };
  cuda: {
    available: boolean;
    /** e.g. 12090 for 12.9. */
    runtimeVersion: number | null;
    /** The newest CUDA the driver supports, e.g. 13000; null without a driver. */
    driverVersion: number | null;
    deviceCount: number | null;
    /** cudaGetDeviceCount's complaint (no driver, no device). */
    deviceError: string | null;
    library: string | null;
    failure: LibraryFailure | null;
  };
  nvml: {
    available: boolean;
    driverVersion: string | null;
    cudaDriverVersion: number | null;
    library: string | null;
    failure: LibraryFailure | null;
  };
  gpu: {
    available: boolean;
    ordinal: number;
    name: string | null;
    uuid: string | null;
    pciBusId: string | null;
    /** "9.0" */
    computeCapability: string | null;
    multiprocessors: number | null;
    totalMemoryBytes: number | null;
    usedMemoryBytes: number | null;
    powerLimitWatts: number | null;
    /** Why unavailable, or why some fields are null. */
    reason: string | null;
  };
}

/** min/opt/max of one dynamic input in one optimization profile. */
export interface ShapeRange {
  input: string;
  min: number[];
  opt: number[];
  max: number[];
}

export interface NativeBuildOptions {
  /** CUDA device ordinal (default 0). */
  device?: number;
  /** Builder workspace limit; TensorRT's default (the GPU's memory) when absent. */
  workspaceBytes?: number;
  /** 0..5; TensorRT's default (3) when absent. */
  optimizationLevel?: number;
  /** One array of ranges per profile. */
  profiles?: ShapeRange[][];
  /** A serialized timing cache from an earlier build on this GPU and TensorRT. */
  timingCache?: Uint8Array;
  /** When the model is given as bytes: its path, for external weights. */
  modelPath?: string;
  /** Keep TensorRT's verbose messages in the log. */
  verbose?: boolean;
}

export type BuildProgressEvent =
  | { type: 'phaseStart'; phase: string; parent: string | null; steps: number }
  | { type: 'step'; phase: string; step: number }
  | { type: 'phaseFinish'; phase: string };

export interface NativeBuildResult {
  engine: Uint8Array;
  timingCache: Uint8Array | null;
  log: string;
  /** IEngineInspector's detailed JSON (layer names, types, formats); null when it could not run. */
  inspectorJson: string | null;
  inspectorError: string | null;
  tensorrtVersion: string;
  buildMs: number;
}

/** A build in flight: cancel() makes TensorRT stop at its next step (rejects with ERR_QG_CANCELLED). */
export interface BuildHandle {
  promise: Promise<NativeBuildResult>;
  cancel(): void;
}

export interface EngineTensor {
  name: string;
  isInput: boolean;
  dataType: number;
  /** -1 for dynamic dimensions. */
  shape: number[];
  /** Inputs with dynamic dimensions: profile 0's range. */
  profile: { min: number[]; opt: number[]; max: number[] } | null;
}

/** A tensor crossing the boundary (HostTensor plus its name). */
export interface NamedTensor {
  name: string;
  dataType: number;
  dims: number[];
  data: ArrayBufferView;
}

export interface NativeBenchmarkOptions {
  /** Shapes of dynamic inputs; profile 0's opt shape when absent. */
  shapes?: Record<string, number[]>;
  /** Input data; a fixed pseudo-random pattern when absent. */
  inputs?: NamedTensor[];
  warmup?: number;
  /** At least this many timed iterations ... */
  iterations?: number;
  /** ... and at least this long. */
  minDurationMs?: number;
  maxIterations?: number;
  /** Capture the inference in a CUDA graph (falls back to enqueue when it cannot). */
  cudaGraph?: boolean;
}

export interface NativeBenchmarkResult {
  /** Per iteration: the inference on the GPU (CUDA events around enqueue/graph launch). */
  gpuMs: Float64Array;
  /** Per iteration: host wall time of host→device copies, inference, device→host copies and sync. */
  endToEndMs: Float64Array;
  hostToDeviceMs: Float64Array;
  deviceToHostMs: Float64Array;
  warmup: number;
  iterations: number;
  cudaGraphUsed: boolean;
  /** Why a requested CUDA graph was not used. */
  cudaGraphNote: string | null;
}

export interface SessionMemory {
  /** getDeviceMemorySizeV2: the execution context's activation memory. */
  activationBytes: number | null;
  /** Engine weights (TensorRT 11's getEngineStat); null on 10.x. */
  weightsBytes: number | null;
  /** Input/output buffers the session allocated. */
  ioBytes: number;
  /** Device memory used now minus before the engine was deserialized (whole GPU, cudaMemGetInfo). */
  processDeltaBytes: number | null;
}

export interface NativeEngineSession {
  tensors(): EngineTensor[];
  benchmark(options?: NativeBenchmarkOptions): Promise<NativeBenchmarkResult>;
  run(inputs: NamedTensor[]): Promise<NamedTensor[]>;
  /** Throws ERR_QG_BUSY while a benchmark or run is in flight. */
  memory(): SessionMemory;
  /** Throws ERR_QG_BUSY while a benchmark or run is in flight; a second call does nothing. */
  dispose(): void;
  readonly busy: boolean;
}

export interface GpuState {
  smClockMHz: number | null;
  memoryClockMHz: number | null;
  temperatureC: number | null;
  watts: number | null;
}

export interface PowerTrace {
  timesMs: Float64Array;
  watts: Float64Array;
  durationMs: number;
  meanWatts: number;
  peakWatts: number;
  /** Integral of the samples (trapezoid, edges held). */
  sampledJoules: number;
  /** The driver's energy counter over the same window; null where the GPU lacks it. */
  counterJoules: number | null;
  /** "instant" (NVML_FI_DEV_POWER_INSTANT) or "average" (nvmlDeviceGetPowerUsage, 1 s average on newer GPUs). */
  powerSource: 'instant' | 'average';
  start: GpuState;
  end: GpuState;
}

export interface NativePowerSampler {
  start(): void;
  stop(): PowerTrace;
  readonly running: boolean;
}

/** The GPU's memory as CUDA and NVML see it, and this process's share. */
export interface DeviceMemory {
  /** cudaMemGetInfo; null unless asked `withCuda` (it creates a CUDA context). */
  cudaFreeBytes: number | null;
  cudaTotalBytes: number | null;
  nvmlUsedBytes: number | null;
  nvmlTotalBytes: number | null;
  /** NVML's per-process accounting for this process; null where NVML cannot tell. */
  processBytes: number | null;
  /** What could not be read, and why. */
  note: string | null;
}

export interface TensorRtBinding {
  readonly compiledAgainst: { tensorrt: string; cudaRuntime: number; napiVersion: number };
  capabilities(options?: { device?: number }): Promise<Capabilities>;
  deviceMemory(options?: { device?: number; withCuda?: boolean }): Promise<DeviceMemory>;
  /** The model as ONNX bytes or a path. */
  buildEngine(model: Uint8Array | string, options: NativeBuildOptions, onProgress?: (event: BuildProgressEvent) => void): BuildHandle;
  /** Deserializes engine bytes. Call it only through engine-session.ts, which takes verified engines. */
  openEngineSession(engine: Uint8Array, options?: { device?: number }): Promise<NativeEngineSession>;
  /** Throws ERR_QG_LIBRARY when NVML cannot be loaded. */
  PowerSampler: new (options?: { device?: number; intervalMs?: number }) => NativePowerSampler;
}

/** Whether `error` is one the addon threw, with one of its codes. */
export function isNativeError(error: unknown, code?: NativeErrorCode): error is NativeError {
  if (!(error instanceof Error)) return false;
  const c = (error as Partial<NativeError>).code;
  return typeof c === 'string' && c.startsWith('ERR_QG_') && (code === undefined || c === code);
}
