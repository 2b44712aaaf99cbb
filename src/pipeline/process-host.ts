/**
 * The pipeline's host in a real process (host.ts): the registered backends, `sh -c` for the export
 * command, and SIGINT/SIGTERM, after which the process exits 130 or 143 as a shell's child would.
 * The CLI and the action entry each pass one to the pipeline.
 */
import { spawn } from 'node:child_process';
import { BACKENDS } from '../runtime/registry.js';
import type { Exec, Interrupts, PipelineHost } from './host.js';

/** How long what the command left running gets to end after SIGTERM, before SIGKILL. */
const LEFTOVER_GRACE_MS = 5000;

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/**
 * `sh -c` in a process group of its own (detached), so the group can be signalled whole: what the
 * shell leaves running when it exits gets SIGTERM, then SIGKILL after a grace period, and the
 * whole group is killed when this process exits for any reason (a signal handler's exit included).
 */
export const spawnShell: Exec = (command, { cwd, env, onLine }) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, { cwd, shell: true, detached: true, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const killGroup = () => signalGroup(child.pid, 'SIGKILL');
    process.on('exit', killGroup);
    let leftovers: NodeJS.Timeout | undefined;
    const lines = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line) onLine(line);
    };
    child.stdout.on('data', lines);
    child.stderr.on('data', lines);
    child.on('error', (error) => {
      process.removeListener('exit', killGroup);
      reject(error);
    });
    // The shell is done; background processes it started would hold its output open forever.
    child.on('exit', () => {
      signalGroup(child.pid, 'SIGTERM');
      leftovers = setTimeout(killGroup, LEFTOVER_GRACE_MS);
      leftovers.unref();
    });
    child.on('close', (code, signal) => {
      clearTimeout(leftovers);
      process.removeListener('exit', killGroup);
      resolve({ code, signal });
    });
  });

const EXIT_STATUS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/** SIGINT and SIGTERM, listened to only while a handler is registered; the process exits after them. */
export function processInterrupts(exit: (code: number) => void = (code) => process.exit(code)): Interrupts {
  const handlers = new Set<(signal: NodeJS.Signals) => void>();
  const onSignal = (signal: NodeJS.Signals) => {
    for (const handler of handlers) handler(signal);
    exit(EXIT_STATUS[signal] ?? 1);
  };
  return {
    onInterrupt(handler) {
      if (handlers.size === 0) for (const signal of Object.keys(EXIT_STATUS)) process.on(signal, onSignal);
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
        if (handlers.size === 0) for (const signal of Object.keys(EXIT_STATUS)) process.removeListener(signal, onSignal);
      };
    },
  };
}

export function processHost(): PipelineHost {
  return { backends: BACKENDS, exec: spawnShell, interrupts: processInterrupts() };
}
