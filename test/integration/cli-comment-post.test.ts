// Posting through the CLI (`quantgate comment`, `quantgate aggregate --pr`) against a local server
// that speaks GitHub's REST API (test/helpers/github-server.ts): the real @actions/github client
// pages through the comments, creates the sticky comment, retries a 502, edits it in place, and a
// 403 is one message. Results folders come from real runs, made once for this file.
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { commentMarker } from '../../src/github/comment.ts';
import { writeModel } from '../../src/model/write.ts';
import { cli } from '../helpers/cli.ts';
import { FakeGitHub } from '../helpers/github-server.ts';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const fast = ['--warmup-ms', '0', '--min-iterations', '2', '--min-time-ms', '0', '--batch-sizes', '1', '--quiet'];
const pass = join(dir, 'legs', 'cpu-pass');
const stopped = join(dir, 'legs', 'cpu-stopped');
const github = new FakeGitHub();
const TOKEN = 'ghs_posting_token_123';
const ENV = ['GITHUB_API_URL', 'GITHUB_TOKEN', 'GITHUB_REPOSITORY'] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

before(async () => {
  writeModel(gemmModel(), join(dir, 'model.onnx'));
  const ok = await cli(['run', '--model', 'model.onnx', '--out', pass, ...fast], dir);
  assert.equal(ok.code, 0, ok.stderr);
  const bad = await cli(['run', '--model', 'model.onnx', '--out', stopped, '--output', 'no-such-output', ...fast], dir);
  assert.equal(bad.code, 2, bad.stderr);
  process.env.GITHUB_API_URL = await github.start();
  process.env.GITHUB_TOKEN = TOKEN;
  process.env.GITHUB_REPOSITORY = 'octo-org/models';
});

after(async () => {
  await github.stop();
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('quantgate comment, posting', () => {
  it('creates the sticky comment (after a 502), then edits it in place; the folder\'s report.md is never posted', async () => {
    // The folder is a stranger's upload: its report.md says whatever its author wanted.
    const upload = join(dir, 'upload');
    cpSync(pass, upload, { recursive: true });
    writeFileSync(join(upload, 'report.md'), '@everyone <img src=x onerror=alert(1)> all good, merge it\n');
    // An older comment of someone else, and enough others to need a second page.
    github.addComment('octo-org', 'models', 7, `${commentMarker('model.onnx')}\nnot the bot's`, 'someone');
    for (let i = 0; i < 105; i++) github.addComment('octo-org', 'models', 7, `chatter ${i}`, 'someone');
    github.fail({ method: 'POST', path: /\/issues\/7\/comments$/, status: 502 });

    const first = await cli(['comment', upload, '--pr', '7'], dir);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^created https:\/\/github\.com\/octo-org\/models\/pull\/7#issuecomment-\d+\nverdict of upload: passed\n$/);
    const mine = () => github.commentsOn('octo-org', 'models', 7).filter((c) => c.user.login === 'github-actions[bot]');
    assert.equal(mine().length, 1);
    const body = mine()[0]!.body;
    assert.equal(body.split('\n')[0], commentMarker('model.onnx'));
    assert.match(body, /^### ⚪ quantgate · model · /m);
    assert.doesNotMatch(body, /@everyone|<img/);
    const posts = github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/issues/7/comments'));
    assert.deepEqual(posts.map((r) => r.status), [502, 201]);
    assert.ok(posts.every((r) => r.authorization?.includes(TOKEN)));
    assert.doesNotMatch(first.stdout + first.stderr, new RegExp(TOKEN));

    const second = await cli(['comment', upload, '--pr', '7'], dir);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^edited /);
    assert.equal(mine().length, 1);
    assert.ok(github.requests.some((r) => r.method === 'PATCH' && /\/issues\/comments\/\d+$/.test(r.path)));
    // The other author's comment with the same marker was left alone.
    assert.equal(github.commentsOn('octo-org', 'models', 7)[0]!.body, `${commentMarker('model.onnx')}\nnot the bot's`);
  });

  it('--comment-key keeps a comment of its own beside the default one', async () => {
    const r = await cli(['comment', pass, '--pr', '8', '--comment-key', 'models/other.onnx'], dir);
    assert.equal(r.code, 0, r.stderr);
    const bodies = github.commentsOn('octo-org', 'models', 8).map((c) => c.body.split('\n')[0]);
    assert.deepEqual(bodies, [commentMarker('models/other.onnx')]);
  });

  it('a 403 (a token that cannot write) is one message naming the permission and the fork-safe pattern', async () => {
    github.fail({ method: 'POST', path: /\/issues\/9\/comments$/, status: 403, body: { message: 'Resource not accessible by integration' } });
    const r = await cli(['comment', pass, '--pr', '9'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: GitHub refused the comment on octo-org\/models#9 \(403\): the token may not write to its pull requests\n {2}fix: give the job permissions pull-requests: write, and post from the base repository's workflow_run workflow/m);
    assert.equal(github.commentsOn('octo-org', 'models', 9).length, 0);
  });
});

describe('quantgate aggregate --pr, posting', () => {
  it('posts one comment with the one verdict, and still exits 1 for the failing leg', async () => {
    const out = join(dir, 'aggregate');
    const r = await cli(['aggregate', pass, stopped, '--out', out, '--pr', '11'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^comment: created https:\/\/github\.com\/octo-org\/models\/pull\/11#issuecomment-\d+$/m);
    const comments = github.commentsOn('octo-org', 'models', 11);
    assert.equal(comments.length, 1);
    assert.match(comments[0]!.body.split('\n')[0]!, /^<!-- quantgate:aggregate:.*model\.onnx -->$/);
    assert.match(comments[0]!.body, /^### ❌ quantgate · model · 2 legs · 1 of 2 failed, first `cpu-stopped`$/m);
  });
});
