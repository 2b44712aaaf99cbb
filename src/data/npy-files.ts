/**
 * Samples from .npy files read in place: each file's header once when the data set opens, then
 * positional reads of exactly the samples a batch needs, straight into the batch's buffer, a few
 * files at a time. A file that continues into the next batch stays open.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { BadInputError } from '../errors.js';
import { msg, type Label } from '../message.js';
import { mapBounded } from './bounded.js';
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
export async function openDataFile(path: string, what: Label): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInputError(
      msg`${what} ${path}: cannot be read (${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message})`,
      code === 'ENOENT' ? 'check the path; the folder changed while quantgate read it' : 'make the file readable by the user quantgate runs as',
      { cause: error },
    );
  }
}

/** The header of a .npy file, checked against the file's size (a truncated file is bad input). */
export async function readNpyFileHeader(path: string, what: Label): Promise<NpyHeader> {
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

export function npyFilesColumn(input: DataSetInput, segments: readonly NpySegment[], what: Label): Column {
  return { ...input, open: () => new NpyCursor(segments, sampleBytes(input.dataType, input.sampleDims), what) };
}

/** Files read at once within a batch: reads from the page cache scale to about four. */
const READS_IN_FLIGHT = 4;

/** Part of a batch that comes from one file. */
interface Piece {
  segment: NpySegment;
  /** First sample within the file. */
  from: number;
  count: number;
  /** Byte offset in the batch's buffer. */
  offset: number;
}

class NpyCursor implements Cursor {
  private index = 0;
  /** First sample of segment `index`. */
  private base = 0;
  /** The file a large .npy's next batch continues in, kept open between batches. */
  private open: { segment: NpySegment; handle: FileHandle } | undefined;

  constructor(
    private readonly segments: readonly NpySegment[],
    private readonly sampleBytes: number,
    private readonly what: Label,
  ) {}

  async read(first: number, count: number, target: Uint8Array): Promise<void> {
    const pieces = this.piecesOf(first, count);
    const last = pieces[pieces.length - 1]!;
    const continues = last.from + last.count < last.segment.count;
    const previous = this.open;
    let next: typeof this.open;
    await mapBounded(pieces, READS_IN_FLIGHT, async (piece) => {
      const reuse = previous?.segment === piece.segment;
      const handle = reuse ? previous!.handle : await openDataFile(piece.segment.path, this.what);
      const keep = piece === last && continues;
      if (keep) next = { segment: piece.segment, handle };
      try {
        const length = piece.count * this.sampleBytes;
        const got = await readAt(handle, target, piece.offset, length, piece.segment.dataOffset + piece.from * this.sampleBytes);
        if (got < length) {
          throw new BadInputError(msg`${this.what} ${piece.segment.path}: the file got shorter while quantgate read it`, 'leave the data files alone while quantgate runs');
        }
      } finally {
        if (!keep && !reuse) await handle.close().catch(() => undefined);
      }
    }).finally(async () => {
      this.open = next;
      if (previous && previous.handle !== next?.handle) await previous.handle.close().catch(() => undefined);
    });
  }

  /** The files a batch's samples come from; reads come in order, so the segment only moves forward. */
  private piecesOf(first: number, count: number): Piece[] {
    const pieces: Piece[] = [];
    let sample = first;
    while (sample < first + count) {
      while (sample >= this.base + this.segments[this.index]!.count) this.base += this.segments[this.index++]!.count;
      const segment = this.segments[this.index]!;
      const n = Math.min(first + count - sample, this.base + segment.count - sample);
      pieces.push({ segment, from: sample - this.base, count: n, offset: (sample - first) * this.sampleBytes });
      sample += n;
    }
    return pieces;
  }

  async close(): Promise<void> {
    await this.open?.handle.close().catch(() => undefined);
    this.open = undefined;
  }
}
