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
    if (typeof scores === 'object') return scores.name;
    const declared = outputs.filter((o): o is TensorSignature => typeof o !== 'string');
    // Every output's type is known and none holds scores (skl2onnx's ZipMap classifiers: an int64
    // label and a sequence of maps): each INT8 row would fail on it, so say it before anything runs.
    if (declared.length === outputs.length) {
      throw new BadInputError(
        `the model has no floating-point output to score accuracy on (its outputs: ${declared.map((o) => `'${o.name}' (${o.dtype})`).join(', ')})`,
        msg`export the class scores as a float tensor (skl2onnx: options={'zipmap': False}), or name the output to score with ${opt('output')}`,
      );
    }
    return names[0]!;
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
