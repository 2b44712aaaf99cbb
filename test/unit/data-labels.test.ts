// Labels: .npy of integers or text with one integer a line, exactly one per evaluation sample.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readLabels } from '../../src/data/labels.ts';
import { DataType, expectBadInput, FIXTURES, writeNpy } from '../fixtures/data/helpers.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const what = '--labels';

function text(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('readLabels', () => {
  it('a 1-D .npy of int64 (what np.save(labels) of a Python list writes)', async () => {
    const file = writeNpy(join(dir, 'l.npy'), DataType.INT64, [4], BigInt64Array.from([3n, 0n, 999n, 1n]));
    const labels = await readLabels(file, { what, count: 4 });
    assert.equal(labels.source, file);
    assert.deepEqual([...labels.values], [3, 0, 999, 1]);
    assert.ok(labels.values instanceof Int32Array);
  });

  it('an [N, 1] .npy of uint8', async () => {
    const file = writeNpy(join(dir, 'col.npy'), DataType.UINT8, [3, 1], Uint8Array.from([7, 8, 9]));
    assert.deepEqual([...(await readLabels(file, { what, count: 3 })).values], [7, 8, 9]);
  });

  it("numpy's own label files: np.save of a list, and an int32 column", async () => {
    for (const name of ['labels.npy', 'labels-column.npy']) {
      assert.deepEqual([...(await readLabels(join(FIXTURES, 'arrays', name), { what, count: 4 })).values], [3, 0, 7, 1]);
    }
  });

  it('a text file: one integer a line, CRLF, spaces and trailing blank lines allowed', async () => {
    const file = text('labels.txt', '\uFEFF5\r\n 12 \r\n0\n\n\n');
    assert.deepEqual([...(await readLabels(file, { what, count: 3 })).values], [5, 12, 0]);
  });

  it('a text file whatever its extension (.csv, none)', async () => {
    assert.deepEqual([...(await readLabels(text('labels', '1\n2\n'), { what, count: 2 })).values], [1, 2]);
    assert.deepEqual([...(await readLabels(text('labels.csv', '1\n2'), { what, count: 2 })).values], [1, 2]);
  });
});

describe('labels that are wrong', () => {
  it('label count that does not match the evaluation samples', async () => {
    const file = text('short.txt', '1\n2\n3\n');
    await expectBadInput(() => readLabels(file, { what, count: 4, samplesFrom: '--eval-data data/eval' }), {
      names: `--labels ${file}`,
      problem: /3 labels, but --eval-data data\/eval holds 4 samples; each sample needs exactly one label/,
      fix: /one label per evaluation sample, in the order of the samples/,
    });
    const npy = writeNpy(join(dir, 'long.npy'), DataType.INT32, [5], Int32Array.from([1, 2, 3, 4, 5]));
    await expectBadInput(() => readLabels(npy, { what, count: 4 }), { names: npy, problem: /5 labels, but the evaluation set holds 4 samples/, fix: /one label per evaluation sample/ });
  });

  const badLines: [string, string, RegExp][] = [
    ['a word', '1\ncat\n2\n', /line 2 is text, not a number \(3 characters\)/],
    ['a float', '1\n2\n3.0\n', /line 3 is a number with a fraction or an exponent/],
    ['a negative number', '-1\n', /line 1 is a negative number/],
    ['a blank line in the middle', '1\n\n2\n', /line 2 is empty/],
    ['two numbers on a line', '1 2\n', /line 1 is 2 numbers/],
    ['a number too large', '99999999999\n', /line 1 is a number above 2,147,483,647/],
  ];
  for (const [name, content, problem] of badLines) {
    it(`a text line that is ${name}: its line number`, async () => {
      const file = text(`bad-${name.replace(/\W+/g, '-')}.txt`, content);
      await expectBadInput(() => readLabels(file, { what, count: 3 }), { names: file, problem, fix: /one integer a line, nothing else \(fix line \d+\)/ });
    });
  }

  it('any file given as labels (/etc/passwd): the message says where and what kind, never the contents', async () => {
    const file = text('passwd', 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n');
    await expectBadInput(() => readLabels(file, { what, count: 2 }), { names: file, problem: /line 1 is text, not a number \(31 characters\)/, fix: /fix line 1/ });
    const error = await readLabels(file, { what, count: 2 }).then(() => null, (e: Error) => e);
    assert.ok(error && !/root|bin\/bash/.test(`${error.message} ${String((error as { fix?: unknown }).fix ?? '')}`.replace(String(file), '')), String(error?.message));
  });

  it('scores instead of labels: a (2, 3) array', async () => {
    const path = join(FIXTURES, 'arrays', 'dtype-int32.npy');
    await expectBadInput(() => readLabels(path, { what, count: 2 }), { names: path, problem: /shape 2×3; labels are one integer per sample, shape \[N\] or \[N, 1\]/, fix: /argmax\(axis=1\)/ });
  });

  it('float labels in a .npy', async () => {
    const file = writeNpy(join(dir, 'scores.npy'), DataType.FLOAT, [2], Float32Array.from([0.5, 1]));
    await expectBadInput(() => readLabels(file, { what, count: 2 }), { names: file, problem: /float32 values; labels are integer class indices/, fix: /astype\(np\.int64\)/ });
  });

  it('a negative label in a .npy', async () => {
    const file = writeNpy(join(dir, 'negative.npy'), DataType.INT64, [2], BigInt64Array.from([1n, -1n]));
    await expectBadInput(() => readLabels(file, { what, count: 2 }), { names: file, problem: /label 1 is -1; a class index is a whole number from 0 up/, fix: /starting at 0/ });
  });

  it('a missing file, a folder, a truncated .npy', async () => {
    await expectBadInput(() => readLabels(join(dir, 'nope.txt'), { what, count: 1 }), { names: 'nope.txt', problem: /no such file/, fix: /\.npy of integer labels or a text file/ });
    await expectBadInput(() => readLabels(dir, { what, count: 1 }), { names: dir, problem: /a folder, not a labels file/, fix: /text file/ });
    const file = writeNpy(join(dir, 'cut.npy'), DataType.INT64, [8], new BigInt64Array(8));
    writeFileSync(file, readFileSync(file).subarray(0, 140));
    await expectBadInput(() => readLabels(file, { what, count: 8 }), { names: file, problem: /truncated/, fix: /write the whole file again|copy/ });
  });
});
