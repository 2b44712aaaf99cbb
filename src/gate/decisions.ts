/**
 * The gate's decisions, one per gated row, as structured data: the verdict is their summary, and
 * the report's headline names the number and the limit of the one that matters most.
 *
 * What is gated:
 * - accuracy: every INT8 model of this change that was scored (one decision per runtime, provider
 *   and model: accuracy is scored once per model and provider), its `accuracyLossPp` point value
 *   against --max-accuracy-drop. The `reference` rows (TensorRT's INT8 numerics simulated on the
 *   CPU) stand in for TensorRT where it did not score the model, so the gate works on a runner
 *   without a GPU; where TensorRT scored the same model itself, its own number is the one gated,
 *   and a rounding difference of the simulation near the limit cannot fail it.
 * - without labels, top-1 disagreement with FP32 against --max-disagreement (a percentage; results
 *   hold agreement as a fraction); without that flag, accuracy is not gated and the verdict says so.
 * - latency: each matched row's p50 against the baseline (the same-job base model where there is
 *   one, whose change is the median of the per-round paired ratios), failing only when the change
 *   exceeds both the limit and the noise band. Rows of a baseline file timed with other benchmark
 *   settings (compare/timing-settings.ts: ONNX Runtime's spinning, threads, interleaving, rounds,
 *   warm-up) are not judged: a p50 that moved because quantgate now times differently is not the
 *   model's regression, and failing the pull request for it would be wrong; passing it silently
 *   would be too, so a not-gated decision names the difference. The baseline stored by the next
 *   run on the base branch has the same settings, and the gate judges again.
 * - failed runs: a run of this change that failed fails the gate whenever any limit is set (under
 *   `quantgate run` always: --max-accuracy-drop has a default; under `compare`, when a gate flag
 *   is given). A failure is not a
 *   missing runtime (that is a skipped row, which never changes the verdict under --runtimes auto):
 *   the runtime was there and the model broke on it (TensorRT's parser rejected it, the engine build
 *   or an inference failed). Passing would let a model merge that does not run where it ships, the
 *   same hole as a GPU runner that silently lost TensorRT.
 * The base model's runs (`base:`) are never gated: they are what this change is compared with.
 */
import { latencyGateFires } from '../compare/noise.js';
import { NOT_RECORDED } from '../compare/timing-settings.js';
import { isBaseRun, modelKey } from '../compare/match.js';
import { preferredPair } from '../compare/compare.js';
import type { BaselineComparison, Comparison, RunPair } from '../compare/types.js';
import { ms, oneLine, pct, pp, signedPct } from '../text/numbers.js';
import { baselineName, runLabel } from '../text/run-names.js';
import type { Results, RunResult, Thresholds } from '../results/schema.js';

interface Base {
  pass: boolean;
  /** One sentence naming the row, the number and the limit. */
  sentence: string;
}

export type GateDecision =
  | (Base & { gate: 'accuracy'; run: RunResult; lossPp: number; limitPp: number })
  | (Base & { gate: 'disagreement'; run: RunResult; disagreementPct: number; limitPct: number })
  | (Base & { gate: 'latency'; run: RunResult; pair: RunPair; baselineLabel: string; limitPct: number })
  | (Base & { gate: 'failed-run'; run: RunResult })
  /** The run stopped before it finished (bad input found late, a failure, a signal). */
  | (Base & { gate: 'incomplete'; reason: string })
  /** `settingsDiffer`: latency against a baseline timed with other benchmark settings. */
  | (Base & { gate: 'not-gated'; what: 'accuracy' | 'disagreement' | 'latency'; settingsDiffer?: boolean });

/**
 * Scored INT8 runs of this change, one per (runtime, provider, model), in results order; a
 * simulation only where TensorRT did not score the same model itself.
 */
