/**
 * The comparison with a baseline, in full: every matched row with both numbers, the change and
 * its noise band; what differs between the two environments and setups; the rows without a match.
 * Used folded in the report and as the body of `quantgate compare`.
 */
import type { BaselineComparison, Difference, RunPair } from '../../compare/types.js';
import type { RunResult } from '../../results/schema.js';
import { megabytes, ms, oneLine, pct, signedPct, signedPp } from '../../text/numbers.js';
import { baselineMarkdown } from '../headline.js';
import { runLabel } from '../../text/run-names.js';
import { nowrap } from '../table.js';
import { code, details, table, text } from '../markdown.js';

function verdictOf(pair: RunPair, comparable: boolean): string {
  if (pair.note) return text(oneLine(pair.note, 80));
  if (!pair.p50) return pair.current.provider === 'reference' ? 'accuracy only' : 'not timed';
  if (!comparable) return 'other settings';
  return pair.p50.class === 'regression' ? '🔴 slower' : pair.p50.class === 'improvement' ? '🟢 faster' : 'within noise';
}

function accuracyText(pair: RunPair): string {
  const a = pair.accuracy;
  if (!a) return '';
  const noise = a.noisePp !== null ? `, noise ±${a.noisePp.toFixed(2)}` : '';
  const mark = a.class === 'regression' ? '🔴 ' : a.class === 'improvement' ? '🟢 ' : '';
  return `${mark}${nowrap(signedPp(a.deltaPp))}${noise}`;
}

function memoryText(pair: RunPair): string {
  const m = pair.memory;
  if (!m) return '';
  const value = (mb: number) => nowrap(megabytes(mb).replace(/ MB$/, ''));
  return `${value(m.baselineMB)} → ${value(m.currentMB)} ${m.kind === 'gpu' ? 'GPU' : 'RSS'}`;
}

/** Pairs where neither side ran: nothing to compare, listed in one line instead of rows. */
export function neitherRan(side: BaselineComparison): RunPair[] {
  return side.pairs.filter((p) => p.current.status !== 'ok' && p.baseline.status !== 'ok');
}

/** Every matched row where at least one side ran: p50 both sides, change, noise band, what it amounts to. */
export function pairTable(side: BaselineComparison): string {
  const name = side.source === 'same-job' ? 'base model' : side.label;
  const skip = new Set(neitherRan(side));
  const value = (v: number) => nowrap(ms(v).replace(/ ms$/, ''));
  const rows = side.pairs.filter((pair) => !skip.has(pair)).map((pair) => {
    const p = pair.p50;
    const metric = pair.accuracy?.metric === 'agreement' ? 'agreement' : 'top-1';
    return [
      text(runLabel(pair.current)),
      String(pair.current.batch),
      p ? `${value(p.baseline)} → ${value(p.current)}` : '',
      p ? signedPct(p.changePct) : '',
      p ? `±${pct(p.noisePct)}` : '',
      verdictOf(pair, side.timing.length === 0),
      memoryText(pair),
      pair.accuracy ? `${metric} ${accuracyText(pair)}` : '',
    ];
  });
  // Throughput is left out: it follows the latency of the same iterations.
  return table(
    ['run', 'batch', `p50 (ms), ${text(name)} → this`, 'change', 'noise', 'reads as', 'memory (MB)', 'accuracy (pp)'],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'l', 'r', 'l'],
  );
}

export function differencesTable(differences: Difference[], baselineLabel: string): string {
  return table(
    ['', 'this run', text(baselineLabel)],
    differences.map((d) => [text(d.what), text(d.current), text(d.baseline)]),
    ['l', 'l', 'l'],
  );
}

function runsList(runs: RunResult[], limit: number): string {
  const shown = runs.slice(0, limit).map((r) => `${text(runLabel(r))} at batch ${r.batch}${r.status === 'ok' ? '' : ` (${r.status})`}`);
  const rest = runs.length - shown.length;
  return `${shown.join('; ')}${rest > 0 ? `; and ${rest} more` : ''}`;
}

/** "Only in this run: …", "Only in main: …". */
export function unmatchedText(side: BaselineComparison, limit: number): string | null {
  const lines: string[] = [];
  const name = side.source === 'same-job' ? 'the base model' : baselineMarkdown(side.label);
  if (side.onlyCurrent.length > 0) lines.push(`Only in this run (no match in ${name}): ${runsList(side.onlyCurrent, limit)}.`);
  if (side.onlyBaseline.length > 0) lines.push(`Only in ${name}: ${runsList(side.onlyBaseline, limit)}.`);
  return lines.length > 0 ? lines.join('\n\n') : null;
}

function short(commit: string | null | undefined): string | null {
  return commit ? code(commit.slice(0, 7)) : null;
}

/** The comparison's body: commits, what differs, every pair, what has no match. */
export function comparisonBody(side: BaselineComparison, currentCommit: string | null, unmatchedLimit: number): string {
  const parts: string[] = [];
  const name = baselineMarkdown(side.label);
  const mine = short(currentCommit);
  const theirs = short(side.baselineCommit);
  const how = side.source === 'same-job' ? 'benchmarked in this job, interleaved with this model' : 'from an earlier results.json';
  parts.push(`Compared ${mine ?? 'this run'} with ${theirs ? `${theirs} (${name}, ${how})` : `${name} (${how})`}.`);
  if (side.sameModel) parts.push('The two model files are identical (same sha256): any difference comes from the runner, the runtimes or quantgate.');
  if (side.timing.length > 0) {
    parts.push(
      `The two were timed with different benchmark settings, so their latencies are not comparable and the latency gate does not judge them:\n\n${differencesTable(side.timing, side.label)}`,
    );
  }
  const neither = neitherRan(side);
  if (side.pairs.length > neither.length) parts.push(pairTable(side));
  if (side.pairs.some((p) => p.p50?.paired)) {
    parts.push('<sub>Change: the median of the per-round ratios of the two, timed round by round in this job; the p50s are over all rounds.</sub>');
  }
  if (neither.length > 0) parts.push(`Ran on neither side: ${runsList(neither.map((p) => p.current), unmatchedLimit || 3)}.`);
  if (side.environment.length > 0) {
    parts.push(`The environments differ, so latency changes may be the machine's rather than the model's:\n\n${differencesTable(side.environment, side.label)}`);
  }
  if (side.setup.length > 0) parts.push(`The measurement setups differ:\n\n${differencesTable(side.setup, side.label)}`);
  const unmatched = unmatchedText(side, unmatchedLimit);
  if (unmatched) parts.push(unmatched);
  return parts.join('\n\n');
}

export function comparisonSection(side: BaselineComparison, currentCommit: string | null, unmatchedLimit: number): string {
  const counts: string[] = [];
  if (side.timing.length > 0) counts.push('timed with other benchmark settings');
  if (side.environment.length > 0) counts.push(`${side.environment.length} environment ${side.environment.length === 1 ? 'difference' : 'differences'}`);
  const unmatched = side.onlyCurrent.length + side.onlyBaseline.length;
  if (unmatched > 0) counts.push(`${unmatched} ${unmatched === 1 ? 'row' : 'rows'} without a match`);
  const regressions = side.timing.length > 0 ? 0 : side.pairs.filter((p) => p.p50?.class === 'regression').length;
  if (regressions > 0) counts.push(`${regressions} slower beyond noise`);
  const what = side.source === 'same-job' ? `the base model${side.label !== 'base model' ? ` (${side.label})` : ''}, benchmarked in this job` : side.label;
  return details(`Compared with ${what}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`, comparisonBody(side, currentCommit, unmatchedLimit));
}
