/**
 * The engine stage: what each backend prepares once per run, in this process, before anything is
 * scored or timed (backend.ts `prepare`; TensorRT builds its engines here). Asked for the
 * runnable rows of both models (the pull request's and the baseline's); answers come back per
 * model file and are keyed here by row: a model that could not be prepared fails its rows with
 * the reason, and they are neither scored nor timed.
 */
import type { Log } from '../log.js';
import type { Backend, InputShapes, Prepared, PrepareModel } from '../runtime/backend.js';
import type { PlannedRow, RowId } from './rows.js';

export interface PrepareStageInput {
  rows: readonly PlannedRow[];
  backends: readonly Backend[];
  inputShapes: InputShapes;
  outDir: string;
  floatNodes: ReadonlyMap<string, string>;
  log: Log;
  signal?: AbortSignal;
}

const modelKey = (row: PlannedRow) => `${row.provider}|${row.model}`;

export async function prepareRows(input: PrepareStageInput): Promise<Map<RowId, Prepared>> {
  const out = new Map<RowId, Prepared>();
  for (const backend of input.backends) {
    if (!backend.prepare) continue;
    const rows = input.rows.filter((r) => r.runtime === backend.name && r.skip === null && r.file !== null);
    if (rows.length === 0) continue;
    const models = new Map<string, PrepareModel>();
    for (const row of rows) {
      models.set(modelKey(row), { key: modelKey(row), provider: row.provider, variant: row.variant, model: row.model, file: row.file! });
    }
    const prepare = backend.prepare.bind(backend);
    const answers = await input.log.group(`prepare ${backend.title}`, () =>
      prepare({
        models: [...models.values()],
        inputShapes: input.inputShapes,
        outDir: input.outDir,
        floatNodes: input.floatNodes,
        log: input.log,
        ...(input.signal ? { signal: input.signal } : {}),
      }),
    );
    for (const row of rows) {
      out.set(row.id, answers.get(modelKey(row)) ?? { status: 'failed', reason: `${backend.title} did not prepare ${row.model} (a bug in its backend)` });
    }
  }
  return out;
}
