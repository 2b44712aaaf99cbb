// Images are decoded within bounds. Four 16383×16383 PNGs (1 MB in all; a PNG of one colour
// compresses to almost nothing) once took 4 GB: quantgate refuses images over Pillow's
// decompression-bomb limit (2 × Image.MAX_IMAGE_PIXELS, 178,956,970 pixels) when the folder opens,
// and decodes large images one at a time within a memory budget.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { ImageCursor } from '../../src/data/image-folder.ts';
import { MAX_IMAGE_PIXELS } from '../../src/data/imagenet.ts';
import { openDataSet } from '../../src/data/open.ts';
import { BadInputError } from '../../src/errors.ts';
import { signature } from '../fixtures/data/helpers.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A valid black RGB PNG of width × height, about 70 bytes a row however wide. */
function blackPng(path: string, width: number, height: number): string {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const rowBytes = 1 + 3 * width; // a filter byte, then the pixels
  const row = deflateRawSync(Buffer.alloc(rowBytes), { finishFlush: constants.Z_FULL_FLUSH });
  // zlib's Adler-32 of all-zero bytes: a stays 1, b adds 1 per byte.
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((((rowBytes * height) % 65521) << 16) | 1) >>> 0);
  const data = Buffer.concat([Buffer.from([0x78, 0x01]), ...Array<Buffer>(height).fill(row), deflateRawSync(Buffer.alloc(0)), adler]);
  const signatureBytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  writeFileSync(path, Buffer.concat([signatureBytes, chunk('IHDR', header), chunk('IDAT', data), chunk('IEND', Buffer.alloc(0))]));
  return path;
}

const input = [signature('input', 'float32', ['batch', 3, 224, 224])];

describe('image size limits', () => {
  it("an image over Pillow's pixel limit is bad input when the folder opens, naming the file", async () => {
    const folder = join(dir, 'bombs');
    mkdirSync(folder);
    blackPng(join(folder, 'a.png'), 300, 300);
    blackPng(join(folder, 'b.png'), 16383, 16383);
    await assert.rejects(openDataSet(folder, { what: '--eval-data', inputs: input, preprocess: 'imagenet' }), (e: unknown) => {
      assert.ok(e instanceof BadInputError, String(e));
      assert.match(e.message, /--eval-data .*b\.png: 16383×16383 is 268402689 pixels, over the limit of 178956970/);
      assert.match(e.fix, /resize/);
      return true;
    });
  });

  it('the limit is Pillow\'s', () => assert.equal(MAX_IMAGE_PIXELS, 2 * Math.floor((1024 * 1024 * 1024) / 4 / 3)));

  it('an image at the limit still decodes, within the memory budget', async () => {
    const folder = join(dir, 'large');
    mkdirSync(folder);
    blackPng(join(folder, 'wide.png'), 13000, 13000);
    const data = await openDataSet(folder, { what: '--eval-data', inputs: input, preprocess: 'imagenet' });
    for await (const batch of data.batches(1)) assert.equal(batch.feeds.input!.dims.join('×'), '1×3×224×224');
  });

  it('large images are decoded one at a time; small ones several at once', async () => {
    let inFlight = 0;
    let most = { large: 0, small: 0 };
    const pixels = [150e6, 150e6, 150e6, 1e6, 1e6, 1e6, 1e6, 1e6];
    const files = pixels.map((_, i) => `${i}.png`);
    const decode = async (file: string) => {
      const large = pixels[Number(file.split('.')[0])]! > 1e8;
      inFlight++;
      const key = large ? 'large' : 'small';
      most = { ...most, [key]: Math.max(most[key], inFlight) };
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return new Uint8Array(224 * 224 * 3);
    };
    const cursor = new ImageCursor(files, '--eval-data', pixels, decode);
    const target = new Uint8Array(files.length * 3 * 224 * 224 * 4);
    await cursor.read(0, files.length, target);
    await cursor.close();
    assert.equal(most.large, 1, 'two large images were decoded at once');
    assert.ok(most.small > 1, 'small images are decoded ahead');
  });
});
