// The action with `baseline-from: base-ref`, run in its own process as the runner runs it, in a
// shallow clone (what actions/checkout makes) of a real repository: it fetches the base commit
// through @actions/exec (its commands show in the log), benchmarks the base commit's model in the
// same job and says so in `baseline-source`. Off GitHub (no GITHUB_ACTIONS): nothing is posted.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const ENTRY = join(import.meta.dirname, '..', 'helpers', 'action-entry.ts');
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();

/** A bare origin with a base commit and a pull-request commit; the shallow checkout of the latter. */
function checkout(files: { base: Record<string, Uint8Array | string>; head: Record<string, Uint8Array | string> }): { workspace: string; baseSha: string; root: string } {
  const root = tempDir('quantgate-action-base-ref-');
  const origin = join(root, 'origin.git');
  const work = join(root, 'work');
  git(root, 'init', '--bare', '--initial-branch=main', origin);
  git(root, 'clone', '--quiet', origin, work);
  const commit = (content: Record<string, Uint8Array | string>, message: string) => {
    for (const [path, data] of Object.entries(content)) writeFileSync(join(work, path), data);
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', message);
    git(work, 'push', '--quiet', 'origin', 'HEAD:main');
    return git(work, 'rev-parse', 'HEAD');
  };
  const baseSha = commit(files.base, 'base');
  commit(files.head, 'pull request');
  const workspace = join(root, 'workspace');
  git(root, 'clone', '--quiet', '--depth=1', '--no-tags', `file://${origin}`, workspace);
  return { workspace, baseSha, root };
}

async function runAction(workspace: string, root: string, baseSha: string): Promise<{ code: number | null; log: string; outputs: string }> {
  const eventPath = join(root, 'event.json');
  const outputs = join(root, 'output');
  writeFileSync(eventPath, JSON.stringify({ number: 3, pull_request: { number: 3, base: { ref: 'main', sha: baseSha }, head: { ref: 'f', sha: 'c'.repeat(40), repo: { full_name: 'o/r' } } }, repository: { full_name: 'o/r', name: 'r', owner: { login: 'o' } } }));
  writeFileSync(outputs, '');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(GITHUB_|ACTIONS_|RUNNER_|INPUT_)/.test(k)) env[k] = v;
  Object.assign(env, GIT_ENV, {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputs,
    RUNNER_TEMP: root,
    RUNNER_ENVIRONMENT: 'github-hosted',
    INPUT_MODEL: 'model.onnx',
    'INPUT_BASELINE-FROM': 'base-ref',
    'INPUT_GITHUB-TOKEN': '',
    INPUT_COMMENT: 'never',
    'INPUT_WARMUP-MS': '0',
    'INPUT_MIN-ITERATIONS': '2',
    'INPUT_MIN-TIME-MS': '0',
    'INPUT_BATCH-SIZES': '1',
    INPUT_OUT: 'quantgate-out',
  });
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), ENTRY], { env, cwd: workspace });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (log += d.toString('utf8')));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, log, outputs: readFileSync(outputs, 'utf8') };
}

const model = (classes: number) => toBinary(ModelProtoSchema, gemmModel({ classes }));

describe('the action, baseline-from base-ref', () => {
  it('fetches the base commit into the shallow checkout and benchmarks its model in the same job', async () => {
    const { workspace, baseSha, root } = checkout({ base: { 'model.onnx': model(4) }, head: { 'model.onnx': model(4), 'README.md': 'changed\n' } });
    const r = await runAction(workspace, root, baseSha);
    assert.equal(r.code, 0, r.log);
    // git ran through @actions/exec: its command lines are in the log, inside the stage's group.
    assert.match(r.log, /::group::base model \(baseline-from: base-ref\)/);
    assert.match(r.log, new RegExp(`\\[command\\].*run-in-group-[0-9a-f]{12}\\.cjs git fetch --no-tags --depth=1 origin ${baseSha}`));
    const results = JSON.parse(readFileSync(join(workspace, 'quantgate-out', 'results.json'), 'utf8'));
    assert.ok(results.baselineModel, 'no base model in results.json');
    assert.ok(results.runs.some((run: { model: string }) => run.model.startsWith('base:')), 'no base-model runs');
    assert.match(r.outputs, new RegExp(`baseline-source<<\\S+\\nthe base model \\(baseline-from: base-ref, commit ${baseSha.slice(0, 12)}\\)\\n`));
  });

  it('a model the base commit lacks (a new model) is one warning, and the run goes on without it', async () => {
    const { workspace, baseSha, root } = checkout({ base: { 'README.md': 'no model yet\n' }, head: { 'model.onnx': model(4) } });
    const r = await runAction(workspace, root, baseSha);
    assert.equal(r.code, 0, r.log);
    const warnings = r.log.split('\n').filter((l) => l.startsWith('::warning::no base model'));
    assert.equal(warnings.length, 1, r.log);
    assert.match(warnings[0]!, /the model model\.onnx does not exist on the base commit [0-9a-f]{12} \(a new file has nothing to compare with\); the run goes on without it$/);
    const results = JSON.parse(readFileSync(join(workspace, 'quantgate-out', 'results.json'), 'utf8'));
    assert.equal(results.baselineModel, null);
  });
});
