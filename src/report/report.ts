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
 *
 * Writing a section (for whoever adds one, e.g. a "kept in float" list):
 * - A section is a pure function `(entry: ReportEntry, detail…) => string | null` in sections/,
 *   returning markdown, usually `details(summary, body)`; add it to `renderEntry` below, and give
 *   any list it has a length in `DetailLevel` so the size cap can shorten it ("… and N more").
 * - Every string that is not a literal of ours (names, op types, file names, reasons, notes,
 *   anything read from results.json, which may be someone else's file) goes through markdown.ts:
 *   `code(name)` for names, `text(prose)` for messages inside sentences; `details` and `table`
 *   escape summaries and pipes themselves. Never interpolate such a string raw, never wrap it in
 *   backticks by hand, never HTML-escape it (GitHub shows entities in code literally).
 * - A flag that keeps a node in float is `excludeFlag(node)` (text/exclude-flag.ts), built from
 *   the name, never taken from results.json.
 * - test/unit/report-hostile-results.test.ts poisons every free string of the fixtures and parses
 *   the report with a GFM parser: a new section is covered once its fields are in a fixture.
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
import { renderTable, tableRuns } from './table.js';
import { absentParts, loudClause } from './not-run.js';
import { text } from './markdown.js';
import { visibleControls } from '../text/controls.js';

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
  return `<!-- quantgate:${visibleControls(modelPath).replace(/--/g, '-\u200b-')} -->`;
}

function renderEntry(entry: ReportEntry, level: DetailLevel, artifacts: Artifacts | undefined): string[] {
  const blocks: string[] = [];
  const speed = speedSentence(entry);
  if (speed) blocks.push(speed);
  const slower = int8SlowerNote(entry);
  if (slower) blocks.push(slower);
  const { table, notRun, footnotes } = renderTable(entry, { maxReason: level.maxReason, maxRows: level.tableRows });
  blocks.push(table);
  if (notRun) blocks.push(notRun);
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

/** " · ⚠️ did not run: TensorRT (…)": absences the headline must carry (not-run.ts), or nothing. */
function loudAbsences(entries: ReportEntry[], maxReason: number): string {
  const clauses = entries.map((e) => loudClause(absentParts(e.results, tableRuns(e.results)), maxReason)).filter((c): c is string => c !== null);
  return clauses.length > 0 ? ` · ${[...new Set(clauses)].join(' · ')}` : '';
}

/**
 * One comment for a list of entries. Several entries (a matrix of runners of the same model)
 * share the marker and the headline; each gets its own section under a heading naming its runner.
 */
function renderEntries(entries: ReportEntry[], level: DetailLevel, options: ReportOptions, shrunk: boolean, limit: number): string {
  const first = entries[0]!;
  const blocks: string[] = [`${marker(first.results.model.path)}\n${headline(entries)}${loudAbsences(entries, level.maxReason)}`];
  const failures = failureList(entries, level.failures);
  if (failures) blocks.push(failures);
  for (const entry of entries) {
    blocks.push(...warnings(entry.results));
    if (entries.length > 1) blocks.push(`#### ${text(entry.runner)}`);
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
