/**
 * The engine cache and the timing cache, kept between runs on one runner.
 *
 * A serialized engine is executable code: only engines this runner built are ever loaded, never
 * one from an artifact or a baseline. The cache keeps a manifest that it alone writes, with each
 * engine's sha256; an engine is handed out (as a VerifiedEngine, the only thing
 * engine-session.ts deserializes) only when it is in the manifest under the exact key asked for
 * and its bytes hash to the recorded value. A file dropped into the folder, an engine edited
 * after the fact, or one built by another TensorRT version or on another GPU is rebuilt, never
 * loaded. (Whoever can write the manifest could also write an engine: the folder must be the
 * runner's own, e.g. under RUNNER_TOOL_CACHE, never restored from an artifact.)
 *
 * Key = sha256 over the model's sha256, TensorRT's version, the GPU (name, compute capability,
 * UUID when known) and the build options.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ShapeRange } from './binding.js';

export interface CacheGpu {
  name: string;
  computeCapability: string;
  uuid: string | null;
}

export interface EngineKeyInput {
  modelSha256: string;
  tensorrtVersion: string;
  gpu: CacheGpu;
  /** Whatever changes the engine: workspace, optimization level, profiles, the model flavour. */
  options: { workspaceBytes?: number; optimizationLevel?: number; profiles?: ShapeRange[][]; variant?: string };
}

const verified: unique symbol = Symbol('verified engine');

/** Engine bytes this runner built, checked against the manifest. Only engine-cache.ts makes them. */
export interface VerifiedEngine {
  readonly key: string;
  readonly sha256: string;
  readonly bytes: Uint8Array;
  readonly [verified]: true;
}

export function isVerifiedEngine(value: unknown): value is VerifiedEngine {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[verified] === true;
}

export type CacheLookup =
  | { status: 'hit'; engine: VerifiedEngine }
  /**
   * Nothing for this key. `stale` when an engine of the same model and options is there from
   * another TensorRT or GPU (`reason` says which): it is rebuilt, never loaded.
   */
  | { status: 'miss'; reason: string; stale: boolean }
  /** The file does not match the manifest (edited, truncated, or never written by us): not loaded. */
  | { status: 'refused'; reason: string };

const MANIFEST_VERSION = 1;
const Entry = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  modelSha256: z.string(),
  tensorrtVersion: z.string(),
  gpu: z.object({ name: z.string(), computeCapability: z.string(), uuid: z.string().nullable() }),
  optionsKey: z.string(),
  createdAt: z.string(),
});
const Manifest = z.object({ version: z.literal(MANIFEST_VERSION), engines: z.record(z.string(), Entry) });
type Manifest = z.infer<typeof Manifest>;

const BuildRecord = z.object({
  tensorrtVersion: z.string(),
  buildMs: z.number(),
  log: z.string(),
  inspectorJson: z.string().nullable(),
  inspectorError: z.string().nullable(),
});
/** What a build said, kept beside its engine. */
export type BuildRecord = z.infer<typeof BuildRecord>;
type Entry = z.infer<typeof Entry>;

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** JSON with sorted keys: the same options give the same key whatever their order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function optionsKey(options: EngineKeyInput['options']): string {
  return canonical(options);
}

/** The cache key of an engine: hex sha256 of everything that makes the engine what it is. */
export function engineCacheKey(input: EngineKeyInput): string {
  return sha256Hex(
    canonical({
      v: MANIFEST_VERSION,
      model: input.modelSha256,
      tensorrt: input.tensorrtVersion,
      gpu: { name: input.gpu.name, cc: input.gpu.computeCapability, uuid: input.gpu.uuid },
      options: optionsKey(input.options),
    }),
  );
}

function describeGpu(gpu: CacheGpu): string {
  return `${gpu.name} (compute ${gpu.computeCapability})`;
}

