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
 * - In the benchmark worker: `prime(provider)` brings the runtime up (its library, thread pools,
 *   the device context of a GPU provider) before the memory mark, so the row's memory is its
 *   model's and not the runtime's; `usesDevice(provider)` says whether the worker's device memory
 *   is tracked (nvidia-smi) for the row. Workers are Node child processes of the benchmark bundle
 *   (dist/benchmark-worker.js), so a backend reaches its native code from there.
 */
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
}

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
  /** In a benchmark worker, before the model loads: the runtime and the provider's device up. */
  prime(provider: ProviderName): Promise<void>;
  /** Whether rows on this provider use a GPU, whose memory the benchmark then tracks. */
  usesDevice(provider: ProviderName): boolean;
}
