/**
 * The first `limit` samples of a data set, as a data set: what calibration reads of a large one.
 * Calibration needs a few hundred representative samples; a set of millions (or a zip bomb that
 * expands to them) would only cost time.
 */
import type { Log } from '../log.js';
import type { Batch, DataSet, HostTensor } from './types.js';

/** The calibration set under --calibration-samples, with a line in the log when it was cut. */
export function capCalibrationSamples(data: DataSet, limit: number, log: Log): DataSet {
  if (data.count <= limit) return data;
  log.info(`calibration: the first ${limit} of its ${data.count} samples (--calibration-samples)`);
  return firstSamples(data, limit);
}

export function firstSamples(data: DataSet, limit: number): DataSet {
  if (data.count <= limit) return data;
  return {
    description: `${data.description}, the first ${limit} used`,
    count: limit,
    random: data.random,
    inputs: data.inputs,
    batches: (batchSize: number) => ({ [Symbol.asyncIterator]: () => firstBatches(data, limit, batchSize) }),
  };
}

async function* firstBatches(data: DataSet, limit: number, batchSize: number): AsyncGenerator<Batch> {
  for await (const batch of data.batches(batchSize)) {
    const keep = Math.min(batch.size, limit - batch.start);
    if (keep <= 0) return;
    if (keep === batch.size) {
      yield batch;
      continue;
    }
    const feeds: Record<string, HostTensor> = {};
    for (const [name, tensor] of Object.entries(batch.feeds)) {
      const per = tensor.data.length / batch.size;
      feeds[name] = { dataType: tensor.dataType, dims: [keep, ...tensor.dims.slice(1)], data: tensor.data.subarray(0, keep * per) };
    }
    yield { feeds, size: keep, start: batch.start };
    return;
  }
}
