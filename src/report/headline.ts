/**
 * The first lines of the report: the verdict with the number that decided it and its limit, and
 * one sentence with the speed comparison a reviewer wants (INT8 against the fastest float model
 * on the same runtime, and against the baseline).
 */
import { preferredPair } from '../compare/compare.js';
import { isBaseRun } from '../compare/match.js';
import { isTimedRun } from '../compare/speedup.js';
import type { Speedup } from '../compare/types.js';
import type { PairedRatio } from '../compare/paired.js';
import type { GateDecision } from '../gate/decisions.js';
import type { RunResult } from '../results/schema.js';
import type { ReportEntry } from './entry.js';
import { ms, oneLine, pct, pp, ratio } from '../text/numbers.js';
import { baselineName, modelName, modelShortName, onRuntime, runLabel } from '../text/run-names.js';
import { code, text as prose } from './markdown.js';

/** Names the baseline in markdown: `main` in code, "the baseline" as words. */
export function baselineMarkdown(label: string): string {
  const name = baselineName(label);
  return name === label ? code(label) : name;
}

function failureText(d: GateDecision): string {
  switch (d.gate) {
    case 'accuracy':
      return `${prose(modelName(d.run))} loses ${pp(d.lossPp)} ${prose(onRuntime(d.run))} (limit ${pp(d.limitPp)})`;
    case 'disagreement':
      return `${prose(modelName(d.run))} disagrees with FP32 on ${pct(d.disagreementPct)} of samples ${prose(onRuntime(d.run))} (limit ${pct(d.limitPct)})`;
    case 'latency':
      return `${prose(modelName(d.run))} is ${pct(d.pair.p50!.changePct)} slower ${prose(onRuntime(d.run))} at batch ${d.run.batch} than ${baselineMarkdown(d.baselineLabel)} (limit ${pct(d.limitPct)}, noise ±${pct(d.pair.p50!.noisePct)})`;
    case 'failed-run':
      return `${prose(modelName(d.run))} failed ${prose(onRuntime(d.run))} at batch ${d.run.batch}: ${prose(oneLine(d.run.reason ?? 'no reason recorded', 90))}`;
    case 'not-gated':
      return prose(d.sentence.replace(/\.$/, ''));
    case 'incomplete':
      return `the run stopped before it finished: ${prose(oneLine(d.reason, 140))}`;
  }
}

function passText(decisions: GateDecision[]): string {
  const clauses: string[] = [];
  const accuracy = decisions.filter((d) => d.gate === 'accuracy');
  if (accuracy.length > 0) {
    const worst = accuracy.reduce((a, b) => (b.lossPp > a.lossPp ? b : a));
    clauses.push(`worst accuracy loss ${pp(worst.lossPp)} (limit ${pp(worst.limitPp)})`);
  }
  const disagreement = decisions.filter((d) => d.gate === 'disagreement');
  if (disagreement.length > 0) {
    const worst = disagreement.reduce((a, b) => (b.disagreementPct > a.disagreementPct ? b : a));
    clauses.push(`worst top-1 disagreement with FP32 ${pct(worst.disagreementPct)} (limit ${pct(worst.limitPct)})`);
  }
  const latency = decisions.filter((d) => d.gate === 'latency');
  if (latency.length > 0) {
    clauses.push(`no p50 regression beyond ${pct(latency[0]!.limitPct)} against ${baselineMarkdown(latency[0]!.baselineLabel)}`);
  }
  const notGated = decisions.find((d) => d.gate === 'not-gated' && d.what === 'accuracy');
  if (notGated) clauses.push(prose(notGated.sentence.replace(/ \(.*\)\.$|\.$/, '')));
  // Asked for, yet not judged: the headline says so rather than passing it over.
  if (decisions.some((d) => d.gate === 'not-gated' && d.what === 'latency' && d.settingsDiffer)) clauses.push('latency not gated: the baseline was timed with other benchmark settings');
  return `INT8 passes the gate: ${clauses.join('; ')}`;
}

