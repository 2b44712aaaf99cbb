/**
 * What environment detection reads from the machine, behind one small interface so tests can
 * hand it canned files and command outputs (and see which commands were run). External commands
 * run with a timeout, and a missing or hanging tool yields null: describing the environment must
 * never fail a run.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, release, type } from 'node:os';

export interface CommandResult {
  /** Exit status; null when the process ended by a signal. */
  status: number | null;
  stdout: string;
}

export interface System {
  platform: NodeJS.Platform;
  /** Node's name for the CPU architecture (`x64`, `arm64`...). */
  arch: string;
  /** The kernel, "Linux 6.5.0-1025-azure", "Darwin 23.5.0". */
  kernel(): string;
  /** The CPU model Node reports (os.cpus()), or null. */
  cpuModel(): string | null;
  /** Logical CPUs this process may use (os.availableParallelism()). */
  logicalCpus(): number;
  /** A text file, or null when it cannot be read. */
  readText(path: string): string | null;
  /** Runs a command; null when it cannot start (not installed) or does not finish in time. */
  run(command: string, args: readonly string[], options?: { cwd?: string; timeoutMs?: number }): Promise<CommandResult | null>;
  /** The same, synchronously (CPU detection is synchronous). */
  runSync(command: string, args: readonly string[], options?: { timeoutMs?: number }): CommandResult | null;
}

export const DEFAULT_TIMEOUT_MS = 5000;

export const realSystem: System = {
  platform: process.platform,
  arch: process.arch,
  kernel() {
    return `${type()} ${release()}`;
  },
  cpuModel() {
    const model = cpus()[0]?.model.trim();
    return model && model !== 'unknown' ? model : null;
  },
  logicalCpus() {
    return availableParallelism();
  },
  readText(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
  run(command, args, options = {}) {
    return new Promise((resolve) => {
      execFile(
        command,
        [...args],
        { cwd: options.cwd, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, encoding: 'utf8', windowsHide: true, maxBuffer: 4 << 20 },
        (error, stdout) => {
          if (!error) return resolve({ status: 0, stdout });
          const failure = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string; signal?: string | null };
          // Not installed, not runnable, or killed by the timeout: nothing to read.
          if (typeof failure.code === 'string' || failure.killed) return resolve(null);
          resolve({ status: typeof failure.code === 'number' ? failure.code : null, stdout: stdout ?? '' });
        },
      );
    });
  },
  runSync(command, args, options = {}) {
    try {
      const stdout = execFileSync(command, [...args], { timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });
      return { status: 0, stdout };
    } catch (error) {
      const failure = error as NodeJS.ErrnoException & { status?: number | null; stdout?: string; signal?: string | null };
      if (typeof failure.code === 'string' || failure.signal) return null;
      return { status: failure.status ?? null, stdout: failure.stdout ?? '' };
    }
  },
};
