/**
 * The comparison table: one row per run of this change, in the order a reviewer reads them
 * (TensorRT, its CPU simulation, ONNX Runtime on GPU, then CPU; INT8 before float; batch up).
 * The table holds what was measured: a runtime or provider that ran nothing on this runner is one
 * line under it (not-run.ts). A failed run, and a skipped row of a runtime that ran others, stay
 * rows with their reason; runs skipped for the same reason fold into one row when they form a
 * whole grid of models × batches.
 */
import { preferredPair } from '../compare/compare.js';
import { isBaseRun, modelKey } from '../compare/match.js';
import type { RunPair } from '../compare/types.js';
import type { Results, RunResult } from '../results/schema.js';
import type { ReportEntry } from './entry.js';
import { fractionPct, megabytes, ms, oneLine, perSecond, pp, signedPct, signedPp } from '../text/numbers.js';
import { baselineMarkdown } from './headline.js';
import { isSimulation, modelName, runtimeName } from '../text/run-names.js';
import { table, text, type Align } from './markdown.js';
import { absentParts, collapsedRuns, notRunLine } from './not-run.js';

export const SIMULATION_MARK = '†';

/**
 * Keeps a value and its unit on one line: GitHub fits a wide table to the comment's width by
 * wrapping cells, and "0.48" above "ms" reads badly. No-break spaces (and hyphens: "top-1"), not
 * `&nbsp;`, so that report.md stays readable as plain text.
 */
export function nowrap(text: string): string {
  return text.replace(/ /g, '\u00a0').replace(/-/g, '\u2011');
}

const PROVIDER_ORDER: Record<string, number> = { tensorrt: 2, cuda: 3, cpu: 4, reference: 1 };
const MODEL_ORDER: Record<string, number> = { 'int8.trt': 0, 'int8.trt.fp16': 1, 'int8.ort': 2, fp16: 3, fp32: 4 };

function groupOrder(run: RunResult): number {
  return run.runtime === 'tensorrt' ? (isSimulation(run) ? 1 : 0) : (PROVIDER_ORDER[run.provider] ?? 5);
}

export function compareRows(a: RunResult, b: RunResult): number {
  return groupOrder(a) - groupOrder(b) || (MODEL_ORDER[modelKey(a)] ?? 9) - (MODEL_ORDER[modelKey(b)] ?? 9) || a.batch - b.batch;
}

/** The runs of this change (not the base model's), in table order. */
export function tableRuns(results: Results): RunResult[] {
  return results.runs.filter((run) => !isBaseRun(run)).sort(compareRows);
}

/** A table row: a run, or runs that did not run for one reason, folded. */
export type Row = { kind: 'run'; run: RunResult } | { kind: 'folded'; runs: RunResult[]; models: string[]; batches: number[] };

/**
 * Folds skipped and failed runs that share runtime, provider, status and reason. Folding is exact:
 * a folded row claims every model at every batch it lists, so a group that is not a whole grid is
 * folded per model instead.
 */
