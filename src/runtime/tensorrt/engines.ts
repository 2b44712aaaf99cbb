/**
 * One engine of one model, built at most once per runner: looked up in the engine cache by what
 * makes it (the model's bytes, TensorRT's version, the GPU, the optimisation profile), built
 * through build.ts when the cache has none of this TensorRT and GPU, or one whose file does not
 * match what this runner recorded. The timing cache is read before a build and written after, so
 * a rebuild (a new model, a new TensorRT) reuses the kernel timings measured before; the build's
 * log and the engine inspector's layer JSON are kept beside the engine, so a run that loads it
 * from the cache still reports which precision its layers run in.
 *
 * UNRUN against real TensorRT (no TensorRT here); tested against the fake binding.
 */
import type { Log } from '../../log.js';
import { readModel } from '../../model/read.js';
import type { InputShapes } from '../backend.js';
import type { BuildProgressEvent, Capabilities, TensorRtBinding } from './binding.js';
import { buildEngine } from './build.js';
import { EngineCache, type BuildRecord, type CacheGpu, type EngineKeyInput, type VerifiedEngine } from './engine-cache.js';
import { layerPrecisions, type LayerPrecisionReport } from './layer-precision.js';
import { profilesFor } from './profile.js';

export interface EngineSource {
  binding: TensorRtBinding;
  capabilities: Capabilities;
  cache: EngineCache;
  /** The possible-solutions text, for an addon that finds TensorRT gone mid-run. */
  unavailable?: () => string;
}

export interface EngineWanted {
  modelPath: string;
  /** For messages and the log: "the INT8 engine of cnn". */
  description: string;
  inputShapes?: InputShapes;
}

export interface EngineControl {
  /** Where build progress goes; nothing is logged without one. */
  log?: Log;
  signal?: AbortSignal;
}

export interface ReadyEngine {
  engine: VerifiedEngine;
  source: 'built' | 'cache';
  /** Why an engine in the cache was not used: another TensorRT or GPU, a file that did not match. */
  cacheNote: string | null;
  /** What the build said (this run's, or the one kept with a cached engine); null if not kept. */
  record: BuildRecord | null;
  layers: LayerPrecisionReport | null;
  layersNote: string | null;
}

/** The GPU as the cache key names it. */
export function cacheGpu(capabilities: Capabilities): CacheGpu {
  return { name: capabilities.gpu.name ?? 'unknown GPU', computeCapability: capabilities.gpu.computeCapability ?? 'unknown', uuid: capabilities.gpu.uuid };
}

/** The cache key's parts for a model file (its bytes and external data hashed, as ONNX Runtime would read them). */
export async function engineKeyInput(capabilities: Capabilities, wanted: EngineWanted): Promise<EngineKeyInput> {
  const model = readModel(wanted.modelPath);
  let modelSha256: string;
  try {
    modelSha256 = await model.sha256();
  } finally {
    model.close();
  }
  const profiles = profilesFor(wanted.inputShapes);
  return { modelSha256, tensorrtVersion: capabilities.tensorrt.version ?? 'unknown', gpu: cacheGpu(capabilities), options: profiles ? { profiles } : {} };
}

function progressLogger(log: Log, description: string): (event: BuildProgressEvent) => void {
  const steps = new Map<string, number>();
  return (event) => {
    if (event.type === 'phaseStart') {
      steps.set(event.phase, event.steps);
      const line = `${description}: ${event.phase}${event.steps > 1 ? ` (${event.steps} steps)` : ''}`;
      if (event.parent === null) log.info(line);
      else log.debug(line);
    } else if (event.type === 'step') {
      const total = steps.get(event.phase) ?? 0;
      // About ten lines per phase, at --verbose.
      if (total > 0 && (event.step + 1) % Math.max(1, Math.round(total / 10)) === 0) log.debug(`${description}: ${event.phase} ${event.step + 1}/${total}`);
    } else {
      log.debug(`${description}: ${event.phase} done`);
    }
  };
}

function layersOf(record: BuildRecord | null): { layers: LayerPrecisionReport | null; layersNote: string | null } {
  if (!record) return { layers: null, layersNote: 'the build record of this cached engine is missing' };
  if (record.inspectorJson === null) return { layers: null, layersNote: record.inspectorError ?? 'the engine inspector gave no layer information' };
  try {
    return { layers: layerPrecisions(record.inspectorJson), layersNote: null };
  } catch (error) {
    return { layers: null, layersNote: (error as Error).message };
  }
}

/** The engine of `wanted`: from the cache when this runner built it before, else built now and stored. */
export async function ensureEngine(source: EngineSource, wanted: EngineWanted, control: EngineControl = {}): Promise<ReadyEngine> {
  const { binding, capabilities, cache } = source;
  const key = await engineKeyInput(capabilities, wanted);
  const found = await cache.lookup(key);
  if (found.status === 'hit') {
    const record = await cache.readRecord(found.engine.key);
    return { engine: found.engine, source: 'cache', cacheNote: null, record, ...layersOf(record) };
  }
  const cacheNote = found.status === 'refused' || found.stale ? found.reason : null;
  if (cacheNote) control.log?.warn(`${wanted.description}: not using the cached engine: ${cacheNote}`);
  const timingCache = await cache.readTimingCache(key.tensorrtVersion, key.gpu);
  const build = await buildEngine(
    binding,
    { model: wanted.modelPath, description: wanted.description, ...(key.options.profiles ? { profiles: key.options.profiles } : {}), ...(timingCache ? { timingCache } : {}) },
    {
      ...(control.signal ? { signal: control.signal } : {}),
      ...(control.log ? { onProgress: progressLogger(control.log, wanted.description) } : {}),
      ...(source.unavailable ? { unavailable: source.unavailable } : {}),
    },
  );
  if (build.timingCache) await cache.writeTimingCache(key.tensorrtVersion, key.gpu, build.timingCache);
  const engine = await cache.store(key, build.engine);
  const record: BuildRecord = { tensorrtVersion: build.tensorrtVersion, buildMs: build.buildMs, log: build.log, inspectorJson: build.inspectorJson, inspectorError: build.inspectorError };
  await cache.storeRecord(engine.key, record);
  return { engine, source: 'built', cacheNote, record, layers: build.layers, layersNote: build.layersNote };
}
