/**
 * baseline-from: base-ref against real git repositories made here: a bare "origin", a working
 * clone that pushes a base commit and a pull-request commit, and a shallow clone (what
 * actions/checkout makes) in which quantgate takes the base commit's model.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { baseModelFromRef, withBaseRefModel } from '../../src/github/base-ref.ts';
import { MemoryLog } from '../../src/log.ts';
import { readModel } from '../../src/model/read.ts';
import type { Exec } from '../../src/pipeline/host.ts';
import { spawnShell } from '../../src/pipeline/process-host.ts';
import { gemmModel, modelWithExternalWeight } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1' };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
}

const hasGitLfs = spawnSync('git', ['lfs', 'version']).status === 0;
const NO_GIT_LFS = 'git-lfs is not installed on this machine (apt-get install git-lfs); the Git LFS path of base-ref needs it';

/**
 * origin (bare) ← work clone; `commit` writes files, commits and pushes, returning the sha. With
 * `lfs`, the work clone stores `.onnx` and `.bin` files in Git LFS (hooks and filters in its own
 * config only), and its pushes upload them to origin's LFS store: git-lfs serves a file:// remote
 * itself, so the checkout's `git lfs smudge` really downloads them.
 */
function repository(options: { lfs?: boolean } = {}) {
  const root = tempDir('quantgate-base-ref-');
  const origin = join(root, 'origin.git');
  const work = join(root, 'work');
  git(root, 'init', '--bare', '--initial-branch=main', origin);
  git(root, 'clone', '--quiet', `file://${origin}`, work);
  if (options.lfs) {
    git(work, 'lfs', 'install', '--local');
    git(work, 'lfs', 'track', '*.onnx', '*.bin');
  }
  const commit = (files: Record<string, Uint8Array | string>, message: string): string => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(work, path, '..'), { recursive: true });
      writeFileSync(join(work, path), content);
    }
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', message);
    git(work, 'push', '--quiet', 'origin', 'HEAD:main');
    return git(work, 'rev-parse', 'HEAD');
  };
  /** A clone of one commit, as actions/checkout makes it (file:// so that --depth applies). */
  const shallowClone = (): string => {
    const dir = join(root, `checkout-${Math.random().toString(36).slice(2)}`);
    git(root, 'clone', '--quiet', '--depth=1', '--no-tags', `file://${origin}`, dir);
    return dir;
  };
  return { root, work, commit, shallowClone };
}

const model = (classes: number) => toBinary(ModelProtoSchema, gemmModel({ classes }));

/** The taken model has its weights file beside it, byte for byte, and reads with it. */
function assertTakenWithExternalData(path: string, weights: Uint8Array): void {
  assert.deepEqual(readFileSync(join(path, '..', 'weights', 'model.bin')), Buffer.from(weights));
  const taken = readModel(path);
  try {
    assert.equal(taken.totalBytes, taken.fileBytes + weights.length);
  } finally {
    taken.close();
  }
}

