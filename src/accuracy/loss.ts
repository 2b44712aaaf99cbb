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
