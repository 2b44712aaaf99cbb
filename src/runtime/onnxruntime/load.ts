/**
 * The one place that imports onnxruntime-node. It is loaded lazily: `--help`, `inspect` and the
 * report commands must work (and start fast) where the package or its binary is missing.
 */
import { BadInputError } from '../../errors.js';
import { disableOnnxRuntimeTelemetry } from './telemetry.js';

export type Ort = typeof import('onnxruntime-node');

let loaded: Promise<Ort> | undefined;

export function loadOrt(): Promise<Ort> {
  disableOnnxRuntimeTelemetry();
  loaded ??= import('onnxruntime-node').then(
    (m) => ((m as { default?: Ort }).default ?? m) as Ort,
    (error: unknown) => {
      loaded = undefined;
      throw new BadInputError(
        `onnxruntime-node could not be loaded: ${(error as Error).message}`,
        'install it where quantgate runs (npm ci, on Linux x64/arm64 or macOS; `quantgate doctor` lists what is missing)',
        { cause: error },
      );
    },
  );
  return loaded;
}

/** The installed onnxruntime-node version, e.g. "1.30.0". */
export async function ortVersion(): Promise<string> {
  const ort = await loadOrt();
  return ort.env.versions.node ?? ort.env.versions.common;
}
