/**
 * What a run has measured so far, and writing it: results.json and report.md are written at the
 * end, and also when the run stops early (bad input found late, a crash, Ctrl-C or a cancelled
 * job), marked incomplete, so nothing already measured is lost.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareResults } from '../compare/compare.js';
import { decideVerdict } from '../gate/verdict.js';
import { renderReport } from '../report/report.js';
import { SCHEMA_VERSION, type Environment, type Evaluation, type Quantization, type Results, type Thresholds } from '../results/schema.js';
import type { PlannedRow } from './runs.js';

export interface RecorderInit {
  outDir: string;
  /** The output folder as the report names it (relative to the working directory where inside). */
  shownOutDir: string;
  model: Results['model'];
  baselineModel: Results['baselineModel'];
  environment: Environment;
  thresholds: Thresholds;
  command: string;
  baselineLabel?: string;
}

export class RunRecorder {
  rows: PlannedRow[] = [];
  quantization: Quantization | null = null;
  evaluation: Evaluation | null = null;
  /** A results.json to compare with (--baseline), once it has been read and validated. */
  baseline: Results | null = null;
  private readonly createdAt = new Date().toISOString();

  constructor(private readonly init: RecorderInit) {}

  get resultsPath(): string {
    return join(this.init.outDir, 'results.json');
  }

  get reportPath(): string {
    return join(this.init.outDir, 'report.md');
  }

  /** The results as they stand; `incomplete` says why the run stopped early, if it did. */
  results(incomplete: string | null = null): Results {
    const partial: Results = {
      schemaVersion: SCHEMA_VERSION,
      createdAt: this.createdAt,
      command: this.init.command,
      model: this.init.model,
      baselineModel: this.init.baselineModel,
      environment: this.init.environment,
      quantization: this.quantization,
      evaluation: this.evaluation,
      runs: this.rows.map((p) => p.row),
      verdict: { pass: false, gated: false, reasons: [] },
      incomplete,
    };
    // The gate fails a run that stopped early (its own decision), whatever it measured.
    partial.verdict = decideVerdict(partial, this.init.thresholds, compareResults(partial, this.baseline));
    return partial;
  }

  report(results: Results): string {
    return renderReport(results, {
      baseline: this.baseline,
      thresholds: this.init.thresholds,
      artifacts: { folder: this.init.shownOutDir },
      ...(this.init.baselineLabel ? { baselineLabel: this.init.baselineLabel } : {}),
    });
  }

  /**
   * Writes results.json and report.md (synchronously, so it also works from a signal handler);
   * each through a temporary file renamed into place, so a reader never sees half a file.
   */
  write(incomplete: string | null = null): Results {
    const results = this.results(incomplete);
    mkdirSync(this.init.outDir, { recursive: true });
    const put = (path: string, text: string) => {
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
    };
    put(this.resultsPath, `${JSON.stringify(results, null, 2)}\n`);
    put(this.reportPath, `${this.report(results)}\n`);
    return results;
  }
}
