// --export-command runs the user's code (quantgate.yml at the repository root can set it, and a
// pull request controls that file). It gets none of the GitHub and Actions tokens, and it dies
// with the run: a SIGTERM (a cancelled job) ends its whole process group, not only `sh`, and the
// run still writes results.json and report.md saying why it stopped.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeModel } from '../../src/model/write.ts';
import { ROOT } from '../helpers/cli.ts';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';
import { alive } from '../helpers/process.ts';

const dir = tempDir();
const source = join(dir, 'source.onnx');
writeModel(gemmModel(), source);
const fast = ['--warmup-ms', '0', '--min-iterations', '2', '--min-time-ms', '0', '--batch-sizes', '1', '--quiet'];
const cliArgs = (args: string[]) => ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/index.ts'), ...args];

/** What a GitHub Actions job's environment holds that must not reach the user's script. */
const SECRETS: Record<string, string> = {
  GITHUB_TOKEN: 'ghs_secret1',
  GH_TOKEN: 'ghs_secret2',
  'INPUT_GITHUB-TOKEN': 'ghs_secret3',
  INPUT_GITHUB_TOKEN: 'ghs_secret4',
  ACTIONS_RUNTIME_TOKEN: 'secret5',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'secret6',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://secret7.example',
  ACTIONS_RESULTS_URL: 'https://secret8.example',
  ACTIONS_RUNTIME_URL: 'https://secret9.example',
  ACTIONS_CACHE_URL: 'https://secret10.example',
};

describe('--export-command', () => {
  it('runs without the GitHub and Actions tokens in its environment, keeping the rest', () => {
    const target = join(dir, 'env.onnx');
    const dump = join(dir, 'env.txt');
    const command = `env > ${dump} && cp ${source} ${target}`;
    const r = spawnSync(process.execPath, cliArgs(['run', '--model', target, '--export-command', command, '--out', join(dir, 'env-out'), ...fast]), {
      cwd: dir,
      env: { ...process.env, ...SECRETS, GITHUB_WORKSPACE: dir, QUANTGATE_TEST_KEEP: 'kept' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const seen = readFileSync(dump, 'utf8');
    for (const [name, value] of Object.entries(SECRETS)) {
      assert.ok(!seen.includes(value), `${name} reached the export command`);
    }
    assert.match(seen, /^QUANTGATE_TEST_KEEP=kept$/m);
    assert.match(seen, /^GITHUB_WORKSPACE=/m);
    assert.match(seen, /^PATH=/m);
  });

  it('SIGTERM kills the command and its children, and the run still writes its results', { skip: process.platform === 'win32' && 'process groups are POSIX' }, async () => {
    const target = join(dir, 'never.onnx');
    const out = join(dir, 'term-out');
    const pidFile = join(dir, 'sleeper.pid');
    // sh starts a child that would outlive a killed sh, as a real export script's python would.
    const command = `sleep 120 & echo $! > ${pidFile}; wait`;
    const run = spawn(process.execPath, cliArgs(['run', '--model', target, '--export-command', command, '--out', out, ...fast]), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    run.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => run.on('close', (code, signal) => resolve({ code, signal })));
    for (let i = 0; i < 200 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(alive(sleeper));

    run.kill('SIGTERM');
    const { code } = await closed;
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      gone = !alive(sleeper);
      if (!gone) await new Promise((r) => setTimeout(r, 50));
    }
    if (!gone) process.kill(sleeper, 'SIGKILL');
    assert.ok(gone, "the export command's child outlived the run");
    assert.equal(code, 143, stderr);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { incomplete: string; verdict: { pass: boolean } };
    assert.match(results.incomplete, /interrupted by SIGTERM/);
    assert.equal(results.verdict.pass, false);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /interrupted by SIGTERM/);
  });
});
