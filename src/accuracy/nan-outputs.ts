/**
 * NaN in the outputs being scored. Scoring counts a NaN as a wrong answer, which is right for
 * one sample but hides a broken model: an FP32 model whose outputs were all NaN scored 0%, and the
 * INT8 model then "gained" 53 points against it. So:
 * - the FP32 reference outputting NaN is bad input: there is nothing to compare with (its weights
 *   and the data were checked finite, so the model computes it: a log or square root of a
 *   negative, a division by zero, an overflow);
 * - an INT8 model outputting NaN where FP32 does not is a failed run, with the count, which the
 *   gate fails whatever the accuracy numbers say.
 */
import type { HostTensor } from '../data/types.js';
import { BadInputError } from '../errors.js';
import { nonFiniteValues } from '../model/non-finite.js';
import { bytesOf } from '../model/tensor.js';

/** Samples of a batch whose output holds a NaN, and the first of them (in the batch). */
export function samplesWithNaN(output: HostTensor, samples: number): { count: number; first: number } {
  const bytes = bytesOf(output.data);
  const per = bytes.byteLength / Math.max(1, samples);
  let count = 0;
  let first = -1;
  for (let s = 0; s < samples; s++) {
    const found = nonFiniteValues(output.dataType, bytes.subarray(s * per, (s + 1) * per));
    if (!found || found.nan === 0) continue;
    if (count++ === 0) first = s;
  }
  return { count, first };
}

/** Throws BadInputError when FP32's output of a batch holds a NaN. */
export function requireNumericReference(output: HostTensor, name: string, batch: { start: number; size: number }, model: string): void {
  const { count, first } = samplesWithNaN(output, batch.size);
  if (count === 0) return;
  throw new BadInputError(
    `the FP32 model ${model} outputs NaN in '${name}' for sample ${batch.start + first} (${count} of the ${batch.size} samples from ${batch.start}); INT8 cannot be compared with it`,
    'find the op that produces it (a log or square root of a negative, a division by zero, an overflow) on these inputs, and fix the model or the data',
  );
}

/** Counts, per candidate model, the samples whose output held NaN (FP32's never does by then). */
export class NanOutputCount {
  private samples = 0;

  add(output: HostTensor, size: number): void {
    this.samples += samplesWithNaN(output, size).count;
  }

  /** The failed run's reason, or null when the candidate never output NaN. */
  reason(model: string, output: string, scored: number): string | null {
    return this.samples === 0 ? null : `${model} outputs NaN in '${output}' on ${this.samples} of ${scored} samples where FP32 does not`;
  }
}
