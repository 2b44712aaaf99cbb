/**
 * Where this runner keeps its TensorRT engines and timing caches between runs. It must be the
 * runner's own folder (engines are executable code: engine-cache.ts), never the output folder a
 * job uploads or a folder restored from an artifact: QUANTGATE_ENGINE_CACHE when set, else the
 * runner's tool cache (RUNNER_TOOL_CACHE, kept between jobs on a self-hosted runner), else the
 * user's cache folder (XDG_CACHE_HOME or ~/.cache).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const ENGINE_CACHE_VARIABLE = 'QUANTGATE_ENGINE_CACHE';

export function engineCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const chosen = env[ENGINE_CACHE_VARIABLE];
  if (chosen) return resolve(chosen);
  if (env.RUNNER_TOOL_CACHE) return join(env.RUNNER_TOOL_CACHE, 'quantgate', 'tensorrt');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'quantgate', 'tensorrt');
}
