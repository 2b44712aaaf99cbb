/**
 * The .npy format (numpy's `lib/format.py` describes it): a magic string, a version, a header
 * length, a Python dict literal with `descr`, `fortran_order` and `shape`, then the values. This
 * module reads the header only; the values are read in place, a batch at a time, by the data
 * sources (a whole .npy can be far larger than memory should hold).
 */
import { BadInputError } from '../errors.js';
import { msg, type Label } from '../message.js';
import { describeLocation, pyString, rewriteCommand, type ArrayLocation } from './location.js';
import { itemSize, parseDescr } from './npy-dtype.js';

export interface NpyHeader {
  /** "1.0", "2.0" or "3.0". */
  version: string;
  descr: string;
  dataType: number;
  shape: number[];
  /** Bytes before the values: magic, version, length and the header itself. */
  dataOffset: number;
  /** Bytes the values take: elements × item size. */
  dataBytes: number;
}

/** Bytes that always cover the magic, version and header length of any version. */
export const NPY_PRELUDE_BYTES = 12;

/**
 * The longest header read: numpy's own reader refuses longer ones (`max_header_size`), and a
 * hostile file can claim up to 4 GiB, which would be read and decoded whole.
 */
export const NPY_MAX_HEADER_BYTES = 10_000;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export type NpyProblem =
  | { kind: 'not-npy' }
  | { kind: 'version'; version: string }
  | { kind: 'header'; detail: string }
  | { kind: 'header-size'; bytes: number }
  | { kind: 'big-endian'; descr: string; littleEndian: string }
  | { kind: 'fortran' }
  | { kind: 'object' }
  | { kind: 'structured' }
  | { kind: 'dtype'; descr: string }
  | { kind: 'truncated'; have: number; need: number };

/**
 * Where the values start (so how many bytes the header takes), from the first
 * NPY_PRELUDE_BYTES bytes (fewer when the file is that short).
 */
export function npyDataOffset(prelude: Uint8Array): number | NpyProblem {
  if (prelude.byteLength < 10 || MAGIC.some((b, i) => prelude[i] !== b)) return { kind: 'not-npy' };
  const major = prelude[6]!;
  const view = new DataView(prelude.buffer, prelude.byteOffset, prelude.byteLength);
  if (major === 1 || major === 2 || major === 3) {
    if (major > 1 && prelude.byteLength < 12) return { kind: 'truncated', have: prelude.byteLength, need: 12 };
    const bytes = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
    if (bytes > NPY_MAX_HEADER_BYTES) return { kind: 'header-size', bytes };
    return (major === 1 ? 10 : 12) + bytes;
  }
  return { kind: 'version', version: `${major}.${prelude[7]}` };
}

/** Parses a header; `bytes` holds at least the first `npyDataOffset` bytes of the file. */
export function parseNpyHeader(bytes: Uint8Array): NpyHeader | NpyProblem {
  const dataOffset = npyDataOffset(bytes.subarray(0, NPY_PRELUDE_BYTES));
  if (typeof dataOffset !== 'number') return dataOffset;
  if (bytes.byteLength < dataOffset) return { kind: 'truncated', have: bytes.byteLength, need: dataOffset };
  const major = bytes[6]!;
  const version = `${major}.${bytes[7]}`;
  const start = major === 1 ? 10 : 12;
  // Versions 1 and 2 write the header in latin-1, version 3 in UTF-8 (for field names).
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataOffset));

  if (/['"]descr['"]\s*:\s*\[/.test(text)) return { kind: 'structured' };
  const descr = /['"]descr['"]\s*:\s*(['"])(.*?)\1/.exec(text)?.[2];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    // Its size, not its text: a message must not carry a file's contents into the report.
    return { kind: 'header', detail: `its header (${text.length} bytes) is not numpy's dict of descr, fortran_order and shape` };
  }
  const shape: number[] = [];
  for (const part of shapeText.split(',')) {
    const trimmed = part.trim().replace(/L$/, ''); // Python 2 wrote long ints as 3L
    if (trimmed === '') continue;
    if (!/^\d+$/.test(trimmed)) return { kind: 'header', detail: `its shape (${shapeText}) is not a tuple of whole numbers` };
    shape.push(Number(trimmed));
  }

  const verdict = parseDescr(descr);
  if (!verdict.ok) {
    if (verdict.reason === 'object') return { kind: 'object' };
    if (verdict.reason === 'big-endian') return { kind: 'big-endian', descr, littleEndian: verdict.littleEndian };
    return { kind: 'dtype', descr };
  }
  // Order matters only when some axis has more than one element to order.
  if (fortran === 'True' && shape.filter((d) => d > 1).length > 1) return { kind: 'fortran' };
  const elements = shape.reduce((a, b) => a * b, 1);
  return { version, descr, dataType: verdict.dataType, shape, dataOffset, dataBytes: elements * itemSize(verdict.dataType) };
}

