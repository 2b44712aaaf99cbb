/**
 * A copy of a model to edit, sharing the weights' bytes with the original. protobuf-es's `clone`
 * copies every byte string, so each edited copy of a 100 MB model (the quantizer makes several:
 * the prepared graph, one per flavour, the calibration graphs) cost another 100 MB. Nothing in
 * quantgate writes into a tensor's bytes: edits replace tensors, or swap a field's value for a
 * moment and restore it (writeModel), so the bytes can be shared safely.
 *
 * Every message object, list and oneof is copied; own properties only, with the same prototype,
 * so that proto2 field presence (fields set vs defaults on the prototype) is kept exactly.
 */
import type { ModelProto } from 'onnx-buf';

function copy(value: unknown): unknown {
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(copy);
  if (value !== null && typeof value === 'object') {
    const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
    for (const key of Object.keys(value)) out[key] = copy((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function cloneModel(model: ModelProto): ModelProto {
  return copy(model) as ModelProto;
}

/** A copy of one message of a model (a Constant's tensor, a node) sharing its bytes, as cloneModel does. */
export function cloneMessage<T extends object>(message: T): T {
  return copy(message) as T;
}
