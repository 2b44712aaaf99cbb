/**
 * A data set as columns, one per model input, each a source of samples that is read in order
 * through a cursor. Batching lives here once for every source (npy files, npz members, images,
 * generated values): a batch is one fresh buffer per input, filled in place by the cursors, so
 * memory holds one batch (plus whatever a source reads ahead) however large the set is.
 */
import { totalmem } from 'node:os';
import { constants } from 'node:buffer';
import { BadInputError } from '../errors.js';
import { msg, opt } from '../message.js';
import { formatBytes } from '../format.js';
import { typedView } from '../model/tensor.js';
import type { Batch, DataSet, DataSetInput, HostTensor } from './types.js';
import { requireFiniteSamples } from './finite.js';
import { sampleBytes } from './shapes.js';

/** One pass over a column's samples. */
export interface Cursor {
  /**
   * Writes samples [first, first + count) into `target` (exactly count × sample bytes, C order).
   * Calls come in order without gaps or overlaps, so a source may read sequentially.
   */
  read(first: number, count: number, target: Uint8Array): Promise<void>;
  /** Releases files and streams; called once, also when a pass stops early. */
  close(): Promise<void>;
}

export interface Column extends DataSetInput {
  open(): Cursor | Promise<Cursor>;
}

/** `source` names the data in messages ("--eval-data data/val.npz"); by default the description. */
export function columnDataSet(description: string, count: number, columns: readonly Column[], random = false, source = description): DataSet {
  const inputs = columns.map(({ name, dataType, sampleDims }) => ({ name, dataType, sampleDims: [...sampleDims] }));
  return {
    description,
    count,
    random,
    inputs,
    batches: (batchSize: number) => ({ [Symbol.asyncIterator]: () => readBatches(count, columns, batchSize, source) }),
  };
}

/**
 * A batch is one buffer per input, so its size is bounded here, before it is allocated: by a
 * quarter of the machine's memory (the runtime needs room for its own copies and the outputs) and
 * by the largest buffer Node makes. A sample size follows from the model's input and the data's
 * header, both of which the user's files decide.
 */
function requireBatchFits(samples: number, column: Column, source: string): void {
  const bytes = samples * sampleBytes(column.dataType, column.sampleDims);
  const limit = Math.min(totalmem() / 4, constants.MAX_LENGTH);
  if (bytes <= limit) return;
  throw new BadInputError(
    `${source}: a batch of ${samples} samples of input '${column.name}' takes ${formatBytes(bytes)} (one sample ${column.sampleDims.join('×')}), more than the ${formatBytes(limit)} a batch may hold on this machine`,
    msg`give samples of the size the model needs, use smaller ${opt('batch-sizes')}, or run on a machine with more memory`,
  );
}

async function* readBatches(count: number, columns: readonly Column[], batchSize: number, source: string): AsyncGenerator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive whole number, got ${batchSize}`);
  const cursors: Cursor[] = [];
  try {
    for (const column of columns) cursors.push(await column.open());
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      for (const column of columns) requireBatchFits(size, column, source);
      // All reads settle before an error propagates, so no cursor is closed under a read.
      const settled = await Promise.allSettled(
        columns.map(async (column, i): Promise<HostTensor> => {
          // Not zero-filled: every cursor writes all of it or throws.
          const buffer = Buffer.allocUnsafeSlow(size * sampleBytes(column.dataType, column.sampleDims));
          const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
          await cursors[i]!.read(start, size, bytes);
          return { dataType: column.dataType, dims: [size, ...column.sampleDims], data: typedView(column.dataType, bytes) };
        }),
      );
      const feeds: Record<string, HostTensor> = {};
      columns.forEach((column, i) => {
        const result = settled[i]!;
        if (result.status === 'rejected') throw result.reason;
        requireFiniteSamples(result.value, column.name, start, source);
        feeds[column.name] = result.value;
      });
      yield { feeds, size, start };
    }
  } finally {
    await Promise.all(cursors.map((c) => c.close()));
  }
}