export function isNpyProblem(value: NpyHeader | NpyProblem | number): value is NpyProblem {
  return typeof value === 'object' && 'kind' in value;
}

/**
 * The bad-input error for a problem with an array: names the flag and the file, says what is
 * wrong, and gives the numpy one-liner that fixes it where one exists.
 */
export function npyProblemError(what: Label, location: ArrayLocation, problem: NpyProblem): BadInputError {
  const where = msg`${what} ${describeLocation(location)}`;
  const save =
    location.kind === 'npy' ? `np.save(${pyString(location.path)}, array)` : `np.savez(${pyString(location.path)}, **{${pyString(location.key)}: array, ...})`;
  switch (problem.kind) {
    case 'not-npy':
      return new BadInputError(msg`${where}: not a .npy file (it does not start with numpy's magic string)`, `write the array with ${save}`);
    case 'version':
      return new BadInputError(msg`${where}: .npy format version ${problem.version}; quantgate reads versions 1.0, 2.0 and 3.0`, `write it again with ${save} from a current numpy`);
    case 'header':
      return new BadInputError(msg`${where}: ${problem.detail}`, `write it again with ${save}`);
    case 'header-size':
      return new BadInputError(
        msg`${where}: its .npy header claims ${problem.bytes} bytes; numpy's reader refuses headers over ${NPY_MAX_HEADER_BYTES} bytes, and quantgate does too`,
        `write the array again with ${save}; a header that long is damaged or hostile`,
      );
    case 'big-endian':
      return new BadInputError(
        msg`${where}: big-endian values (dtype '${problem.descr}'); quantgate reads little-endian data`,
        `convert it to little-endian: ${rewriteCommand(location, `a.astype('${problem.littleEndian}')`)}`,
      );
    case 'fortran':
      return new BadInputError(msg`${where}: values in Fortran (column-major) order; quantgate reads C order`, `store it in C order: ${rewriteCommand(location, 'np.ascontiguousarray(a)')}`);
    case 'object':
      return new BadInputError(
        msg`${where}: an array of Python objects (dtype object), which only unpickling could read; quantgate never unpickles data`,
        `save numbers instead, e.g. ${save} with array = np.asarray(values, dtype=np.float32)`,
      );
    case 'structured':
      return new BadInputError(
        msg`${where}: a structured array (named fields); quantgate reads one plain numeric array per model input`,
        `save each field as its own array keyed by input name: np.savez('data.npz', **{name: array[name] for name in array.dtype.names})`,
      );
    case 'dtype':
      return new BadInputError(
        msg`${where}: dtype '${problem.descr}' is not a numeric type a model input takes (float16/32/64, int8-64, uint8-64, bool)`,
        `convert it to the model input's type, e.g. ${rewriteCommand(location, 'a.astype(np.float32)')}`,
      );
    case 'truncated':
      return new BadInputError(
        msg`${where}: truncated: it holds ${problem.have} bytes where its header needs ${problem.need}`,
        `copy or write the whole file again (${save})`,
      );
  }
}
