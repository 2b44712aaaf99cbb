/**
 * Samples [from, to) of a data set, as a data set: the accuracy budget searches on one part of the
 * evaluation set and the gate scores the rest, so the gate cannot pass by construction. Batches
 * of any size are assembled from the underlying set's samples (a model with a fixed batch size
 * gets full batches), numbered from 0 within the part.
 */
import type { Batch, DataSet, HostTensor } from './types.js';

export function sampleRange(data: DataSet, from: number, to: number, what: string): DataSet {
  const count = Math.max(0, Math.min(to, data.count) - from);
  return {
    description: `${data.description}, samples ${from}–${from + count - 1} (${what})`,
    count,
    random: data.random,
    inputs: data.inputs,
    batches: (batchSize: number) => ({ [Symbol.asyncIterator]: () => rangeBatches(data, from, from + count, batchSize) }),
  };
}

async function* rangeBatches(data: DataSet, from: number, to: number, batchSize: number): AsyncGenerator<Batch> {
  let pending: Record<string, HostTensor>[] = [];
  let pendingSize = 0;
  let start = 0;
  const flush = (): Batch => {
    const feeds: Record<string, HostTensor> = {};
    for (const name of Object.keys(pending[0]!)) feeds[name] = concat(pending.map((p) => p[name]!));
    const batch = { feeds, size: pendingSize, start };
    start += pendingSize;
    pending = [];
    pendingSize = 0;
    return batch;
  };
  for await (const batch of data.batches(batchSize)) {
    const end = batch.start + batch.size;
    if (end <= from) continue;
    if (batch.start >= to) break;
    const lo = Math.max(from, batch.start) - batch.start;
    const hi = Math.min(to, end) - batch.start;
    let at = lo;
    while (at < hi) {
      const take = Math.min(hi - at, batchSize - pendingSize);
      pending.push(slice(batch, at, at + take));
      pendingSize += take;
      at += take;
      if (pendingSize === batchSize) yield flush();
    }
  }
  if (pendingSize > 0) yield flush();
}

function slice(batch: Batch, lo: number, hi: number): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(batch.feeds)) {
    const per = t.data.length / batch.size;
    out[name] = { dataType: t.dataType, dims: [hi - lo, ...t.dims.slice(1)], data: t.data.subarray(lo * per, hi * per) };
  }
  return out;
}

function concat(parts: HostTensor[]): HostTensor {
  if (parts.length === 1) return parts[0]!;
  const length = parts.reduce((s, p) => s + p.data.length, 0);
  const data = new (parts[0]!.data.constructor as new (n: number) => HostTensor['data'])(length);
  let at = 0;
  for (const p of parts) {
    (data as unknown as { set(a: ArrayLike<number | bigint>, o: number): void }).set(p.data as ArrayLike<number | bigint>, at);
    at += p.data.length;
  }
  return { dataType: parts[0]!.dataType, dims: [parts.reduce((s, p) => s + p.dims[0]!, 0), ...parts[0]!.dims.slice(1)], data };
}
