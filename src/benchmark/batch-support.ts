/**
 * Whether a model can run a batch size as it is. A fixed batch dimension is never rewritten:
 * the model says what it accepts (changing it can break reshapes inside the graph, and the
 * numbers would no longer describe the file the user ships), so other sizes become skipped rows
 * with this reason.
 */
import { formatShape, type ModelSignature } from '../model/signature.js';

export interface BatchSupport {
  supported: boolean;
  /** Why not (null when supported): the skipped row's reason. */
  reason: string | null;
}

export function batchSupport(signature: Pick<ModelSignature, 'inputs'>, batch: number): BatchSupport {
  for (const input of signature.inputs) {
    // No shape at all: the model does not say, so ONNX Runtime will be the judge.
    if (input.shape === null) continue;
    if (input.shape.length === 0) {
      if (batch === 1) continue;
      return { supported: false, reason: `input '${input.name}' is a scalar, so it has no batch axis: only batch 1 runs` };
    }
    const first = input.shape[0];
    if (typeof first === 'number' && first !== batch) {
      return {
        supported: false,
        reason:
          `input '${input.name}' has a fixed batch dimension of ${first} (${formatShape(input.shape)}); ` +
          `quantgate does not rewrite it: export the model with a dynamic batch axis to benchmark batch ${batch}`,
      };
    }
  }
  return { supported: true, reason: null };
}
