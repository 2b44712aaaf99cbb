/**
 * Writing ONNX models: streamed to disk chunk by chunk (the weights are never copied into one
 * buffer), atomically (a temporary file renamed into place), with weights moved to an external
 * data file when the source model used one or the protobuf would pass its 2 GiB limit.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { ModelProtoSchema, StringStringEntryProtoSchema, TensorProto_DataLocation, type ModelProto, type TensorProto } from 'onnx-buf';
import { packedByteLength } from './dtypes.js';
import { encodeChunks } from './encode.js';
import { isExternal } from './external-data.js';
import type { OnnxModel } from './model.js';
import { elementCount } from './tensor.js';
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
        else writeAll(fd, p.tensor.rawData);
        position = p.offset + p.length;
      }
    });
    written.push(dataPath);
  }

  // Point the tensors at the new file only while encoding, then restore them: the caller's
  // model must stay as it was (it may be written again, elsewhere).
  const saved = placements.map((p) => ({ p, rawData: p.tensor.rawData, externalData: p.tensor.externalData, location: p.tensor.dataLocation }));
  let chunks: Uint8Array[];
  try {
    for (const { p } of saved) {
      p.tensor.rawData = new Uint8Array(0);
      p.tensor.dataLocation = TensorProto_DataLocation.EXTERNAL;
      p.tensor.externalData = [
        create(StringStringEntryProtoSchema, { key: 'location', value: dataName }),
        create(StringStringEntryProtoSchema, { key: 'offset', value: String(p.offset) }),
        create(StringStringEntryProtoSchema, { key: 'length', value: String(p.length) }),
      ];
    }
    chunks = encodeChunks(ModelProtoSchema, proto);
  } finally {
    for (const s of saved) {
      s.p.tensor.rawData = s.rawData;
      s.p.tensor.externalData = s.externalData;
      s.p.tensor.dataLocation = s.location;
    }
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

function tensorByteLength(tensor: TensorProto): number {
  if (!isExternal(tensor)) return tensor.rawData.byteLength;
  const length = tensor.externalData.find((e) => e.key === 'length')?.value;
  return length !== undefined ? Number(length) : (packedByteLength(tensor.dataType, elementCount(tensor.dims)) ?? 0);
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
    // Only raw_data and external tensors move; typed fields (float_data...) stay as they are.
    if ((external || tensor.rawData.byteLength > 0) && (external || length >= threshold)) candidates.push(tensor);
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
