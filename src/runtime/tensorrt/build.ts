/**
 * Builds an engine through the addon: validates the options first (each bad one named, with the
 * fix), forwards TensorRT's progress, cancels on an AbortSignal, and maps the addon's errors to
 * the project's (errors.ts). The build runs on the addon's own thread; this only orchestrates.
 * UNRUN against real TensorRT; tested against the fake binding.
 */
import { BadInputError } from '../../errors.js';
import type { BuildProgressEvent, NativeBuildOptions, NativeBuildResult, ShapeRange, TensorRtBinding } from './binding.js';
import { EngineBuildCancelledError, fromNativeError } from './errors.js';
import { layerPrecisions, type LayerPrecisionReport } from './layer-precision.js';

export interface EngineBuildRequest extends NativeBuildOptions {
  /** ONNX bytes or a path. */
  model: Uint8Array | string;
  /** For messages: "the INT8 engine of resnet50". */
  description: string;
}

export interface EngineBuild extends NativeBuildResult {
  /** Per-layer precision from the inspector; null when the inspector gave nothing usable. */
  layers: LayerPrecisionReport | null;
  /** Why `layers` is null. */
  layersNote: string | null;
}

/** Throws BadInputError naming the first bad option. */
export function validateBuildOptions(options: NativeBuildOptions): void {
  if (options.workspaceBytes !== undefined && !(Number.isSafeInteger(options.workspaceBytes) && options.workspaceBytes >= 0)) {
    throw new BadInputError(`workspace limit ${options.workspaceBytes} is not a byte count`, 'give a whole number of bytes, 0 or more');
  }
  if (options.optimizationLevel !== undefined && !(Number.isInteger(options.optimizationLevel) && options.optimizationLevel >= 0 && options.optimizationLevel <= 5)) {
    throw new BadInputError(`builder optimization level ${options.optimizationLevel} is out of range`, 'use an integer from 0 to 5 (TensorRT\'s default is 3)');
  }
  (options.profiles ?? []).forEach((profile, p) => {
    const seen = new Set<string>();
    for (const range of profile) {
      if (seen.has(range.input)) throw new BadInputError(`optimization profile ${p} names input '${range.input}' twice`, 'give each input one min/opt/max range per profile');
      seen.add(range.input);
      checkRange(range, p);
    }
  });
}

function checkRange(range: ShapeRange, profile: number): void {
  const where = `optimization profile ${profile}, input '${range.input}'`;
  const show = (d: number[]) => d.join('x');
  if (range.min.length !== range.opt.length || range.opt.length !== range.max.length) {
    throw new BadInputError(`${where}: min ${show(range.min)}, opt ${show(range.opt)} and max ${show(range.max)} differ in rank`, 'give all three shapes the same number of dimensions');
  }
  for (let i = 0; i < range.min.length; i++) {
    const [lo, mid, hi] = [range.min[i]!, range.opt[i]!, range.max[i]!];
    if (![lo, mid, hi].every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new BadInputError(`${where}: dimension ${i} is not a non-negative integer in every shape`, 'use whole numbers, 0 or more');
    }
    if (!(lo <= mid && mid <= hi)) {
      throw new BadInputError(`${where}: dimension ${i} has min ${lo}, opt ${mid}, max ${hi}`, 'make min <= opt <= max in every dimension');
    }
  }
}

export async function buildEngine(
  binding: TensorRtBinding,
  request: EngineBuildRequest,
  control: { signal?: AbortSignal; onProgress?: (event: BuildProgressEvent) => void; unavailable?: () => string } = {},
): Promise<EngineBuild> {
  const { model, description, ...options } = request;
  validateBuildOptions(options);
  if (control.signal?.aborted) throw new EngineBuildCancelledError(`cancelled before building ${description}`);
  const onProgress = control.onProgress;
  const handle = binding.buildEngine(model, options, (event) => {
    try {
      onProgress?.(event);
    } catch {
      // A failing progress display must not fail the build.
    }
  });
  const cancel = () => handle.cancel();
  control.signal?.addEventListener('abort', cancel, { once: true });
  let result: NativeBuildResult;
  try {
    result = await handle.promise;
  } catch (error) {
    throw fromNativeError(error, `building ${description}`, control.unavailable);
  } finally {
    control.signal?.removeEventListener('abort', cancel);
  }
  let layers: LayerPrecisionReport | null = null;
  let layersNote: string | null = result.inspectorError;
  if (result.inspectorJson !== null) {
    try {
      layers = layerPrecisions(result.inspectorJson);
    } catch (error) {
      layersNote = (error as Error).message;
    }
  }
  return { ...result, layers, layersNote: layers ? null : (layersNote ?? 'the engine inspector gave no layer information') };
}