export class EngineCache {
  constructor(
    readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private manifestPath(): string {
    return join(this.dir, 'manifest.json');
  }

  private enginePath(key: string): string {
    return join(this.dir, 'engines', `${key}.engine`);
  }

  private async readManifest(): Promise<Manifest> {
    let text: string;
    try {
      text = await readFile(this.manifestPath(), 'utf8');
    } catch {
      return { version: MANIFEST_VERSION, engines: {} };
    }
    try {
      const parsed = Manifest.safeParse(JSON.parse(text));
      // An unreadable manifest vouches for nothing: start again (engines get rebuilt).
      return parsed.success ? parsed.data : { version: MANIFEST_VERSION, engines: {} };
    } catch {
      return { version: MANIFEST_VERSION, engines: {} };
    }
  }

  private async writeManifest(manifest: Manifest): Promise<void> {
    await atomicWrite(this.manifestPath(), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  async lookup(input: EngineKeyInput): Promise<CacheLookup> {
    const key = engineCacheKey(input);
    const manifest = await this.readManifest();
    const entry = manifest.engines[key];
    if (!entry) return { status: 'miss', ...this.whyMissing(manifest, input) };
    // Defence in depth: the key already covers these, but never hand out a foreign engine.
    if (entry.tensorrtVersion !== input.tensorrtVersion || canonical(entry.gpu) !== canonical(input.gpu)) {
      return { status: 'refused', reason: `the cached engine was built by TensorRT ${entry.tensorrtVersion} on ${describeGpu(entry.gpu)}` };
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(this.enginePath(key)));
    } catch {
      return { status: 'miss', reason: 'the manifest lists the engine but its file is gone', stale: true };
    }
    const actual = sha256Hex(bytes);
    if (actual !== entry.sha256 || bytes.length !== entry.bytes) {
      return { status: 'refused', reason: `the cached engine's sha256 ${actual.slice(0, 12)}… does not match the ${entry.sha256.slice(0, 12)}… this runner recorded when it built it` };
    }
    return { status: 'hit', engine: makeVerified(key, actual, bytes) };
  }

  private whyMissing(manifest: Manifest, input: EngineKeyInput): { reason: string; stale: boolean } {
    const sameModel = Object.values(manifest.engines).filter((e) => e.modelSha256 === input.modelSha256 && e.optionsKey === optionsKey(input.options));
    const other = sameModel[0];
    if (!other) return { reason: 'no engine of this model and options was built on this runner', stale: false };
    if (other.tensorrtVersion !== input.tensorrtVersion) return { reason: `the cached engine was built by TensorRT ${other.tensorrtVersion}, this is ${input.tensorrtVersion}: rebuilding`, stale: true };
    return { reason: `the cached engine was built on ${describeGpu(other.gpu)}, this is ${describeGpu(input.gpu)}: rebuilding`, stale: true };
  }

  /** Records an engine this runner just built and returns it verified. */
  async store(input: EngineKeyInput, engine: Uint8Array): Promise<VerifiedEngine> {
    const key = engineCacheKey(input);
    const sha256 = sha256Hex(engine);
    await mkdir(join(this.dir, 'engines'), { recursive: true });
    await atomicWrite(this.enginePath(key), engine);
    const manifest = await this.readManifest();
    manifest.engines[key] = {
      sha256,
      bytes: engine.length,
      modelSha256: input.modelSha256,
      tensorrtVersion: input.tensorrtVersion,
      gpu: input.gpu,
      optionsKey: optionsKey(input.options),
      createdAt: this.now().toISOString(),
    } satisfies Entry;
    await this.writeManifest(manifest);
    return makeVerified(key, sha256, engine);
  }

  /** Drops an entry (e.g. an engine TensorRT refused to deserialize). */
  async forget(key: string): Promise<void> {
    const manifest = await this.readManifest();
    delete manifest.engines[key];
    await this.writeManifest(manifest);
    await rm(this.enginePath(key), { force: true });
    await rm(this.recordPath(key), { force: true });
  }

  private recordPath(key: string): string {
    return join(this.dir, 'engines', `${key}.build.json`);
  }

  /**
   * Keeps what the build of engine `key` said (its log, the inspector's layer JSON, its time and
   * TensorRT version): plain data read back with a schema, so a later run that loads the engine
   * from the cache still reports its layers' precision.
   */
  async storeRecord(key: string, record: BuildRecord): Promise<void> {
    await mkdir(join(this.dir, 'engines'), { recursive: true });
    await atomicWrite(this.recordPath(key), `${JSON.stringify(record)}\n`);
  }

  /** The record of engine `key`'s build; null when absent or unreadable. */
  async readRecord(key: string): Promise<BuildRecord | null> {
    try {
      const parsed = BuildRecord.safeParse(JSON.parse(await readFile(this.recordPath(key), 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private timingPath(tensorrtVersion: string, gpu: CacheGpu): string {
    return join(this.dir, 'timing', `${sha256Hex(canonical({ tensorrtVersion, gpu })).slice(0, 32)}.cache`);
  }

  /**
   * The timing cache of this TensorRT version and GPU, or null. Timing caches hold measurements,
   * not code, and TensorRT checks their origin itself (setTimingCache refuses a mismatch).
   */
  async readTimingCache(tensorrtVersion: string, gpu: CacheGpu): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.timingPath(tensorrtVersion, gpu)));
    } catch {
      return null;
    }
  }

  async writeTimingCache(tensorrtVersion: string, gpu: CacheGpu, bytes: Uint8Array): Promise<void> {
    await mkdir(join(this.dir, 'timing'), { recursive: true });
    await atomicWrite(this.timingPath(tensorrtVersion, gpu), bytes);
  }
}

function makeVerified(key: string, sha256: string, bytes: Uint8Array): VerifiedEngine {
  return Object.freeze({ key, sha256, bytes, [verified]: true as const });
}

async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}
