/**
 * renderReport: the markdown a person reads, a pure function of a results file and its assessment
 * (the comparison with its baselines and the gate's decisions, made once by gate/assess.ts: the
 * report renders them and never decides again). The same string is the pull-request comment, the
 * job summary and report.md. The first line is a hidden marker naming the model, by which the next
 * run finds the comment and edits it in place.
 *
 * GitHub refuses comment bodies over 65,536 characters. The report is rendered at the most detailed
 * level that fits: lists shorten first, then the chart and the comparison details go, then every
 * folded section, then table rows; the report says when it left something out. The headline and
 * the table of what ran are the last to go.
 */
import type { Assessment } from '../gate/assess.js';
import type { Results } from '../results/schema.js';
import { reportEntry, type ReportEntry } from './entry.js';
import { count } from '../text/numbers.js';
import { failureList, headline, speedSentence } from './headline.js';
import { accuracySection } from './sections/accuracy.js';
import { budgetSection } from './sections/budget.js';
import { chartSection } from './sections/chart.js';
import { comparisonSection } from './sections/comparison.js';
import { environmentSection, type Artifacts } from './sections/environment.js';
import { gateSection } from './sections/gate.js';
import { int8SlowerNote } from './sections/int8-slower.js';
import { powerSection } from './sections/power.js';
import { quantizationSection } from './sections/quantization.js';
import { warnings } from './sections/warnings.js';
import { renderTable } from './table.js';

export type { Artifacts };

/** GitHub's limit on a comment body, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface ReportOptions {
  artifacts?: Artifacts;
  /** The most characters the report may have; default GitHub's comment limit. */
  maxChars?: number;
}

/** How much a rendering includes; the cap walks down this list until the report fits. */
interface DetailLevel {
  sensitiveRows: number;
  keptFloatRows: number;
  charts: number;
  comparison: boolean;
  gate: boolean;
  details: boolean;
  tableRows: number | null;
  maxReason: number;
  unmatched: number;
  /** Failing checks listed under the headline. */
  failures: number;
}

const LEVELS: DetailLevel[] = [
  { sensitiveRows: 10, keptFloatRows: 20, charts: 2, comparison: true, gate: true, details: true, tableRows: null, maxReason: 90, unmatched: 20, failures: 10 },
  { sensitiveRows: 5, keptFloatRows: 5, charts: 1, comparison: true, gate: true, details: true, tableRows: null, maxReason: 90, unmatched: 5, failures: 5 },
  { sensitiveRows: 3, keptFloatRows: 0, charts: 0, comparison: false, gate: false, details: true, tableRows: null, maxReason: 90, unmatched: 0, failures: 5 },
  { sensitiveRows: 0, keptFloatRows: 0, charts: 0, comparison: false, gate: false, details: false, tableRows: null, maxReason: 90, unmatched: 0, failures: 3 },
  { sensitiveRows: 0, keptFloatRows: 0, charts: 0, comparison: false, gate: false, details: false, tableRows: 40, maxReason: 80, unmatched: 0, failures: 3 },
];

const SHRUNK_NOTE = (limit: number) =>
  `<sub>Some details were left out to keep this comment under GitHub's ${count(limit)}-character limit; results.json in the artifacts has everything.</sub>`;

/** The hidden first line: how the next run finds this comment. `--` cannot end the comment early. */
export function marker(modelPath: string): string {
  return `<!-- quantgate:${modelPath.replace(/--/g, '-\u200b-')} -->`;
}

function renderEntry(entry: ReportEntry, level: DetailLevel, artifacts: Artifacts | undefined): string[] {
  const blocks: string[] = [];
  const speed = speedSentence(entry);
  if (speed) blocks.push(speed);
  const slower = int8SlowerNote(entry);
  if (slower) blocks.push(slower);
  const { table, footnotes } = renderTable(entry, { maxReason: level.maxReason, maxRows: level.tableRows });
  blocks.push(table);
  if (footnotes.length > 0) blocks.push(footnotes.map((f) => `<sub>${f}</sub>`).join('<br>\n'));
  if (!level.details) return blocks;
  const sections = [
    accuracySection(entry),
    quantizationSection(entry, { sensitiveRows: level.sensitiveRows, keptFloatRows: level.keptFloatRows }),
    budgetSection(entry),
    level.charts > 0 ? chartSection(entry, level.charts) : null,
    powerSection(entry),
    ...(level.comparison
      ? [entry.comparison.sameJob, entry.comparison.file].map((side) => (side ? comparisonSection(side, entry.results.environment.commit, level.unmatched) : null))
      : []),
    level.gate ? gateSection(entry) : null,
    environmentSection(entry, artifacts, level.comparison),
  ];
  blocks.push(...sections.filter((s): s is string => s !== null));
  return blocks;
}

/**
 * One comment for a list of entries. Several entries (a matrix of runners of the same model)
 * share the marker and the headline; each gets its own section under a heading naming its runner.
 */
function renderEntries(entries: ReportEntry[], level: DetailLevel, options: ReportOptions, shrunk: boolean, limit: number): string {
  const first = entries[0]!;
  const blocks: string[] = [`${marker(first.results.model.path)}\n${headline(entries)}`];
  const failures = failureList(entries, level.failures);
  if (failures) blocks.push(failures);
  for (const entry of entries) {
    blocks.push(...warnings(entry.results));
    if (entries.length > 1) blocks.push(`#### ${entry.runner}`);
    blocks.push(...renderEntry(entry, level, options.artifacts));
  }
  if (shrunk) blocks.push(SHRUNK_NOTE(limit));
  return `${blocks.join('\n\n')}\n`;
}

/** Cuts a body that no level could fit, at a line boundary, and says so. */
function hardCut(body: string, maxChars: number, limit: number): string {
  const note = `\n\n${SHRUNK_NOTE(limit)}\n`;
  const room = Math.max(0, maxChars - note.length);
  const cut = body.slice(0, room);
  const atLine = cut.lastIndexOf('\n');
  return `${atLine > 0 ? cut.slice(0, atLine) : cut}${note}`;
}

/** The report of `results` as the gate assessed them (gate/assess.ts). */
export function renderReport(results: Results, assessment: Assessment, options: ReportOptions = {}): string {
  const entry = reportEntry(results, assessment);
  const maxChars = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  let body = '';
  for (const [i, level] of LEVELS.entries()) {
    body = renderEntries([entry], level, options, i > 0, GITHUB_COMMENT_LIMIT);
    if (body.length <= maxChars) return body;
  }
  return hardCut(body, maxChars, GITHUB_COMMENT_LIMIT);
}
