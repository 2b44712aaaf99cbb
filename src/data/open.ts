/**
 * The data stage's entry: a path from `--calibration-data` or `--eval-data` becomes a DataSet
 * whose shapes and types have been checked against the model's inputs before anything runs.
 * The forms (the Contracts' "Data"): a folder of .npy files (single-input models), one .npz keyed
 * by input name, or a folder of images with `--preprocess imagenet`. A single .npy file is read
 * as a folder holding only it.
 */
import { stat } from 'node:fs/promises';
import { BadInputError } from '../errors.js';
import { msg, opt, setting, type Label } from '../message.js';
import type { Preprocess } from '../config/types.js';
import type { TensorSignature } from '../model/signature.js';
import { fileKind, listFolder, type FolderEntry } from './files.js';
import { openImageFolder } from './image-folder.js';
import { openNpyFiles } from './open-npy.js';
import { openNpz } from './open-npz.js';
import { checkInputShapes, modelInputs, newFitContext } from './shapes.js';
import type { DataSet } from './types.js';

export interface OpenDataOptions {
  /** The flag the path came from, for messages: `--calibration-data` or `--eval-data`. */
  what: Label;
  /** The model's inputs: `modelSignature(proto).inputs`. */
  inputs: readonly TensorSignature[];
  preprocess?: Preprocess;
  /** `--input-shapes`: whole shapes (batch first) by input name. */
  inputShapes?: Record<string, number[]>;
}

const FORMS = msg`a folder of .npy files, an .npz keyed by input name, or a folder of images with ${setting('preprocess', 'imagenet')}`;

export async function openDataSet(path: string, options: OpenDataOptions): Promise<DataSet> {
  const { what, preprocess } = options;
  const inputShapes = options.inputShapes ?? {};
  const inputs = modelInputs(options.inputs);
  checkInputShapes(inputs, inputShapes);
  const context = newFitContext(what, inputShapes);

  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new BadInputError(
      msg`${what} ${path}: ${error.code === 'ENOENT' ? 'no such file or folder' : error.message}`,
      msg`check the path; ${what} takes ${FORMS}`,
      { cause: error },
    );
  });

  if (!info.isDirectory()) {
    const kind = fileKind(path);
    if (preprocess && kind !== 'image') {
      throw new BadInputError(msg`${what} ${path}: ${setting('preprocess', preprocess)} applies to a folder of images, not to a ${kind === 'other' ? 'file' : `.${kind} file`}`, msg`drop ${opt('preprocess')}, or give the folder of images`);
    }
    if (kind === 'npz') return openNpz(path, inputs, context);
    if (kind === 'npy') return openNpyFiles({ source: path, files: [path], inputs, context });
    if (kind === 'image') throw new BadInputError(msg`${what} ${path}: a single image; quantgate reads a folder of images`, 'put the image(s) in a folder and give the folder');
    throw new BadInputError(msg`${what} ${path}: not a data file quantgate reads`, msg`give ${FORMS}`);
  }

  const entries = await listFolder(path);
  if (entries.length === 0) {
    throw new BadInputError(msg`${what} ${path}: no samples (the folder is empty)`, msg`put the samples in it: ${FORMS}`);
  }
  const folder = entries.find((e) => e.kind === 'folder');
  if (folder) {
    throw new BadInputError(
      msg`${what} ${path}: holds a folder (${folder.name}); quantgate reads the files directly in the data folder, not in subfolders`,
      'move the samples into one folder (named in the order of their labels)',
    );
  }
  if (preprocess) {
    assertOnly(entries, 'image', path, what, msg`a folder of images for ${setting('preprocess', preprocess)} holds only images`);
    return openImageFolder({ what, folder: path, files: entries.map((e) => e.path), inputs, inputShapes });
  }
  if (!entries.some((e) => e.kind === 'npy') && entries.some((e) => e.kind === 'image')) {
    throw new BadInputError(msg`${what} ${path}: a folder of images, but no preprocessing was asked for`, msg`add ${setting('preprocess', 'imagenet')} (or give .npy files already preprocessed for the model)`);
  }
  const npz = entries.find((e) => e.kind === 'npz');
  if (npz) {
    throw new BadInputError(msg`${what} ${path}: holds an .npz (${npz.name}) in a folder; an .npz is given on its own`, msg`give the archive itself: ${what} ${npz.path}`);
  }
  assertOnly(entries, 'npy', path, what, 'a data folder holds only .npy files (hidden files are ignored)');
  return openNpyFiles({ source: path, files: entries.map((e) => e.path), inputs, context });
}

function assertOnly(entries: readonly FolderEntry[], kind: FolderEntry['kind'], path: string, what: Label, rule: Label): void {
  const stray = entries.filter((e) => e.kind !== kind);
  if (stray.length === 0) return;
  const more = stray.length > 1 ? ` and ${stray.length - 1} more` : '';
  throw new BadInputError(msg`${what} ${path}: holds ${stray[0]!.name}${more}, which ${kind === 'image' ? 'is not an image' : 'is not a .npy file'}; ${rule}`, `move ${stray.length > 1 ? 'those files' : 'it'} out of the folder`);
}
