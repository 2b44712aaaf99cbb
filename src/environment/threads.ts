/**
 * The intra-op thread count when --threads is not given. ONNX Runtime's own default is one thread
 * per physical core of the whole machine, each pinned to a core. A process confined to fewer CPUs
 * (taskset, a container's cpuset, Kubernetes' CPU manager) then either escapes the confinement or
 * crowds those threads onto the CPUs it has: on a 16-core host, `taskset -c 0,1 quantgate run`
 * timed at 16-core speed (FP32 0.51 ms at batch 32 against 1.44 ms with --threads 2). So where
 * the process may use fewer CPUs than the machine has, one thread per usable CPU (given
 * explicitly, ONNX Runtime pins nothing); elsewhere its default, as before.
 */
import { availableParallelism, cpus } from 'node:os';
import type { Log } from '../log.js';

/** Threads for a confined process; undefined leaves ONNX Runtime's default. */
export function confinedThreads(usable: number = availableParallelism(), machine: number = cpus().length): number | undefined {
  return usable < machine ? usable : undefined;
}

/** `given` (--threads), else confinedThreads(), saying so in the log when it chose. */
export function intraOpThreads(given: number | undefined, log: Log, usable: number = availableParallelism(), machine: number = cpus().length): number | undefined {
  if (given !== undefined) return given;
  const threads = confinedThreads(usable, machine);
  if (threads !== undefined) log.info(`threads: ${threads} (this process may use ${threads} of the machine's ${machine} CPUs; set --threads to choose)`);
  return threads;
}
