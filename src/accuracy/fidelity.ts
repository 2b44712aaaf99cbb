/**
 * Without labels: how faithfully a candidate reproduces FP32's output, fed both outputs of the
 * same batch at a time. Keeps a few running sums, never the outputs.
 *
 * - agreement: percent of positions where the candidate predicts the same class as FP32 (argmax
 *   over the class axis; ties to the lowest index; a one-channel map compared at the threshold).
 *   For a classifier a position is a sample; for an [N, C, H, W] map it is a pixel. A position
 *   where either output holds a NaN disagrees.
 * - cosine: the cosine similarity of each sample's whole output (all positions and classes)
 *   against FP32's, averaged over samples. Per sample rather than over the whole set because a
 *   global cosine weighs samples by the square of their output's magnitude: a few confident
 *   samples with large logits would hide many that drifted. Averaging per sample gives each sample
 *   one vote, as agreement does, and is blind to a per-sample scale only. A sample where either
 *   output holds a non-finite value scores 0; two all-zero outputs score 1, one all-zero output 0.
 * - snrDb: 10·log10(Σ ref² / Σ (ref − cand)²) over every value of every sample: a ratio of
 *   energies, pooled as the quantizer's sensitivity SQNR is, so the two compare. Pairs holding a
 *   non-finite value are left out (they are counted in `nonFinite`). Clamped to ±SNR_LIMIT_DB,
 *   since identical outputs have infinite SNR and results.json (JSON) has no infinity.
 */
import type { HostTensor } from '../data/types.js';
import { BadInputError } from '../errors.js';
import { msg, opt } from '../message.js';
import { type ClassLayout, classLayout, type ScoringOptions, scoresOf } from './layout.js';
import { DEFAULT_THRESHOLD, NO_PREDICTION, predictClasses } from './predict.js';

export const SNR_LIMIT_DB = 200;

export interface Fidelity {
  samples: number;
  /** Positions compared (samples × positions per sample). */
  positions: number;
  /** Percent of positions whose predicted class matches FP32's (0–100). */
  agreement: number;
  /** 100 − agreement: what --max-disagreement gates. */
  disagreement: number;
  /** Mean over samples of the per-sample cosine similarity. */
  cosine: number;
  snrDb: number;
  /** Values that were NaN or infinite in either output. */
  nonFinite: number;
  classes: number;
  classAxis: number;
}

export class FidelityScorer {
  private layout: ClassLayout | undefined;
  private samples = 0;
  private positions = 0;
  private agreed = 0;
  private cosineSum = 0;
  private signal = 0;
  private noise = 0;
  private nonFinite = 0;

  constructor(private readonly options: ScoringOptions & { candidate?: string }) {}

  /** Compares the candidate's output for one batch with FP32's output for the same batch. */
  add(reference: HostTensor, candidate: HostTensor, batch: { start: number; size: number }): void {
    const name = this.options.output;
    const shape = reference.dims.join('×');
    if (candidate.dims.join('×') !== shape) {
      throw new BadInputError(
        `output '${name}' has shape ${shape} from FP32 but ${candidate.dims.join('×')} from ${this.options.candidate ?? 'the candidate'} (batch from sample ${batch.start}): outputs whose shape depends on the values cannot be compared position by position`,
        msg`score an output whose shape is fixed by the input shape with ${opt('output')}`,
      );
    }
    const layout = classLayout(name, reference.dims, batch.size, this.options.classAxis);
    if (this.layout && this.layout.classes !== layout.classes) {
      throw new Error(`output '${name}' changed from ${this.layout.classes} to ${layout.classes} classes between batches`);
    }
    this.layout = layout;
    const ref = scoresOf(name, reference);
    const cand = scoresOf(name, candidate);
    this.countAgreement(ref, cand, layout);
    this.accumulateSimilarity(ref, cand, batch.size);
    this.samples += batch.size;
  }

  result(): Fidelity {
    if (this.samples === 0 || !this.layout) throw new Error('no samples were compared');
    const agreement = (100 * this.agreed) / this.positions;
    return {
      samples: this.samples,
      positions: this.positions,
      agreement,
      disagreement: 100 - agreement,
      cosine: this.cosineSum / this.samples,
      snrDb: snrDb(this.signal, this.noise),
      nonFinite: this.nonFinite,
      classes: this.layout.classes,
      classAxis: this.layout.classAxis,
    };
  }

  private countAgreement(ref: Float32Array, cand: Float32Array, layout: ClassLayout): void {
    const threshold = this.options.threshold ?? DEFAULT_THRESHOLD;
    const a = predictClasses(ref, layout, threshold);
    const b = predictClasses(cand, layout, threshold);
    let agreed = 0;
    for (let k = 0; k < a.length; k++) if (a[k] === b[k] && a[k] !== NO_PREDICTION) agreed++;
    this.agreed += agreed;
    this.positions += a.length;
  }

  private accumulateSimilarity(ref: Float32Array, cand: Float32Array, samples: number): void {
    const size = ref.length / samples;
    let signal = 0;
    let noise = 0;
    for (let s = 0; s < samples; s++) {
      let dot = 0;
      let rr = 0;
      let cc = 0;
      let finite = true;
      for (let k = s * size, end = k + size; k < end; k++) {
        const r = ref[k]!;
        const c = cand[k]!;
        // r − r is NaN exactly when r is NaN or infinite.
        if (r - r !== 0 || c - c !== 0) {
          finite = false;
          this.nonFinite += (r - r !== 0 ? 1 : 0) + (c - c !== 0 ? 1 : 0);
          continue;
        }
        dot += r * c;
        rr += r * r;
        cc += c * c;
        const d = r - c;
        noise += d * d;
      }
      signal += rr;
      this.cosineSum += finite ? cosine(dot, rr, cc) : 0;
    }
    this.signal += signal;
    this.noise += noise;
  }
}

function cosine(dot: number, rr: number, cc: number): number {
  if (rr === 0 && cc === 0) return 1;
  if (rr === 0 || cc === 0) return 0;
  // Rounding can carry |cos| a hair past 1.
  return Math.max(-1, Math.min(1, dot / Math.sqrt(rr * cc)));
}

/** 10·log10(signal / noise), clamped to ±SNR_LIMIT_DB (identical outputs: +SNR_LIMIT_DB). */
export function snrDb(signal: number, noise: number): number {
  if (noise === 0) return SNR_LIMIT_DB;
  if (signal === 0) return -SNR_LIMIT_DB;
  return Math.max(-SNR_LIMIT_DB, Math.min(SNR_LIMIT_DB, 10 * Math.log10(signal / noise)));
}
