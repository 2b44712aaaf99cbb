/**
 * Where libnvinfer is on this machine, found without loading anything: the file search that tells
 * "no TensorRT on this runner" from "TensorRT is here but the addon that uses it is not built"
 * when the addon itself is missing (and so cannot say what it would have found). Once the addon
 * loads, its capabilities() is the authority: it dlopens the library and reads its version.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const LIBRARY = /^libnvinfer\.so(\.\d+)*$/;

function searchDirectories(env: NodeJS.ProcessEnv): string[] {
  const dirs = [
    ...(env.LD_LIBRARY_PATH ?? '').split(':'),
    ...(env.TENSORRT_ROOT ? [join(env.TENSORRT_ROOT, 'lib')] : []),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/local/lib',
    '/usr/local/cuda/lib64',
    '/usr/local/tensorrt/lib',
    '/opt/tensorrt/lib',
  ];
  return [...new Set(dirs.filter(Boolean))];
}

function ldconfigLibraries(): Promise<string[]> {
  return new Promise((resolve) => {
    execFile('ldconfig', ['-p'], { timeout: 3000 }, (error, stdout) => {
      if (error) return resolve([]);
      resolve(
        stdout
          .split('\n')
          .map((line) => /=>\s*(\S*libnvinfer\.so[^\s]*)/.exec(line)?.[1])
          .filter((p): p is string => p !== undefined),
      );
    });
  });
}

/** The first libnvinfer.so* on the library path, TENSORRT_ROOT, the usual folders or the ld.so cache; null when none. */
export async function findTensorRtLibrary(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<string | null> {
  if (platform !== 'linux') return null;
  for (const dir of searchDirectories(env)) {
    if (!existsSync(dir)) continue;
    let match: string | undefined;
    try {
      match = readdirSync(dir).find((f) => LIBRARY.test(f));
    } catch {
      continue;
    }
    if (match) return join(dir, match);
  }
  return (await ldconfigLibraries())[0] ?? null;
}

/** The one-line reason for a missing addon, told apart by whether TensorRT itself is here. */
export function addonMissingReason(library: string | null, addonProblem: string): string {
  return library ? `TensorRT found (${library}) but ${addonProblem}` : 'no TensorRT on this runner (libnvinfer not found)';
}
