/**
 * Top-1 and top-5 accuracy of one model against integer labels, fed one batch of outputs at a
 * time. Keeps a byte a sample (SampleOutcomes), never the outputs.
 *
 * Labels give one class per sample, so the scored output must have one position per sample
 * ([N, C], or [N, C, 1, 1]...). A one-channel output ([N, 1] or [N]) is a binary classifier:
 * it predicts 1 above the threshold, and its labels are 0 or 1. Top-5 is null below 5 classes
 * (it would be 100% by construction). A sample whose scores hold a NaN is wrong for both.
 */
import type { HostTensor, Labels } from '../data/types.js';
import { BadInputError } from '../errors.js';
import { msg, opt } from '../message.js';
import { type ClassLayout, classLayout, positionsPerSample, type ScoringOptions, scoresOf } from './layout.js';
import { SampleOutcomes } from './outcomes.js';
import { DEFAULT_THRESHOLD, argmaxRow, inTopK, NO_PREDICTION } from './predict.js';

export interface LabelledScore {
  samples: number;
  /** Percent of samples whose top-1 class is the label (0–100). */
  top1: number;
  /** Percent whose label is among the 5 best; null with fewer than 5 classes. */
  top5: number | null;
  classes: number;
  classAxis: number;
  /** Samples whose scores held a NaN (counted wrong). */
  nanSamples: number;
  /** Per-sample outcomes, for pairing with another model (`accuracyLoss`). */
  outcomes: SampleOutcomes;
}

export class LabelledScorer {
  private readonly outcomes = new SampleOutcomes();
  private layout: ClassLayout | undefined;
  private top1Right = 0;
  private top5Right = 0;
  private nanSamples = 0;

  constructor(
    private readonly labels: Labels,
    private readonly options: ScoringOptions,
  ) {}

  /** Scores one batch of the output; `start` is the batch's first sample in the data set. */
  add(output: HostTensor, batch: { start: number; size: number }): void {
    const name = this.options.output;
    const layout = classLayout(name, output.dims, batch.size, this.options.classAxis);
    this.checkLayout(layout, output.dims);
    const values = scoresOf(name, output);
    const { classes } = layout;
    const threshold = this.options.threshold ?? DEFAULT_THRESHOLD;
    for (let s = 0; s < batch.size; s++) {
      const index = batch.start + s;
      const label = this.labelOf(index, classes);
      let top1: boolean;
      let top5: boolean;
      if (classes === 1) {
        const v = values[s]!;
        top1 = v === v && (v > threshold ? 1 : 0) === label;
        top5 = false;
        if (v !== v) this.nanSamples++;
      } else {
        const predicted = argmaxRow(values, s * classes, classes);
        if (predicted === NO_PREDICTION) this.nanSamples++;
        top1 = predicted === label;
        top5 = classes >= 5 && (top1 || inTopK(values, s * classes, classes, label, 5));
      }
      this.outcomes.record(index, top1, top5);
      if (top1) this.top1Right++;
      if (top5) this.top5Right++;
    }
  }

  result(): LabelledScore {
    const samples = this.outcomes.count;
    if (samples === 0 || !this.layout) throw new Error('no samples were scored');
    if (this.outcomes.length !== samples) throw new Error(`samples up to ${this.outcomes.length} were scored with gaps (${samples} scored)`);
    const { classes, classAxis } = this.layout;
    return {
      samples,
      top1: (100 * this.top1Right) / samples,
      top5: classes >= 5 ? (100 * this.top5Right) / samples : null,
      classes,
      classAxis,
      nanSamples: this.nanSamples,
      outcomes: this.outcomes,
    };
  }

  private checkLayout(layout: ClassLayout, dims: readonly number[]): void {
    const name = this.options.output;
    const positions = positionsPerSample(layout);
    if (positions !== 1) {
      throw new BadInputError(
        `output '${name}' (shape ${dims.join('×')}, class axis ${layout.classAxis}) has ${positions} positions per sample, but labels give one class per sample`,
        msg`score a classification output ([batch, classes]) with ${opt('output')}, or leave out ${opt('labels')} to score fidelity against FP32 at every position`,
      );
    }
    if (this.layout && this.layout.classes !== layout.classes) {
      throw new Error(`output '${name}' changed from ${this.layout.classes} to ${layout.classes} classes between batches`);
    }
    this.layout = layout;
  }

  private labelOf(index: number, classes: number): number {
    const { values, source } = this.labels;
    if (index >= values.length) {
      throw new BadInputError(
        `labels ${source}: ${values.length} label${values.length === 1 ? '' : 's'}, but the evaluation data has more samples (sample ${index} has none)`,
        'give exactly one label per evaluation sample, in the same order',
      );
    }
    const label = values[index]!;
    const count = classes === 1 ? 2 : classes;
    if (label < 0 || label >= count) {
      throw new BadInputError(
        `labels ${source}: label ${label} of sample ${index} is outside the ${count} classes of output '${this.options.output}' (0 to ${count - 1})`,
        msg`give labels that count classes from 0 in the order of the model's output, or score another output with ${opt('output')}`,
      );
    }
    return label;
  }
}
