// .npz archives keyed by input name: numpy's stored, deflated and zip64 archives read in place,
// batch by batch, and every way an archive can fail to match the model.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readNpzMembers } from '../../src/data/npz.ts';
import { openDataSet } from '../../src/data/open.ts';
import { collect, DataType, expectBadInput, FIXTURES, signature } from '../fixtures/data/helpers.ts';
import { tempDir } from '../helpers/tmp.ts';

const npz = (name: string) => join(FIXTURES, 'npz', name);
const dir = tempDir();
const what = '--calibration-data';
// The archives hold x float32 (10, 3) = arange(30) / 2 and y int64 (10,) = arange(10) * 7.
const inputs = [signature('x', 'float32', ['batch', 3]), signature('y', 'int64', ['batch'])];
const X = Array.from({ length: 30 }, (_, i) => i / 2);
const Y = Array.from({ length: 10 }, (_, i) => i * 7);

describe('.npz archives numpy writes', () => {
  for (const [name, deflated] of [['stored.npz', false], ['deflated.npz', true], ['zip64.npz', false]] as const) {
    it(`${name}: every input's samples, in batches, on every pass`, async () => {
      const members = await readNpzMembers(npz(name), what);
      assert.deepEqual(members.map((m) => [m.key, m.deflated, m.header.shape]), [['x', deflated, [10, 3]], ['y', deflated, [10]]]);

      const data = await openDataSet(npz(name), { what, inputs });
      assert.equal(data.count, 10);
      assert.deepEqual(data.inputs, [
        { name: 'x', dataType: DataType.FLOAT, sampleDims: [3] },
        { name: 'y', dataType: DataType.INT64, sampleDims: [] },
      ]);
      for (const batchSize of [1, 4, 10, 32]) {
        const x = await collect(data, batchSize, 'x');
        const y = await collect(data, batchSize, 'y');
        assert.deepEqual(x.values, X, `x at batch size ${batchSize}`);
        assert.deepEqual(y.values, Y, `y at batch size ${batchSize}`);
        assert.deepEqual(x.sizes, y.sizes);
      }
      assert.deepEqual((await collect(data, 4, 'x')).dims, [[4, 3], [4, 3], [2, 3]]);
      const first = (await data.batches(4)[Symbol.asyncIterator]().next()).value!;
      assert.ok(first.feeds.y!.data instanceof BigInt64Array);
    });
  }

  it('a single-input model reads its one key', async () => {
    const data = await openDataSet(npz('stored.npz'), { what, inputs: [signature('x', 'float32', ['batch', 3]), signature('y', 'int64', ['batch'])].slice(0, 1).concat(signature('y', 'int64', ['batch'])) });
    assert.equal(data.count, 10);
  });

  it('stops a deflate stream early without leaking it, then reads from the start again', async () => {
    const data = await openDataSet(npz('deflated.npz'), { what, inputs });
    for await (const batch of data.batches(3)) {
      assert.equal(batch.start, 0);
      break;
    }
    assert.deepEqual((await collect(data, 3, 'y')).values, Y);
  });
});

