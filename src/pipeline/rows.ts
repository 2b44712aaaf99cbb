/**
 * The rows of a run, decided before anything is measured: what each participating backend says it
 * runs (backend.ts), for the pull request's model and the baseline model's, runnable or skipped
 * with the reason. Each row has an id; the stages return their results keyed by it, and the
 * recorder (merge.ts) turns a row and its results into a results.json run.
 *
 * Models, as results.json names them, are the variants of runtime/types.ts, prefixed by `base:`
 * for the baseline model benchmarked in the same job.
 */
import type { Backend, RowPlan, RowRequest } from '../runtime/backend.js';
import { VARIANT_PRECISION, type ProviderName, type RuntimeName, type VariantId } from '../runtime/types.js';
import type { RunResult } from '../results/schema.js';

/** `runtime/provider/model/batch`, `base:` included: unique within a run. */
export type RowId = string;

export interface ModelFiles {
  /** 'current' or 'base' (the baseline model in the same job). */
  role: 'current' | 'base';
  /** The files written for each variant (absolute paths). */
  files: Partial<Record<VariantId, string>>;
  /** Why a variant's file was not written (dynamic mode without calibration data has no TensorRT flavour). */
  notWritten?: Partial<Record<VariantId, string>>;
}

export interface PlannedRow {
  id: RowId;
  runtime: RuntimeName;
  provider: ProviderName;
  variant: VariantId;
  role: ModelFiles['role'];
  /** results.json's `model`: the variant, `base:` before it for the baseline model. */
  model: string;
  precision: RunResult['precision'];
  batch: number;
  /** The file the row runs (absolute), null where the variant was not written. */
  file: string | null;
  /** The file as results.json names it (relative to the output folder where inside it). */
  shownFile: string | null;
  /** Timed (latency, memory), or scored for accuracy only. */
  timed: boolean;
  /** Why the row cannot run at all (provider missing, batch size refused); null if it can. */
  skip: string | null;
}

export function rowId(runtime: RuntimeName, provider: ProviderName, model: string, batch: number): RowId {
  return `${runtime}/${provider}/${model}/${batch}`;
}

/** What one backend said it runs, before the model files exist. */
export interface BackendPlan {
  runtime: RuntimeName;
  rows: RowPlan[];
}

/**
 * Asks each backend what it runs for the request. A provider named explicitly that is missing
 * throws its BadInputError here, before anything long runs.
 */
export async function askBackends(backends: readonly Backend[], request: RowRequest): Promise<BackendPlan[]> {
  const plans: BackendPlan[] = [];
  for (const backend of backends) plans.push({ runtime: backend.name, rows: await backend.planRows(request) });
  return plans;
}

export interface RowPlanInput {
  models: ModelFiles[];
  /** Why a batch size cannot run on the model (a fixed batch dimension), or null. */
  batchProblem: (batch: number) => string | null;
  /** How a model file is named in results.json. */
  displayPath: (file: string) => string;
}

/** Every row of the run: each backend's plan, for each model. */
export function planRows(plans: readonly BackendPlan[], input: RowPlanInput): PlannedRow[] {
  const rows: PlannedRow[] = [];
  for (const { runtime, rows: plan } of plans) {
    for (const files of input.models) for (const row of plan) rows.push(plannedRow(runtime, row, files, input));
  }
  return rows;
}

function plannedRow(runtime: RuntimeName, plan: RowPlan, files: ModelFiles, input: RowPlanInput): PlannedRow {
  const model = `${files.role === 'base' ? 'base:' : ''}${plan.variant}`;
  const file = files.files[plan.variant] ?? null;
  // The backend's reason first (it says what the machine lacks), then the model's own limits.
  const skip =
    plan.skip ??
    (file === null ? (files.notWritten?.[plan.variant] ?? `no ${plan.variant} model was written for this run`) : null) ??
    (plan.timed ? input.batchProblem(plan.batch) : null);
  return {
    id: rowId(runtime, plan.provider, model, plan.batch),
    runtime,
    provider: plan.provider,
    variant: plan.variant,
    role: files.role,
    model,
    precision: VARIANT_PRECISION[plan.variant],
    batch: plan.batch,
    file,
    shownFile: file === null ? null : input.displayPath(file),
    timed: plan.timed,
    skip,
  };
}

/**
 * The first runnable row of each (runtime, provider, role, variant): accuracy is scored once per
 * model and provider and recorded there.
 */
export function accuracyRows(rows: readonly PlannedRow[]): PlannedRow[] {
  const seen = new Set<string>();
  const out: PlannedRow[] = [];
  for (const p of rows) {
    if (p.skip !== null) continue;
    const key = `${p.runtime}|${p.provider}|${p.role}|${p.variant}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/**
 * The timed rows that run together, interleaved round by round: every model (FP32, INT8, the
 * baseline model's) of the same (runtime, provider, batch), so that a noisy neighbour slows all of
 * them alike and their speedups pair up round by round. The key names the group in results.json.
 */
export function timingGroups(rows: readonly PlannedRow[], exclude: ReadonlySet<RowId> = new Set()): { group: string; rows: PlannedRow[] }[] {
  const groups = new Map<string, PlannedRow[]>();
  for (const p of rows) {
    if (!p.timed || p.skip !== null || exclude.has(p.id)) continue;
    const key = `${p.runtime}/${p.provider}/${p.batch}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups].map(([group, members]) => ({ group, rows: members }));
}
