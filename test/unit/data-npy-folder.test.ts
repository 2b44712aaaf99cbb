// A folder of .npy files as a data set: order, batching across files, re-iteration, element
// types, lazy reads, and every way such a folder can be wrong.
import assert from 'node:assert/strict';
import { mkdirSync, openSync, closeSync, writeSync, ftruncateSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeNpy } from '../../src/data/npy-write.ts';
import { openDataSet } from '../../src/data/open.ts';
import { collect, counting, DataType, expectBadInput, sampleFolder, signature, writeNpy } from '../fixtures/data/helpers.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const vector = [signature('x', 'float32', ['batch', 2])];
const what = '--calibration-data';

describe('a folder of .npy files', () => {
  it('concatenates files in byte-wise name order, one sample or a batch each, across batch boundaries', async () => {
    const folder = join(dir, 'order');
    // Byte-wise: 'B' (0x42) < 'a' (0x61) < 'b' < 'é' (0xc3 0xa9): not the locale's order.
    writeNpy(join(folder, 'b.npy'), DataType.FLOAT, [3, 2], counting(6, 20)); // a batch of 3
    writeNpy(join(folder, 'B.npy'), DataType.FLOAT, [2], counting(2, 0)); // one sample
    writeNpy(join(folder, 'é.npy'), DataType.FLOAT, [1, 2], counting(2, 40));
    writeNpy(join(folder, 'a.npy'), DataType.FLOAT, [2, 2], counting(4, 10));
    const data = await openDataSet(folder, { what, inputs: vector });
    assert.equal(data.count, 7);
    assert.equal(data.random, false);
    assert.deepEqual(data.inputs, [{ name: 'x', dataType: DataType.FLOAT, sampleDims: [2] }]);
    assert.match(data.description, /^--calibration-data .*order: 7 samples from 4 \.npy files$/);
    const { sizes, starts, values, dims } = await collect(data, 3);
    assert.deepEqual(sizes, [3, 3, 1], 'the last batch is smaller');
    assert.deepEqual(starts, [0, 3, 6]);
    assert.deepEqual(dims, [[3, 2], [3, 2], [1, 2]]);
    assert.deepEqual(values, [0, 1, 10, 11, 12, 13, 20, 21, 22, 23, 24, 25, 40, 41]);
  });

  it('gives the same samples for every batch size, and again on every pass', async () => {
    const folder = sampleFolder(join(dir, 'passes'), 10, [2, 2]);
    const data = await openDataSet(folder, { what, inputs: [signature('x', 'float32', ['n', 2, 2])] });
    const expected = Array.from({ length: 10 }, (_, i) => [i, i, i, i]).flat();
    for (const batchSize of [1, 3, 4, 10, 64]) {
      const { values, sizes } = await collect(data, batchSize);
      assert.deepEqual(values, expected, `batch size ${batchSize}`);
      assert.equal(sizes.reduce((a, b) => a + b, 0), 10);
    }
    const first = await collect(data, 4);
    const second = await collect(data, 4);
    assert.deepEqual(first, second);
  });

  it('stops cleanly when the consumer stops early, and starts again from the first sample', async () => {
    const folder = sampleFolder(join(dir, 'early'), 6, [1]);
    const data = await openDataSet(folder, { what, inputs: [signature('x', 'float32', ['n', 1])] });
    for await (const batch of data.batches(2)) {
      assert.equal(batch.start, 0);
      break;
    }
    assert.deepEqual((await collect(data, 6)).values, [0, 1, 2, 3, 4, 5]);
  });

  it('a model with a fixed batch dim still gets batches of any size', async () => {
    const folder = sampleFolder(join(dir, 'fixed-batch'), 5, [3]);
    const data = await openDataSet(folder, { what, inputs: [signature('x', 'float32', [1, 3])] });
    assert.deepEqual((await collect(data, 4)).sizes, [4, 1]);
  });

  it('resolves symbolic non-batch dims from the data', async () => {
    const folder = sampleFolder(join(dir, 'symbolic'), 2, [3, 5, 7]);
    const data = await openDataSet(folder, { what, inputs: [signature('x', 'float32', ['batch', 3, 'h', 'w'])] });
    assert.deepEqual(data.inputs[0]!.sampleDims, [3, 5, 7]);
  });

  it('feeds each element type in its typed array: float16 as bits, int64 as bigint, bool as bytes', async () => {
    const cases: [string, number, () => Uint16Array | BigInt64Array | Uint8Array][] = [
      ['float16', DataType.FLOAT16, () => Uint16Array.from([0x3c00, 0xc000])],
      ['int64', DataType.INT64, () => BigInt64Array.from([-5n, 2n ** 40n])],
      ['bool', DataType.BOOL, () => Uint8Array.from([1, 0])],
    ];
    for (const [dtype, dataType, values] of cases) {
      const file = writeNpy(join(dir, `types-${dtype}`, 'a.npy'), dataType, [2], values());
      const data = await openDataSet(file, { what, inputs: [signature('x', dtype, ['n'])] });
      const batch = (await data.batches(2)[Symbol.asyncIterator]().next()).value!;
      assert.equal(batch.feeds.x!.dataType, dataType);
      assert.equal(batch.feeds.x!.data.constructor, values().constructor);
      assert.deepEqual([...(batch.feeds.x!.data as Iterable<unknown>)], [...values()]);
    }
  });

  it('ignores hidden files (.DS_Store, dotfiles, Thumbs.db)', async () => {
    const folder = sampleFolder(join(dir, 'hidden'), 2, [2]);
    writeFileSync(join(folder, '.DS_Store'), 'mac');
    writeFileSync(join(folder, '.gitkeep'), '');
    writeFileSync(join(folder, 'Thumbs.db'), 'windows');
    mkdirSync(join(folder, '.cache'));
    assert.equal((await openDataSet(folder, { what, inputs: vector })).count, 2);
  });

  it('follows symbolic links to .npy files', async () => {
    const folder = join(dir, 'links');
    mkdirSync(folder);
    const target = writeNpy(join(dir, 'elsewhere', 'real.npy'), DataType.FLOAT, [2], counting(2, 7));
    symlinkSync(target, join(folder, 'linked.npy'));
    assert.deepEqual((await collect(await openDataSet(folder, { what, inputs: vector }), 1)).values, [7, 8]);
  });

  it('reads a large .npy in place: one batch of a 4 GiB file, without reading the rest', async () => {
    // A sparse file: the header says (2^20, 1024) float32, the disk holds only the header and
    // the first row. Loading the whole array would take 4 GiB and many seconds.
    const file = join(dir, 'large', 'big.npy');
    mkdirSync(join(dir, 'large'));
    const header = encodeNpy({ dataType: DataType.FLOAT, dims: [2 ** 20, 1024], data: new Float32Array(0) });
    const fd = openSync(file, 'w');
    writeSync(fd, header);
    writeSync(fd, new Uint8Array(counting(1024, 1).buffer));
    ftruncateSync(fd, header.byteLength + 2 ** 32);
    closeSync(fd);
    const data = await openDataSet(file, { what, inputs: [signature('x', 'float32', ['n', 1024])] });
    assert.equal(data.count, 2 ** 20);
    const started = performance.now();
    const memoryBefore = process.memoryUsage().rss;
    const batch = (await data.batches(2)[Symbol.asyncIterator]().next()).value!;
    const x = batch.feeds.x!.data as Float32Array;
    assert.deepEqual([x[0], x[1023], x[1024]], [1, 1024, 0]);
    assert.ok(performance.now() - started < 1000, 'one batch, not the file');
    assert.ok(process.memoryUsage().rss - memoryBefore < 256 * 2 ** 20, 'memory for one batch, not the file');
  });
});