/** The worst top-1 agreement among INT8 rows, for a headline that gated nothing. */
function worstAgreement(entries: ReportEntry[]): { run: RunResult; agreement: number } | null {
  let worst: { run: RunResult; agreement: number } | null = null;
  for (const entry of entries) {
    for (const run of entry.results.runs) {
      if (isBaseRun(run) || run.precision !== 'int8' || !run.accuracy || !('agreement' in run.accuracy)) continue;
      if (!worst || run.accuracy.agreement < worst.agreement) worst = { run, agreement: run.accuracy.agreement };
    }
  }
  return worst;
}

/** "### ✅ quantgate · resnet50 · INT8 passes the gate: worst accuracy loss 0.42 pp (limit 1.00 pp)". */
export function headline(entries: ReportEntry[]): string {
  const name = modelShortName(entries[0]!.results.model.path);
  const decisions = entries.flatMap((e) => e.decisions);
  const failing = decisions.filter((d) => !d.pass);
  let icon: string;
  let text: string;
  if (failing.length > 0) {
    icon = '❌';
    text = failureText(failing[0]!);
    if (failing.length > 1) text += `, and ${failing.length - 1} more gate ${failing.length === 2 ? 'failure' : 'failures'} below`;
  } else if (decisions.some((d) => d.gate !== 'not-gated')) {
    icon = '✅';
    text = passText(decisions);
  } else {
    icon = '⚪';
    const notGated = decisions.find((d) => d.gate === 'not-gated');
    text = notGated ? prose(notGated.sentence.replace(/ \(.*\)\.$|\.$/, '')) : 'nothing gated';
    const worst = worstAgreement(entries);
    if (worst) text += ` (INT8 agrees with FP32's top-1 on ${pct(worst.agreement * 100)} of samples at worst, ${prose(onRuntime(worst.run))})`;
  }
  return `### ${icon} quantgate · ${prose(name)} · ${text}`;
}

/** The failing decisions as bullets (the first `limit`), when there is more than the one the headline names. */
export function failureList(entries: ReportEntry[], limit: number): string | null {
  const failing = entries.flatMap((e) => e.decisions).filter((d) => !d.pass);
  if (failing.length < 2) return null;
  const shown = failing.slice(0, limit).map((d) => `- ❌ ${prose(d.sentence)}`);
  const rest = failing.length - Math.min(limit, failing.length);
  if (rest > 0) shown.push(`- … and ${rest} more failing ${rest === 1 ? 'check' : 'checks'} (results.json lists them all)`);
  return shown.join('\n');
}

const RUNTIME_PREFERENCE = (run: RunResult): number => (run.runtime === 'tensorrt' ? 0 : run.provider === 'tensorrt' ? 1 : run.provider === 'cuda' ? 2 : 3);

/**
 * The INT8 run the speed sentence is about (TensorRT first, then ONNX Runtime's GPU providers,
 * then the CPU; the largest batch, where throughput matters) with its speedup over the float run
 * of the same runtime and batch where the comparison has one, else the preferred INT8 run alone.
 */
export function headlineSpeed(entry: ReportEntry): { int8: RunResult; speedup: Speedup | null } | null {
  const candidates = entry.results.runs.filter((r) => isTimedRun(r) && r.precision === 'int8').sort((a, b) => RUNTIME_PREFERENCE(a) - RUNTIME_PREFERENCE(b) || b.batch - a.batch);
  const first = candidates[0];
  if (!first) return null;
  // The preferred runtime at the largest batch that has a float run to compare with (one may have failed).
  for (const int8 of candidates.filter((r) => RUNTIME_PREFERENCE(r) === RUNTIME_PREFERENCE(first) && r.runtime === first.runtime)) {
    const speedup = entry.comparison.speedups.find((s) => s.int8 === int8);
    if (speedup) return { int8, speedup };
  }
  return { int8: first, speedup: null };
}