export function gatedInt8Runs(results: Results, has: (run: RunResult) => boolean): RunResult[] {
  const seen = new Set<string>();
  const out: RunResult[] = [];
  for (const run of results.runs) {
    if (isBaseRun(run) || run.status !== 'ok' || run.precision !== 'int8' || !has(run)) continue;
    const key = `${run.runtime}/${run.provider}/${modelKey(run)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(run);
  }
  const scoredByTensorRT = new Set(out.filter((run) => run.runtime === 'tensorrt' && run.provider !== 'reference').map(modelKey));
  return out.filter((run) => run.provider !== 'reference' || !scoredByTensorRT.has(modelKey(run)));
}

function accuracyDecisions(results: Results, limitPp: number): GateDecision[] {
  if (!results.evaluation) {
    return [{ gate: 'not-gated', what: 'accuracy', pass: true, sentence: 'accuracy not gated: nothing was scored (no evaluation ran).' }];
  }
  if (!results.evaluation.labelled) return [];
  const runs = gatedInt8Runs(results, (run) => run.accuracyLossPp !== null);
  if (runs.length === 0) {
    return [{ gate: 'not-gated', what: 'accuracy', pass: true, sentence: 'accuracy not gated: no INT8 model was scored.' }];
  }
  return runs.map((run) => {
    const loss = run.accuracyLossPp!;
    const pass = loss <= limitPp;
    const what = loss < 0 ? `scores ${pp(-loss)} of top-1 above FP32` : `loses ${pp(loss)} of top-1 against FP32`;
    return { gate: 'accuracy', run, lossPp: loss, limitPp, pass, sentence: `${runLabel(run)} ${what}, ${pass ? 'within' : 'over'} the ${pp(limitPp)} limit.` };
  });
}

function disagreementDecisions(results: Results, limitPct: number | null, accuracyAsked: boolean): GateDecision[] {
  if (!results.evaluation) return [];
  if (results.evaluation.labelled) {
    return limitPct === null
      ? []
      : [{ gate: 'not-gated', what: 'disagreement', pass: true, sentence: 'disagreement not gated: labels were given, so top-1 accuracy is gated instead.' }];
  }
  if (limitPct === null) {
    return accuracyAsked
      ? [{ gate: 'not-gated', what: 'accuracy', pass: true, sentence: 'accuracy not gated: no labels (--labels gates top-1 accuracy, --max-disagreement gates top-1 agreement with FP32).' }]
      : [];
  }
  const runs = gatedInt8Runs(results, (run) => run.accuracy !== null && 'agreement' in run.accuracy);
  if (runs.length === 0) {
    return [{ gate: 'not-gated', what: 'disagreement', pass: true, sentence: 'disagreement not gated: no INT8 model was scored.' }];
  }
  return runs.map((run) => {
    const agreement = (run.accuracy as { agreement: number }).agreement;
    // Rounded below any meaningful digit: (1 − 0.958) · 100 is 4.200000000000004 in floating point.
    const disagreementPct = Math.round((1 - agreement) * 100 * 1e9) / 1e9;
    const pass = disagreementPct <= limitPct;
    return {
      gate: 'disagreement',
      run,
      disagreementPct,
      limitPct,
      pass,
      sentence: `${runLabel(run)} disagrees with FP32's top-1 on ${pct(disagreementPct)} of samples, ${pass ? 'within' : 'over'} the ${pct(limitPct)} limit.`,
    };
  });
}

function latencySentence(run: RunResult, pair: RunPair, label: string, limitPct: number, fires: boolean): string {
  const p50 = pair.p50!;
  const row = `${runLabel(run)} at batch ${run.batch}`;
  const against = baselineName(label);
  const numbers = `${ms(p50.baseline)} → ${ms(p50.current)}`;
  const noise = `±${pct(p50.noisePct)}`;
  if (fires) return `${row}: p50 ${pct(p50.changePct)} slower than ${against} (${numbers}), over the ${pct(limitPct)} limit and beyond the ${noise} noise.`;
  if (p50.changePct > limitPct) {
    return `${row}: p50 ${pct(p50.changePct)} slower than ${against} (${numbers}), over the ${pct(limitPct)} limit but within the ${noise} noise, so not a regression.`;
  }
  return `${row}: p50 ${signedPct(p50.changePct)} against ${against} (${numbers}), within the ${pct(limitPct)} limit.`;
}

