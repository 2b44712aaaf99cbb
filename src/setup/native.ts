/**
 * Setup of the native parts, cached in the runner's tool cache: find them under the key
 * (key.ts), or install them into a staging folder and copy that into the cache; then make them
 * resolvable to the pipeline's bundle.
 *
 * Resolvable, for ESM: NODE_PATH is ignored by `import`, so the action's folder gets a
 * `node_modules` symlink to the cached one; dist/main.js's `import 'onnxruntime-node'` walks up from
 * dist/ and finds it (and the packages' own imports resolve from their real path in the cache).
 * A real node_modules folder already there (a development checkout after `npm ci`) is left alone.
 */
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tc from '@actions/tool-cache';
import type { SetupFacts } from './facts.js';
import { type Installer, installNativeParts } from './install.js';
import { cacheVersion, readableKey, TOOL_NAME } from './key.js';

export interface SetupOutcome {
  cacheHit: boolean;
  /** The cached folder (holds node_modules/, native/ and setup.json). */
  folder: string;
  key: string;
  version: string;
  /** What was installed, and what was not and why (from the run that filled the cache). */
  lines: string[];
  /** The compiled TensorRT addon, or null. */
  addon: string | null;
  /** How node_modules was made resolvable, in words. */
  linked: string;
  seconds: number;
}

interface Manifest {
  key: string;
  lines: string[];
  addon: string | null;
}

/** Points `actionRoot`/node_modules at the cache's, unless a real folder is there. */
export function linkNodeModules(actionRoot: string, target: string): string {
  const link = join(actionRoot, 'node_modules');
  let stat;
  try {
    stat = lstatSync(link);
  } catch {
    stat = null;
  }
  if (stat && !stat.isSymbolicLink()) return `kept ${link} (a real folder: a development checkout)`;
  if (stat && readlinkSync(link) === target) return `${link} already points at the cache`;
  if (stat) rmSync(link);
  // 'junction' is what Windows needs for folders without privileges; ignored elsewhere.
  symlinkSync(target, link, 'junction');
  return `linked ${link} → ${target}`;
}

export async function setupNativeParts(options: { actionRoot: string; facts: SetupFacts; installer: Installer }): Promise<SetupOutcome> {
  const started = performance.now();
  const { actionRoot, facts, installer } = options;
  const key = readableKey(facts);
  const version = cacheVersion(facts);
  let folder = tc.find(TOOL_NAME, version);
  const cacheHit = folder !== '';
  if (!cacheHit) {
    const staging = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'quantgate-native-'));
    try {
      const report = installNativeParts(staging, facts, installer, actionRoot);
      const manifest: Manifest = { key, lines: report.lines, addon: report.addon ? 'native/Release/quantgate_trt.node' : null };
      writeFileSync(join(staging, 'setup.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      // Only a complete install reaches the cache (cacheDir writes its .complete marker last).
      folder = await tc.cacheDir(staging, TOOL_NAME, version);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const manifest = JSON.parse(readFileSync(join(folder, 'setup.json'), 'utf8')) as Manifest;
  const addon = manifest.addon && existsSync(join(folder, manifest.addon)) ? join(folder, manifest.addon) : null;
  const linked = linkNodeModules(actionRoot, join(folder, 'node_modules'));
  return { cacheHit, folder, key, version, lines: manifest.lines, addon, linked, seconds: (performance.now() - started) / 1000 };
}
