/** What a comparison of two sets of runs produces: plain data that the gate and the report read. */
import type { RunResult } from '../results/schema.js';
import type { PairedRatio } from './paired.js';

export type { PairedRatio };

/**
 * How a change reads against the noise: beyond it, a `regression` or an `improvement`; inside it,
 * `within-noise` (for latency and throughput the band is 2·√(CV_current² + CV_baseline²)).
 */
export type ChangeClass = 'regression' | 'improvement' | 'within-noise';

/** A timing metric of a matched pair (p50 latency in ms, or throughput in samples/s). */
export interface MetricChange {
  baseline: number;
  current: number;
  /** (current − baseline) / baseline, percent. */
  changePct: number;
  /** Half-width of the noise band, percent of the baseline. */
  noisePct: number;
  class: ChangeClass;
  /**
   * Latency of two rows timed interleaved in one job: current/baseline per round, whose median
   * gives `changePct` (the ratio of the overall p50s would let a noisy minute on one side move it).
   */
  paired?: PairedRatio;
}

export interface MemoryChange {
  /** What both sides measured: a CPU process's RSS growth, or device memory. */
  kind: 'rss' | 'gpu';
  baselineMB: number;
  currentMB: number;
  changePct: number;
  /** Memory carries no spread; changes under the tolerance count as within noise. */
  class: ChangeClass;
}

export interface AccuracyChange {
  /** top-1 with labels, top-1 agreement with FP32 without. */
  metric: 'top1' | 'agreement';
  /** Percent. */
  baseline: number;
  current: number;
  /** current − baseline, percentage points (positive is better). */
  deltaPp: number;
  /** 95% half-width of the difference, percentage points; null when it cannot be estimated. */
  noisePp: number | null;
  class: ChangeClass;
}

/** Where the baseline's runs come from. */
export type BaselineSource = 'same-job' | 'baseline-file';

/** One run of this model and its counterpart among the baseline's runs. */
export interface RunPair {
  /** runtime/provider/model/batch, `base:` stripped. */
  key: string;
  current: RunResult;
  baseline: RunResult;
  /** Null unless both sides ran and timed. */
  p50: MetricChange | null;
  throughput: MetricChange | null;
  memory: MemoryChange | null;
  accuracy: AccuracyChange | null;
  /** Why a pair has no numbers to compare: "skipped in the baseline: …". */
  note: string | null;
}

export interface Difference {
  /** What differs, for a person: "CPU", "threads", "TensorRT". */
  what: string;
  current: string;
  baseline: string;
}

/** This run against one baseline (the base model in the same job, or a results file). */
export interface BaselineComparison {
  source: BaselineSource;
  /** How the report names the baseline: "main", "base model". */
  label: string;
  /** The two model files are byte-identical (same sha256). */
  sameModel: boolean;
  pairs: RunPair[];
  /** Runs of this model without a counterpart in the baseline, and the reverse. */
  onlyCurrent: RunResult[];
  onlyBaseline: RunResult[];
  /** Hardware and software that differ between the two runs (none within one job). */
  environment: Difference[];
  /** Measurement setup that differs: quantization method, evaluation set, labels. */
  setup: Difference[];
  /**
   * Benchmark settings that differ (timing-settings.ts): latencies are then not comparable, and
   * the latency gate does not judge rows against this baseline. Empty within one job.
   */
  timing: Difference[];
  /** The baseline's commit, where known. */
  baselineCommit: string | null;
}

/** An INT8 run against the float run of the same runtime, provider and batch (FP16 where there is one). */
export interface Speedup {
  int8: RunResult;
  float: RunResult;
  /** How many times faster the INT8 run is: the paired median where the two were interleaved, else the ratio of their p50s. */
  ratio: number;
  /** float/INT8 per round, where both were timed in one interleaved group. */
  paired: PairedRatio | null;
}

export interface Comparison {
  /** `base:` runs of the same results file: the comparison a noisy runner cannot skew. */
  sameJob: BaselineComparison | null;
  /** A results.json from an earlier run (--baseline, or `quantgate compare`'s second file). */
  file: BaselineComparison | null;
  /** Each timed INT8 run of this model against its float run. */
  speedups: Speedup[];
}
