/**
 * compareResults: this run against its baselines, noise-aware. Two kinds of baseline can exist at
 * once: the base branch's model benchmarked in this job (`base:` runs of the same file, interleaved
 * with this model's, so a noisy runner moves both alike: their latency change is the median of
 * the per-round ratios) and a results.json from an earlier run.
 */
import type { Results, RunResult } from '../results/schema.js';
import { environmentDifferences, setupDifferences } from './environment.js';
import { isBaseRun, matchRuns } from './match.js';
import { classifyChange, changePct, metricChange, noiseBandPct, pairedLatencyChange } from './noise.js';
import { pairedRatio } from './paired.js';
import { speedups } from './speedup.js';
import { timingDifferences } from './timing-settings.js';
import type { AccuracyChange, BaselineComparison, Comparison, MemoryChange, RunPair } from './types.js';

export interface CompareOptions {
  /** How the report names the baseline ("main"); defaults: "base model" in one job, else "baseline". */
  label?: string;
  /** Memory changes up to this percentage count as within noise (memory carries no spread). Default 5. */
  memoryTolerancePct?: number;
}

const Z95 = 1.959964;

function statusNote(run: RunResult, where: string): string {
  return `${run.status} ${where}${run.reason ? `: ${run.reason}` : ''}`;
}

function memoryOf(run: RunResult): { kind: 'rss' | 'gpu'; mb: number } | null {
  const m = run.memory;
  if (!m) return null;
  if (m.deviceMB !== null) return { kind: 'gpu', mb: m.deviceMB };
  if (m.processDeviceMB !== null) return { kind: 'gpu', mb: m.processDeviceMB };
  if (m.rssMB !== null) return { kind: 'rss', mb: m.rssMB };
  return null;
}

function memoryChange(current: RunResult, baseline: RunResult, tolerancePct: number): MemoryChange | null {
  const a = memoryOf(current);
  const b = memoryOf(baseline);
  if (!a || !b || a.kind !== b.kind || b.mb <= 0) return null;
  const change = changePct(a.mb, b.mb);
  return { kind: a.kind, baselineMB: b.mb, currentMB: a.mb, changePct: change, class: classifyChange(change, tolerancePct, false) };
}

function accuracyValue(run: RunResult): { metric: 'top1' | 'agreement'; fraction: number } | null {
  const a = run.accuracy;
  if (!a) return null;
  return 'top1' in a ? { metric: 'top1', fraction: a.top1 } : { metric: 'agreement', fraction: a.agreement };
}

/**
 * The 95% noise of an accuracy difference. Where both runs have a bootstrap interval of their loss
 * it is the two half-widths combined; otherwise a binomial estimate from the evaluation set's size.
 * Both treat the two sets as independent, which overstates the noise when they are the same
 * samples: a difference called real here is real.
 */
function accuracyNoisePp(current: RunResult, baseline: RunResult, nCurrent: number | null, nBaseline: number | null, pc: number, pb: number): number | null {
  if (current.accuracyLossCi && baseline.accuracyLossCi) {
    const hc = (current.accuracyLossCi[1] - current.accuracyLossCi[0]) / 2;
    const hb = (baseline.accuracyLossCi[1] - baseline.accuracyLossCi[0]) / 2;
    return Math.sqrt(hc * hc + hb * hb);
  }
  if (!nCurrent || !nBaseline) return null;
  return 100 * Z95 * Math.sqrt((pc * (1 - pc)) / nCurrent + (pb * (1 - pb)) / nBaseline);
}

function accuracyChange(current: RunResult, baseline: RunResult, nCurrent: number | null, nBaseline: number | null): AccuracyChange | null {
  const a = accuracyValue(current);
  const b = accuracyValue(baseline);
  if (!a || !b || a.metric !== b.metric) return null;
  const deltaPp = (a.fraction - b.fraction) * 100;
  const noisePp = accuracyNoisePp(current, baseline, nCurrent, nBaseline, a.fraction, b.fraction);
  const cls = noisePp === null ? (deltaPp === 0 ? 'within-noise' : classifyChange(deltaPp, 0, true)) : classifyChange(deltaPp, noisePp, true);
  return { metric: a.metric, baseline: b.fraction * 100, current: a.fraction * 100, deltaPp, noisePp, class: cls };
}

