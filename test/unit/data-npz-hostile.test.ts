// Hostile .npz archives. A member may claim any size in its zip and .npy headers; quantgate holds
// each claim to what the archive can hold and what memory can, before allocating anything.
// Both archives here are small files: the first claims a 4 GB .npy header (numpy's reader refuses
// headers over 10,000 bytes; quantgate used to allocate and decode it whole, and Node died);
// the second is a zip bomb that expands honestly to many samples, which --calibration-samples caps.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { constants, deflateRawSync } from 'node:zlib';
import { columnDataSet } from '../../src/data/column.ts';
import { openDataSet } from '../../src/data/open.ts';
import { BadInputError } from '../../src/errors.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { signature } from '../fixtures/data/helpers.ts';
import { writeZip } from '../helpers/npz.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();

/**
 * A raw deflate stream of `prefix` followed by `zeros` zero bytes, built from one compressed
 * mebibyte repeated (full flushes make the pieces independent), so gigabytes cost milliseconds.
 */
function deflatedZeros(prefix: Uint8Array, zeros: number): Buffer {
  const MiB = 1 << 20;
  const head = deflateRawSync(prefix, { finishFlush: constants.Z_FULL_FLUSH });
  const piece = deflateRawSync(Buffer.alloc(MiB), { finishFlush: constants.Z_FULL_FLUSH });
  const tail = deflateRawSync(Buffer.alloc(zeros % MiB));
  return Buffer.concat([head, ...Array<Buffer>(Math.floor(zeros / MiB)).fill(piece), tail]);
}

/** A zip holding one deflated member that claims `uncompressedSize` bytes. */
function zipOne(path: string, name: string, compressed: Buffer, uncompressedSize: number): string {
  writeZip(path, [{ name, stored: compressed, deflated: true, uncompressedSize }]);
  return path;
}

/** A .npy header (version 1.0) for float32 data of `shape`. */
function npyHeader(shape: number[]): Uint8Array {
  let text = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')},), }`;
  text += ' '.repeat(63 - ((10 + text.length) % 64)) + '\n';
  const header = Buffer.alloc(10 + text.length);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(header);
  header.writeUInt16LE(text.length, 8);
  header.write(text, 10, 'latin1');
  return header;
}

const input = [signature('x', 'float32', ['batch', 8])];

describe('hostile .npz archives', () => {
  it('a member whose .npy header claims 0xF0000000 bytes is refused before anything is allocated', async () => {
    const prelude = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0, 0, 0]);
    prelude.writeUInt32LE(0xf0000000, 8);
    const zeros = 0xf0000000 + 1024;
    const stream = deflatedZeros(prelude, zeros);
    const path = zipOne(join(dir, 'header-bomb.npz'), 'x.npy', stream, prelude.length + zeros);
    const before = process.memoryUsage().rss;
    await assert.rejects(openDataSet(path, { what: '--calibration-data', inputs: input }), (e: unknown) => {
      assert.ok(e instanceof BadInputError, String(e));
      assert.match(e.message, /--calibration-data .*header-bomb\.npz.*x.*: its \.npy header claims 4026531840 bytes; numpy.s reader refuses headers over 10000 bytes/);
      return true;
    });
    assert.ok(process.memoryUsage().rss - before < 256 * 2 ** 20, 'nothing near the claimed size was allocated');
  });

  it('a member that claims more than deflate can expand its bytes to is refused', async () => {
    const data = Buffer.concat([npyHeader([4, 8]), Buffer.alloc(128)]);
    const path = zipOne(join(dir, 'ratio.npz'), 'x.npy', deflateRawSync(data), 3_000_000_000);
    await assert.rejects(openDataSet(path, { what: '--eval-data', inputs: input }), (e: unknown) => {
      assert.ok(e instanceof BadInputError, String(e));
      assert.match(e.message, /claims 3000000000 bytes from \d+ compressed, more than deflate expands to \(1032:1\)/);
      return true;
    });
  });

  it('a batch larger than memory allows is refused before it is allocated', async () => {
    const huge = columnDataSet('--eval-data big.npz: 2 samples', 2, [
      { name: 'x', dataType: DataType.FLOAT, sampleDims: [2 ** 20, 2 ** 20], open: () => ({ read: async () => undefined, close: async () => undefined }) },
    ], false, '--eval-data big.npz');
    await assert.rejects(
      (async () => {
        for await (const _ of huge.batches(2)) break;
      })(),
      (e: unknown) => e instanceof BadInputError && /--eval-data big\.npz: a batch of 2 samples of input 'x' takes 8\.00 TiB/.test(e.message),
    );
  });
});
