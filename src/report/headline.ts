/**
 * The first lines of the report: the verdict with the number that decided it and its limit, and
 * one sentence with the speed comparison a reviewer wants (INT8 against the fastest float model
 * on the same runtime, and against the baseline).
 */
import { preferredPair } from '../compare/compare.js';
import { isBaseRun } from '../compare/match.js';
import type { GateDecision } from '../gate/decisions.js';
import type { RunResult } from '../results/schema.js';
import type { ReportEntry } from './entry.js';
import { ms, oneLine, pct, pp, ratio } from '../text/numbers.js';
import { baselineName, isSimulation, modelName, modelShortName, onRuntime, runLabel } from '../text/run-names.js';
import { code } from './markdown.js';

/** Names the baseline in markdown: `main` in code, "the baseline" as words. */
export function baselineMarkdown(label: string): string {
  const name = baselineName(label);
  return name === label ? code(label) : name;
}

function failureText(d: GateDecision): string {
  switch (d.gate) {
    case 'accuracy':
      return `${modelName(d.run)} loses ${pp(d.lossPp)} ${onRuntime(d.run)} (limit ${pp(d.limitPp)})`;
    case 'disagreement':
      return `${modelName(d.run)} disagrees with FP32 on ${pct(d.disagreementPct)} of samples ${onRuntime(d.run)} (limit ${pct(d.limitPct)})`;
    case 'latency':
      return `${modelName(d.run)} is ${pct(d.pair.p50!.changePct)} slower ${onRuntime(d.run)} at batch ${d.run.batch} than ${baselineMarkdown(d.baselineLabel)} (limit ${pct(d.limitPct)}, noise ±${pct(d.pair.p50!.noisePct)})`;
    case 'failed-run':
      return `${modelName(d.run)} failed ${onRuntime(d.run)} at batch ${d.run.batch}: ${oneLine(d.run.reason ?? 'no reason recorded', 90)}`;
    case 'not-gated':
      return d.sentence.replace(/\.$/, '');
    case 'incomplete':
      return `the run stopped before it finished: ${oneLine(d.reason, 140)}`;
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
  if (notGated) clauses.push(notGated.sentence.replace(/ \(.*\)\.$|\.$/, ''));
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
    text = notGated ? notGated.sentence.replace(/ \(.*\)\.$|\.$/, '') : 'nothing gated';
    const worst = worstAgreement(entries);
    if (worst) text += ` (INT8 agrees with FP32's top-1 on ${pct(worst.agreement * 100)} of samples at worst, ${onRuntime(worst.run)})`;
  }
  return `### ${icon} quantgate · ${name} · ${text}`;
}

/** The failing decisions as bullets (the first `limit`), when there is more than the one the headline names. */
export function failureList(entries: ReportEntry[], limit: number): string | null {
  const failing = entries.flatMap((e) => e.decisions).filter((d) => !d.pass);
  if (failing.length < 2) return null;
  const shown = failing.slice(0, limit).map((d) => `- ❌ ${d.sentence}`);
  const rest = failing.length - Math.min(limit, failing.length);
  if (rest > 0) shown.push(`- … and ${rest} more failing ${rest === 1 ? 'check' : 'checks'} (results.json lists them all)`);
  return shown.join('\n');
}

const RUNTIME_PREFERENCE = (run: RunResult): number => (run.runtime === 'tensorrt' ? 0 : run.provider === 'tensorrt' ? 1 : run.provider === 'cuda' ? 2 : 3);

function timed(run: RunResult): boolean {
  return run.status === 'ok' && run.latencyMs !== null && !isSimulation(run) && !isBaseRun(run);
}

/**
 * The INT8 run the speed sentence is about (TensorRT first, then ONNX Runtime's GPU providers,
 * then the CPU; the largest batch, where throughput matters) and the float run it is measured
 * against: same runtime and batch, FP16 where there is one, else FP32.
 */
export function speedPair(runs: readonly RunResult[]): { int8: RunResult; float: RunResult | null } | null {
  const candidates = runs.filter((r) => timed(r) && r.precision === 'int8').sort((a, b) => RUNTIME_PREFERENCE(a) - RUNTIME_PREFERENCE(b) || b.batch - a.batch);
  const floatFor = (int8: RunResult): RunResult | null => {
    const floats = runs.filter((r) => timed(r) && r.precision !== 'int8' && r.runtime === int8.runtime && r.provider === int8.provider && r.batch === int8.batch);
    return floats.find((r) => r.precision === 'fp16') ?? floats.find((r) => r.precision === 'fp32') ?? null;
  };
  // The preferred runtime at the largest batch that has a float run to compare with (one may
  // have failed), else the preferred INT8 run alone.
  const preferred = candidates.filter((r) => candidates[0] && RUNTIME_PREFERENCE(r) === RUNTIME_PREFERENCE(candidates[0]) && r.runtime === candidates[0].runtime);
  for (const int8 of preferred) {
    const float = floatFor(int8);
    if (float) return { int8, float };
  }
  return candidates[0] ? { int8: candidates[0], float: null } : null;
}

/** "TensorRT INT8 runs **1.82x** faster than TensorRT FP16 at batch 32 (3.9 vs 7.1 ms), and …". */
export function speedSentence(entry: ReportEntry): string | null {
  const pair = speedPair(entry.results.runs);
  if (!pair) {
    const anyInt8 = entry.results.runs.some((r) => !isBaseRun(r) && r.precision === 'int8' && r.status === 'ok');
    return anyInt8 ? 'No INT8 run was timed: the rows below carry accuracy only.' : null;
  }
  const { int8, float } = pair;
  const parts: string[] = [];
  const a = int8.latencyMs!.p50;
  if (float) {
    const b = float.latencyMs!.p50;
    const speedup = b / a;
    const numbers = `(${ms(a).replace(/ ms$/, '')} vs ${ms(b)})`;
    const against = `${runLabel(float)} at batch ${int8.batch} ${numbers}`;
    parts.push(
      speedup >= 1
        ? `${runLabel(int8)} runs **${ratio(speedup)}** faster than ${against}`
        : `${runLabel(int8)} runs **${ratio(1 / speedup)} slower** than ${against}`,
    );
  } else {
    parts.push(`${runLabel(int8)} takes ${ms(a)} at batch ${int8.batch} (p50)`);
  }
  const found = preferredPair(entry.comparison, int8);
  const p50 = found?.pair.p50;
  if (found && p50) {
    const speed = p50.baseline / p50.current;
    const name = baselineMarkdown(found.comparison.label);
    const whose = name.startsWith('the ') ? name : `${name}'s model`;
    const noise = `±${pct(p50.noisePct)}`;
    parts.push(
      p50.class === 'within-noise'
        ? `and at **${ratio(speed)}** the speed of ${whose} (within noise: ${noise})`
        : `and at **${ratio(speed)}** the speed of ${whose} (${p50.class === 'regression' ? 'slower' : 'faster'}, beyond the ${noise} noise)`,
    );
  }
  return `${parts.join(', ')}.`;
}
