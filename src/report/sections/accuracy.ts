/**
 * "Is the accuracy loss real?": the paired counts behind each loss, its bootstrap interval, and
 * whether that interval resolves the gate's limit at this sample size. Without labels: fidelity
 * against FP32 and what it does not say.
 */
import { isBaseRun } from '../../compare/match.js';
import { gatedInt8Runs } from '../../gate/decisions.js';
import { resolveLimit, type LimitResolution } from '../../gate/resolve.js';
import type { Results, RunResult } from '../../results/schema.js';
import type { ReportEntry } from '../entry.js';
import { count, fractionPct, pct, pp } from '../../text/numbers.js';
import { runLabel } from '../../text/run-names.js';
import { code, details, table, text } from '../markdown.js';
import { compareRows, nowrap } from '../table.js';

function scored(results: Results, has: (run: RunResult) => boolean): RunResult[] {
  const seen = new Set<string>();
  return results.runs
    .filter((run) => !isBaseRun(run) && run.status === 'ok' && has(run))
    .sort(compareRows)
    .filter((run) => {
      const key = `${run.runtime}/${run.provider}/${run.model}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** "The 1.00 pp limit is resolved at this sample size: …" */
export function resolutionSentence(loss: number, ci: readonly [number, number], limit: number, samples: number, r: LimitResolution): string {
  const span = `limits from ${pp(ci[0]).replace(/ pp$/, '')} to ${pp(ci[1])} would not be`;
  if (r.resolution === 'below') return `The ${pp(limit)} limit is resolved at this sample size: the whole interval lies below it (${span}).`;
  if (r.resolution === 'above') return `The ${pp(limit)} limit is resolved at this sample size: the whole interval lies above it, so the loss is real (${span}).`;
  const more =
    r.samplesNeeded !== null
      ? ` About ${count(r.samplesNeeded)} samples would resolve it if the loss stayed at ${pp(loss)}.`
      : ' The loss sits on the limit: no sample size resolves that.';
  return `The ${pp(limit)} limit is **not resolved** at ${count(samples)} samples: it lies inside the interval, so the gate's decision rests on the point value.${more}`;
}

function resolutionCell(run: RunResult, limit: number | null, samples: number): string {
  if (limit === null || run.accuracyLossPp === null || !run.accuracyLossCi) return '';
  const r = resolveLimit(run.accuracyLossPp, run.accuracyLossCi, limit, samples);
  if (r.resolution === 'below') return 'resolved: below';
  if (r.resolution === 'above') return 'resolved: above';
  return r.samplesNeeded !== null ? `not resolved (≈ ${count(r.samplesNeeded)} samples would)` : 'not resolved';
}

function labelledSection(entry: ReportEntry): string | null {
  const { results } = entry;
  const samples = results.evaluation!.samples;
  const runs = scored(results, (run) => run.accuracyLossPp !== null);
  if (runs.length === 0) return null;
  const limit = entry.thresholds.maxAccuracyDrop;
  // The prose is about the run that matters most: the worst loss the gate judges (so it names the
  // headline's number), else the worst loss.
  const gated = gatedInt8Runs(results, (run) => run.accuracyLossPp !== null);
  const pool = gated.length > 0 ? gated : runs;
  const worst = pool.reduce((a, b) => (b.accuracyLossPp! > a.accuracyLossPp! ? b : a));
  const lines: string[] = [];
  const flips = worst.accuracyFlips;
  lines.push(
    `FP32 and ${text(runLabel(worst))} were scored on the same ${count(samples)} samples` +
      (flips ? `: ${count(flips.toWrong)} flipped to wrong, ${count(flips.toRight)} to right.` : '.'),
  );
  if (worst.accuracyLossCi) {
    const [lo, hi] = worst.accuracyLossCi;
    lines.push(`Loss ${pp(worst.accuracyLossPp!)}, 95% paired bootstrap interval ${pp(lo).replace(/ pp$/, '')} to ${pp(hi)}.`);
    if (limit !== null) lines.push(resolutionSentence(worst.accuracyLossPp!, worst.accuracyLossCi, limit, samples, resolveLimit(worst.accuracyLossPp!, worst.accuracyLossCi, limit, samples)));
  }
  const header = ['run', 'top-1', 'loss vs FP32', '95% interval', 'flipped to wrong / right'];
  if (limit !== null) header.push(`${pp(limit)} limit`);
  const rows = runs.map((run) => {
    const ci = run.accuracyLossCi;
    const cells = [
      text(runLabel(run)),
      run.accuracy && 'top1' in run.accuracy ? fractionPct(run.accuracy.top1) : '',
      pp(run.accuracyLossPp!),
      ci ? nowrap(`${pp(ci[0]).replace(/ pp$/, '')} to ${pp(ci[1])}`) : '',
      run.accuracyFlips ? `${count(run.accuracyFlips.toWrong)} / ${count(run.accuracyFlips.toRight)}` : '',
    ];
    if (limit !== null) cells.push(run.precision === 'int8' && !gated.includes(run) ? 'not gated: TensorRT scored this model itself' : resolutionCell(run, limit, samples));
    return cells;
  });
  const fp32 = results.runs.find((r) => !isBaseRun(r) && r.precision === 'fp32' && r.accuracy && 'top1' in r.accuracy);
  const reference = fp32 && fp32.accuracy && 'top1' in fp32.accuracy ? ` FP32 top-1: ${fractionPct(fp32.accuracy.top1)}.` : '';
  const body = `${lines.join(' ')}\n\n${table(header, rows, ['l', 'r', 'r', 'r', 'r', 'l'].slice(0, header.length) as ('l' | 'r')[])}\n\nScored on ${text(results.evaluation!.source)}, output ${code(results.evaluation!.output)}.${reference}`;
  // The summary says it when the sample is too small to tell the worst loss from the limit.
  const unresolved =
    limit !== null && worst.accuracyLossCi && resolveLimit(worst.accuracyLossPp!, worst.accuracyLossCi, limit, samples).resolution === 'unresolved'
      ? `: too few to resolve the ${pp(limit)} limit`
      : '';
  return details(`Is the accuracy loss real? (paired, ${count(samples)} samples${unresolved})`, body);
}

function fidelitySection(entry: ReportEntry): string | null {
  const { results } = entry;
  const evaluation = results.evaluation!;
  const runs = scored(results, (run) => run.accuracy !== null && 'agreement' in run.accuracy && run.precision !== 'fp32');
  if (runs.length === 0) return null;
  const rows = runs.map((run) => {
    const a = run.accuracy as { agreement: number; cosine: number; snrDb: number };
    return [text(runLabel(run)), fractionPct(a.agreement, 1), pct((1 - a.agreement) * 100), a.cosine.toFixed(4), `${a.snrDb.toFixed(1)} dB`];
  });
  const limit = entry.thresholds.maxDisagreement;
  const gate =
    limit !== null
      ? `Gated by \`--max-disagreement\`: at most ${pct(limit)} of samples may change their top-1 class.`
      : 'Not gated: give `--labels` to gate top-1 accuracy, or `--max-disagreement PCT` to gate how often INT8 changes the top-1 class.';
  const onCalibration = /calibration/i.test(evaluation.source)
    ? ' These are the calibration samples (no `--eval-data`): the data the ranges were fitted to, so INT8 looks better here than on unseen inputs.'
    : '';
  const body =
    `Without labels there is no accuracy loss to measure: each INT8 model's output ${code(evaluation.output)} is compared with FP32's on the same ${count(evaluation.samples)} samples of ${text(evaluation.source)}, by top-1 agreement (class axis ${evaluation.classAxis}), cosine similarity and signal-to-noise ratio.${onCalibration} ${gate}\n\n` +
    table(['run', 'top-1 agreement', 'disagreement', 'cosine', 'SNR'], rows, ['l', 'r', 'r', 'r', 'r']);
  return details(`How close is INT8 to FP32? (${count(evaluation.samples)} samples, no labels)`, body);
}

export function accuracySection(entry: ReportEntry): string | null {
  const evaluation = entry.results.evaluation;
  if (!evaluation) return null;
  return evaluation.labelled ? labelledSection(entry) : fidelitySection(entry);
}
