/**
 * The environment block of results.json: what ran the measurements (OS, CPU and its int8
 * features, threads, GPU, driver, CUDA, runtime versions, Node, quantgate, commit), so a
 * comparison with a baseline can say what differed. Every probe is optional: a missing tool or
 * file leaves its field null (or "unknown"), never fails the run.
 */
import { type QuantgateBuild, thisBuild, VERSION } from '../version.js';
import { ortVersion } from '../runtime/onnxruntime/load.js';
import type { Environment } from '../results/schema.js';
import { detectCpu } from './cpu.js';
import { detectGpu } from './gpu.js';
import { DEFAULT_TIMEOUT_MS, realSystem, type System } from './system.js';

export interface EnvironmentOptions {
  /** Intra-op threads the run used; null when not set. */
  threads?: number | null;
  /** quantgate's own version and commit (default: this process's, src/version.ts). */
  build?: QuantgateBuild;
  /** Where `git rev-parse HEAD` runs; default the working directory. */
  cwd?: string;
  /** Default process.env (GITHUB_SHA, CUDA_VISIBLE_DEVICES). */
  env?: NodeJS.ProcessEnv;
  /** Limit for each external command. */
  timeoutMs?: number;
  /** The installed onnxruntime-node's version; default `ortVersion()`. */
  onnxruntime?: () => Promise<string>;
  system?: System;
}

export async function detectEnvironment(options: EnvironmentOptions = {}): Promise<Environment> {
  const system = options.system ?? realSystem;
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cpu = detectCpu(system);
  const [gpu, os, commit, onnxruntime] = await Promise.all([
    detectGpu(system, env, timeoutMs),
    describeOs(system, timeoutMs),
    detectCommit(system, env, options.cwd ?? process.cwd(), timeoutMs),
    (options.onnxruntime ?? ortVersion)().catch(() => 'unavailable'),
  ]);
  return {
    os,
    arch: system.arch,
    cpu: { model: cpu.model, cores: cpu.cores, int8Features: cpu.int8.features },
    threads: options.threads ?? null,
    gpu: gpu.gpu,
    cuda: gpu.cuda,
    // Filled in by the TensorRT addon once it has loaded libnvinfer.
    tensorrt: null,
    onnxruntime,
    node: process.versions.node,
    quantgate: VERSION,
    quantgateCommit: (options.build ?? thisBuild()).commit,
    quantgateRef: (options.build ?? thisBuild()).ref,
    commit,
  };
}

/** GITHUB_SHA in Actions, else the working directory's HEAD, else null. */
export async function detectCommit(system: System, env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<string | null> {
  const sha = env.GITHUB_SHA?.trim();
  if (sha) return sha;
  const result = await system.run('git', ['rev-parse', 'HEAD'], { cwd, timeoutMs });
  const head = result?.status === 0 ? result.stdout.trim() : '';
  return /^[0-9a-f]{40,64}$/.test(head) ? head : null;
}

/** "Ubuntu 22.04.4 LTS (Linux 6.5.0-1025-azure)", "macOS 14.5 (Darwin 23.5.0)". */
export async function describeOs(system: System, timeoutMs: number): Promise<string> {
  const kernel = system.kernel();
  if (system.platform === 'linux') {
    const name = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(system.readText('/etc/os-release') ?? '')?.[1];
    return name ? `${name} (${kernel})` : kernel;
  }
  if (system.platform === 'darwin') {
    const result = await system.run('sw_vers', ['-productVersion'], { timeoutMs });
    const version = result?.status === 0 ? result.stdout.trim() : '';
    return version ? `macOS ${version} (${kernel})` : kernel;
  }
  return kernel;
}
