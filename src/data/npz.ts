/**
 * An .npz archive (np.savez: a zip of `<key>.npy` members, stored or deflated, with zip64
 * records for large arrays) read in place. yauzl reads the central directory and each member's
 * local header; then a stored member is read by position like a .npy file, and a deflated one
 * is inflated as a stream from its start, a batch at a time, never whole.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { BadInputError } from '../errors.js';
import { msg, type Label } from '../message.js';
import { entriesOf } from '../zip/entries.js';
import { pyString } from './location.js';
import type { Column, Cursor } from './column.js';
import { isNpyProblem, npyDataOffset, npyProblemError, NPY_PRELUDE_BYTES, parseNpyHeader, type NpyHeader } from './npy.js';
import { openDataFile, readAt } from './npy-files.js';
import { sampleBytes } from './shapes.js';
import { StreamReader } from './stream-reader.js';
import type { DataSetInput } from './types.js';

const STORED = 0;
const DEFLATED = 8;

/**
 * The most deflate expands its input: 258 bytes per 2-bit code, 1032:1 (zlib's technical details).
 * A member claiming more is lying about its size.
 */
export const MAX_DEFLATE_RATIO = 1032;

export interface NpzMember {
  /** The array's key: the member's name without `.npy`. */
  key: string;
  deflated: boolean;
  /** Byte offset of the member's data in the archive. */
  fileDataStart: number;
  compressedSize: number;
  uncompressedSize: number;
  header: NpyHeader;
}

/** Every array in the archive with its .npy header; anything that is not one is bad input. */
export async function readNpzMembers(path: string, what: Label): Promise<NpzMember[]> {
  const archiveBytes = (await stat(path)).size;
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false }).catch((error: Error) => {
    throw new BadInputError(
      msg`${what} ${path}: not a readable .npz (zip) archive: ${error.message}`,
      `write it with np.savez(${pyString(path)}, **{input_name: array, ...}) (or np.savez_compressed)`,
      { cause: error },
    );
  });
  try {
    const members: NpzMember[] = [];
    const entries = await entriesOf(zip).catch((error: Error) => {
      throw new BadInputError(msg`${what} ${path}: a damaged .npz (zip) archive: ${error.message}`, 'copy or write the archive again (np.savez / np.savez_compressed)', { cause: error });
    });
    for (const entry of entries) {
      if (entry.fileName.endsWith('/')) continue; // a folder entry holds nothing
      const key = entry.fileName.replace(/\.npy$/, '');
      if (key === entry.fileName) {
        throw new BadInputError(
          msg`${what} ${path}: member '${entry.fileName}' is not a .npy array; an .npz holds one .npy per model input`,
          'write the archive with np.savez or np.savez_compressed, which store only arrays',
        );
      }
      if (entry.isEncrypted() || (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED)) {
        throw new BadInputError(
          msg`${what} ${path}: array '${key}' is ${entry.isEncrypted() ? 'encrypted' : `compressed with zip method ${entry.compressionMethod}`}; quantgate reads stored and deflated members`,
          'write the archive with np.savez (stored) or np.savez_compressed (deflated)',
        );
      }
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true }).catch((error: Error) => {
        throw new BadInputError(msg`${what} ${path}: array '${key}' is damaged (${error.message})`, 'copy or write the archive again (np.savez / np.savez_compressed)', { cause: error });
      });
      const member = { key, deflated: entry.compressionMethod === DEFLATED, fileDataStart, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize };
      checkDeclaredSizes(member, archiveBytes, path, what);
      members.push({ ...member, header: await readMemberHeader(path, member, what) });
    }
    return members;
  } finally {
    zip.close();
  }
}

