/** An .npz keyed by input name: one array per model input, all holding the same number of samples. */
import { BadInputError } from '../errors.js';
import { msg } from '../message.js';
import { columnDataSet } from './column.js';
import { pyString } from './location.js';
import { npzColumn, readNpzMembers } from './npz.js';
import { fitInput, type FitContext, type ModelInput } from './shapes.js';
import type { DataSet } from './types.js';

export async function openNpz(path: string, inputs: readonly ModelInput[], context: FitContext): Promise<DataSet> {
  const { what } = context;
  const members = await readNpzMembers(path, what);
  const names = inputs.map((i) => i.name);
  const keys = members.map((m) => m.key);
  const listing = `it holds ${keys.length > 0 ? keys.map((k) => `'${k}'`).join(', ') : 'no arrays'}; the model's inputs are ${names.map((n) => `'${n}'`).join(', ')}`;
  const savez = `np.savez(${pyString(path)}, **{${names.map((n) => `${pyString(n)}: ...`).join(', ')}})`;
  const missing = names.filter((n) => !keys.includes(n));
  if (missing.length > 0) {
    throw new BadInputError(
      msg`${what} ${path}: no array for input ${missing.map((n) => `'${n}'`).join(', ')} (${listing})`,
      `key each array by the model input it feeds: ${savez}`,
    );
  }
  const unknown = keys.filter((k) => !names.includes(k));
  if (unknown.length > 0) {
    throw new BadInputError(
      msg`${what} ${path}: array ${unknown.map((k) => `'${k}'`).join(', ')} matches no model input (${listing})`,
      `keep only arrays keyed by input name: ${savez}`,
    );
  }

  const fitted = inputs.map((input) => {
    const member = members.find((m) => m.key === input.name)!;
    const { sampleDims, counts } = fitInput(input, [{ location: { kind: 'npz', path, key: member.key }, dataType: member.header.dataType, dims: member.header.shape }], context);
    return { input, member, sampleDims, count: counts[0]! };
  });
  const count = fitted[0]!.count;
  const uneven = fitted.find((f) => f.count !== count);
  if (uneven) {
    throw new BadInputError(
      msg`${what} ${path}: the arrays hold different numbers of samples (${fitted.map((f) => `'${f.input.name}' ${f.count}`).join(', ')})`,
      'give every input the same number of samples along axis 0: sample i of each array is one model run',
    );
  }
  if (count === 0) {
    throw new BadInputError(msg`${what} ${path}: no samples (its arrays have 0 rows)`, 'save at least one sample per input: arrays of shape (N, ...) with N ≥ 1');
  }
  const columns = fitted.map(({ input, member, sampleDims }) => npzColumn({ name: input.name, dataType: input.dataType, sampleDims }, path, member, what));
  return columnDataSet(`${what} ${path}: ${count} ${count === 1 ? 'sample' : 'samples'} of ${names.length === 1 ? '1 input' : `${names.length} inputs`}`, count, columns, false, `${what} ${path}`);
}