export function foldRows(runs: RunResult[]): Row[] {
  const rows: Row[] = [];
  const groups = new Map<string, RunResult[]>();
  for (const run of runs) {
    if (run.status === 'ok') {
      rows.push({ kind: 'run', run });
      continue;
    }
    const key = `${run.runtime}/${run.provider}/${run.status}/${run.reason ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
      rows.push({ kind: 'folded', runs: group, models: [], batches: [] });
    }
    group.push(run);
  }
  return rows.flatMap((row): Row[] => {
    if (row.kind === 'run') return [row];
    const models = [...new Set(row.runs.map((r) => r.model))];
    const batches = [...new Set(row.runs.map((r) => r.batch))].sort((a, b) => a - b);
    const whole = row.runs.length === models.length * batches.length;
    if (row.runs.length === 1) return [{ kind: 'run', run: row.runs[0]! }];
    if (whole) return [{ kind: 'folded', runs: row.runs, models, batches }];
    return models.map((model) => {
      const runsOf = row.runs.filter((r) => r.model === model);
      return runsOf.length === 1
        ? { kind: 'run', run: runsOf[0]! }
        : { kind: 'folded', runs: runsOf, models: [model], batches: runsOf.map((r) => r.batch).sort((a, b) => a - b) };
    });
  });
}

function memoryCell(run: RunResult): string {
  const m = run.memory;
  if (!m) return '';
  if (m.deviceMB !== null) return `${nowrap(megabytes(m.deviceMB))} GPU`;
  if (m.processDeviceMB !== null) return `${nowrap(megabytes(m.processDeviceMB))} GPU (process)`;
  if (m.rssMB !== null) return `${nowrap(megabytes(m.rssMB))} RSS`;
  return '';
}

/**
 * "0.42 ± 0.28 pp": the point value and the half-width of its 95% interval. A bootstrap interval
 * can be lopsided; the accuracy details give its ends.
 */
export function lossCell(run: RunResult): string {
  if (run.accuracyLossPp === null) return run.precision === 'fp32' && run.accuracy ? '—' : '';
  const loss = run.accuracyLossPp;
  const ci = run.accuracyLossCi;
  if (!ci) return nowrap(pp(loss));
  return `${pp(loss).replace(/ pp$/, '')} ${nowrap(`± ${pp((ci[1] - ci[0]) / 2)}`)}`;
}

function accuracyCell(run: RunResult): string {
  const a = run.accuracy;
  if (!a) return '';
  return 'top1' in a ? fractionPct(a.top1) : fractionPct(a.agreement, 1);
}

function fidelityCell(run: RunResult): string {
  const a = run.accuracy;
  if (!a || !('cosine' in a)) return '';
  return run.precision === 'fp32' ? '—' : `${a.cosine.toFixed(4)} · ${nowrap(`${a.snrDb.toFixed(1)} dB`)}`;
}

/** A latency in the table, its unit in the header: "0.48", "2,590". */
function msValue(value: number): string {
  return ms(value).replace(/ ms$/, '');
}

function changeMark(cls: string, text: string): string {
  if (cls === 'regression') return `🔴 ${nowrap(text)}`;
  if (cls === 'improvement') return `🟢 ${nowrap(text)}`;
  return `${nowrap(text)}, within noise`;
}

/** "🔴 p50 +14.1%", "p50 +0.3%, within noise", plus an accuracy change where it is real. */
export function changeCell(pair: RunPair, comparable = true): string {
  if (pair.note) return text(oneLine(pair.note, 60));
  const parts: string[] = [];
  if (pair.p50) {
    const text = `p50 ${signedPct(pair.p50.changePct)}`;
    parts.push(comparable ? changeMark(pair.p50.class, text) : `${nowrap(text)}, other settings`);
  }
  // Accuracy shows where it moved for real, or where it is all the row has (the simulation).
  if (pair.accuracy && (pair.accuracy.class !== 'within-noise' || !pair.p50)) {
    const metric = pair.accuracy.metric === 'top1' ? 'top-1' : 'agreement';
    parts.push(changeMark(pair.accuracy.class, `${metric} ${signedPp(pair.accuracy.deltaPp)}`));
  }
  return parts.join('; ') || 'within noise';
}

function statusCell(runs: RunResult[], maxReason: number): string {
  const run = runs[0]!;
  const reason = run.reason ? `: ${text(oneLine(run.reason, maxReason))}` : '';
  return run.status === 'failed' ? `❌ failed${reason}` : `skipped${reason}`;
}

export interface TableOptions {
  /** Longest reason shown in a cell; the full text is in results.json. */
  maxReason: number;
  /** Rows to show at most (the rest are counted in a last row); null for all. */
  maxRows: number | null;
}

/** The table, the line of what did not run, and the footnotes it needs. */
export function renderTable(entry: ReportEntry, options: TableOptions): { table: string; notRun: string | null; footnotes: string[] } {
  const { results, comparison } = entry;
  const env = results.environment;
  const labelled = results.evaluation?.labelled !== false;
  const side = comparison.sameJob ?? comparison.file;
  // Units of the latency columns in the header: ten columns must fit a comment's width.
  const header = ['runtime', 'model', 'batch', 'p50 (ms)', 'p99 (ms)', 'throughput', 'memory', labelled ? 'top-1' : 'agreement with FP32', labelled ? 'loss vs FP32' : 'cosine · SNR'];
  const align: Align[] = ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'];
  if (side) {
    header.push(`vs ${baselineMarkdown(side.label)}`);
    align.push('r');
  }
  const onlyCurrent = new Set([...(comparison.sameJob?.onlyCurrent ?? []), ...(comparison.file?.onlyCurrent ?? [])]);
  const runs = tableRuns(results);
  const absent = absentParts(results, runs);
  const collapsed = collapsedRuns(runs, absent);
  let rows = foldRows(runs.filter((r) => !collapsed.has(r)));
  const footnotes: string[] = [];
  let hidden = 0;
  if (options.maxRows !== null && rows.length > options.maxRows) {
    hidden = rows.length - options.maxRows;
    rows = rows.slice(0, options.maxRows);
  }
  // Accuracy is scored once per model and provider; repeating it on every batch's row is noise.
  const shownAccuracy = new Set<string>();
  const body = rows.map((row): string[] => {
    if (row.kind === 'folded') {
      const first = row.runs[0]!;
      const models = [...new Set(row.runs.map(modelName))].join(', ');
      const cells = [text(runtimeName(first, env)), text(models), row.batches.join(', '), statusCell(row.runs, options.maxReason), '', '', '', '', ''];
      if (side) cells.push('');
      return cells;
    }
    const run = row.run;
    const simulated = isSimulation(run);
    const runtime = simulated ? `${text(runtimeName(run, env))} ${SIMULATION_MARK}` : text(runtimeName(run, env));
    const accuracyKey = `${run.runtime}/${run.provider}/${run.model}`;
    const showAccuracy = run.accuracy !== null && !shownAccuracy.has(accuracyKey);
    if (showAccuracy) shownAccuracy.add(accuracyKey);
    const latency = run.status === 'ok' ? run.latencyMs : null;
    const first = run.status !== 'ok' ? statusCell([run], options.maxReason) : simulated ? 'accuracy only' : '';
    const cells = [
      runtime,
      nowrap(text(modelName(run))),
      String(run.batch),
      latency ? msValue(latency.p50) : first,
      latency ? msValue(latency.p99) : '',
      latency && run.throughput !== null ? perSecond(run.throughput) : '',
      run.status === 'ok' ? memoryCell(run) : '',
      showAccuracy ? accuracyCell(run) : '',
      showAccuracy ? (labelled ? lossCell(run) : fidelityCell(run)) : '',
    ];
    if (side) {
      const found = preferredPair(comparison, run);
      cells.push(found ? changeCell(found.pair, found.comparison.timing.length === 0) : onlyCurrent.has(run) && run.status === 'ok' && !simulated ? 'no match' : run.status === 'ok' ? '—' : '');
    }
    return cells;
  });
  if (hidden > 0) {
    const cells = [`… ${hidden} more ${hidden === 1 ? 'row' : 'rows'} in results.json`, '', '', '', '', '', '', '', ''];
    if (side) cells.push('');
    body.push(cells);
  }
  if (rows.some((r) => r.kind === 'run' && isSimulation(r.run))) {
    footnotes.push(
      `${SIMULATION_MARK} A simulation of TensorRT's INT8 arithmetic: the TensorRT model run by ONNX Runtime on the CPU with graph optimisations off, which computes its Q/DQ pairs in float as TensorRT's int32 accumulation does. Accuracy only, no speed; it lets the accuracy gate work without a GPU.`,
    );
  }
  if (side) {
    footnotes.push(
      `🔴 worse, 🟢 better: a change counts only beyond the noise, twice the two runs' combined spread (2·√(CV² + CV²) of their timed iterations); smaller ones read as within noise.`,
    );
    if (side.timing.length > 0) {
      footnotes.push(`Other settings: ${baselineMarkdown(side.label)} was timed with different benchmark settings, so its latencies are not comparable (the comparison below lists what differs).`);
    }
  }
  return { table: table(header, body, align), notRun: notRunLine(absent, options.maxReason), footnotes };
}