function latencyDecisions(results: Results, limitPct: number, comparison: Comparison | null | undefined): GateDecision[] {
  const out: GateDecision[] = [];
  const incomparable = new Set<BaselineComparison>();
  for (const run of results.runs) {
    if (isBaseRun(run) || run.status !== 'ok') continue;
    const found = preferredPair(comparison, run);
    if (!found || !found.pair.p50) continue;
    // Timed under other settings (spinning, interleaving...), the two p50s do not measure the
    // same thing: a gate that fired on them would blame the model for a change of quantgate's.
    if (found.comparison.timing.length > 0) {
      incomparable.add(found.comparison);
      continue;
    }
    const fires = latencyGateFires(found.pair.p50, limitPct);
    out.push({
      gate: 'latency',
      run,
      pair: found.pair,
      baselineLabel: found.comparison.label,
      limitPct,
      pass: !fires,
      sentence: latencySentence(run, found.pair, found.comparison.label, limitPct, fires),
    });
  }
  for (const side of incomparable) {
    const what = [...new Set(side.timing.map((d) => (d.current === NOT_RECORDED || d.baseline === NOT_RECORDED ? 'one of the two was timed by an earlier quantgate, which did not record how' : d.what)))].join('; ');
    out.push({
      gate: 'not-gated',
      what: 'latency',
      settingsDiffer: true,
      pass: true,
      sentence:
        `latency not gated against ${baselineName(side.label)}: it was timed with other benchmark settings (${what}), so its p50s are not comparable; ` +
        'the next baseline recorded with these settings gates again, and --baseline-model compares in the same job meanwhile.',
    });
  }
  if (out.length === 0) {
    const why = comparison?.sameJob || comparison?.file ? 'no timed run matched one of the baseline' : 'no baseline to compare with';
    return [{ gate: 'not-gated', what: 'latency', pass: true, sentence: `latency not gated: ${why}.` }];
  }
  return out;
}

function failedRunDecisions(results: Results): GateDecision[] {
  return results.runs
    .filter((run) => !isBaseRun(run) && run.status === 'failed')
    .map((run) => ({
      gate: 'failed-run' as const,
      run,
      pass: false,
      sentence: `${runLabel(run)} at batch ${run.batch} failed (${oneLine(run.reason ?? 'no reason recorded', 200)}), and a run that fails cannot pass the gate.`,
    }));
}

const ORDER: Record<GateDecision['gate'], number> = { incomplete: -1, accuracy: 0, disagreement: 1, 'failed-run': 2, latency: 3, 'not-gated': 4 };

/** How bad a failing decision is, to put the worst first within its gate. */
function severity(d: GateDecision): number {
  if (d.gate === 'accuracy') return d.lossPp;
  if (d.gate === 'disagreement') return d.disagreementPct;
  if (d.gate === 'latency') return d.pair.p50!.changePct;
  return 0;
}

/** Every decision the gate makes on these results: failing first, the worst of each gate first. */
export function gateDecisions(results: Results, thresholds: Thresholds, comparison?: Comparison | null): GateDecision[] {
  const decisions: GateDecision[] = [];
  // A run that stopped early has not shown that the model passes, whatever it measured.
  if (results.incomplete) {
    decisions.push({ gate: 'incomplete', pass: false, reason: results.incomplete, sentence: `The run did not finish: ${results.incomplete}` });
  }
  const accuracyAsked = thresholds.maxAccuracyDrop !== null;
  if (accuracyAsked) decisions.push(...accuracyDecisions(results, thresholds.maxAccuracyDrop!));
  decisions.push(...disagreementDecisions(results, thresholds.maxDisagreement, accuracyAsked));
  if (thresholds.maxLatencyRegression !== null) decisions.push(...latencyDecisions(results, thresholds.maxLatencyRegression, comparison));
  const anyLimit = accuracyAsked || thresholds.maxDisagreement !== null || thresholds.maxLatencyRegression !== null;
  if (anyLimit) decisions.push(...failedRunDecisions(results));
  return decisions
    .map((d, i) => ({ d, i }))
    .sort((a, b) => Number(a.d.pass) - Number(b.d.pass) || ORDER[a.d.gate] - ORDER[b.d.gate] || severity(b.d) - severity(a.d) || a.i - b.i)
    .map(({ d }) => d);
}
