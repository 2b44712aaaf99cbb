/**
 * Opens an engine for benchmarking and accuracy runs. Takes a VerifiedEngine only (engine-cache.ts
 * makes them from engines this runner built), so no path through the code deserializes bytes
 * from elsewhere. UNRUN against real TensorRT; tested against the fake binding.
 */
import type { NativeEngineSession, TensorRtBinding } from './binding.js';
import { isVerifiedEngine, type VerifiedEngine } from './engine-cache.js';
import { fromNativeError } from './errors.js';

export async function openEngine(binding: TensorRtBinding, engine: VerifiedEngine, options: { device?: number } = {}): Promise<NativeEngineSession> {
  if (!isVerifiedEngine(engine)) {
    throw new TypeError('openEngine takes a VerifiedEngine from EngineCache (lookup or store), never raw engine bytes');
  }
  try {
    return await binding.openEngineSession(engine.bytes, options);
  } catch (error) {
    throw fromNativeError(error, `loading the engine ${engine.key.slice(0, 12)}…`);
  }
}
