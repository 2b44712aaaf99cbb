// Issue 5's bad data, through the error funnel the CLI prints from: wrong shape, wrong dtype,
// a label count that does not match, an unreadable image, zero samples. Each is exit status 2
// and one message: the flag and file, the problem, then the fix.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readLabels } from '../../src/data/labels.ts';
import { openDataSet } from '../../src/data/open.ts';
import { describeError, exitCodeOf } from '../../src/errors.ts';
import { DataType, FIXTURES, signature, writeNpy } from '../fixtures/data/helpers.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const model = [signature('input', 'float32', ['batch', 3, 224, 224])];

async function failure(run: () => Promise<unknown>): Promise<{ status: number; text: string }> {
  try {
    await run();
  } catch (error) {
    return { status: exitCodeOf(error), text: describeError(error, false) };
  }
  assert.fail('expected the data stage to refuse the input');
}

describe('bad data: exit 2, one message naming the file, the problem and the fix', () => {
  const cases: { name: string; run: () => Promise<unknown>; file: string; problem: RegExp; fix: RegExp }[] = [
    {
      name: 'wrong shape',
      run: () => openDataSet(writeNpy(join(dir, 'shape', 'x.npy'), DataType.FLOAT, [2, 224, 224, 3], new Float32Array(2 * 224 * 224 * 3)), { what: '--calibration-data', inputs: model }),
      file: join(dir, 'shape', 'x.npy'),
      problem: /shape 2×224×224×3 does not fit input 'input' \(batch×3×224×224\): sample dim 1 is 224, the model fixes it at 3/,
      fix: /save samples of 3×224×224/,
    },
    {
      name: 'wrong dtype',
      run: () => openDataSet(writeNpy(join(dir, 'dtype', 'x.npy'), DataType.DOUBLE, [1, 3, 224, 224], new Float64Array(3 * 224 * 224)), { what: '--calibration-data', inputs: model }),
      file: join(dir, 'dtype', 'x.npy'),
      problem: /holds float64 values, but the model's input 'input' takes float32/,
      fix: /\.astype\(np\.float32\)/,
    },
    {
      name: 'label count that does not match',
      run: async () => {
        const data = await openDataSet(join(FIXTURES, 'images'), { what: '--eval-data', inputs: model, preprocess: 'imagenet' });
        writeFileSync(join(dir, 'labels.txt'), '1\n2\n3\n');
        return readLabels(join(dir, 'labels.txt'), { what: '--labels', count: data.count, samplesFrom: `--eval-data ${join(FIXTURES, 'images')}` });
      },
      file: join(dir, 'labels.txt'),
      problem: /3 labels, but --eval-data .*images holds 6 samples/,
      fix: /one label per evaluation sample/,
    },
    {
      name: 'unreadable image',
      run: () => {
        mkdirSync(join(dir, 'images'), { recursive: true });
        copyFileSync(join(FIXTURES, 'images', 'gray.png'), join(dir, 'images', 'a.png'));
        writeFileSync(join(dir, 'images', 'b.png'), 'not a png');
        return openDataSet(join(dir, 'images'), { what: '--eval-data', inputs: model, preprocess: 'imagenet' });
      },
      file: join(dir, 'images', 'b.png'),
      problem: /unreadable image/,
      fix: /readable JPEG, PNG, WebP or TIFF, or remove it/,
    },
    {
      name: 'zero samples',
      run: () => {
        mkdirSync(join(dir, 'empty'));
        return openDataSet(join(dir, 'empty'), { what: '--calibration-data', inputs: model });
      },
      file: join(dir, 'empty'),
      problem: /no samples/,
      fix: /put the samples in it/,
    },
    {
      name: 'zero samples: a .npy with 0 rows',
      run: () => openDataSet(writeNpy(join(dir, 'zero', 'x.npy'), DataType.FLOAT, [0, 3, 224, 224], new Float32Array(0)), { what: '--calibration-data', inputs: model }),
      file: join(dir, 'zero', 'x.npy'),
      problem: /no samples \(the \.npy has 0 rows\)/,
      fix: /N ≥ 1/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { status, text } = await failure(c.run);
      assert.equal(status, 2);
      const lines = text.split('\n');
      assert.equal(lines.length, 2, `one problem line and one fix line:\n${text}`);
      assert.ok(lines[0]!.startsWith('--'), `the message starts with the flag: ${lines[0]}`);
      assert.ok(lines[0]!.includes(c.file), `the message names ${c.file}: ${lines[0]}`);
      assert.match(lines[0]!, c.problem);
      assert.match(lines[1]!, /^ {2}fix: /);
      assert.match(lines[1]!, c.fix);
    });
  }
});
