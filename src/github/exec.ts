/**
 * The action's Exec (pipeline/host.ts): subprocesses the action starts (git for base-ref, the
 * export command) run through @actions/exec, so that what they print lands in the runner's log,
 * inside the stage's group, as the action's design names it. The CLI keeps node:child_process
 * (pipeline/process-host.ts).
 *
 * @actions/exec cannot do what the Exec contract asks: it spawns the child in the action's own
 * process group (no `detached` option) and hands back neither the child nor its pid, so nothing
 * the command leaves running could be ended. It therefore runs a small Node wrapper
 * (GROUP_WRAPPER below) that keeps the CLI's semantics: the command runs in `sh -c` in a process
 * group of its own; when the shell exits, what it left running gets SIGTERM, then SIGKILL after
 * a grace period; when the wrapper is told to stop (SIGINT/SIGTERM) or finds its parent (the
 * action) gone, however it ended, even by SIGKILL, the whole group is killed. The environment is
 * the caller's, as given (the export command's comes without the job's credentials:
 * pipeline/export.ts), and so is the wrapper's, which passes it on.
 *
 * POSIX only, as process-host.ts: quantgate's runners are Linux (and macOS for the CPU path).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as actionsExec from '@actions/exec';
import type { Exec, PipelineHost } from '../pipeline/host.js';
import { processHost } from '../pipeline/process-host.js';

/** The grace after the shell exits (5 s) is process-host.ts's; the parent is checked twice a second. */
const GROUP_WRAPPER = `'use strict';
// quantgate: runs argv[2] in 'sh -c' in a process group of its own (see src/github/exec.ts).
const { spawn } = require('node:child_process');
const child = spawn(process.argv[2], { shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
const group = (signal) => { try { process.kill(-child.pid, signal); } catch {} };
const parent = process.ppid;
const watch = setInterval(() => { if (process.ppid !== parent) { group('SIGKILL'); process.exit(137); } }, 500);
for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]]) process.on(signal, () => { group('SIGKILL'); process.exit(status); });
child.stdout.pipe(process.stdout);
child.stderr.pipe(process.stderr);
let leftovers;
child.on('error', (error) => { process.stderr.write(String(error) + '\\n'); process.exit(127); });
child.on('exit', () => { group('SIGTERM'); leftovers = setTimeout(() => group('SIGKILL'), 5000); });
child.on('close', (code, signal) => {
  clearTimeout(leftovers);
  clearInterval(watch);
  const signals = require('node:os').constants.signals;
  process.exitCode = code ?? 128 + (signals[signal] ?? 0);
});
`;

let wrapperPath: string | undefined;

/**
 * The wrapper on disk (a bundled action has no file of its own for it), written once per process
 * into a folder made for it: a file another user left in a shared /tmp is never run.
 */
function wrapper(): string {
  if (wrapperPath && existsSync(wrapperPath)) return wrapperPath;
  const dir = mkdtempSync(join(process.env.RUNNER_TEMP ?? tmpdir(), 'quantgate-exec-'));
  const path = join(dir, `run-in-group-${createHash('sha256').update(GROUP_WRAPPER).digest('hex').slice(0, 12)}.cjs`);
  writeFileSync(path, GROUP_WRAPPER, { mode: 0o600 });
  return (wrapperPath = path);
}

/** @actions/exec wants every value a string. */
function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export const actionsExecShell: Exec = async (command, { cwd, env, onLine }) => {
  const code = await actionsExec.exec(process.execPath, [wrapper(), command], {
    cwd,
    env: stringEnv(env ?? process.env),
    // A failing command is the caller's to report (with its last lines), not an exception here.
    ignoreReturnCode: true,
    listeners: { stdline: onLine, errline: onLine },
  });
  // A shell killed by a signal reads as 128 + its number, as a shell reports its children.
  return { code, signal: null };
};

/** What the action's pipeline runs in: the CLI's host, with subprocesses through @actions/exec. */
export function actionEnvironment(): PipelineHost {
  return { ...processHost(), exec: actionsExecShell };
}
