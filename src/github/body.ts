/**
 * The markdown the GitHub edge publishes: the report rendered again from results.json at the size
 * each place allows (the comment under GitHub's 65,536 characters, the job summary under its
 * 1 MiB), with the artifact's link and the stored baseline's note when there is one. The report
 * itself (src/report) decides what to fold to fit; this only sets the budget.
 */
import { assess } from '../gate/assess.js';
import { GITHUB_COMMENT_LIMIT, renderReport, type Artifacts } from '../report/report.js';
import type { Results } from '../results/schema.js';
import { oneLine } from '../text/numbers.js';

/** The job summary's limit is 1 MiB; leave room for the doctor section added after the report. */
export const SUMMARY_LIMIT = 900_000;
/** Room kept in the comment for the marker, the on-change state line and the baseline note. */
const COMMENT_RESERVE = 4_000;

export interface BodyParts {
  results: Results;
  baseline: { results: Results; label: string } | null;
  artifacts?: Artifacts;
  /** One line about the baseline (none yet, expired, corrupt), shown under the headline. */
  note?: string;
}

/**
 * Text that came from outside (an error message about a downloaded file) as one inert line: no
 * tag, link, image, emphasis or mention can start inside it.
 */
export function inertLine(text: string, max = 300): string {
  return oneLine(text, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1')
    .replace(/@/g, '@\u200b');
}

function withNote(report: string, note: string | undefined): string {
  if (!note) return report;
  const lines = report.split('\n');
  // After the marker and the headline: the reader sees the verdict first, then what it was compared with.
  const at = lines[0]?.startsWith('<!--') ? 2 : 1;
  lines.splice(at, 0, '', `> **Baseline:** ${inertLine(note)}`);
  return lines.join('\n');
}

export function renderBody(parts: BodyParts, maxChars: number): string {
  const assessment = assess(parts.results, parts.baseline ? { baseline: parts.baseline.results, baselineLabel: parts.baseline.label } : {});
  const report = renderReport(parts.results, assessment, { maxChars, ...(parts.artifacts ? { artifacts: parts.artifacts } : {}) });
  return withNote(report, parts.note);
}

export function commentBody(parts: BodyParts): string {
  return renderBody(parts, GITHUB_COMMENT_LIMIT - COMMENT_RESERVE);
}

export function summaryBody(parts: BodyParts): string {
  return renderBody(parts, SUMMARY_LIMIT);
}
