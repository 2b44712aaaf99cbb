/**
 * The report of a matrix: several legs (one runner or one model each, each its own results
 * folder) in one comment with ONE verdict: it fails when any leg fails or could not be read, and
 * its headline says which. Each leg follows as its own report (report.ts), under a line naming
 * the leg and its runner, within an equal share of GitHub's comment limit, so every leg is shown
 * and the existing cap shortens each one as it would a single report.
 */
import type { Leg } from '../commands/results-folder.js';
import { legPasses } from '../commands/results-folder.js';
import { modelShortName } from '../text/run-names.js';
import { oneLine } from '../text/numbers.js';
import { code } from './markdown.js';
import { GITHUB_COMMENT_LIMIT, marker, renderReport } from './report.js';

export interface AggregateVerdict {
  pass: boolean;
  /** One line per leg that failed or could not be read, naming the leg. */
  reasons: string[];
  failedLegs: string[];
  badLegs: string[];
}

/** The first failing decision's sentence of a leg, or the failure the run itself recorded. */
function legFailure(leg: Leg): string {
  const failing = leg.assessment?.decisions.find((d) => !d.pass);
  if (failing) return failing.sentence;
  return leg.recordedReasons[0] ?? 'failed';
}

export function aggregateVerdict(legs: readonly Leg[]): AggregateVerdict {
  const reasons: string[] = [];
  const failedLegs: string[] = [];
  const badLegs: string[] = [];
  for (const leg of legs) {
    if (leg.problem) {
      badLegs.push(leg.name);
      reasons.push(`${leg.name}: could not be read: ${oneLine(leg.problem.message, 300)}`);
    } else if (!legPasses(leg)) {
      failedLegs.push(leg.name);
      reasons.push(`${leg.name}: ${oneLine(legFailure(leg), 300)}`);
    }
  }
  return { pass: reasons.length === 0 && legs.length > 0, reasons, failedLegs, badLegs };
}

function runnerOf(leg: Leg): string {
  const env = leg.results?.environment;
  return env ? (env.gpu ? env.gpu.name : env.cpu.model) : '';
}

/** The key of the aggregate's comment: the models' paths when they share one, else "matrix". */
export function aggregateKey(legs: readonly Leg[]): string {
  const models = [...new Set(legs.flatMap((l) => (l.results ? [l.results.model.path] : [])))];
  return models.length === 1 ? `aggregate:${models[0]}` : 'aggregate:matrix';
}

export interface AggregateOptions {
  /** The hidden marker's key (default `aggregateKey`). */
  key?: string;
  maxChars?: number;
}

function headline(legs: readonly Leg[], verdict: AggregateVerdict): string {
  const models = [...new Set(legs.flatMap((l) => (l.results ? [modelShortName(l.results.model.path)] : [])))];
  const what = `${models.length === 1 ? `${models[0]} · ` : ''}${legs.length} ${legs.length === 1 ? 'leg' : 'legs'}`;
  if (verdict.pass) return `### ✅ quantgate · ${what} · every leg passes the gate`;
  const bad = verdict.failedLegs.length + verdict.badLegs.length;
  const first = verdict.failedLegs[0] ?? verdict.badLegs[0]!;
  return `### ❌ quantgate · ${what} · ${bad} of ${legs.length} failed, first ${code(first)}`;
}

/** Untrusted text from a results file, as one line that cannot open markup, links or mentions. */
const quoted = (text: string, max: number) => code(oneLine(text, max));

export function renderAggregate(legs: readonly Leg[], options: AggregateOptions = {}): string {
  const verdict = aggregateVerdict(legs);
  const maxChars = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const top: string[] = [`${marker(options.key ?? aggregateKey(legs))}\n${headline(legs, verdict)}`];
  const lines = legs.map((leg) => {
    if (leg.problem) return `- ⚠️ ${code(leg.name)} could not be read: ${quoted(leg.problem.message, 240)}`;
    const mark = legPasses(leg) ? '✅' : '❌';
    const why = legPasses(leg) ? '' : `: ${leg.assessment!.decisions.some((d) => !d.pass) ? oneLine(legFailure(leg), 240) : `the run recorded ${quoted(legFailure(leg), 240)} (against its baseline file, which the folder does not hold)`}`;
    return `- ${mark} ${code(leg.name)} (${quoted(runnerOf(leg), 80)})${why}`;
  });
  top.push(lines.join('\n'));
  const head = `${top.join('\n\n')}\n`;
  const readable = legs.filter((l) => l.results && l.assessment);
  // Each leg gets an equal share of what is left; the report's own cap fits it into its share.
  const share = readable.length > 0 ? Math.floor((maxChars - head.length - 200 * readable.length) / readable.length) : 0;
  const sections = readable.map((leg) => {
    const body = renderReport(leg.results!, leg.assessment!, { maxChars: Math.max(share, 1000) });
    // The leg's own marker would make GitHub's search find a second comment for its model.
    const withoutMarker = body.slice(body.indexOf('\n') + 1);
    return `---\n\n**Leg ${code(leg.name)}** · ${quoted(runnerOf(leg), 80)}\n\n${withoutMarker}`;
  });
  return [head, ...sections].join('\n');
}

/**
 * One leg's report as `quantgate comment` posts it: the report of its results (report.ts) under
 * the marker of `key`, with a line for a failure the run recorded that its runs alone do not show.
 */
export function legReport(leg: Leg, key: string, maxChars = GITHUB_COMMENT_LIMIT): string {
  const note = leg.recordedReasons.length > 0 ? `❌ The run that wrote these results recorded a failed gate: ${quoted(leg.recordedReasons[0]!, 240)} (against its baseline file, which the results folder does not hold).` : null;
  const body = renderReport(leg.results!, leg.assessment!, { maxChars: maxChars - (note ? note.length + 2 : 0) - 200 });
  const [, ...rest] = body.split('\n');
  const [head, ...after] = rest;
  return [marker(key), head, ...(note ? ['', note] : []), ...after].join('\n');
}
