/**
 * The `imagenet` preprocessing preset, as torchvision's standard evaluation transform does it on
 * a PIL image: EXIF orientation applied, RGB (alpha dropped, not composited; gray replicated),
 * the shorter side resized to 256 with Pillow's antialiased bilinear filter, the centre 224×224
 * cut out, scaled to [0, 1], normalized by ImageNet's mean and std, laid out NCHW as float32.
 *
 * sharp (libvips) decodes and orients the image; the resize is Pillow's own arithmetic
 * (`pil-resize.ts`), so the crop matches torchvision's to the decoder's rounding. Embedded ICC
 * profiles are ignored, as Pillow ignores them: models see the stored values they were trained
 * on.
 */
import { loadSharp } from './sharp.js';
import { pilBilinearResize } from './pil-resize.js';

/**
 * The most pixels an image may have: Pillow's, which raises DecompressionBombError above twice
 * Image.MAX_IMAGE_PIXELS (1 GiB / 4 / 3). A PNG of one colour compresses to almost nothing, so a
 * 1 MB file can hold a 16383×16383 image (805 MB decoded).
 */
export const MAX_IMAGE_PIXELS = 2 * Math.floor((1024 * 1024 * 1024) / 4 / 3);

export const IMAGENET = {
  resize: 256,
  crop: 224,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
} as const;

/** Pixels of one preprocessed sample: 3×224×224. */
export const IMAGENET_SAMPLE = [3, IMAGENET.crop, IMAGENET.crop] as const;

/** torchvision's Resize(int): the shorter side becomes `shorter`, the longer one truncates. */
export function resizedSize(width: number, height: number, shorter: number = IMAGENET.resize): { width: number; height: number } {
  return width <= height ? { width: shorter, height: Math.trunc((shorter * height) / width) } : { width: Math.trunc((shorter * width) / height), height: shorter };
}

/** CenterCrop's offset: Python's round((size - crop) / 2), which rounds halves to even. */
export function cropOffset(size: number, crop: number): number {
  const exact = (size - crop) / 2;
  const floor = Math.floor(exact);
  if (exact - floor !== 0.5) return Math.round(exact);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Decodes an image to upright 8-bit RGB. Throws sharp's error for anything it cannot read
 * (the caller names the file).
 */
export async function decodeRgb(path: string): Promise<{ pixels: Uint8Array; width: number; height: number }> {
  const sharp = await loadSharp();
  // The limit again at decode time: the file may have changed since its header was read.
  const { data, info } = await sharp(path, { ignoreIcc: true, autoOrient: true, limitInputPixels: MAX_IMAGE_PIXELS })
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${path}: decoded to ${info.channels} channels where RGB was asked for`);
  return { pixels: data, width: info.width, height: info.height };
}

/** The 224×224 RGB crop (HWC, uint8) that torchvision's Resize(256) + CenterCrop(224) make. */
export async function imagenetCrop(path: string): Promise<Uint8Array> {
  const { pixels, width, height } = await decodeRgb(path);
  const size = resizedSize(width, height);
  const { crop } = IMAGENET;
  const window = { left: cropOffset(size.width, crop), top: cropOffset(size.height, crop), width: crop, height: crop };
  return pilBilinearResize(pixels, width, height, 3, size.width, size.height, window);
}

// ToTensor and Normalize compute in float32: v / 255, then (x - mean) / std, each rounded.
const MEAN = IMAGENET.mean.map(Math.fround);
const STD = IMAGENET.std.map(Math.fround);

/** ToTensor + Normalize: an HWC uint8 crop into `target` as CHW float32, as torchvision rounds. */
export function normalizeImagenet(crop: Uint8Array, target: Float32Array): void {
  const plane = IMAGENET.crop * IMAGENET.crop;
  for (let c = 0; c < 3; c++) {
    const mean = MEAN[c]!;
    const std = STD[c]!;
    // One table per channel: 256 possible inputs.
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = Math.fround(Math.fround(Math.fround(v / 255) - mean) / std);
    for (let p = 0; p < plane; p++) target[c * plane + p] = table[crop[p * 3 + c]!]!;
  }
}
