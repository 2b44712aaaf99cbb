/**
 * Samples from .npy files read in place: each file's header once when the data set opens, then
 * positional reads of exactly the samples a batch needs, straight into the batch's buffer. One
 * file is open at a time.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { BadInputError } from '../errors.js';
import type { Column, Cursor } from './column.js';
import { isNpyProblem, npyDataOffset, npyProblemError, NPY_PRELUDE_BYTES, parseNpyHeader, type NpyHeader } from './npy.js';
import { sampleBytes } from './shapes.js';
import type { DataSetInput } from './types.js';

/** Reads `length` bytes at `position` into `target` at `offset`; returns how many there were. */
export async function readAt(handle: FileHandle, target: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(target, offset + done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Opens a data file, turning "no such file" and "permission denied" into bad input. */
export async function openDataFile(path: string, what: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInputError(
      `${what} ${path}: cannot be read (${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message})`,
      code === 'ENOENT' ? 'check the path; the folder changed while quantgate read it' : 'make the file readable by the user quantgate runs as',
      { cause: error },
    );
  }
}

/** The header of a .npy file, checked against the file's size (a truncated file is bad input). */
export async function readNpyFileHeader(path: string, what: string): Promise<NpyHeader> {
  const location = { kind: 'npy' as const, path };
  const handle = await openDataFile(path, what);
  try {
    const { size } = await handle.stat();
    const prelude = new Uint8Array(Math.min(NPY_PRELUDE_BYTES, size));
    await readAt(handle, prelude, 0, prelude.byteLength, 0);
    const dataOffset = npyDataOffset(prelude);
    if (isNpyProblem(dataOffset)) throw npyProblemError(what, location, dataOffset);
    const bytes = new Uint8Array(Math.min(dataOffset, size));
    await readAt(handle, bytes, 0, bytes.byteLength, 0);
    const header = parseNpyHeader(bytes);
    if (isNpyProblem(header)) throw npyProblemError(what, location, header);
    if (size < header.dataOffset + header.dataBytes) {
      throw npyProblemError(what, location, { kind: 'truncated', have: size, need: header.dataOffset + header.dataBytes });
    }
    return header;
  } finally {
    await handle.close();
  }
}

/** A run of samples in one file: `count` samples starting at byte `dataOffset`. */
export interface NpySegment {
  path: string;
  dataOffset: number;
  count: number;
}

export function npyFilesColumn(input: DataSetInput, segments: readonly NpySegment[], what: string): Column {
  return { ...input, open: () => new NpyCursor(segments, sampleBytes(input.dataType, input.sampleDims), what) };
}

class NpyCursor implements Cursor {
  private index = 0;
  /** First sample of segment `index`. */
  private base = 0;
  private handle: FileHandle | undefined;
  private handlePath: string | undefined;

  constructor(
    private readonly segments: readonly NpySegment[],
    private readonly sampleBytes: number,
    private readonly what: string,
  ) {}

  async read(first: number, count: number, target: Uint8Array): Promise<void> {
    let sample = first;
    let offset = 0;
    while (sample < first + count) {
      // Reads come in order, so the segment only ever moves forward.
      while (sample >= this.base + this.segments[this.index]!.count) this.base += this.segments[this.index++]!.count;
      const segment = this.segments[this.index]!;
      const n = Math.min(first + count - sample, this.base + segment.count - sample);
      const length = n * this.sampleBytes;
      const handle = await this.handleFor(segment.path);
      const got = await readAt(handle, target, offset, length, segment.dataOffset + (sample - this.base) * this.sampleBytes);
      if (got < length) {
        throw new BadInputError(`${this.what} ${segment.path}: the file got shorter while quantgate read it`, 'leave the data files alone while quantgate runs');
      }
      sample += n;
      offset += length;
    }
  }

  private async handleFor(path: string): Promise<FileHandle> {
    if (this.handlePath !== path) {
      await this.handle?.close();
      this.handle = undefined;
      this.handle = await openDataFile(path, this.what);
      this.handlePath = path;
    }
    return this.handle!;
  }

  async close(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }
}
