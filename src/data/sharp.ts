/**
 * sharp (libvips) is loaded only when an image folder is read: it is a native package, and the
 * rest of quantgate (models, .npy data, the CLI's start-up) must not depend on it loading.
 */
import { BadInputError } from '../errors.js';
import { msg, setting } from '../message.js';

type Sharp = typeof import('sharp').default;

let loaded: Promise<Sharp> | undefined;

export function loadSharp(): Promise<Sharp> {
  loaded ??= import('sharp').then(
    (m) => m.default,
    (error: unknown) => {
      loaded = undefined;
      throw new BadInputError(
        msg`sharp, which decodes images for ${setting('preprocess', 'imagenet')}, could not be loaded: ${(error as Error).message.split('\n')[0]}`,
        'reinstall quantgate\'s dependencies (npm ci), or give the data as .npy/.npz instead of images',
        { cause: error },
      );
    },
  );
  return loaded;
}