/** Holds a member's claimed sizes to what the archive can hold, before anything is read. */
function checkDeclaredSizes(member: MemberPlace, archiveBytes: number, path: string, what: Label): void {
  const fix = 'write the archive again with np.savez or np.savez_compressed; its sizes are damaged or hostile';
  if (member.fileDataStart + member.compressedSize > archiveBytes) {
    throw new BadInputError(
      msg`${what} ${path}: array '${member.key}' claims ${member.compressedSize} bytes at offset ${member.fileDataStart}, past the end of the ${archiveBytes}-byte archive`,
      fix,
    );
  }
  const most = member.deflated ? member.compressedSize * MAX_DEFLATE_RATIO + 1024 : member.compressedSize;
  if (member.uncompressedSize > most) {
    throw new BadInputError(
      msg`${what} ${path}: array '${member.key}' claims ${member.uncompressedSize} bytes from ${member.compressedSize} compressed, more than ${member.deflated ? `deflate expands to (${MAX_DEFLATE_RATIO}:1)` : 'a stored member holds'}`,
      fix,
    );
  }
}

/** Where a member's bytes are, before its header is known. */
type MemberPlace = Omit<NpzMember, 'header'>;

async function readMemberHeader(path: string, member: MemberPlace, what: Label): Promise<NpyHeader> {
  const location = { kind: 'npz' as const, path, key: member.key };
  const source = await openMember(path, member, what);
  try {
    const prelude = new Uint8Array(Math.min(NPY_PRELUDE_BYTES, member.uncompressedSize));
    await source.read(prelude, 0, prelude.byteLength);
    const dataOffset = npyDataOffset(prelude);
    if (isNpyProblem(dataOffset)) throw npyProblemError(what, location, dataOffset);
    const bytes = new Uint8Array(Math.min(dataOffset, member.uncompressedSize));
    bytes.set(prelude);
    await source.read(bytes, prelude.byteLength, bytes.byteLength - prelude.byteLength);
    const header = parseNpyHeader(bytes);
    if (isNpyProblem(header)) throw npyProblemError(what, location, header);
    if (member.uncompressedSize < header.dataOffset + header.dataBytes) {
      throw npyProblemError(what, location, { kind: 'truncated', have: member.uncompressedSize, need: header.dataOffset + header.dataBytes });
    }
    return header;
  } finally {
    await source.close();
  }
}

/** Sequential reads of a member's uncompressed bytes, from its start. */
interface MemberSource {
  read(target: Uint8Array, offset: number, length: number): Promise<void>;
  skip(length: number): Promise<void>;
  close(): Promise<void>;
}

async function openMember(path: string, member: MemberPlace, what: Label): Promise<MemberSource> {
  const damaged = (detail: string, cause?: unknown) =>
    new BadInputError(msg`${what} ${path}: array '${member.key}' is damaged (${detail})`, 'copy or write the archive again (np.savez / np.savez_compressed)', { cause });
  if (!member.deflated) {
    const handle = await openDataFile(path, what);
    let position = member.fileDataStart;
    return {
      async read(target, offset, length) {
        const got = await readAt(handle, target, offset, length, position);
        if (got < length) throw damaged('the archive ends inside it');
        position += length;
      },
      async skip(length) {
        position += length;
      },
      close: () => handle.close().catch(() => undefined),
    };
  }
  const compressed = createReadStream(path, { start: member.fileDataStart, end: member.fileDataStart + member.compressedSize - 1, highWaterMark: 1 << 20 });
  const inflated = pipeline(compressed, createInflateRaw({ chunkSize: 1 << 18 }), () => undefined);
  const reader = new StreamReader(inflated);
  const exact = async (got: Promise<number>, length: number) => {
    let n: number;
    try {
      n = await got;
    } catch (error) {
      throw damaged((error as Error).message, error);
    }
    if (n < length) throw damaged('its deflated data ends early');
  };
  return {
    read: (target, offset, length) => exact(reader.readInto(target, offset, length), length),
    skip: (length) => exact(reader.skip(length), length),
    close: () => reader.close(),
  };
}

export function npzColumn(input: DataSetInput, path: string, member: NpzMember, what: Label): Column {
  const bytesPerSample = sampleBytes(input.dataType, input.sampleDims);
  return {
    ...input,
    async open(): Promise<Cursor> {
      const source = await openMember(path, member, what);
      await source.skip(member.header.dataOffset);
      return {
        read: (_first, count, target) => source.read(target, 0, count * bytesPerSample),
        close: () => source.close(),
      };
    },
  };
}