describe('a folder of .npy files that is wrong', () => {
  it('an empty folder: zero samples', async () => {
    const folder = join(dir, 'empty');
    mkdirSync(folder);
    writeFileSync(join(folder, '.DS_Store'), 'only hidden files');
    await expectBadInput(() => openDataSet(folder, { what: '--eval-data', inputs: vector }), { names: `--eval-data ${folder}`, problem: /no samples \(the folder is empty\)/, fix: /put the samples in it/ });
  });

  it('a .npy with 0 rows: zero samples', async () => {
    const file = writeNpy(join(dir, 'zero', 'none.npy'), DataType.FLOAT, [0, 2], new Float32Array(0));
    await expectBadInput(() => openDataSet(file, { what, inputs: vector }), { names: file, problem: /no samples \(the \.npy has 0 rows\)/, fix: /N ≥ 1/ });
  });

  it('a stray file among the .npy files, named', async () => {
    const folder = sampleFolder(join(dir, 'stray'), 2, [2]);
    writeFileSync(join(folder, 'notes.txt'), 'labels are elsewhere');
    await expectBadInput(() => openDataSet(folder, { what, inputs: vector }), { names: 'notes.txt', problem: /not a \.npy file; a data folder holds only \.npy files/, fix: /move it out of the folder/ });
  });

  it('a subfolder, named', async () => {
    const folder = sampleFolder(join(dir, 'nested'), 1, [2]);
    mkdirSync(join(folder, 'class0'));
    await expectBadInput(() => openDataSet(folder, { what, inputs: vector }), { names: 'class0', problem: /not in subfolders/, fix: /one folder/ });
  });

  it('an .npz inside a folder', async () => {
    const folder = sampleFolder(join(dir, 'with-npz'), 1, [2]);
    writeFileSync(join(folder, 'all.npz'), 'PK');
    await expectBadInput(() => openDataSet(folder, { what, inputs: vector }), { names: 'all.npz', problem: /given on its own/, fix: /--calibration-data .*all\.npz/ });
  });

  it('images without --preprocess', async () => {
    const folder = join(dir, 'pictures');
    mkdirSync(folder);
    writeFileSync(join(folder, 'cat.jpg'), 'not really');
    await expectBadInput(() => openDataSet(folder, { what, inputs: vector }), { names: folder, problem: /a folder of images, but no preprocessing/, fix: /--preprocess imagenet/ });
  });

  it('--preprocess with .npy data', async () => {
    const folder = sampleFolder(join(dir, 'npy-preprocess'), 1, [2]);
    await expectBadInput(() => openDataSet(join(folder, '0000.npy'), { what, inputs: vector, preprocess: 'imagenet' }), { names: '0000.npy', problem: /applies to a folder of images/, fix: /drop --preprocess/ });
    await expectBadInput(() => openDataSet(folder, { what, inputs: vector, preprocess: 'imagenet' }), { names: '0000.npy', problem: /is not an image/, fix: /move it out/ });
  });

  it('a path that does not exist', async () => {
    const path = join(dir, 'missing');
    await expectBadInput(() => openDataSet(path, { what, inputs: vector }), { names: path, problem: /no such file or folder/, fix: /check the path; --calibration-data takes a folder of \.npy files/ });
  });

  it('a file of another kind', async () => {
    const path = join(dir, 'data.csv');
    writeFileSync(path, '1,2\n');
    await expectBadInput(() => openDataSet(path, { what, inputs: vector }), { names: path, problem: /not a data file/, fix: /a folder of \.npy files, an \.npz keyed by input name/ });
  });

  it('a model with two inputs', async () => {
    const folder = sampleFolder(join(dir, 'two-inputs'), 1, [2]);
    await expectBadInput(() => openDataSet(folder, { what, inputs: [...vector, signature('y', 'int64', ['batch'])] }), {
      names: folder,
      problem: /\.npy files feed a model with one input, but this model has 2 \('x', 'y'\)/,
      fix: /np\.savez\('data\.npz', \*\*\{'x': \.\.\., 'y': \.\.\.\}\)/,
    });
  });

  it('wrong dtype: float64 for float32, the fix converts the file', async () => {
    const file = writeNpy(join(dir, 'f64', 'a.npy'), DataType.DOUBLE, [1, 2], Float64Array.from([1, 2]));
    await expectBadInput(() => openDataSet(join(dir, 'f64'), { what, inputs: vector }), { names: file, problem: /holds float64 values, but the model's input 'x' takes float32/, fix: /\.astype\(np\.float32\)/ });
  });

  it('wrong shape: the file and both shapes named', async () => {
    const file = writeNpy(join(dir, 'shape', 'a.npy'), DataType.FLOAT, [4, 3], new Float32Array(12));
    await expectBadInput(() => openDataSet(join(dir, 'shape'), { what, inputs: vector }), { names: file, problem: /shape 4×3 does not fit input 'x' \(batch×2\)|sample dim 1 is 3, the model fixes it at 2/, fix: /save samples of 2/ });
  });

  it('--input-shapes that disagree with the data', async () => {
    const folder = sampleFolder(join(dir, 'flag'), 1, [3, 4, 4]);
    await expectBadInput(() => openDataSet(folder, { what, inputs: [signature('x', 'float32', ['b', 3, 'h', 'w'])], inputShapes: { x: [1, 3, 8, 8] } }), {
      names: '0000.npy',
      problem: /but --input-shapes says 8/,
      fix: /x:1x3x4x4/,
    });
  });
});
