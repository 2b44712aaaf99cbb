/**
 * Input data must be numbers: a sample holding NaN or infinity has no meaning to calibrate on or
 * to score (evaluation data that was half NaN once passed the gate without a word). Every batch
 * of a float input is checked as it is read, so a data set is never read twice for it.
 */
import { BadInputError } from '../errors.js';
import { nonFiniteValues } from '../model/non-finite.js';
import { bytesOf } from '../model/tensor.js';
import type { HostTensor } from './types.js';

/** Throws BadInputError naming the first sample of the batch that holds NaN or infinity. */
export function requireFiniteSamples(tensor: HostTensor, input: string, firstSample: number, source: string): void {
  const found = nonFiniteValues(tensor.dataType, bytesOf(tensor.data));
  if (!found || (found.nan === 0 && found.inf === 0)) return;
  const perSample = tensor.data.length / (tensor.dims[0] || 1);
  const nanFirst = found.nan > 0 && (found.inf === 0 || found.firstNan < found.firstInf);
  const index = nanFirst ? found.firstNan : found.firstInf;
  const what = nanFirst ? 'NaN' : 'an infinite value';
  throw new BadInputError(
    `${source}: sample ${firstSample + Math.floor(index / perSample)} of input '${input}' holds ${what} (samples count from 0)`,
    "every value a model takes must be finite: find how those samples were made, or keep only the finite ones (numpy: a[np.isfinite(a).reshape(len(a), -1).all(axis=1)])",
  );
}
