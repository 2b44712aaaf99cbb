/**
 * ONNX external data: tensors whose bytes live in a file beside the model (models over 2 GB must
 * use it, protobuf being limited to 2 GB). The `location` comes from the model file, which may be
 * hostile: a location that is absolute, has a `..` segment, or resolves (through symlinks) outside
 * the model's folder is refused before anything is read (ONNX's own CVE-2022-25882 and
 * CVE-2024-27318 were such path traversals).
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep, win32 } from 'node:path';
import { TensorProto_DataLocation, type ModelProto, type TensorProto } from 'onnx-buf';
import { BadInputError } from '../errors.js';
import { forEachTensor } from './walk.js';

export interface ExternalRef {
  /** The location as written in the model, relative to the model's folder. */
  location: string;
  offset: number;
  /** Byte length; null when the model leaves it to be computed from the shape. */
  length: number | null;
  checksum: string | null;
}

export function isExternal(tensor: TensorProto): boolean {
  return tensor.dataLocation === TensorProto_DataLocation.EXTERNAL;
}

/** Reads a tensor's external_data entries; throws BadInputError on malformed ones. */
export function externalRef(tensor: TensorProto, modelPath: string): ExternalRef {
  const entries = new Map(tensor.externalData.map((e) => [e.key, e.value]));
  const location = entries.get('location');
  const bad = (what: string) =>
    new BadInputError(
      `${modelPath}: tensor '${tensor.name}' is stored as external data, but ${what}`,
      'export the model again (onnx.save with save_as_external_data=True writes valid entries)',
    );
  if (!location) throw bad("its external_data has no 'location'");
  const integer = (key: string): number | null => {
    const raw = entries.get(key);
    if (raw === undefined) return null;
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw bad(`its '${key}' is '${raw}', not a byte count`);
    return Number(raw);
  };
  return { location, offset: integer('offset') ?? 0, length: integer('length'), checksum: entries.get('checksum') ?? null };
}

/**
 * The file a location names, after checking that it stays inside `modelDir`. Throws
 * BadInputError for an absolute path, a `..` segment, a missing file, or a symlink that leads out.
 */
export function resolveExternalLocation(modelDir: string, location: string, modelPath: string, tensorName: string): string {
  const refuse = (why: string) =>
    new BadInputError(
      `${modelPath}: tensor '${tensorName}' points at external data '${location}', which ${why}; ` +
        'quantgate only reads external data inside the model\'s own folder',
      "keep the model's .data files in the model's folder and save it with relative locations " +
        '(Python: onnx.save(model, path, save_as_external_data=True, location="model.onnx.data"))',
    );
  if (location.includes('\0')) throw refuse('contains a NUL byte');
  if (isAbsolute(location) || win32.isAbsolute(location)) throw refuse('is an absolute path');
  if (location.split(/[\\/]/).includes('..')) throw refuse("has a '..' segment");
  const candidate = join(modelDir, location);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw new BadInputError(
      `${modelPath}: tensor '${tensorName}' is stored in external data file '${location}', which does not exist in ${modelDir}`,
      "copy the model's external data file(s) next to the .onnx file",
    );
  }
  const root = realpathSync(modelDir);
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep)[0] === '..') throw refuse(`resolves to ${real}, outside the model's folder`);
  if (!statSync(real).isFile()) throw refuse('is not a regular file');
  return real;
}

/**
 * Checks every external-data reference in the model before anything is read. Returns the set of
 * files referenced (resolved), for hashing and copying.
 */
export function checkExternalData(model: ModelProto, modelDir: string, modelPath: string): Map<string, string> {
  const files = new Map<string, string>();
  forEachTensor(model, (tensor) => {
    if (!isExternal(tensor)) return;
    const ref = externalRef(tensor, modelPath);
    if (!files.has(ref.location)) files.set(ref.location, resolveExternalLocation(modelDir, ref.location, modelPath, tensor.name));
  });
  return files;
}

/**
 * Reads byte ranges of external data files by position, keeping the files open until `close()`.
 * Reads go through positioned `read`, so files and offsets over 2 GB work and nothing beyond
 * the asked range is loaded.
 */
export class ExternalDataReader {
  private readonly fds = new Map<string, { fd: number; size: number }>();

  open(file: string): { fd: number; size: number } {
    let entry = this.fds.get(file);
    if (!entry) {
      const fd = openSync(file, 'r');
      entry = { fd, size: fstatSync(fd).size };
      this.fds.set(file, entry);
    }
    return entry;
  }

  /** Reads [offset, offset + length) of `file` into a new buffer. */
  read(file: string, offset: number, length: number, what: string): Uint8Array {
    const { fd, size } = this.open(file);
    if (offset + length > size) {
      throw new BadInputError(
        `${what}: needs bytes ${offset}..${offset + length} of ${file}, which has only ${size} bytes (truncated?)`,
        'copy the external data file again; it must be the one saved with the model',
      );
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, Math.min(length - done, 1 << 30), offset + done);
      if (n === 0) throw new Error(`unexpected end of ${file} at ${offset + done}`);
      done += n;
    }
    return out;
  }

  close(): void {
    for (const { fd } of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}
