/**
 * The stored values of a model's tensors, checked when it is read: each tensor holds exactly the
 * values its dims claim (an initializer claiming 180 G values while holding 128 bytes made
 * `inspect` count 180 G parameters and ONNX Runtime fail deep inside a run), and the float
 * weights are numbers. One NaN weight made an FP32 model output NaN everywhere, and the gate then
 * compared INT8 against a reference that scored 0%.
 *
 * NaN is refused in every float tensor. Infinity is refused in the weights and biases of the ops
 * the quantizer puts in INT8, whose scales it would make infinite; elsewhere it has honest uses
 * (an attention mask of −∞ added before a Softmax).
 */
import { statSync } from 'node:fs';
import type { ModelProto, TensorProto } from 'onnx-buf';
import { BadInputError } from '../errors.js';
import { msg, type Label } from '../message.js';
import { DataType, dtypeInfo, packedByteLength } from './dtypes.js';
import { externalRef, isExternal } from './external-data.js';
import type { OnnxModel } from './model.js';
import { elementCount } from './tensor.js';
import { nonFiniteValues } from './non-finite.js';
import { forEachTensor } from './walk.js';

/** Inputs of the INT8 ops that hold weights and biases: the tensors quantization scales. */
const WEIGHT_INPUTS: Record<string, readonly number[]> = { Conv: [1, 2], ConvTranspose: [1, 2], Gemm: [1, 2], MatMul: [1] };

const REEXPORT = 'export the model again; its file was damaged or written by a tool that got the tensor wrong';
const FINITE_FIX =
  'the weights must be finite: find where training or the export produced NaN or infinity (a diverged run, a division by zero folded into a constant) and export again';

/** "initializer 'w'" for the main graph; the scope's full path inside subgraphs and functions. */
function where(scope: string): string {
  return scope.replace(/^graph\//, '');
}

/** The values a tensor stores, in the unit its storage counts; null where no count applies. */
function stored(tensor: TensorProto): { have: number; need: number; unit: 'bytes' | 'values'; atLeast: boolean } | null {
  const count = elementCount(tensor.dims);
  const info = dtypeInfo(tensor.dataType);
  if (tensor.rawData.byteLength > 0) {
    const need = packedByteLength(tensor.dataType, count);
    return need === null ? null : { have: tensor.rawData.byteLength, need, unit: 'bytes', atLeast: false };
  }
  const complex = tensor.dataType === DataType.COMPLEX64 || tensor.dataType === DataType.COMPLEX128 ? 2 : 1;
  switch (info.storage) {
    case 'stringData':
      return { have: tensor.stringData.length, need: count, unit: 'values', atLeast: false };
    case 'floatData':
      return { have: tensor.floatData.length, need: count * complex, unit: 'values', atLeast: false };
    case 'doubleData':
      return { have: tensor.doubleData.length, need: count * complex, unit: 'values', atLeast: false };
    case 'int64Data':
      return { have: tensor.int64Data.length, need: count, unit: 'values', atLeast: false };
    case 'uint64Data':
      return { have: tensor.uint64Data.length, need: count, unit: 'values', atLeast: false };
    case 'int32Data':
      if (info.bits === null) return null;
      // Sub-byte types are packed into the int32 entries in more than one way; demand the packed bytes at least.
      return info.bits >= 8
        ? { have: tensor.int32Data.length, need: count, unit: 'values', atLeast: false }
        : { have: tensor.int32Data.length, need: packedByteLength(tensor.dataType, count)!, unit: 'values', atLeast: true };
  }
}

function checkStoredSize(model: OnnxModel, tensor: TensorProto, scope: string, label: Label): void {
  const name = msg`${label}: ${where(scope)}`;
  if (tensor.dims.some((d) => d < 0n)) throw new BadInputError(msg`${name}: has a negative dimension (${tensor.dims.join('×')})`, REEXPORT);
  const count = elementCount(tensor.dims);
  const claim = `its dims ${tensor.dims.join('×') || '(scalar)'} claim ${count} values`;
  if (isExternal(tensor)) {
    const ref = externalRef(tensor, model.path);
    const need = ref.length ?? packedByteLength(tensor.dataType, count);
    const file = model.externalFiles.get(ref.location);
    if (need === null || !file) return;
    const expected = packedByteLength(tensor.dataType, count);
    if (expected !== null && ref.length !== null && ref.length !== expected) {
      throw new BadInputError(msg`${name}: ${claim} (${expected} bytes), but its external data length is ${ref.length} bytes`, REEXPORT);
    }
    const size = statSync(file).size;
    if (ref.offset + need > size) {
      throw new BadInputError(msg`${name}: ${claim}, which needs bytes ${ref.offset}..${ref.offset + need} of ${file}, which holds ${size}`, `${REEXPORT}, or copy its external data file again whole`);
    }
    return;
  }
  const s = stored(tensor);
  if (!s || s.have === s.need || (s.atLeast && s.have >= s.need)) return;
  const bytes = packedByteLength(tensor.dataType, count);
  throw new BadInputError(msg`${name}: ${claim}${bytes !== null ? ` (${bytes} bytes)` : ''}, but it holds ${s.have} ${s.unit}`, REEXPORT);
}

function weightNames(proto: ModelProto): Set<string> {
  const names = new Set<string>();
  for (const n of proto.graph?.node ?? []) for (const k of WEIGHT_INPUTS[n.opType] ?? []) if (n.input[k]) names.add(n.input[k]!);
  return names;
}

function checkFinite(model: OnnxModel, tensor: TensorProto, scope: string, label: Label, isWeight: boolean): void {
  const info = dtypeInfo(tensor.dataType);
  // Strings (and types without a fixed width) hold no floats to check.
  if (info.bits === null) return;
  const size = info.bits / 8;
  const totals = { nan: 0, inf: 0, firstNan: -1, firstInf: -1 };
  let index = 0;
  for (const chunk of model.tensorChunks(tensor)) {
    const found = nonFiniteValues(tensor.dataType, chunk, index);
    if (!found) return;
    if (found.nan > 0 && totals.nan === 0) totals.firstNan = found.firstNan;
    if (found.inf > 0 && totals.inf === 0) totals.firstInf = found.firstInf;
    totals.nan += found.nan;
    totals.inf += found.inf;
    index += chunk.byteLength / size;
  }
  const inf = isWeight ? totals.inf : 0;
  if (totals.nan === 0 && inf === 0) return;
  const parts: string[] = [];
  if (totals.nan > 0) parts.push(`${totals.nan} NaN ${totals.nan === 1 ? 'value' : 'values'} (first at index ${totals.firstNan})`);
  if (inf > 0) parts.push(`${inf} infinite ${inf === 1 ? 'value' : 'values'} (first at index ${totals.firstInf})`);
  throw new BadInputError(msg`${label}: ${where(scope)} holds ${parts.join(' and ')}${inf > 0 ? ', and it is a weight of an op quantgate quantizes' : ''}`, FINITE_FIX);
}

/** Throws BadInputError for the first tensor whose storage or values are wrong. */
export function checkInitializers(model: OnnxModel, label: Label): void {
  const weights = weightNames(model.proto);
  forEachTensor(model.proto, (tensor, scope) => {
    checkStoredSize(model, tensor, scope, label);
    checkFinite(model, tensor, scope, label, scope.startsWith('graph/initializer') && weights.has(tensor.name));
  });
}