function pairOf(
  key: string,
  current: RunResult,
  baseline: RunResult,
  samples: { current: number | null; baseline: number | null },
  options: CompareOptions,
  baselineWhere: string,
  /** Both runs are of one results file, timed in the same job: their rounds may pair. */
  sameFile: boolean,
): RunPair {
  const note =
    current.status !== 'ok' ? statusNote(current, 'here') : baseline.status !== 'ok' ? statusNote(baseline, `in the ${baselineWhere}`) : null;
  const both = current.status === 'ok' && baseline.status === 'ok';
  const lc = current.latencyMs;
  const lb = baseline.latencyMs;
  const timed = both && lc !== null && lb !== null && lb.p50 > 0;
  const noise = timed ? noiseBandPct(lc.cv, lb.cv) : 0;
  const paired = timed && sameFile ? pairedRatio(current, baseline) : null;
  return {
    key,
    current,
    baseline,
    p50: timed ? (paired ? pairedLatencyChange(lc.p50, lb.p50, paired, noise) : metricChange(lc.p50, lb.p50, noise, false)) : null,
    throughput: timed && current.throughput !== null && baseline.throughput !== null && baseline.throughput > 0 ? metricChange(current.throughput, baseline.throughput, noise, true) : null,
    memory: both ? memoryChange(current, baseline, options.memoryTolerancePct ?? 5) : null,
    accuracy: both ? accuracyChange(current, baseline, samples.current, samples.baseline) : null,
    note,
  };
}

function sameJob(results: Results, options: CompareOptions): BaselineComparison | null {
  const base = results.runs.filter(isBaseRun);
  if (base.length === 0 && results.baselineModel === null) return null;
  const mine = results.runs.filter((run) => !isBaseRun(run));
  const matched = matchRuns(mine, base);
  const samples = results.evaluation?.samples ?? null;
  return {
    source: 'same-job',
    label: options.label ?? 'base model',
    sameModel: results.baselineModel !== null && results.baselineModel.sha256 === results.model.sha256,
    pairs: matched.pairs.map((p) => pairOf(p.key, p.current, p.baseline, { current: samples, baseline: samples }, options, 'base model', true)),
    onlyCurrent: matched.onlyCurrent,
    onlyBaseline: matched.onlyBaseline,
    environment: [],
    setup: [],
    timing: [],
    baselineCommit: results.baselineModel?.commit ?? null,
  };
}

function againstFile(current: Results, baseline: Results, options: CompareOptions): BaselineComparison {
  const matched = matchRuns(
    current.runs.filter((run) => !isBaseRun(run)),
    baseline.runs.filter((run) => !isBaseRun(run)),
  );
  const samples = { current: current.evaluation?.samples ?? null, baseline: baseline.evaluation?.samples ?? null };
  return {
    source: 'baseline-file',
    label: options.label ?? 'baseline',
    sameModel: current.model.sha256 === baseline.model.sha256,
    pairs: matched.pairs.map((p) => pairOf(p.key, p.current, p.baseline, samples, options, 'baseline', false)),
    onlyCurrent: matched.onlyCurrent,
    onlyBaseline: matched.onlyBaseline,
    environment: environmentDifferences(current.environment, baseline.environment),
    setup: setupDifferences(current, baseline),
    timing: timingDifferences(current, baseline),
    baselineCommit: baseline.environment.commit,
  };
}

/**
 * This run against the base model benchmarked in the same job (when it has `base:` runs) and
 * against `baseline` (a results.json from an earlier run, when given), and its INT8 speedups.
 */
export function compareResults(current: Results, baseline: Results | null, options: CompareOptions = {}): Comparison {
  return { sameJob: sameJob(current, options), file: baseline ? againstFile(current, baseline, options) : null, speedups: speedups(current.runs) };
}

/**
 * The pair a row of the report shows and the latency gate judges: the same-job one where it
 * exists (immune to a noisy runner), else the one against the results file.
 */
export function preferredPair(comparison: Comparison | null | undefined, run: RunResult): { pair: RunPair; comparison: BaselineComparison } | null {
  if (!comparison) return null;
  for (const side of [comparison.sameJob, comparison.file]) {
    const pair = side?.pairs.find((p) => p.current === run);
    if (side && pair) return { pair, comparison: side };
  }
  return null;
}