describe('.npz archives that do not fit the model', () => {
  it('a model input with no array: names the missing key and the model\'s inputs', async () => {
    await expectBadInput(() => openDataSet(npz('stored.npz'), { what, inputs: [signature('x', 'float32', ['batch', 3]), signature('mask', 'int64', ['batch'])] }), {
      names: 'stored.npz',
      problem: /no array for input 'mask' \(it holds 'x', 'y'; the model's inputs are 'x', 'mask'\)/,
      fix: /np\.savez\('.*stored\.npz', \*\*\{'x': \.\.\., 'mask': \.\.\.\}\)/,
    });
  });

  it('an array for no input: names the unknown key', async () => {
    await expectBadInput(() => openDataSet(npz('stored.npz'), { what, inputs: [signature('x', 'float32', ['batch', 3])] }), {
      names: 'stored.npz',
      problem: /array 'y' matches no model input \(it holds 'x', 'y'; the model's inputs are 'x'\)/,
      fix: /keep only arrays keyed by input name/,
    });
  });

  it('inputs with different sample counts', async () => {
    await expectBadInput(() => openDataSet(npz('uneven.npz'), { what, inputs }), { names: 'uneven.npz', problem: /different numbers of samples \('x' 10, 'y' 9\)/, fix: /same number of samples/ });
  });

  it('a member that is not an array', async () => {
    await expectBadInput(() => openDataSet(npz('extra-member.npz'), { what, inputs }), { names: 'extra-member.npz', problem: /member 'notes\.txt' is not a \.npy array/, fix: /np\.savez/ });
  });

  it('wrong dtype in one array: names the archive and the key; the fix rewrites the archive', async () => {
    await expectBadInput(() => openDataSet(npz('deflated.npz'), { what, inputs: [inputs[0]!, signature('y', 'int32', ['batch'])] }), {
      names: "deflated.npz, array 'y'",
      problem: /holds int64 values, but the model's input 'y' takes int32/,
      fix: /d\['y'\] = a\.astype\(np\.int32\); np\.savez\(/,
    });
  });

  it('wrong shape in one array', async () => {
    await expectBadInput(() => openDataSet(npz('stored.npz'), { what, inputs: [signature('x', 'float32', ['batch', 4]), inputs[1]!] }), {
      names: "stored.npz, array 'x'",
      problem: /sample dim 1 is 3, the model fixes it at 4/,
      fix: /save samples of 4/,
    });
  });

  it('not a zip archive', async () => {
    const file = join(dir, 'text.npz');
    writeFileSync(file, 'x,y\n1,2\n');
    await expectBadInput(() => openDataSet(file, { what, inputs }), { names: file, problem: /not a readable \.npz \(zip\) archive/, fix: /np\.savez/ });
  });

  it('a truncated archive', async () => {
    const file = join(dir, 'cut.npz');
    const bytes = readFileSync(npz('stored.npz'));
    writeFileSync(file, bytes.subarray(0, bytes.byteLength - 30));
    await expectBadInput(() => openDataSet(file, { what, inputs }), { names: file, problem: /not a readable \.npz/, fix: /np\.savez/ });
  });

  it('damaged deflate data surfaces as bad input while reading, naming the array', async () => {
    const file = join(dir, 'damaged.npz');
    copyFileSync(npz('deflated.npz'), file);
    const members = await readNpzMembers(file, what);
    const y = members.find((m) => m.key === 'y')!;
    const bytes = readFileSync(file);
    // Keep the first bytes (the .npy header inflates fine); ruin the rest of the stream.
    for (let i = y.fileDataStart + 40; i < y.fileDataStart + y.compressedSize; i++) bytes[i] = 0xff;
    writeFileSync(file, bytes);
    await expectBadInput(
      async () => {
        const data = await openDataSet(file, { what, inputs });
        await collect(data, 4, 'y');
      },
      { names: file, problem: /array 'y' is damaged/, fix: /write the archive again/ },
    );
  });

  it('a damaged central directory', async () => {
    // One byte more in the first header shifts everything after it.
    const file = join(dir, 'shifted.npz');
    const text = readFileSync(npz('stored.npz')).toString('latin1').replace("'shape': (10, 3)", "'shape': (10, 3) ");
    writeFileSync(file, Buffer.from(text, 'latin1'));
    await expectBadInput(() => openDataSet(file, { what, inputs }), { names: file, problem: /damaged \.npz \(zip\) archive/, fix: /write the archive again/ });
  });

  it('zero samples', async () => {
    await expectBadInput(() => openDataSet(npz('empty.npz'), { what, inputs }), { names: 'empty.npz', problem: /no samples \(its arrays have 0 rows\)/, fix: /N ≥ 1/ });
  });
});
