// Which quantgate ran: the version and the commit, read at run time (dist/ stays reproducible),
// and results.json carrying them while older results without the fields still read.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseResults } from '../../src/compare/read-results.ts';
import { quantgateBuild, VERSION, versionText } from '../../src/version.ts';
import { ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const git = (cwd: string, ...args: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });

describe('quantgateBuild', () => {
  it('a git checkout of quantgate: its HEAD', () => {
    const repo = join(dir, 'clone');
    mkdirSync(repo);
    git(repo, 'init', '-q');
    writeFileSync(join(repo, 'package.json'), '{}');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'x');
    const head = git(repo, 'rev-parse', 'HEAD').stdout.trim();
    assert.deepEqual(quantgateBuild({}, repo), { version: VERSION, commit: head, ref: null });
    assert.equal(versionText({ version: VERSION, commit: head, ref: null }), `${VERSION} (commit ${head})`);
  });

  it('the action as a runner downloads it (no .git): the ref the workflow used, a commit when it is a SHA', () => {
    const action = join(dir, 'action');
    mkdirSync(action);
    writeFileSync(join(action, 'package.json'), '{}');
    assert.deepEqual(quantgateBuild({ GITHUB_ACTION_REF: 'v0', GITHUB_ACTION_PATH: action }, action), { version: VERSION, commit: null, ref: 'v0' });
    const sha = 'a'.repeat(40);
    assert.deepEqual(quantgateBuild({ GITHUB_ACTION_REF: sha, GITHUB_ACTION_PATH: action }, action), { version: VERSION, commit: sha, ref: sha });
    assert.equal(versionText({ version: VERSION, commit: null, ref: 'v0' }), `${VERSION} (ref v0)`);
  });

  it('another action\'s ref is not quantgate\'s (quantgate run from a later step\'s script)', () => {
    const mine = join(dir, 'mine');
    mkdirSync(mine);
    assert.deepEqual(quantgateBuild({ GITHUB_ACTION_REF: 'v4', GITHUB_ACTION_PATH: join(dir, 'action') }, mine), { version: VERSION, commit: null, ref: null });
    assert.equal(versionText({ version: VERSION, commit: null, ref: null }), VERSION);
  });
});

describe('results.json', () => {
  const old = readFileSync(join(ROOT, 'test/fixtures/results/cpu-resnet50.json'), 'utf8');

  it('reads results written before quantgateCommit and quantgateRef existed', () => {
    assert.ok(!old.includes('quantgateCommit'));
    const results = parseResults(old, 'baseline');
    assert.equal(results.environment.quantgateCommit, undefined);
  });

  it('reads the new fields and refuses a commit that is not a SHA (a baseline is untrusted)', () => {
    const withBuild = JSON.parse(old) as { environment: Record<string, unknown> };
    withBuild.environment.quantgateCommit = 'b'.repeat(40);
    withBuild.environment.quantgateRef = 'v0';
    assert.equal(parseResults(JSON.stringify(withBuild), 'baseline').environment.quantgateCommit, 'b'.repeat(40));
    withBuild.environment.quantgateCommit = '<img src=x>';
    assert.throws(() => parseResults(JSON.stringify(withBuild), 'baseline'), /quantgateCommit/);
  });
});
