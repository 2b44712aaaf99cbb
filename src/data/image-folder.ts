/**
 * A folder of images under the `imagenet` preset: one float32 3×224×224 sample per image, in
 * byte-wise file-name order. Every image's header is read when the set opens (an unreadable
 * file, or one over Pillow's decompression-bomb limit, is bad input before anything runs); pixels
 * are decoded during the passes, a few images ahead of the consumer, never more than a memory
 * budget holds: large images one at a time.
 */
import { loadSharp } from './sharp.js';
import { BadInputError } from '../errors.js';
import { msg, setting, type Label } from '../message.js';
import { DataType, dtypeName } from '../model/dtypes.js';
import { formatShape } from '../model/signature.js';
import type { Column, Cursor } from './column.js';
import { columnDataSet } from './column.js';
import { IMAGENET_SAMPLE, imagenetCrop, MAX_IMAGE_PIXELS, normalizeImagenet } from './imagenet.js';
import { mapBounded } from './bounded.js';
import { formatBytes } from '../format.js';
import type { ModelInput } from './shapes.js';
import type { DataSet } from './types.js';

/** Images decoded at once: enough to keep libuv's four threads busy, little memory. */
export const IMAGES_IN_FLIGHT = 4;

/** Decoded RGB bytes in flight at once; one image over it is still decoded, alone. */
export const DECODE_BUDGET_BYTES = 512 * 2 ** 20;

export interface ImageFolderOptions {
  what: Label;
  folder: string;
  files: readonly string[];
  inputs: readonly ModelInput[];
  inputShapes: Record<string, number[]>;
}

export async function openImageFolder(options: ImageFolderOptions): Promise<DataSet> {
  const { what, folder, files } = options;
  const input = presetInput(options);
  const pixels = await mapBounded(files, 8, async (file) => {
    let width: number | undefined;
    let height: number | undefined;
    try {
      // The header only; the size is checked here, with a message, rather than by sharp's limit.
      ({ width, height } = await (await loadSharp())(file, { limitInputPixels: false }).metadata());
      if (!width || !height) throw new Error('no image size in its header');
    } catch (error) {
      throw unreadableImage(what, file, error);
    }
    if (width * height > MAX_IMAGE_PIXELS) {
      throw new BadInputError(
        `${what} ${file}: ${width}×${height} is ${width * height} pixels, over the limit of ${MAX_IMAGE_PIXELS} (Pillow's decompression-bomb limit); decoded, it would take ${formatBytes(width * height * 3)}`,
        'resize the image (the preset works on a 256-pixel shorter side), or remove it from the folder and its line from the labels',
      );
    }
    return width * height;
  });
  const column: Column = {
    name: input.name,
    dataType: DataType.FLOAT,
    sampleDims: [...IMAGENET_SAMPLE],
    open: () => new ImageCursor(files, what, pixels),
  };
  return columnDataSet(`${what} ${folder}: ${files.length} ${files.length === 1 ? 'image' : 'images'}, imagenet preprocessing`, files.length, [column], false, `${what} ${folder}`);
}

export function unreadableImage(what: Label, file: string, error: unknown): BadInputError {
  const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return new BadInputError(
    msg`${what} ${file}: unreadable image (${detail})`,
    'replace the file with a readable JPEG, PNG, WebP or TIFF, or remove it from the folder (and its line from the labels)',
    { cause: error },
  );
}

/** The one input the preset can feed: float32, [batch, 3, 224, 224], symbolic dims allowed. */
function presetInput({ what, folder, inputs, inputShapes }: ImageFolderOptions): ModelInput {
  const names = inputs.map((i) => `'${i.name}'`).join(', ');
  if (inputs.length !== 1) {
    throw new BadInputError(
      msg`${what} ${folder}: ${setting('preprocess', 'imagenet')} feeds one image input, but the model has ${inputs.length} inputs (${names})`,
      'give the inputs as an .npz keyed by input name: np.savez("data.npz", **{name: array, ...})',
    );
  }
  const input = inputs[0]!;
  const expected = `N×${IMAGENET_SAMPLE.join('×')}`;
  if (input.dataType !== DataType.FLOAT) {
    throw new BadInputError(
      msg`${what} ${folder}: ${setting('preprocess', 'imagenet')} makes float32 samples, but the model's input '${input.name}' takes ${dtypeName(input.dataType)}`,
      `preprocess the images yourself and give .npy files of the input's type, or export the model with a float32 input`,
    );
  }
  const flag = inputShapes[input.name];
  const modelFits = input.shape === null || (input.shape.length === 4 && input.shape.slice(1).every((d, k) => typeof d !== 'number' || d === IMAGENET_SAMPLE[k]));
  const flagFits = !flag || (flag.length === 4 && flag.slice(1).every((d, k) => d === IMAGENET_SAMPLE[k]));
  const fits = modelFits && flagFits;
  if (!fits) {
    throw new BadInputError(
      msg`${what} ${folder}: ${setting('preprocess', 'imagenet')} makes samples of ${expected}, but the model's input '${input.name}' is ${formatShape(flag ?? input.shape)}`,
      `preprocess the images for this model yourself and give a folder of .npy files of ${formatShape(input.shape)} instead`,
    );
  }
  return input;
}

/**
 * Decodes images in order, up to IMAGES_IN_FLIGHT ahead of what has been read and within
 * DECODE_BUDGET_BYTES of decoded pixels (`pixels` from the headers): an image that would pass the
 * budget waits until those before it are done, so large images are decoded one at a time.
 */
export class ImageCursor implements Cursor {
  private readonly pending = new Map<number, Promise<Uint8Array>>();
  private next = 0;
  private bytesInFlight = 0;

  constructor(
    private readonly files: readonly string[],
    private readonly what: Label,
    private readonly pixels: readonly number[],
    private readonly decode: (file: string) => Promise<Uint8Array> = imagenetCrop,
  ) {}

  private schedule(upTo: number): void {
    while (this.next < Math.min(upTo, this.files.length)) {
      const bytes = this.pixels[this.next]! * 3;
      // With nothing pending (every earlier image read), the next one always starts: reads never stall.
      if (this.pending.size > 0 && this.bytesInFlight + bytes > DECODE_BUDGET_BYTES) return;
      const index = this.next++;
      const file = this.files[index]!;
      this.bytesInFlight += bytes;
      const crop = this.decode(file)
        .catch((error: unknown) => {
          throw unreadableImage(this.what, file, error);
        })
        .finally(() => {
          this.bytesInFlight -= bytes;
        });
      // Marked handled now: a failure surfaces when its sample is read, not as an unhandled rejection.
      crop.catch(() => undefined);
      this.pending.set(index, crop);
    }
  }

  async read(first: number, count: number, target: Uint8Array): Promise<void> {
    const samples = new Float32Array(target.buffer, target.byteOffset, target.byteLength / 4);
    const perSample = IMAGENET_SAMPLE.reduce((a, b) => a * b, 1);
    for (let i = 0; i < count; i++) {
      const index = first + i;
      this.schedule(index + IMAGES_IN_FLIGHT);
      const crop = await this.pending.get(index)!;
      this.pending.delete(index);
      normalizeImagenet(crop, samples.subarray(i * perSample, (i + 1) * perSample));
    }
    // Start the next batch's first images while the consumer runs this one.
    this.schedule(first + count + IMAGES_IN_FLIGHT);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.pending.values());
    this.pending.clear();
  }
}
