/**
 * Whether TensorRT can run here, and if not, why, in words a runner's owner can act on. The
 * engine stage (a native addon over TensorRT's C++ API, loaded with dlopen) is not built in this
 * version, so TensorRT is always unavailable; the reason still says what the runner has, so that
 * "no TensorRT on this runner" and "quantgate cannot use it yet" are not confused.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface TensorRtAvailability {
  available: boolean;
  /** Where libnvinfer was found, if anywhere. */
  library: string | null;
  reason: string | null;
}

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

export async function tensorRtAvailability(env: NodeJS.ProcessEnv = process.env): Promise<TensorRtAvailability> {
  if (process.platform !== 'linux') {
    return { available: false, library: null, reason: `no TensorRT on ${process.platform} (TensorRT runs on Linux and Windows with NVIDIA GPUs)` };
  }
  let library: string | null = null;
  for (const dir of searchDirectories(env)) {
    if (!existsSync(dir)) continue;
    const match = readdirSync(dir).find((f) => LIBRARY.test(f));
    if (match) {
      library = join(dir, match);
      break;
    }
  }
  library ??= (await ldconfigLibraries())[0] ?? null;
  return library
    ? { available: false, library, reason: `TensorRT was found (${library}), but this version of quantgate does not build its TensorRT addon yet` }
    : { available: false, library: null, reason: 'no TensorRT on this runner (libnvinfer.so not found on the library path)' };
}