/** "(3.9 vs 7.1 ms)", or with paired rounds "(3.9 vs 7.1 ms; median of 10 interleaved rounds, 98% interval 1.79–1.85x)". */
function speedNumbers(speedup: Speedup, faster: boolean, lead = ''): string {
  const a = speedup.int8.latencyMs!.p50;
  const b = speedup.float.latencyMs!.p50;
  const p50s = `${lead}${ms(a).replace(/ ms$/, '')} vs ${ms(b)}`;
  const paired = speedup.paired;
  if (!paired) return `(${p50s})`;
  const [lo, hi] = faster ? paired.interval : [1 / paired.interval[1], 1 / paired.interval[0]];
  return `(${p50s}; median of ${roundsText(paired, 'interleaved')}, ${Math.floor(paired.level * 100)}% interval ${ratio(lo).replace(/x$/, '')}–${ratio(hi)})`;
}

/** "10 interleaved rounds", or where loaded rounds were left out "the 6 quietest of 10 interleaved rounds". */
function roundsText(paired: PairedRatio, kind: string): string {
  return paired.rounds < paired.of ? `the ${paired.rounds} quietest of ${paired.of} ${kind} rounds` : `${paired.rounds} ${kind} rounds`;
}

/** "TensorRT INT8 runs **1.82x** faster than TensorRT FP16 at batch 32 (3.9 vs 7.1 ms), and …". */
export function speedSentence(entry: ReportEntry): string | null {
  const found = headlineSpeed(entry);
  if (!found) {
    const anyInt8 = entry.results.runs.some((r) => !isBaseRun(r) && r.precision === 'int8' && r.status === 'ok');
    return anyInt8 ? 'No INT8 run was timed: the rows below carry accuracy only.' : null;
  }
  const { int8, speedup } = found;
  const parts: string[] = [];
  if (speedup) {
    const faster = speedup.ratio >= 1;
    // "1.00x slower" says nothing, and a ratio whose interval holds 1 is no measured difference.
    const interval = speedup.paired?.interval;
    const tie = ratio(speedup.ratio) === ratio(1) || (interval !== undefined && interval[0] <= 1 && interval[1] >= 1);
    const floatAt = `${prose(runLabel(speedup.float))} at batch ${int8.batch}`;
    parts.push(
      tie
        ? `${prose(runLabel(int8))} runs **about as fast as** ${floatAt} ${speedNumbers(speedup, true, `${ratio(speedup.ratio)} its speed: `)}`
        : faster
          ? `${prose(runLabel(int8))} runs **${ratio(speedup.ratio)}** faster than ${floatAt} ${speedNumbers(speedup, true)}`
          : `${prose(runLabel(int8))} runs **${ratio(1 / speedup.ratio)} slower** than ${floatAt} ${speedNumbers(speedup, false)}`,
    );
  } else {
    parts.push(`${prose(runLabel(int8))} takes ${ms(int8.latencyMs!.p50)} at batch ${int8.batch} (p50)`);
  }
  const pair = preferredPair(entry.comparison, int8);
  const p50 = pair?.pair.p50;
  if (pair && p50) {
    const speed = 1 / (1 + p50.changePct / 100);
    const name = baselineMarkdown(pair.comparison.label);
    const whose = name.startsWith('the ') ? name : `${name}'s model`;
    const noise = `±${pct(p50.noisePct)}`;
    const how = p50.paired ? `, median of ${roundsText(p50.paired, 'paired')}` : '';
    parts.push(
      p50.class === 'within-noise'
        ? `and at **${ratio(speed)}** the speed of ${whose} (within noise: ${noise}${how})`
        : `and at **${ratio(speed)}** the speed of ${whose} (${p50.class === 'regression' ? 'slower' : 'faster'}, beyond the ${noise} noise${how})`,
    );
  }
  return `${parts.join(', ')}.`;
}
