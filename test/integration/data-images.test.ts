// The imagenet preset against torchvision: the fixture images and what torchvision made of them
// (test/fixtures/data/make_images.py). The crop before ToTensor must be within 1/255 on average;
// the measured differences are printed.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cropOffset, decodeRgb, IMAGENET, imagenetCrop, resizedSize } from '../../src/data/imagenet.ts';
import { openDataSet } from '../../src/data/open.ts';
import { collect, expectBadInput, FIXTURES, signature } from '../fixtures/data/helpers.ts';
import { tempDir } from '../helpers/tmp.ts';

const images = join(FIXTURES, 'images');
const FILES = ['exif-rotated.jpg', 'gray.png', 'landscape.jpg', 'large.jpg', 'portrait.png', 'rgba.png']; // byte-wise order
const model = [signature('input', 'float32', ['batch', 3, 224, 224])];
const what = '--eval-data';
const dir = tempDir();

/** torchvision's crop for an image: HWC uint8, stored as differences along x (mod 256). */
async function torchvisionCrop(name: string): Promise<Uint8Array> {
  const file = join(FIXTURES, 'torchvision', name.replace(/\.\w+$/, '.npz'));
  const data = await openDataSet(file, { what: 'fixture', inputs: [signature('crop_dx', 'uint8', ['n', 224, 224, 3])] });
  const dx = Uint8Array.from((await collect(data, 1)).values);
  const crop = new Uint8Array(dx.length);
  for (let y = 0; y < 224; y++) {
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let x = 0; x < 224; x++) {
        const i = (y * 224 + x) * 3 + c;
        sum = (sum + dx[i]!) & 0xff;
        crop[i] = sum;
      }
    }
  }
  return crop;
}

/** Mean absolute difference in [0, 1] pixel units, and the largest one in 0..255 levels. */
function difference(a: Uint8Array, b: Uint8Array): { mad: number; max: number } {
  assert.equal(a.length, b.length);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mad: sum / a.length / 255, max };
}

describe('imagenet preset against torchvision (Resize(256) + CenterCrop(224) on PIL images)', () => {
  for (const name of FILES) {
    it(`${name}: mean absolute difference under 1/255`, async (t) => {
      const { mad, max } = difference(await imagenetCrop(join(images, name)), await torchvisionCrop(name));
      const line = `torchvision MAD ${name}: ${mad.toFixed(6)} (${(mad * 255).toFixed(4)}/255), largest difference ${max}/255`;
      t.diagnostic(line);
      assert.ok(mad < 1 / 255, line);
    });
  }

  it('the whole pipeline: ToTensor and Normalize in float32, NCHW, files in byte-wise order', async () => {
    const data = await openDataSet(images, { what, inputs: model, preprocess: 'imagenet' });
    assert.equal(data.count, FILES.length);
    assert.deepEqual(data.inputs, [{ name: 'input', dataType: 1, sampleDims: [3, 224, 224] }]);
    assert.match(data.description, /6 images, imagenet preprocessing/);
    const plane = 224 * 224;
    let i = 0;
    for await (const batch of data.batches(4)) {
      const x = batch.feeds.input!;
      assert.deepEqual(x.dims, [batch.size, 3, 224, 224]);
      for (let s = 0; s < batch.size; s++, i++) {
        const crop = await torchvisionCrop(FILES[i]!);
        let worst = 0;
        for (let c = 0; c < 3; c++) {
          for (let p = 0; p < plane; p++) {
            const expected = Math.fround(Math.fround(Math.fround(crop[p * 3 + c]! / 255) - Math.fround(IMAGENET.mean[c]!)) / Math.fround(IMAGENET.std[c]!));
            // Back in pixel units, so the bound means the same as the crop's.
            worst = Math.max(worst, (Math.abs((x.data as Float32Array)[s * 3 * plane + c * plane + p]! - expected) * IMAGENET.std[c]!) * 255);
          }
        }
        assert.ok(worst <= 1, `${FILES[i]}: largest difference ${worst}/255 after normalization`);
      }
    }
    assert.equal(i, FILES.length);
  });

  it('EXIF orientation stands the picture upright before resizing', async () => {
    const { width, height } = await decodeRgb(join(images, 'exif-rotated.jpg'));
    assert.deepEqual([width, height], [270, 360], 'stored 360×270, orientation 6');
  });

  it('alpha is dropped, not composited: transparent pixels keep their colours', async () => {
    const { pixels, width } = await decodeRgb(join(images, 'rgba.png'));
    // Columns 0-99 are fully transparent; composited over black (or white) they would be flat.
    const values = new Set<number>();
    for (let y = 0; y < 50; y++) for (let x = 0; x < 100; x++) values.add(pixels[(y * width + x) * 3]!);
    assert.ok(values.size > 20, `the transparent band holds ${values.size} distinct red values`);
  });

  it("torchvision's sizes: the long side truncated, the crop offset rounded half to even", () => {
    assert.deepEqual(resizedSize(400, 299), { width: 342, height: 256 });
    assert.deepEqual(resizedSize(240, 335), { width: 256, height: 357 });
    assert.deepEqual(resizedSize(256, 256), { width: 256, height: 256 });
    assert.deepEqual([cropOffset(355, 224), cropOffset(357, 224), cropOffset(341, 224), cropOffset(342, 224), cropOffset(256, 224)], [66, 66, 58, 59, 16]);
  });

  it('many images, decoded a few at a time, arrive in order for any batch size', async () => {
    const folder = join(dir, 'many');
    mkdirSync(folder);
    const names: string[] = [];
    for (let i = 0; i < 14; i++) {
      const source = FILES[(i * 5) % FILES.length]!;
      const name = `${String(i).padStart(3, '0')}-${source}`;
      copyFileSync(join(images, source), join(folder, name));
      names.push(source);
    }
    const data = await openDataSet(folder, { what, inputs: [signature('input', 'float32', ['batch', 3, 'h', 'w'])], preprocess: 'imagenet' });
    const firstPixel = new Map<string, number>();
    for (const name of new Set(names)) {
      const crop = await imagenetCrop(join(images, name));
      firstPixel.set(name, Math.fround(Math.fround(Math.fround(crop[0]! / 255) - Math.fround(IMAGENET.mean[0])) / Math.fround(IMAGENET.std[0])));
    }
    for (const batchSize of [1, 5, 32]) {
      const seen: number[] = [];
      for await (const batch of data.batches(batchSize)) {
        for (let s = 0; s < batch.size; s++) seen.push((batch.feeds.input!.data as Float32Array)[s * 3 * 224 * 224]!);
      }
      assert.deepEqual(seen, names.map((n) => firstPixel.get(n)), `batch size ${batchSize}`);
    }
  });
});

