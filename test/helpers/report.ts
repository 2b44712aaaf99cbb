// A results file rendered as the recorder renders it: assessed once (comparison and gate
// decisions), then rendered.
import { assess, type AssessOptions } from '../../src/gate/assess.ts';
import { renderReport, type ReportOptions } from '../../src/report/report.ts';
import type { Results } from '../../src/results/schema.ts';

export function report(results: Results, options: AssessOptions & ReportOptions = {}): string {
  const { artifacts, maxChars, ...assessOptions } = options;
  return renderReport(results, assess(results, assessOptions), { ...(artifacts ? { artifacts } : {}), ...(maxChars !== undefined ? { maxChars } : {}) });
}
