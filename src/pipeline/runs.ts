/**
 * The rows of a run, decided before anything is measured: every (runtime, provider, model, batch)
 * the user asked for, runnable or skipped with its reason. Rows are then filled in by the
 * accuracy and benchmark stages; a row nothing reached (an interrupted run) says so.
 *
 * Models, as results.json names them: `fp32` (the model as given), `int8.ort` (laid out for ONNX
 * Runtime's CPU kernels), `int8.trt` (TensorRT's explicit quantization; on the CPU it only runs as
 * `reference`, the unfused simulation of TensorRT's INT8 numerics, which carries accuracy only),
 * each prefixed by `base:` for the baseline model benchmarked in the same job.
 */
import type { RunResult } from '../results/schema.js';
import type { ProviderName, RuntimeName } from '../runtime/types.js';

export type VariantId = 'fp32' | 'int8.ort' | 'int8.trt';

export interface ModelFiles {
  /** 'current' or 'base' (the baseline model in the same job). */
  role: 'current' | 'base';
  fp32: string;
  'int8.ort': string;
  'int8.trt': string;
}

export interface PlannedRow {
  row: RunResult;
  variant: VariantId;
  role: ModelFiles['role'];
  /** The file the row runs (absolute). */
  file: string;
  /** Benchmarked (latency, memory) or scored for accuracy only. */
  benchmark: boolean;
  /** Why the row cannot run at all (provider missing, batch size refused); null if it can. */
  skip: string | null;
}

/** The reason a runnable row carries until a stage fills it: what an interrupted run shows. */
export const NOT_REACHED = 'not run: the run stopped before it reached this row';

const PRECISION: Record<VariantId, RunResult['precision']> = { fp32: 'fp32', 'int8.ort': 'int8', 'int8.trt': 'int8' };

/** Which models each provider runs: the CPU the ONNX Runtime layout, GPUs TensorRT's. */
export const VARIANTS_BY_PROVIDER: Record<ProviderName, VariantId[]> = {
  cpu: ['fp32', 'int8.ort'],
  cuda: ['fp32', 'int8.trt'],
  tensorrt: ['fp32', 'int8.trt'],
  reference: ['int8.trt'],
};

export function emptyRow(runtime: RuntimeName, provider: ProviderName, model: string, modelFile: string | null, precision: RunResult['precision'], batch: number): RunResult {
  return {
    runtime,
    provider,
    model,
    modelFile,
    precision,
    batch,
    status: 'skipped',
    reason: NOT_REACHED,
    latencyMs: null,
    throughput: null,
    memory: null,
    loadMs: null,
    accuracy: null,
    accuracyLossPp: null,
    accuracyLossCi: null,
  };
}

export interface RowPlanInput {
  models: ModelFiles[];
  /** ONNX Runtime providers that run, and those skipped with their reason. */
  providers: { run: ProviderName[]; skipped: { provider: ProviderName; reason: string }[] };
  batchSizes: number[];
  /** Why a batch size cannot run on the model (fixed batch dimension), or null. */
  batchProblem: (batch: number) => string | null;
  /** The batch the accuracy-only reference row is scored at. */
  evaluationBatch: number;
  tensorrt: { available: boolean; reason: string | null };
  /** How a model file is named in results.json (relative to the output folder where inside it). */
  displayPath: (file: string) => string;
}

export function planRows(input: RowPlanInput): PlannedRow[] {
  const rows: PlannedRow[] = [];
  const add = (runtime: RuntimeName, provider: ProviderName, variant: VariantId, files: ModelFiles, batch: number, benchmark: boolean, skip: string | null) => {
    const model = `${files.role === 'base' ? 'base:' : ''}${variant}`;
    const row = emptyRow(runtime, provider, model, input.displayPath(files[variant]), PRECISION[variant], batch);
    if (skip !== null) row.reason = skip;
    rows.push({ row, variant, role: files.role, file: files[variant], benchmark, skip });
  };
  for (const files of input.models) {
    for (const provider of input.providers.run) {
      for (const variant of VARIANTS_BY_PROVIDER[provider]) {
        for (const batch of input.batchSizes) add('onnxruntime', provider, variant, files, batch, true, input.batchProblem(batch));
      }
    }
    for (const { provider, reason } of input.providers.skipped) {
      for (const variant of VARIANTS_BY_PROVIDER[provider]) for (const batch of input.batchSizes) add('onnxruntime', provider, variant, files, batch, true, reason);
    }
    add('onnxruntime', 'reference', 'int8.trt', files, input.evaluationBatch, false, null);
    for (const batch of input.batchSizes) add('tensorrt', 'tensorrt', 'int8.trt', files, batch, true, input.tensorrt.available ? null : input.tensorrt.reason);
  }
  return rows;
}

/**
 * The first runnable row of each (role, variant, provider): accuracy is scored once per model and
 * provider and recorded there.
 */
export function accuracyRows(rows: readonly PlannedRow[]): PlannedRow[] {
  const seen = new Set<string>();
  const out: PlannedRow[] = [];
  for (const p of rows) {
    if (p.row.runtime !== 'onnxruntime' || p.skip !== null) continue;
    const key = `${p.role}|${p.variant}|${p.row.provider}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}
