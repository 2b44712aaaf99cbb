/**
 * What every runtime backend's runners implement (ONNX Runtime now, TensorRT through the native
 * addon next): load, run, dispose, with the life cycle of Polygraphy's runners, plus the one
 * extra the benchmark needs (a batch bound once and run many times). The backend that makes them
 * is described in backend.ts.
 */
import type { HostTensor } from '../data/types.js';

/** results.json's `runtime`: which backend ran a row. */
export type RuntimeName = 'onnxruntime' | 'tensorrt';
/**
 * results.json's `provider`: ONNX Runtime's execution providers (`reference` is the unfused CPU
 * simulation, graph optimisations off) and TensorRT's own (`tensorrt`).
 */
export type ProviderName = 'cpu' | 'cuda' | 'tensorrt' | 'reference';

/**
 * The model files of a run, as results.json names them: `fp32` (the model as given), `fp16`,
 * `int8.ort` (laid out for ONNX Runtime's CPU kernels), `int8.trt` (TensorRT's explicit
 * quantization) and `int8.trt.fp16` (the same with float16 float parts).
 */
export type VariantId = 'fp32' | 'fp16' | 'int8.ort' | 'int8.trt' | 'int8.trt.fp16';

export const VARIANT_PRECISION: Record<VariantId, 'fp32' | 'fp16' | 'int8'> = {
  fp32: 'fp32',
  fp16: 'fp16',
  'int8.ort': 'int8',
  'int8.trt': 'int8',
  'int8.trt.fp16': 'int8',
};

export interface LoadInfo {
  /** Wall time of creating the session (or deserializing the engine), ms. */
  loadMs: number;
  /** Names of the model's inputs and outputs as the runtime sees them. */
  inputNames: string[];
  outputNames: string[];
}

/**
 * The settings a runner runs with that change its timings (threads, thread spinning, graph
 * optimisation...), flat, as results.json records them per run so that comparisons across
 * different settings can be flagged.
 */
export type RunnerSettings = Record<string, string | number | boolean | null>;

/** A batch bound to a loaded runner: each call runs it once and drops the outputs. */
export type BoundRun = () => Promise<void>;

/** One timed round: per-iteration latency in run order, and the round's wall time, ms. */
export interface TimedRound {
  samplesMs: Float64Array;
  wallMs: number;
}

export interface Runner {
  readonly runtime: RuntimeName;
  readonly provider: ProviderName;
  /** What this runner runs with, as results.json records it. */
  readonly settings: RunnerSettings;
  /** Creates the session (or deserializes the engine); called once before anything else. */
  load(): Promise<LoadInfo>;
  /** Runs one batch; returns the requested outputs (all when `outputs` is omitted). */
  run(feeds: Record<string, HostTensor>, outputs?: string[]): Promise<Record<string, HostTensor>>;
  /**
   * Converts `feeds` once (to the runtime's tensors, to the device) and returns the cheapest
   * repeated run of them: what the benchmark's timed loop calls, timing each call on the host.
   */
  bind(feeds: Record<string, HostTensor>): BoundRun;
  /**
   * Optional: a round timed by the runtime itself, for a backend whose host clock around each call
   * would measure the wrong thing (TensorRT: CUDA events around the enqueue, in native code).
   * Runs the batch last bound until both minimums are met. Without it the benchmark times `bind`'s
   * run with process.hrtime.
   */
  timeRound?(minIterations: number, minMs: number): Promise<TimedRound>;
  /**
   * Optional: the device memory the runtime itself reports for this session, MiB (TensorRT: the
   * engine's weights, its execution context's activations and the I/O buffers); null when it
   * cannot tell. The benchmark uses it where nvidia-smi's per-process figure is missing.
   */
  deviceMemoryMB?(): number | null;
  /** Releases the session. Refused while a run is in flight. */
  dispose(): Promise<void>;
}
