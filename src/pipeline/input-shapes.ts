/**
 * The shapes each dynamic input of the model takes over a run (backend.ts InputShapes): the
 * accuracy stage's batches (the evaluation batch, and a smaller last one) and every timed batch
 * size, the other dimensions as the data gives them. A backend that builds for shapes (TensorRT's
 * optimisation profile) builds for these; opt is the largest timed batch, where throughput is
 * measured. Inputs the model fixes entirely are left out.
 */
import type { DataSetInput } from '../data/types.js';
import type { TensorSignature } from '../model/signature.js';
import type { InputShapes } from '../runtime/backend.js';

export interface BatchPlan {
  batchSizes: readonly number[];
  evaluationBatch: number;
  /** The batch the model fixes on axis 0, if it does. */
  fixedBatch?: number;
}

export function inputShapes(inputs: readonly TensorSignature[], data: readonly DataSetInput[], plan: BatchPlan): InputShapes {
  const shapes: InputShapes = {};
  const largest = Math.max(...plan.batchSizes);
  for (const input of inputs) {
    const dynamic = input.shape === null || input.shape.some((d) => typeof d !== 'number');
    const sample = data.find((d) => d.name === input.name)?.sampleDims;
    if (!dynamic || !sample) continue;
    if (plan.fixedBatch !== undefined) {
      const fixed = [plan.fixedBatch, ...sample];
      shapes[input.name] = { min: fixed, opt: fixed, max: fixed };
      continue;
    }
    shapes[input.name] = { min: [1, ...sample], opt: [largest, ...sample], max: [Math.max(largest, plan.evaluationBatch), ...sample] };
  }
  return shapes;
}