describe('image folders that are wrong', () => {
  it('an unreadable image: named when the set opens', async () => {
    const folder = join(dir, 'garbage');
    mkdirSync(folder);
    copyFileSync(join(images, 'gray.png'), join(folder, 'a.png'));
    writeFileSync(join(folder, 'b.jpg'), 'this is no JPEG');
    await expectBadInput(() => openDataSet(folder, { what, inputs: model, preprocess: 'imagenet' }), {
      names: join(folder, 'b.jpg'),
      problem: /unreadable image/,
      fix: /replace the file with a readable JPEG, PNG, WebP or TIFF, or remove it/,
    });
  });

  it('a truncated image: its header reads, its pixels do not; named when its batch is read', async () => {
    const folder = join(dir, 'truncated');
    mkdirSync(folder);
    copyFileSync(join(images, 'gray.png'), join(folder, 'a.png'));
    const jpeg = readFileSync(join(images, 'landscape.jpg'));
    writeFileSync(join(folder, 'b.jpg'), jpeg.subarray(0, jpeg.byteLength >> 1));
    const data = await openDataSet(folder, { what, inputs: model, preprocess: 'imagenet' });
    await expectBadInput(() => collect(data, 1), { names: join(folder, 'b.jpg'), problem: /unreadable image/, fix: /remove it from the folder/ });
  });

  it('a stray file among the images', async () => {
    const folder = join(dir, 'stray');
    mkdirSync(folder);
    copyFileSync(join(images, 'gray.png'), join(folder, 'a.png'));
    writeFileSync(join(folder, 'labels.txt'), '1\n');
    writeFileSync(join(folder, '.DS_Store'), 'ignored');
    await expectBadInput(() => openDataSet(folder, { what, inputs: model, preprocess: 'imagenet' }), { names: 'labels.txt', problem: /is not an image/, fix: /move it out of the folder/ });
  });

  it('a model the preset cannot feed: other sizes, other types, several inputs', async () => {
    await expectBadInput(() => openDataSet(images, { what, inputs: [signature('input', 'float32', ['batch', 3, 299, 299])], preprocess: 'imagenet' }), {
      names: images,
      problem: /makes samples of N×3×224×224, but the model's input 'input' is batch×3×299×299/,
      fix: /\.npy files of batch×3×299×299/,
    });
    await expectBadInput(() => openDataSet(images, { what, inputs: [signature('input', 'float32', ['batch', 224, 224, 3])], preprocess: 'imagenet' }), { names: images, problem: /batch×224×224×3/, fix: /\.npy files/ });
    await expectBadInput(() => openDataSet(images, { what, inputs: [signature('input', 'float16', ['batch', 3, 224, 224])], preprocess: 'imagenet' }), { names: images, problem: /makes float32 samples, but the model's input 'input' takes float16/, fix: /float32 input/ });
    await expectBadInput(() => openDataSet(images, { what, inputs: [...model, signature('scale', 'float32', [1])], preprocess: 'imagenet' }), { names: images, problem: /feeds one image input, but the model has 2 inputs/, fix: /\.npz keyed by input name/ });
    await expectBadInput(() => openDataSet(images, { what, inputs: [signature('input', 'float32', ['batch', 3, 'h', 'w'])], inputShapes: { input: [1, 3, 256, 256] }, preprocess: 'imagenet' }), {
      names: images,
      problem: /is 1×3×256×256/,
      fix: /\.npy files/,
    });
  });

  it('a single image instead of a folder', async () => {
    const file = join(images, 'gray.png');
    await expectBadInput(() => openDataSet(file, { what, inputs: model, preprocess: 'imagenet' }), { names: file, problem: /a single image/, fix: /in a folder/ });
  });
});
