/**
 * The accuracy loss of a candidate model against FP32 on the same samples, with its paired
 * bootstrap interval, and whether that interval can tell a limit apart from noise.
 */
import { type BootstrapOptions, DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED, pairedBootstrapInterval } from './bootstrap.js';
import type { SampleOutcomes } from './outcomes.js';

export interface AccuracyLoss {
  samples: number;
  /** Top-1 of FP32 and of the candidate on these samples, percent. */
  referenceTop1: number;
  candidateTop1: number;
  /** referenceTop1 − candidateTop1, percentage points; positive is worse. */
  lossPp: number;
  /** The paired bootstrap interval of lossPp, percentage points. */
  ci: [number, number];
  confidence: number;
  /** Samples FP32 got right and the candidate wrong, and the reverse. */
  flippedToWrong: number;
  flippedToRight: number;
  resamples: number;
  seed: number;
}

/**
 * Pairs the top-1 outcomes of FP32 (`reference`) and a candidate sample by sample. Both must have
 * scored the same samples: anything else is a bug in the pipeline, not bad input.
 */
export function accuracyLoss(reference: SampleOutcomes, candidate: SampleOutcomes, options: BootstrapOptions = {}): AccuracyLoss {
  const samples = reference.count;
  if (samples === 0) throw new Error('accuracyLoss: no samples were scored');
  if (candidate.count !== samples || reference.length !== samples || candidate.length !== samples) {
    throw new Error(`accuracyLoss: FP32 scored ${reference.count} samples and the candidate ${candidate.count}; they must score the same ones`);
  }
  let referenceRight = 0;
  let candidateRight = 0;
  let toWrong = 0;
  let toRight = 0;
  for (let i = 0; i < samples; i++) {
    const r = reference.top1(i);
    const c = candidate.top1(i);
    if (r) referenceRight++;
    if (c) candidateRight++;
    if (r && !c) toWrong++;
    else if (c && !r) toRight++;
  }
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  return {
    samples,
    referenceTop1: (100 * referenceRight) / samples,
    candidateTop1: (100 * candidateRight) / samples,
    lossPp: (100 * (toWrong - toRight)) / samples,
    ci: pairedBootstrapInterval({ samples, toWrong, toRight }, { resamples, seed, confidence }),
    confidence,
    flippedToWrong: toWrong,
    flippedToRight: toRight,
    resamples,
    seed,
  };
}

/**
 * Where a limit stands against the interval: `exceeded` when the whole interval lies above it
 * (the loss is beyond the limit, not noise), `met` when the whole interval lies below it, and
 * `unresolved` when the interval contains it (this many samples cannot tell).
 */
export type LimitResolution = 'exceeded' | 'met' | 'unresolved';

export function resolveLimit(ci: readonly [number, number], limitPp: number): LimitResolution {
  if (ci[0] > limitPp) return 'exceeded';
  if (ci[1] < limitPp) return 'met';
  return 'unresolved';
}

export interface LimitVerdict {
  resolution: LimitResolution;
  /**
   * Limits above this are met beyond noise at this sample size (the interval's upper end); a
   * limit at or below it is not resolved as met. The report's "a 0.3 pp limit would not be".
   */
  smallestMetLimitPp: number;
  /** Half the interval's width: differences smaller than this are within noise here. */
  noisePp: number;
}

export function limitVerdict(loss: AccuracyLoss, limitPp: number): LimitVerdict {
  return {
    resolution: resolveLimit(loss.ci, limitPp),
    smallestMetLimitPp: loss.ci[1],
    noisePp: (loss.ci[1] - loss.ci[0]) / 2,
  };
}

/**
 * One or two sentences for the report on whether the loss is real and whether the sample size
 * resolves the limit, e.g. "FP32 and INT8 were scored on the same 5,000 samples: 31 flipped to
 * wrong, 10 to right. 95% bootstrap interval of the loss: 0.14 – 0.70 pp. The 1.00 pp limit is
 * resolved at this sample size; a limit at or below 0.70 pp would not be."
 */
export function describeLoss(loss: AccuracyLoss, limitPp: number): string {
  const pp = (v: number): string => v.toFixed(2);
  const n = loss.samples.toLocaleString('en-US');
  const percent = Math.round(loss.confidence * 100);
  if (loss.flippedToWrong + loss.flippedToRight === 0) {
    // The bootstrap collapses to [0, 0]; the rule of three bounds what n samples can rule out.
    return `No sample changed between FP32 and the candidate on the same ${n} samples; a flip rate below about ${pp(300 / loss.samples)} pp cannot be ruled out at this sample size.`;
  }
  const sentence = `FP32 and the candidate were scored on the same ${n} samples: ${loss.flippedToWrong} flipped to wrong, ${loss.flippedToRight} to right.`;
  const interval = `${percent}% bootstrap interval of the loss: ${pp(loss.ci[0])} – ${pp(loss.ci[1])} pp.`;
  switch (resolveLimit(loss.ci, limitPp)) {
    case 'met':
      return loss.ci[1] < 0
        ? `${sentence} ${interval} The candidate is more accurate than FP32 beyond noise; the ${pp(limitPp)} pp limit is met.`
        : `${sentence} ${interval} The ${pp(limitPp)} pp limit is resolved at this sample size; a limit at or below ${pp(loss.ci[1])} pp would not be.`;
    case 'exceeded':
      return `${sentence} ${interval} The loss exceeds the ${pp(limitPp)} pp limit beyond noise.`;
    case 'unresolved':
      return `${sentence} ${interval} ${n} samples are too few to resolve the ${pp(limitPp)} pp limit: the interval contains it, so a loss this size is within noise.`;
  }
}
