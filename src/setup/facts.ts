/**
 * What the native parts depend on, read before anything native is installed: the pinned package
 * versions (the action's own package-lock.json, so the runner gets exactly what CI tested), the
 * Node ABI, and the runner's GPU, CUDA and TensorRT. Everything here is cheap (no npm, no
 * network): it runs on every action start, including the warm path.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findAddonHeaders } from '../../native/lib/find-headers.mjs';

/** The packages installed on the runner: what esbuild leaves outside the bundles. */
export const NATIVE_PACKAGES = ['onnxruntime-node', 'sharp'] as const;
/** Compiling the TensorRT addon also needs node-addon-api's headers. */
export const ADDON_BUILD_PACKAGES = ['node-addon-api'] as const;

export interface SetupFacts {
  quantgateVersion: string;
  /** process.versions.modules: a compiled addon is tied to it. */
  nodeAbi: string;
  platform: string;
  arch: string;
  /** name → exact version, from package-lock.json. */
  pinned: Record<string, string>;
  /** The NVIDIA driver's version where nvidia-smi runs; null on a CPU runner. */
  driver: string | null;
  /** CUDA: the toolkit headers' version, else the newest the driver supports; null without either. */
  cuda: { version: string; from: 'headers' | 'driver' } | null;
  /** TensorRT headers' version (what the addon would compile against); null without them. */
  tensorrt: string | null;
  /** Why the addon cannot be compiled here, in one line; null when it can. */
  addonBlocked: string | null;
}

/** Exact versions of `names` in package-lock.json (lockfile v2/v3 `packages` map). */
export function pinnedVersions(lockText: string, names: readonly string[]): Record<string, string> {
  const lock = JSON.parse(lockText) as { packages?: Record<string, { version?: string }> };
  const out: Record<string, string> = {};
  for (const name of names) {
    const version = lock.packages?.[`node_modules/${name}`]?.version;
    if (!version) throw new Error(`package-lock.json pins no version of ${name}`);
    out[name] = version;
  }
  return out;
}

/** nvidia-smi's driver version and the CUDA version its banner names, or null where it does not run. */
export function readNvidiaSmi(run = (args: string[]) => spawnSync('nvidia-smi', args, { encoding: 'utf8', timeout: 10_000 })): { driver: string; cuda: string | null } | null {
  const banner = run([]);
  if (banner.error || banner.status !== 0) return null;
  const driver = /Driver Version:\s*([\d.]+)/.exec(banner.stdout)?.[1];
  if (!driver) return null;
  return { driver, cuda: /CUDA Version:\s*([\d.]+)/.exec(banner.stdout)?.[1] ?? null };
}

export function gatherSetupFacts(actionRoot: string, env: NodeJS.ProcessEnv = process.env): SetupFacts {
  const pkg = JSON.parse(readFileSync(join(actionRoot, 'package.json'), 'utf8')) as { version: string };
  const pinned = pinnedVersions(readFileSync(join(actionRoot, 'package-lock.json'), 'utf8'), [...NATIVE_PACKAGES, ...ADDON_BUILD_PACKAGES]);
  const smi = readNvidiaSmi();
  const headers = findAddonHeaders({ env, resolveFrom: join(actionRoot, 'native', 'lib', 'find-headers.mjs') });
  // node-addon-api is installed by the setup itself: its absence here says nothing yet.
  const problems = headers.problems.filter((p) => p.what !== 'node-addon-api');
  const cudaFromHeaders = headers.cuda?.version ?? null;
  return {
    quantgateVersion: pkg.version,
    nodeAbi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
    pinned,
    driver: smi?.driver ?? null,
    cuda: cudaFromHeaders ? { version: cudaFromHeaders, from: 'headers' } : smi?.cuda ? { version: smi.cuda, from: 'driver' } : null,
    tensorrt: headers.tensorrt?.version ?? null,
    addonBlocked:
      process.platform !== 'linux'
        ? `the TensorRT addon builds on Linux only (this is ${process.platform})`
        : !smi
          ? 'no NVIDIA driver (nvidia-smi does not run): a CPU runner'
          : problems.length > 0
            ? `no ${problems.map((p) => `${p.what} (${p.hint})`).join(', no ')}`
            : null,
  };
}
