/**
 * A folder of .npy files (or one .npy file) for a single-input model: each file one sample or a
 * batch along axis 0, concatenated in byte-wise file-name order.
 */
import { BadInputError } from '../errors.js';
import { msg } from '../message.js';
import { mapBounded } from './bounded.js';
import { columnDataSet } from './column.js';
import { npyFilesColumn, readNpyFileHeader } from './npy-files.js';
import { fitInput, type FitContext, type FoundArray, type ModelInput } from './shapes.js';
import type { DataSet } from './types.js';

export interface NpyFilesOptions {
  /** The folder (or the one file) the user named. */
  source: string;
  files: readonly string[];
  inputs: readonly ModelInput[];
  context: FitContext;
}

/** Headers read at once when the set opens: a folder may hold tens of thousands of files. */
const HEADERS_IN_FLIGHT = 16;

export async function openNpyFiles({ source, files, inputs, context }: NpyFilesOptions): Promise<DataSet> {
  const { what } = context;
  if (inputs.length !== 1) {
    throw new BadInputError(
      msg`${what} ${source}: .npy files feed a model with one input, but this model has ${inputs.length} (${inputs.map((i) => `'${i.name}'`).join(', ')})`,
      `give one .npz keyed by input name instead: np.savez('data.npz', **{${inputs.map((i) => `'${i.name}': ...`).join(', ')}})`,
    );
  }
  const input = inputs[0]!;
  const headers = await mapBounded(files, HEADERS_IN_FLIGHT, (path) => readNpyFileHeader(path, what));
  const arrays: FoundArray[] = headers.map((header, i) => ({ location: { kind: 'npy', path: files[i]! }, dataType: header.dataType, dims: header.shape }));
  const { sampleDims, counts } = fitInput(input, arrays, context);
  const count = counts.reduce((a, b) => a + b, 0);
  if (count === 0) {
    throw new BadInputError(
      msg`${what} ${source}: no samples (${files.length === 1 ? 'the .npy has 0 rows' : `all ${files.length} .npy files have 0 rows`})`,
      'save at least one sample: an array of shape (N, ...) with N ≥ 1',
    );
  }
  const segments = headers.map((header, i) => ({ path: files[i]!, dataOffset: header.dataOffset, count: counts[i]! }));
  const column = npyFilesColumn({ name: input.name, dataType: input.dataType, sampleDims }, segments, what);
  const from = files.length === 1 ? '1 .npy file' : `${files.length} .npy files`;
  return columnDataSet(`${what} ${source}: ${count} ${count === 1 ? 'sample' : 'samples'} from ${from}`, count, [column], false, `${what} ${source}`);
}
