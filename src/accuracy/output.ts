/**
 * Which of the model's outputs accuracy is scored on: the one named by --output, else the first
 * floating-point one (scores), else the first. Classifiers from skl2onnx and onnxmltools put the
 * int64 `label` first and the probabilities second.
 */
import { closest } from '../config/suggest.js';
import { BadInputError } from '../errors.js';
import { msg, opt, setting } from '../message.js';
import { formatShape, type TensorSignature } from '../model/signature.js';

const FLOAT_DTYPES = new Set(['float32', 'float16', 'bfloat16', 'float64']);

/** The name of the output to score. `outputs` as the model declares them (names or signatures). */
export function selectOutput(outputs: readonly (string | TensorSignature)[], requested?: string): string {
  const names = outputs.map((o) => (typeof o === 'string' ? o : o.name));
  if (names.length === 0) {
    throw new BadInputError('the model declares no outputs, so there is nothing to score', 're-export the model with its outputs listed in the graph');
  }
  if (requested === undefined) {
    const scores = outputs.find((o) => typeof o !== 'string' && FLOAT_DTYPES.has(o.dtype));
    return typeof scores === 'object' ? scores.name : names[0]!;
  }
  if (names.includes(requested)) return requested;
  const listed = outputs
    .map((o) => (typeof o === 'string' ? `'${o}'` : `'${o.name}' (${o.dtype} ${formatShape(o.shape)})`))
    .join(', ');
  const guess = closest(requested, names);
  throw new BadInputError(
    msg`${opt('output')} is '${requested}', but the model has no output of that name; its outputs are ${listed}`,
    guess ? msg`did you mean ${setting('output', guess)}? Pass one of the model's output names` : msg`pass one of the model's output names with ${opt('output')} (or leave it out to score the first)`,
  );
}
