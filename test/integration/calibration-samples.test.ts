// Calibration reads at most --calibration-samples samples (default 1024), the first ones in the
// data's order: a 4 MB zip bomb .npz once expanded to 1.37 M samples of calibration work.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeNpy } from '../../src/data/index.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { writeModel } from '../../src/model/write.ts';
import { cli } from '../helpers/cli.ts';
import { writeNpz } from '../helpers/npz.ts';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const model = join(dir, 'gemm.onnx');
writeModel(gemmModel(), model);

describe('--calibration-samples', () => {
  const bomb = join(dir, 'bomb.npz');
  // 200,000 samples of one value deflate to a few kilobytes: a small zip bomb.
  writeNpz(bomb, { x: { dims: [200_000, 8], data: new Float32Array(200_000 * 8).fill(0.25) } }, true);

  it('by default calibration stops at 1024 samples of a large set, and says so', async () => {
    const r = await cli(['quantize', '--model', model, '--calibration-data', bomb, '--out', join(dir, 'default'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const { quantization } = JSON.parse(r.stdout) as { quantization: { samples: number } };
    assert.equal(quantization.samples, 1024);
    assert.match(r.stderr, /the first 1024 of its 200000 samples \(--calibration-samples\)/);
  });

  it('the flag sets the cap', async () => {
    const r = await cli(['quantize', '--model', model, '--calibration-data', bomb, '--calibration-samples', '50', '--out', join(dir, 'fifty'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { quantization: { samples: number } }).quantization.samples, 50);
  });

  it('a set smaller than the cap is used whole, without a word about the cap', async () => {
    const small = join(dir, 'small.npy');
    writeFileSync(small, encodeNpy({ dataType: DataType.FLOAT, dims: [40, 8], data: new Float32Array(320).fill(0.5) }));
    const r = await cli(['quantize', '--model', model, '--calibration-data', small, '--out', join(dir, 'small'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { quantization: { samples: number } }).quantization.samples, 40);
    assert.doesNotMatch(r.stderr, /--calibration-samples/);
  });

  it('a bad value names the flag', async () => {
    const r = await cli(['quantize', '--model', model, '--calibration-data', bomb, '--calibration-samples', '0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--calibration-samples is '0'/);
  });
});
