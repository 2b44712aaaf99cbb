/** Runs the CLI for tests: in process (fast, through runCli) or as a real child process. */
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** runCli with captured stdout/stderr; `cwd` is where relative paths resolve. */
export async function cli(args: string[], cwd = process.cwd()): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  stdout.on('data', (d: Buffer) => out.push(d.toString()));
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  (stderr as unknown as PassThrough).on('data', (d: Buffer) => err.push(d.toString()));
  const code = await runCli(args, { stdout, stderr, cwd });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** The CLI from source in a child process: real exit status, real environment. */
export function cliProcess(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  // tsx resolved here: `--import tsx` would resolve against the child's working directory.
  const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), `${ROOT}src/cli/index.ts`, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
