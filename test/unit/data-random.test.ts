// Random data for a model given none: seeded and reproducible to the byte, N(0,1) floats,
// integers in the range asked for, and the exact --input-shapes flag when dims are unknown.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomDataSet } from '../../src/data/random.ts';
import { halfToFloat, bytesOf } from '../../src/model/tensor.ts';
import type { DataSet } from '../../src/data/types.ts';
import { collect, DataType, expectBadInput, signature } from '../fixtures/data/helpers.ts';

async function allBytes(data: DataSet, batchSize: number, input: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const batch of data.batches(batchSize)) parts.push(Buffer.from(bytesOf(batch.feeds[input]!.data)));
  return Buffer.concat(parts);
}

const image = [signature('image', 'float32', ['batch', 3, 8, 8])];

describe('randomDataSet', () => {
  it('is said to be random, with the count and shapes asked for', async () => {
    const data = randomDataSet(image, { count: 10, seed: 1 });
    assert.equal(data.random, true);
    assert.equal(data.count, 10);
    assert.deepEqual(data.inputs, [{ name: 'image', dataType: DataType.FLOAT, sampleDims: [3, 8, 8] }]);
    assert.match(data.description, /random data: 10 samples \(seed 1\): floats N\(0,1\)/);
    assert.deepEqual((await collect(data, 4)).sizes, [4, 4, 2]);
  });

  it('the same seed gives the same bytes, whatever the batch size and on every pass; another seed differs', async () => {
    const a = randomDataSet(image, { count: 9, seed: 42 });
    const b = randomDataSet(image, { count: 9, seed: 42 });
    const reference = await allBytes(a, 9, 'image');
    for (const batchSize of [1, 2, 4, 32]) assert.ok(reference.equals(await allBytes(b, batchSize, 'image')), `batch size ${batchSize}`);
    assert.ok(reference.equals(await allBytes(a, 9, 'image')), 'a second pass');
    assert.ok(!reference.equals(await allBytes(randomDataSet(image, { count: 9, seed: 43 }), 9, 'image')));
  });

  it('floats are standard normal', async () => {
    const { values } = await collect(randomDataSet(image, { count: 100, seed: 7 }), 50);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
    const beyond = values.filter((v) => Math.abs(v) > 1.96).length / values.length;
    assert.ok(Math.abs(beyond - 0.05) < 0.01, `share beyond 1.96: ${beyond}`);
  });

  it('float16 inputs get float16 bits of N(0,1) values', async () => {
    const data = randomDataSet([signature('h', 'float16', ['n', 1000])], { count: 4, seed: 3 });
    const batch = (await data.batches(4)[Symbol.asyncIterator]().next()).value!;
    assert.ok(batch.feeds.h!.data instanceof Uint16Array);
    const values = [...(batch.feeds.h!.data as Uint16Array)].map(halfToFloat);
    assert.ok(values.every(Number.isFinite));
    const variance = values.reduce((a, b) => a + b * b, 0) / values.length;
    assert.ok(Math.abs(variance - 1) < 0.1, `variance ${variance}`);
  });

  it('integers are uniform in the range given, [0, 100) by default; bools are 0 or 1', async () => {
    const inputs = [signature('ids', 'int64', ['batch', 64]), signature('small', 'uint8', ['batch', 64]), signature('flag', 'bool', ['batch', 64])];
    const data = randomDataSet(inputs, { count: 50, seed: 5 });
    const ids = (await collect(data, 50, 'ids')).values;
    assert.ok(ids.every((v) => Number.isInteger(v) && v >= 0 && v < 100));
    assert.equal(new Set(ids).size, 100, 'every value of the range appears');
    const flags = (await collect(data, 50, 'flag')).values;
    assert.deepEqual([...new Set(flags)].sort(), [0, 1]);
    const ranged = (await collect(randomDataSet(inputs.slice(0, 1), { count: 50, seed: 5, intRange: [-3, 2] }), 50)).values;
    assert.deepEqual([...new Set(ranged)].sort((a, b) => a - b), [-3, -2, -1, 0, 1]);
  });

  it('each input draws its own stream: adding an input leaves the others unchanged', async () => {
    const one = randomDataSet([signature('a', 'float32', ['n', 4])], { count: 3, seed: 9 });
    const two = randomDataSet([signature('a', 'float32', ['n', 4]), signature('b', 'int32', ['n', 2])], { count: 3, seed: 9 });
    assert.ok((await allBytes(one, 3, 'a')).equals(await allBytes(two, 2, 'a')));
  });

  it('symbolic dims are sized by --input-shapes', async () => {
    const data = randomDataSet([signature('x', 'float32', ['batch', 3, 'h', 'w'])], { count: 2, seed: 0, inputShapes: { x: [1, 3, 16, 12] } });
    assert.deepEqual(data.inputs[0]!.sampleDims, [3, 16, 12]);
    assert.deepEqual((await collect(data, 2)).dims, [[2, 3, 16, 12]]);
  });
});

describe('randomDataSet refuses what it cannot generate', () => {
  it('a symbolic non-batch dim without --input-shapes: the fix is the exact flag', async () => {
    const inputs = [signature('input_ids', 'int64', ['batch', 'seq_len']), signature('attention_mask', 'int64', ['batch', 'seq_len']), signature('scale', 'float32', [1])];
    await expectBadInput(() => randomDataSet(inputs, { count: 4, seed: 0 }), {
      names: "input 'input_ids'",
      problem: /\(batch×seq_len\) has symbolic dims other than batch, and there is no data to size it and 1 more/,
      fix: /--input-shapes input_ids:1xSEQ_LEN,attention_mask:1xSEQ_LEN \(replace the capitalized names by sizes\)/,
    });
  });

  it('an input the model gives no shape', async () => {
    await expectBadInput(() => randomDataSet([signature('x', 'float32', null)], { count: 1, seed: 0 }), { names: "input 'x'", problem: /no shape in the model/, fix: /--input-shapes x:/ });
  });

  it('zero samples', async () => {
    await expectBadInput(() => randomDataSet(image, { count: 0, seed: 0 }), { names: 'random data', problem: /at least one sample; 0 were asked for/, fix: /one or more/ });
  });

  it('an integer range the input type cannot hold', async () => {
    await expectBadInput(() => randomDataSet([signature('b', 'uint8', ['n', 2])], { count: 1, seed: 0, intRange: [0, 300] }), {
      names: "input 'b'",
      problem: /\[0, 300\) does not fit input 'b', which is uint8 \(\[0, 255\]\)/,
      fix: /within uint8/,
    });
  });

  it('an empty integer range', async () => {
    await expectBadInput(() => randomDataSet(image, { count: 1, seed: 0, intRange: [5, 5] }), { names: '[5, 5)', problem: /not a range/, fix: /low < high/ });
  });
});
