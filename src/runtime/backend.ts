/**
 * The extension point for runtimes: a `Backend` is one runtime (ONNX Runtime, TensorRT) as the
 * pipeline sees it, after Polygraphy's runners and ONNX Runtime's execution providers. The
 * pipeline asks each registered backend (registry.ts) what it can run and never names one; the
 * benchmark worker asks the registry for the backend a request names. A backend lives in its own
 * folder (src/runtime/onnxruntime/, src/runtime/tensorrt/), and nothing outside it special-cases
 * it.
 *
 * What a backend implements:
 * - `name`, `title`: results.json's `runtime` for its rows, and how a message names it.
 * - `availability()`: whether it can run on this machine at all and, when not, why and what fixes
 *   it. Unavailable under `--runtimes auto`, its rows are skipped rows carrying the reason (they
 *   never change the verdict); named in `--runtimes`, it is bad input (exit 2).
 * - `planRows(request)`: every (provider, model variant, batch) it would run for the user's
 *   `--providers` and `--batch-sizes`, runnable or skipped with the reason (a provider that is not
 *   installed); a provider named explicitly that it cannot run is a BadInputError. Rows marked
 *   `timed: false` carry accuracy only. The pipeline adds the model's own limits (a fixed batch
 *   dimension, a variant the quantizer did not write) and the baseline model's rows.
 * - `open(options)`: a `Runner` (types.ts) over one model file on one provider, not loaded yet.
 *   The accuracy stage opens runners in the main process; the benchmark opens one per worker
 *   process. `options.interleaved` says the runner will be timed in turn with others (the
 *   backend should then not keep cores busy between runs: ONNX Runtime turns thread spinning off),
 *   and `options.outDir` is where it may write what it builds (TensorRT: engines, build logs).
 * - `referenceProvider` (optional): the provider on which this backend runs the FP32 model as the
 *   accuracy reference every other row is scored against (ONNX Runtime: the CPU). Accuracy needs
 *   one participating backend that offers it.
 * - `prepare(input)` (optional): the work a backend does once per run, in the main process, before
 *   anything is scored or timed (TensorRT: building each model's engine; see its backend for why
 *   there). It returns, per model, the fields its rows add to results.json, or why that model
 *   cannot run (a failed row with the reason; the other rows of the run go on).
 * - `environment()` (optional): what the backend knows of the machine (TensorRT's and the CUDA
 *   runtime's versions, the GPU as the driver describes it), merged into results.json's environment.
 * - In the benchmark worker: `prime(provider)` brings the runtime up (its library, thread pools,
 *   the device context of a GPU provider) before the memory mark, so the row's memory is its
 *   model's and not the runtime's; `usesDevice(provider)` says whether the worker's device memory
 *   is tracked (nvidia-smi) for the row. Workers are Node child processes of the benchmark bundle
 *   (dist/benchmark-worker.js), so a backend reaches its native code from there.
 */
import type { Log } from '../log.js';
import type { Environment, RunResult } from '../results/schema.js';
import type { ProviderName, RuntimeName, Runner, VariantId } from './types.js';

export interface Availability {
  available: boolean;
  /** Why it cannot run here, in words a runner's owner can act on; null when it can. */
  reason: string | null;
  /** What makes it available; null when it is. */
  fix: string | null;
}

export interface RowRequest {
  /** --providers: `auto`, or the providers the user named (a missing one is bad input). */
  providers: 'auto' | readonly ProviderName[];
  batchSizes: readonly number[];
  /** The batch that accuracy-only rows are scored at. */
  evaluationBatch: number;
}

/** A row a backend would run, for each model of the run (the pipeline adds the baseline model's). */
export interface RowPlan {
  provider: ProviderName;
  variant: VariantId;
  batch: number;
  /** Timed (latency, throughput, memory); false for a row that carries accuracy only. */
  timed: boolean;
  /** Why it cannot run here (the provider is missing); null when it can. */
  skip: string | null;
}

/** The shapes one input takes over a run: the smallest, the one to optimise for, the largest. */
export interface ShapeRange {
  min: number[];
  opt: number[];
  max: number[];
}

/**
 * Every shape each input of the model is given in a run (the accuracy stage's batches, last
 * partial one included, and each timed batch size), by input name. Inputs whose shape the model
 * fixes are left out. A backend that compiles for shapes (TensorRT's optimisation profile) builds
 * for these ranges; the others ignore them.
 */
export type InputShapes = Record<string, ShapeRange>;

export interface OpenOptions {
  /** The model file the runner loads (ONNX). */
  modelPath: string;
  provider: ProviderName;
  /** Intra-op threads; undefined leaves the runtime's default. */
  threads?: number;
  /** Timed in turn with other runners (interleaved rounds): keep no cores busy between runs. */
  interleaved?: boolean;
  /** The run's output folder: where a backend may write what it builds for the runner. */
  outDir?: string;
  /** The shapes the runner will be given (see InputShapes). */
  inputShapes?: InputShapes;
}

/** One model file a backend prepares for its rows. */
export interface PrepareModel {
  /** Names it in the answer. */
  key: string;
  provider: ProviderName;
  variant: VariantId;
  /** results.json's `model` (`base:` before the variant for the baseline model). */
  model: string;
  file: string;
}

export interface PrepareInput {
  models: PrepareModel[];
  inputShapes: InputShapes;
  outDir: string;
  /** Nodes the quantizer left in float, by node name, with why: to explain layers that did not run in INT8. */
  floatNodes: ReadonlyMap<string, string>;
  log: Log;
  /** Aborted when the run is interrupted: long work stops at its next step. */
  signal?: AbortSignal;
}

/** The results.json fields a prepared model adds to each of its rows. */
export type PreparedFields = Pick<RunResult, 'engine'>;

/** Per model: ready, with the fields its rows carry, or why it cannot run (its rows fail with that reason). */
export type Prepared = { status: 'ok'; fields: PreparedFields } | { status: 'failed'; reason: string };

/** What a backend knows of the machine for results.json's environment; null fields are unknown. */
export type EnvironmentFacts = Partial<Pick<Environment, 'gpu' | 'cuda' | 'cudaRuntime' | 'tensorrt'>>;

export interface Backend {
  readonly name: RuntimeName;
  /** How messages name it: "ONNX Runtime", "TensorRT". */
  readonly title: string;
  /** Whether it can run here, and why not (computed once per process). */
  availability(): Promise<Availability>;
  /** The rows it runs for a request, skipped ones with their reason. */
  planRows(request: RowRequest): Promise<RowPlan[]>;
  /** A runner over one model file on one provider; `load()` it before use. */
  open(options: OpenOptions): Runner;
  /** Where it runs the FP32 model as the accuracy reference, if it offers one. */
  readonly referenceProvider?: ProviderName;
  /** Once per run, before the accuracy stage: what the models need (engines), by PrepareModel key. */
  prepare?(input: PrepareInput): Promise<Map<string, Prepared>>;
  /** Facts for results.json's environment; null when the backend knows nothing of the machine. */
  environment?(): Promise<EnvironmentFacts | null>;
  /** In a benchmark worker, before the model loads: the runtime and the provider's device up. */
  prime(provider: ProviderName): Promise<void>;
  /** Whether rows on this provider use a GPU, whose memory the benchmark then tracks. */
  usesDevice(provider: ProviderName): boolean;
}
