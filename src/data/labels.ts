/**
 * Class labels of an evaluation set, one per sample in the same order: a .npy of integers
 * (shape [N] or [N, 1]) or a text file with one integer a line. Labels are class indices, so
 * whole numbers from 0 up.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { BadInputError } from '../errors.js';
import { msg, type Label } from '../message.js';
import { DataType, dtypeName } from '../model/dtypes.js';
import { formatShape } from '../model/signature.js';
import { typedView } from '../model/tensor.js';
import { rewriteCommand } from './location.js';
import { isNpyProblem, npyProblemError, parseNpyHeader } from './npy.js';
import type { Labels } from './types.js';

export interface ReadLabelsOptions {
  /** The flag the labels came from, for messages: `--labels`. */
  what: Label;
  /** Samples in the evaluation set: the labels must number exactly this many. */
  count: number;
  /** Where those samples came from, for the message when the counts differ: `--eval-data data/eval`. */
  samplesFrom?: Label;
}

const INTEGER_TYPES = new Set<number>([DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16, DataType.INT32, DataType.UINT32, DataType.INT64, DataType.UINT64]);

export async function readLabels(path: string, options: ReadLabelsOptions): Promise<Labels> {
  const { what } = options;
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInputError(
      msg`${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a labels file' : (error as Error).message}`,
      'give a .npy of integer labels or a text file with one integer a line',
      { cause: error },
    );
  }
  const values = extname(path).toLowerCase() === '.npy' ? npyLabels(path, bytes, what) : textLabels(path, bytes, what);
  if (values.length !== options.count) {
    const samples = options.samplesFrom ? msg`${options.samplesFrom} holds ${options.count}` : `the evaluation set holds ${options.count}`;
    throw new BadInputError(
      msg`${what} ${path}: ${values.length} labels, but ${samples} ${options.count === 1 ? 'sample' : 'samples'}; each sample needs exactly one label`,
      'give one label per evaluation sample, in the order of the samples (byte-wise sorted file names for a folder)',
    );
  }
  return { source: path, values };
}

function npyLabels(path: string, bytes: Uint8Array, what: Label): Int32Array {
  const location = { kind: 'npy' as const, path };
  const header = parseNpyHeader(bytes);
  if (isNpyProblem(header)) throw npyProblemError(what, location, header);
  if (bytes.byteLength < header.dataOffset + header.dataBytes) {
    throw npyProblemError(what, location, { kind: 'truncated', have: bytes.byteLength, need: header.dataOffset + header.dataBytes });
  }
  const { shape } = header;
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
    throw new BadInputError(
      msg`${what} ${path}: shape ${formatShape(shape)}; labels are one integer per sample, shape [N] or [N, 1]`,
      'save the class indices, not scores or one-hot rows: np.save("labels.npy", scores.argmax(axis=1))',
    );
  }
  if (!INTEGER_TYPES.has(header.dataType)) {
    throw new BadInputError(
      msg`${what} ${path}: ${dtypeName(header.dataType)} values; labels are integer class indices`,
      `convert them: ${rewriteCommand(location, 'a.astype(np.int64)')}`,
    );
  }
  const raw = typedView(header.dataType, bytes.subarray(header.dataOffset, header.dataOffset + header.dataBytes));
  const values = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const value = Number(raw[i]!);
    if (value < 0 || value > 2 ** 31 - 1) {
      throw new BadInputError(msg`${what} ${path}: label ${i} is ${value}; a class index is a whole number from 0 up`, 'give class indices starting at 0');
    }
    values[i] = value;
  }
  return values;
}

/**
 * What is wrong with a line, without its contents: the path given may be any file (`--labels
 * /etc/passwd` once put that file's first line into the report's headline), so a message says
 * what kind of text the line holds and how long it is, never the text.
 */
function lineKind(trimmed: string): string {
  if (trimmed === '') return 'empty';
  if (/^[-+]?\d+$/.test(trimmed)) return trimmed.startsWith('-') ? 'a negative number' : 'a number above 2,147,483,647';
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return 'a number with a fraction or an exponent';
  if (/^[-+\d.eE]+(\s+[-+\d.eE]+)+$/.test(trimmed)) return `${trimmed.split(/\s+/).length} numbers`;
  return `text, not a number (${trimmed.length} ${trimmed.length === 1 ? 'character' : 'characters'})`;
}

function textLabels(path: string, bytes: Uint8Array, what: Label): Int32Array {
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const values = new Int32Array(lines.length);
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (!/^\+?\d+$/.test(trimmed) || Number(trimmed) > 2 ** 31 - 1) {
      throw new BadInputError(
        msg`${what} ${path}: line ${i + 1} is ${lineKind(trimmed)}; each line holds one class index, a whole number from 0 up`,
        `write one integer a line, nothing else (fix line ${i + 1})`,
      );
    }
    values[i] = Number(trimmed);
  });
  return values;
}
