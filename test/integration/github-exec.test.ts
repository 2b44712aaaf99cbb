// The action's Exec (src/github/exec.ts): subprocesses through @actions/exec, with the CLI's
// process-group semantics kept by its wrapper. Each case runs the real thing in a child Node
// process, as the action runs: what the command prints must reach that process's stdout (the
// runner's log), and nothing the command starts may outlive the action, even one killed by SIGKILL.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { alive } from '../helpers/process.ts';

const dir = tempDir();
const posixOnly = { skip: process.platform === 'win32' && 'process groups are POSIX' };

/** A script that runs `command` through actionsExecShell in `cwd` with `env`, then prints RESULT <json>. */
function script(command: string, options: { cwd: string; env?: Record<string, string> }): string {
  const path = join(dir, `exec-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(
    path,
    `import { actionsExecShell } from ${JSON.stringify(join(ROOT, 'src/github/exec.ts'))};
const lines: string[] = [];
const result = await actionsExecShell(${JSON.stringify(command)}, { cwd: ${JSON.stringify(options.cwd)}, ${options.env ? `env: ${JSON.stringify(options.env)}, ` : ''}onLine: (l) => lines.push(l) });
process.stdout.write('RESULT ' + JSON.stringify({ result, lines }) + '\\n');
`,
  );
  return path;
}

const nodeArgs = (path: string) => ['--import', import.meta.resolve('tsx'), path];

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

function parse(stdout: string): { result: { code: number | null; signal: string | null }; lines: string[] } {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, `no RESULT line in:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length));
}

describe('the action Exec (@actions/exec)', () => {
  it('hands over lines from both streams and the status, runs in the folder given, and prints to the log', () => {
    const r = spawnSync(process.execPath, nodeArgs(script('echo "in $(pwd)"; echo oops >&2; exit 3', { cwd: '/' })), { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { result, lines } = parse(r.stdout);
    assert.deepEqual(result, { code: 3, signal: null });
    assert.deepEqual(lines.sort(), ['in /', 'oops']);
    // @actions/exec echoes the command and its output into the log (the process's own streams).
    assert.match(r.stdout, /^in \/$/m);
    assert.match(r.stdout, /^\[command\].*run-in-group-[0-9a-f]{12}\.cjs /m);
  });

  it('gives the command the environment it is handed, and nothing else of the action', () => {
    const r = spawnSync(process.execPath, nodeArgs(script('env', { cwd: dir, env: { PATH: process.env.PATH ?? '', ONLY_THIS: 'kept' } })), {
      encoding: 'utf8',
      env: { ...process.env, ACTIONS_RUNTIME_TOKEN: 'secret-of-the-job' },
    });
    assert.equal(r.status, 0, r.stderr);
    const { lines } = parse(r.stdout);
    assert.ok(lines.includes('ONLY_THIS=kept'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('secret-of-the-job')), 'the action\'s environment reached the command');
  });

  it('ends what the shell left running once it exits', posixOnly, async () => {
    const pidFile = join(dir, 'leftover.pid');
    const started = Date.now();
    const r = spawnSync(process.execPath, nodeArgs(script(`sleep 120 & echo $! > ${pidFile}`, { cwd: dir })), { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(parse(r.stdout).result, { code: 0, signal: null });
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    const gone = await waitFor(() => !alive(sleeper), 3000);
    if (!gone) process.kill(sleeper, 'SIGKILL');
    assert.ok(gone, 'the background sleep outlived its shell');
    // Ended by the group's SIGTERM, not left to @actions/exec's 10 s wait for the streams.
    assert.ok(Date.now() - started < 9000);
  });

  it('kills the whole group when the action itself is killed (SIGKILL, no handler runs)', posixOnly, async () => {
    const pidFile = join(dir, 'orphan.pid');
    const action = spawn(process.execPath, nodeArgs(script(`sleep 120 & echo $! > ${pidFile}; wait`, { cwd: dir })), { stdio: 'ignore' });
    const closed = new Promise((resolve) => action.on('close', resolve));
    assert.ok(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 20_000), 'the command never started');
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(alive(sleeper));
    action.kill('SIGKILL');
    await closed;
    const gone = await waitFor(() => !alive(sleeper), 5000);
    if (!gone) process.kill(sleeper, 'SIGKILL');
    assert.ok(gone, "the command's child outlived the action");
  });
});
