/**
 * Finds and loads the native addon, or says why it is unavailable. Loading the addon loads no
 * NVIDIA library (the addon opens TensorRT, CUDA and NVML on first use), so a successful load
 * means "the addon is built", not "TensorRT works": ask `capabilities()` for that.
 *
 * Where it looks: QUANTGATE_TRT_ADDON (a path to a .node file), then native/build/Release of
 * this package (what `npm run build:native` writes), then the runner's tool cache where the
 * action's setup compiled it (src/setup/native.ts links the action's node_modules there; the
 * addon lies beside it), so `quantgate doctor` run from the action's folder finds it too.
 */
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TensorRtBinding } from './binding.js';

export const ADDON_FILE = 'quantgate_trt.node';
export const BUILD_COMMAND = 'npm run build:native';

export type AddonUnavailable =
  | { kind: 'not-built'; tried: string[]; message: string; fix: string }
  | { kind: 'load-failed'; path: string; error: string; message: string; fix: string }
  | { kind: 'unsupported-platform'; platform: string; message: string; fix: string };

export type AddonLoad = { ok: true; binding: TensorRtBinding; path: string } | { ok: false; reason: AddonUnavailable };

export interface LoadDependencies {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** This package's root folder (with package.json). */
  packageRoot: string;
  exists(path: string): boolean;
  /** Loads a .node file (Node's require), throwing what dlopen said. */
  requireAddon(path: string): unknown;
  /** Where a path really lies (links followed); null where it does not exist. */
  realpath?(path: string): string | null;
}

/** The .node files tried, in order. */
export function addonCandidates(deps: Pick<LoadDependencies, 'env' | 'packageRoot' | 'realpath'>): string[] {
  const fromEnv = deps.env.QUANTGATE_TRT_ADDON ? [resolve(deps.env.QUANTGATE_TRT_ADDON)] : [];
  const candidates = [...fromEnv, join(deps.packageRoot, 'native', 'build', 'Release', ADDON_FILE)];
  const nodeModules = join(deps.packageRoot, 'node_modules');
  const linked = deps.realpath?.(nodeModules);
  if (linked && linked !== nodeModules) candidates.push(join(dirname(linked), 'native', 'Release', ADDON_FILE));
  return candidates;
}

const REQUIRED_EXPORTS = ['capabilities', 'deviceMemory', 'buildEngine', 'openEngineSession', 'PowerSampler', 'compiledAgainst'] as const;

export function loadTensorRtAddon(deps: LoadDependencies = defaultDependencies()): AddonLoad {
  if (deps.platform !== 'linux') {
    return {
      ok: false,
      reason: {
        kind: 'unsupported-platform',
        platform: deps.platform,
        message: `the TensorRT addon runs on Linux only (this is ${deps.platform})`,
        fix: 'run the TensorRT rows on a Linux runner with an NVIDIA GPU',
      },
    };
  }
  const tried = addonCandidates(deps);
  const path = tried.find((p) => deps.exists(p));
  if (path === undefined) {
    return {
      ok: false,
      reason: {
        kind: 'not-built',
        tried,
        message: `the TensorRT addon is not built (no ${tried.join(', no ')})`,
        fix: `build it with \`${BUILD_COMMAND}\` on a machine with the TensorRT, CUDA and NVML headers (set TENSORRT_ROOT and CUDA_HOME), or set QUANTGATE_TRT_ADDON to a built ${ADDON_FILE}`,
      },
    };
  }
  let loaded: unknown;
  try {
    loaded = deps.requireAddon(path);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      reason: {
        kind: 'load-failed',
        path,
        error: text,
        message: `the TensorRT addon at ${path} could not be loaded: ${text}`,
        fix: `rebuild it for this machine and Node with \`${BUILD_COMMAND}\``,
      },
    };
  }
  const missing = REQUIRED_EXPORTS.filter((name) => !(loaded instanceof Object) || !(name in (loaded as object)));
  if (missing.length > 0) {
    return {
      ok: false,
      reason: {
        kind: 'load-failed',
        path,
        error: `missing exports: ${missing.join(', ')}`,
        message: `the TensorRT addon at ${path} is from another version of quantgate (it lacks ${missing.join(', ')})`,
        fix: `rebuild it with \`${BUILD_COMMAND}\``,
      },
    };
  }
  return { ok: true, binding: loaded as TensorRtBinding, path };
}

/** This package's root: the nearest folder above this file with a package.json named quantgate. */
export function findPackageRoot(from: string, exists: (path: string) => boolean = existsSync, readName: (path: string) => string | undefined = packageName): string {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (exists(candidate) && readName(candidate) === 'quantgate') return dir;
    const parent = dirname(dir);
    if (parent === dir) return from;
    dir = parent;
  }
}

function packageName(path: string): string | undefined {
  try {
    return (createRequire(import.meta.url)(path) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

export function defaultDependencies(): LoadDependencies {
  const require = createRequire(import.meta.url);
  return {
    env: process.env,
    platform: process.platform,
    packageRoot: findPackageRoot(dirname(fileURLToPath(import.meta.url))),
    exists: existsSync,
    requireAddon: (path) => require(path),
    realpath: (path) => {
      try {
        return realpathSync(path);
      } catch {
        return null;
      }
    },
  };
}