describe('baseline-from base-ref', () => {
  test('a shallow checkout fetches the base commit and takes the base model byte for byte', async () => {
    const repo = repository();
    const base = model(4);
    const baseSha = repo.commit({ 'models/m.onnx': base }, 'base');
    repo.commit({ 'models/m.onnx': model(6) }, 'pull request');
    const checkout = repo.shallowClone();
    // The precondition: the clone really lacks the base commit.
    assert.notEqual(spawnSync('git', ['cat-file', '-e', `${baseSha}^{commit}`], { cwd: checkout }).status, 0);

    const lines: string[] = [];
    const outcome = await baseModelFromRef({ modelPath: 'models/m.onnx', baseSha, cwd: checkout, exec: spawnShell, tempRoot: repo.root, onLine: (l) => lines.push(l) });
    assert.equal(outcome.problem, null);
    assert.deepEqual(readFileSync(outcome.path!), Buffer.from(base));
    assert.match(outcome.path!, /quantgate-base-[0-9a-f]{12}-[^/]+\/models\/m\.onnx$/);
    // The pull request's own copy is untouched: the checkout still has the 6-class model.
    assert.deepEqual(readFileSync(join(checkout, 'models/m.onnx')), Buffer.from(model(6)));
  });

  test('the model path may be given from a sub-folder of the checkout', async () => {
    const repo = repository();
    const baseSha = repo.commit({ 'models/m.onnx': model(4) }, 'base');
    const checkout = repo.shallowClone();
    const outcome = await baseModelFromRef({ modelPath: 'm.onnx', baseSha, cwd: join(checkout, 'models'), exec: spawnShell, tempRoot: repo.root });
    assert.equal(outcome.problem, null);
    assert.deepEqual(readFileSync(outcome.path!), Buffer.from(model(4)));
  });

  test('a model the base commit does not have (a new model) is one line, not an error', async () => {
    const repo = repository();
    const baseSha = repo.commit({ 'README.md': 'no model yet\n' }, 'base');
    repo.commit({ 'models/new.onnx': model(4) }, 'adds a model');
    const outcome = await baseModelFromRef({ modelPath: 'models/new.onnx', baseSha, cwd: repo.shallowClone(), exec: spawnShell, tempRoot: repo.root });
    assert.equal(outcome.path, null);
    assert.match(outcome.problem!, /^no base model: the model models\/new\.onnx does not exist on the base commit [0-9a-f]{12} \(a new file has nothing to compare with\)$/);
    assert.doesNotMatch(outcome.problem!, /\n/);
  });

  test('a base commit that origin does not have is one line naming the fetch', async () => {
    const repo = repository();
    repo.commit({ 'models/m.onnx': model(4) }, 'base');
    const outcome = await baseModelFromRef({ modelPath: 'models/m.onnx', baseSha: 'f'.repeat(40), cwd: repo.shallowClone(), exec: spawnShell, tempRoot: repo.root });
    assert.equal(outcome.path, null);
    assert.match(outcome.problem!, /^no base model: git could not fetch the base commit ffffffffffff from origin: /);
  });

  test('a base sha that is not a commit hash is refused before git runs', async () => {
    const repo = repository();
    const outcome = await baseModelFromRef({ modelPath: 'm.onnx', baseSha: 'main; rm -rf /', cwd: repo.work, exec: spawnShell, tempRoot: repo.root });
    assert.equal(outcome.path, null);
    assert.match(outcome.problem!, /is not a full commit hash/);
  });

  /** spawnShell with a PATH that holds git and nothing else: a runner without git-lfs. */
  const withoutGitLfs = (): Exec => {
    const bin = tempDir('quantgate-git-only-');
    symlinkSync(execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(), join(bin, 'git'));
    return (command, options) => spawnShell(command, { ...options, env: { ...process.env, PATH: bin, GIT_EXEC_PATH: bin } });
  };

  test('a Git LFS pointer without git-lfs on the runner is one line saying what to install', async () => {
    const repo = repository();
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\nsize 123456\n`;
    const baseSha = repo.commit({ 'models/m.onnx': pointer }, 'base, in LFS');
    const exec = hasGitLfs ? withoutGitLfs() : spawnShell;
    const outcome = await baseModelFromRef({ modelPath: 'models/m.onnx', baseSha, cwd: repo.shallowClone(), exec, tempRoot: repo.root });
    assert.equal(outcome.path, null);
    assert.equal(outcome.problem, 'no base model: the model models/m.onnx is a Git LFS pointer on the base commit and git-lfs is not installed on this runner (install git-lfs, e.g. apt-get install git-lfs, to compare with the base model)');
  });

  test('a model and its external data in Git LFS are downloaded from origin, byte for byte', { skip: hasGitLfs ? false : NO_GIT_LFS }, async () => {
    const repo = repository({ lfs: true });
    const staging = tempDir();
    const path = modelWithExternalWeight(join(staging, 'models'), 'weights/model.bin');
    const onnx = readFileSync(path);
    const w = gemmModel().graph!.initializer[0]!.rawData;
    const baseSha = repo.commit({ 'models/model.onnx': onnx, 'models/weights/model.bin': w }, 'base, in LFS');
    repo.commit({ 'models/model.onnx': model(6) }, 'pull request');
    // The precondition: git holds pointers, not the files, so only git-lfs can give them.
    assert.match(git(repo.work, 'cat-file', 'blob', `${baseSha}:models/model.onnx`), /^version https:\/\/git-lfs\.github\.com\/spec\/v1\noid sha256:[0-9a-f]{64}\nsize \d+$/);
    assert.match(git(repo.work, 'cat-file', 'blob', `${baseSha}:models/weights/model.bin`), /^version https:\/\/git-lfs/);

    const lines: string[] = [];
    const outcome = await baseModelFromRef({ modelPath: 'models/model.onnx', baseSha, cwd: repo.shallowClone(), exec: spawnShell, tempRoot: repo.root, onLine: (l) => lines.push(l) });
    assert.equal(outcome.problem, null, lines.join('\n'));
    assert.deepEqual(readFileSync(outcome.path!), onnx);
    assertTakenWithExternalData(outcome.path!, w);
  });

  test('a Git LFS object that origin does not hold is one line naming the download that failed', { skip: hasGitLfs ? false : NO_GIT_LFS }, async () => {
    const repo = repository();
    // A pointer committed without its object (pushed from a clone that never had it).
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${'b'.repeat(64)}\nsize 4096\n`;
    const baseSha = repo.commit({ 'models/m.onnx': pointer }, 'base, object missing');
    const outcome = await baseModelFromRef({ modelPath: 'models/m.onnx', baseSha, cwd: repo.shallowClone(), exec: spawnShell, tempRoot: repo.root });
    assert.equal(outcome.path, null);
    assert.match(outcome.problem!, /^no base model: git lfs smudge could not download the model models\/m\.onnx of the base commit: Error downloading object: models\/m\.onnx \(b{7}\)/);
  });

  test("the base model's external data comes along, and the taken model reads", async () => {
    const repo = repository();
    const staging = tempDir();
    const path = modelWithExternalWeight(join(staging, 'models'), 'weights/model.bin');
    const w = gemmModel().graph!.initializer[0]!.rawData;
    const baseSha = repo.commit({ 'models/model.onnx': readFileSync(path), 'models/weights/model.bin': w }, 'base with external data');
    repo.commit({ 'models/model.onnx': model(6) }, 'pull request drops external data');
    const outcome = await baseModelFromRef({ modelPath: 'models/model.onnx', baseSha, cwd: repo.shallowClone(), exec: spawnShell, tempRoot: repo.root });
    assert.equal(outcome.problem, null);
    assertTakenWithExternalData(outcome.path!, w);
  });

  test('external data missing on the base commit is one line naming the file', async () => {
    const repo = repository();
    const staging = tempDir();
    const path = modelWithExternalWeight(join(staging, 'models'), 'model.bin');
    const baseSha = repo.commit({ 'models/model.onnx': readFileSync(path) }, 'base without its data file');
    const outcome = await baseModelFromRef({ modelPath: 'models/model.onnx', baseSha, cwd: repo.shallowClone(), exec: spawnShell, tempRoot: repo.root });
    assert.equal(outcome.path, null);
    assert.match(outcome.problem!, /^no base model: its external data file models\/model\.bin does not exist on the base commit/);
  });

  test('an external-data location that leaves the model folder is refused, and nothing outside is read', async () => {
    const repo = repository();
    const staging = tempDir();
    const path = modelWithExternalWeight(join(staging, 'models'), '../secret.bin');
    const baseSha = repo.commit({ 'models/model.onnx': readFileSync(path), 'secret.bin': 'not for the model\n' }, 'hostile base');
    const outcome = await baseModelFromRef({ modelPath: 'models/model.onnx', baseSha, cwd: repo.shallowClone(), exec: spawnShell, tempRoot: repo.root });
    assert.equal(outcome.path, null);
    assert.match(outcome.problem!, /points at external data '\.\.\/secret\.bin', outside the model's folder/);
  });
});

describe('withBaseRefModel (the action wiring)', () => {
  const config = (extra: { baselineModel?: string } = {}): { model: string; baselineModel?: string; sources: Record<string, string> } => ({
    model: 'models/m.onnx',
    sources: { model: "input 'model'" },
    ...extra,
  });

  test('on a pull request, the base model becomes the baseline model, named for messages', async () => {
    const repo = repository();
    const baseSha = repo.commit({ 'models/m.onnx': model(4) }, 'base');
    const log = new MemoryLog();
    const out = await withBaseRefModel(config(), { baselineFrom: 'base-ref', baseSha, cwd: repo.shallowClone(), exec: spawnShell, log });
    assert.deepEqual(readFileSync(out.baselineModel!), Buffer.from(model(4)));
    assert.match(out.sources.baselineModel!, /^the base model \(baseline-from: base-ref, commit [0-9a-f]{12}\)$/);
  });

  test('a new model, another event, or an explicit baseline model: the config stays as it was', async () => {
    const repo = repository();
    const baseSha = repo.commit({ 'README.md': 'x\n' }, 'base');
    const checkout = repo.shallowClone();
    const log = new MemoryLog();
    assert.deepEqual(await withBaseRefModel(config(), { baselineFrom: 'base-ref', baseSha, cwd: checkout, exec: spawnShell, log }), config());
    assert.deepEqual(await withBaseRefModel(config(), { baselineFrom: 'base-ref', baseSha: undefined, cwd: checkout, exec: spawnShell, log }), config());
    const explicit = config({ baselineModel: 'given.onnx' });
    assert.equal(await withBaseRefModel(explicit, { baselineFrom: 'base-ref', baseSha, cwd: checkout, exec: spawnShell, log }), explicit);
    const unchanged = config();
    assert.equal(await withBaseRefModel(unchanged, { baselineFrom: 'artifact', baseSha, cwd: checkout, exec: spawnShell, log }), unchanged);
    const warnings = log.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /^no base model: the model models\/m\.onnx does not exist on the base commit [0-9a-f]{12} .*; the run goes on without it$/);
    assert.match(warnings[1]!, /this run is not one; it goes on without a baseline$/);
  });
});
