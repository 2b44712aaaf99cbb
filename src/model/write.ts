/**
 * Writing ONNX models: streamed to disk chunk by chunk (the weights are never copied into one
 * buffer), atomically (a temporary file renamed into place), with weights moved to an external
 * data file when the source model used one or the protobuf would pass its 2 GiB limit.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { ModelProtoSchema, StringStringEntryProtoSchema, TensorProto_DataLocation, type ModelProto, type TensorProto } from 'onnx-buf';
import { DataType, packedByteLength } from './dtypes.js';
import { encodeChunks } from './encode.js';
import { isExternal } from './external-data.js';
import type { OnnxModel } from './model.js';
import { elementCount, inlineByteLength, inlineTensorBytes } from './tensor.js';
import { forEachTensor } from './walk.js';

export interface WriteOptions {
  /**
   * `auto` (default): external data when the source had some or the weights pass 1.5 GiB;
   * `always`: every tensor of at least `threshold` bytes goes to `<file>.data`; `never`: all inline.
   */
  externalData?: 'auto' | 'always' | 'never';
  /** Tensors smaller than this stay inline when external data is written (ONNX's default: 1 KiB). */
  threshold?: number;
}

const AUTO_EXTERNAL_BYTES = 1.5 * 2 ** 30;
/** External tensors start at page boundaries, so runtimes can memory-map them. */
const ALIGN = 4096;

/** Where one tensor's bytes come from when the external data file is written. */
interface Placement {
  tensor: TensorProto;
  offset: number;
  length: number;
}

/**
 * Writes `proto` to `path`. `source` is the model that external tensors in `proto` refer to
 * (their data is copied from its files); it may be omitted when nothing is external.
 * Returns the files written.
 */
export function writeModel(proto: ModelProto, path: string, source?: OnnxModel, options: WriteOptions = {}): string[] {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const placements = planExternal(proto, options);
  const dataName = `${basename(target)}.data`;
  const written: string[] = [];

  if (placements.length > 0) {
    const dataPath = `${target}.data`;
    writeAtomically(dataPath, (fd) => {
      let position = 0;
      for (const p of placements) {
        if (p.offset > position) writeAll(fd, new Uint8Array(p.offset - position));
        if (isExternal(p.tensor)) for (const chunk of requireSource(source, p.tensor).tensorChunks(p.tensor)) writeAll(fd, chunk);
        else writeAll(fd, inlineTensorBytes(p.tensor));
        position = p.offset + p.length;
      }
    });
    written.push(dataPath);
  }

  // Point the tensors at the new file only while encoding, then restore them: the caller's
  // model must stay as it was (it may be written again, elsewhere).
  const restores: (() => void)[] = [];
  let chunks: Uint8Array[];
  try {
    for (const p of placements) {
      restores.push(
        pointAtDataFile(p.tensor, [
          create(StringStringEntryProtoSchema, { key: 'location', value: dataName }),
          create(StringStringEntryProtoSchema, { key: 'offset', value: String(p.offset) }),
          create(StringStringEntryProtoSchema, { key: 'length', value: String(p.length) }),
        ]),
      );
    }
    chunks = encodeChunks(ModelProtoSchema, proto);
  } finally {
    for (const restore of restores) restore();
  }
  writeAtomically(target, (fd) => {
    for (const chunk of chunks) writeAll(fd, chunk);
  });
  written.unshift(target);
  return written;
}

function requireSource(source: OnnxModel | undefined, tensor: TensorProto): OnnxModel {
  if (!source) throw new Error(`tensor '${tensor.name}' is external but no source model was given to copy it from`);
  return source;
}

/** Every field a tensor's values can be in, inline or external. */
const VALUE_FIELDS = ['rawData', 'floatData', 'int32Data', 'int64Data', 'doubleData', 'uint64Data', 'stringData', 'dataLocation', 'externalData'] as const;

/**
 * Empties the tensor's inline value fields and points it at the data file; returns what puts
 * every field back as it was, unset fields unset again (proto2 tells a field set to its default
 * from one never set, and the caller's model must encode as before).
 */
function pointAtDataFile(tensor: TensorProto, entries: TensorProto['externalData']): () => void {
  const fields = tensor as unknown as Record<string, unknown>;
  const saved = VALUE_FIELDS.map((key) => ({ key, own: Object.hasOwn(fields, key), value: fields[key] }));
  delete fields.rawData;
  tensor.floatData = [];
  tensor.int32Data = [];
  tensor.int64Data = [];
  tensor.doubleData = [];
  tensor.uint64Data = [];
  tensor.dataLocation = TensorProto_DataLocation.EXTERNAL;
  tensor.externalData = entries;
  return () => {
    for (const { key, own, value } of saved) {
      if (own) fields[key] = value;
      else delete fields[key];
    }
  };
}

/** Bytes of the tensor's values, wherever they are stored (strings: the sum of their lengths). */
function tensorByteLength(tensor: TensorProto): number {
  if (isExternal(tensor)) {
    const length = tensor.externalData.find((e) => e.key === 'length')?.value;
    return length !== undefined ? Number(length) : (packedByteLength(tensor.dataType, elementCount(tensor.dims)) ?? 0);
  }
  return inlineByteLength(tensor);
}

function planExternal(proto: ModelProto, options: WriteOptions): Placement[] {
  const mode = options.externalData ?? 'auto';
  const threshold = options.threshold ?? 1024;
  const candidates: TensorProto[] = [];
  let anyExternal = false;
  let totalBytes = 0;
  forEachTensor(proto, (tensor) => {
    const external = isExternal(tensor);
    anyExternal ||= external;
    const length = tensorByteLength(tensor);
    totalBytes += length;
    // Values in raw_data or a typed field (float_data...) move as their packed bytes; strings
    // have no external form, and a tensor without values has nothing to move.
    if (external || (tensor.dataType !== DataType.STRING && length > 0 && length >= threshold)) candidates.push(tensor);
  });
  const externalize = mode === 'always' || (mode === 'auto' && (anyExternal || totalBytes > AUTO_EXTERNAL_BYTES));
  if (mode === 'never' && anyExternal) {
    // Inlining would need the whole model in memory, which is what external data exists to avoid.
    throw new Error("writeModel: externalData 'never' given a model with external tensors; load them inline first");
  }
  if (!externalize) return [];
  const placements: Placement[] = [];
  let offset = 0;
  for (const tensor of candidates) {
    const length = tensorByteLength(tensor);
    offset = Math.ceil(offset / ALIGN) * ALIGN;
    placements.push({ tensor, offset, length });
    offset += length;
  }
  return placements;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done);
}

/** Writes through a temporary file renamed over `path`: readers never see half a model. */
function writeAtomically(path: string, write: (fd: number) => void): void {
  const temporary = `${path}.tmp-${process.pid}`;
  const fd = openSync(temporary, 'w');
  try {
    write(fd);
    closeSync(fd);
    renameSync(temporary, path);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    rmSync(temporary, { force: true });
    throw error;
  }
}
