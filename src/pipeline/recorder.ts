/**
 * What a run has measured so far, and writing it: the planned rows and what each stage returned
 * for them (keyed by row id), merged into results.json's runs (merge.ts) whenever the results are
 * written. results.json and report.md are written at the end, and also when the run stops early
 * (bad input found late, a crash, Ctrl-C or a cancelled job), marked incomplete, so nothing
 * already measured is lost.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assess, type Assessment } from '../gate/assess.js';
import { renderReport } from '../report/report.js';
import { SCHEMA_VERSION, type BenchmarkSettingsRecord, type Environment, type Evaluation, type Quantization, type Results, type Thresholds } from '../results/schema.js';
import type { EnvironmentFacts, Prepared } from '../runtime/backend.js';
import { mergeRows, type RowAccuracy, type RowTiming } from './merge.js';
import type { PlannedRow, RowId } from './rows.js';

export interface RecorderInit {
  outDir: string;
  /** The output folder as the report names it (relative to the working directory where inside). */
  shownOutDir: string;
  model: Results['model'];
  baselineModel: Results['baselineModel'];
  environment: Environment;
  /** How the benchmark times (benchmarkRecord in measure.ts). */
  benchmark: BenchmarkSettingsRecord;
  thresholds: Thresholds;
  command: string;
  /** The runtimes and providers asked for (results.json `requested`). */
  requested?: Results['requested'];
  baselineLabel?: string;
}

export class RunRecorder {
  rows: PlannedRow[] = [];
  quantization: Quantization | null = null;
  evaluation: Evaluation | null = null;
  /** A results.json to compare with (--baseline), once it has been read and validated. */
  baseline: Results | null = null;
  private readonly prepared = new Map<RowId, Prepared>();
  private readonly accuracy = new Map<RowId, RowAccuracy>();
  private readonly timing = new Map<RowId, RowTiming>();
  private readonly createdAt = new Date().toISOString();

  private environment: Environment;

  constructor(private readonly init: RecorderInit) {
    this.environment = init.environment;
  }

  /**
   * What a backend knows of the machine (backend.ts `environment`): fills what nvidia-smi could
   * not say (the GPU's compute capability and power limit, the CUDA runtime, TensorRT), and the
   * GPU and driver's CUDA where nvidia-smi is missing.
   */
  addEnvironment(facts: EnvironmentFacts): void {
    const env = this.environment;
    let gpu = env.gpu;
    if (facts.gpu) gpu = env.gpu ? { ...env.gpu, computeCapability: facts.gpu.computeCapability ?? null, powerLimitW: facts.gpu.powerLimitW ?? null } : facts.gpu;
    this.environment = {
      ...env,
      gpu,
      cuda: env.cuda ?? facts.cuda ?? null,
      ...(facts.cudaRuntime ? { cudaRuntime: facts.cudaRuntime } : {}),
      tensorrt: facts.tensorrt ?? env.tensorrt,
    };
  }

  /** The engine stage's answers, by row. */
  addPrepared(rows: ReadonlyMap<RowId, Prepared>): void {
    for (const [id, prepared] of rows) this.prepared.set(id, prepared);
  }

  get resultsPath(): string {
    return join(this.init.outDir, 'results.json');
  }

  get reportPath(): string {
    return join(this.init.outDir, 'report.md');
  }

  /** The accuracy stage's results, by row. */
  addAccuracy(rows: ReadonlyMap<RowId, RowAccuracy>): void {
    for (const [id, accuracy] of rows) this.accuracy.set(id, accuracy);
  }

  /** The benchmark stage's results, by row (a group at a time as they finish). */
  addTimings(rows: ReadonlyMap<RowId, RowTiming>): void {
    for (const [id, timing] of rows) this.timing.set(id, timing);
  }

  /** The rows whose engine or accuracy stage failed: the model does not run there, so they are not scored or timed. */
  failedRows(): Set<RowId> {
    return new Set([...this.prepared, ...this.accuracy].filter(([, a]) => a.status === 'failed').map(([id]) => id));
  }

  /** The results as they stand, and the gate's assessment of them; `incomplete` says why the run stopped early, if it did. */
  assessed(incomplete: string | null = null): { results: Results; assessment: Assessment } {
    const results: Results = {
      schemaVersion: SCHEMA_VERSION,
      createdAt: this.createdAt,
      command: this.init.command,
      model: this.init.model,
      baselineModel: this.init.baselineModel,
      environment: this.environment,
      quantization: this.quantization,
      evaluation: this.evaluation,
      benchmark: this.init.benchmark,
      ...(this.init.requested ? { requested: this.init.requested } : {}),
      runs: mergeRows(this.rows, { prepared: this.prepared, accuracy: this.accuracy, timing: this.timing }),
      verdict: { pass: false, gated: false, reasons: [] },
      incomplete,
    };
    // The gate fails a run that stopped early (its own decision), whatever it measured.
    const assessment = assess(results, {
      baseline: this.baseline,
      thresholds: this.init.thresholds,
      ...(this.init.baselineLabel ? { baselineLabel: this.init.baselineLabel } : {}),
    });
    results.verdict = assessment.verdict;
    return { results, assessment };
  }

  /**
   * Writes results.json and report.md (synchronously, so it also works from a signal handler);
   * each through a temporary file renamed into place, so a reader never sees half a file.
   */
  write(incomplete: string | null = null): Results {
    const { results, assessment } = this.assessed(incomplete);
    mkdirSync(this.init.outDir, { recursive: true });
    const put = (path: string, text: string) => {
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
    };
    put(this.resultsPath, `${JSON.stringify(results, null, 2)}\n`);
    put(this.reportPath, `${renderReport(results, assessment, { artifacts: { folder: this.init.shownOutDir } })}\n`);
    return results;
  }
}
