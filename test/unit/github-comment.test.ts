// The sticky comment's pieces: the marker no key can break out of, the hidden state line, the size
// guard, the on-change decision, and the retrying client against the local GitHub server (a
// secondary rate limit is retried, a plain 403 is not).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { changedBeyondNoise, commentState } from '../../src/github/change.ts';
import { gitHubClient } from '../../src/github/client.ts';
import { commentMarker, composeBody, escapeKey, isForbidden, postStickyComment, storedState } from '../../src/github/comment.ts';
import { serverWait } from '../../src/github/retry.ts';
import { GITHUB_COMMENT_LIMIT } from '../../src/report/report.ts';
import { fixture } from '../fixtures/results/index.ts';
import { FakeGitHub } from '../helpers/github-server.ts';

describe('the comment marker', () => {
  it('cannot close the HTML comment it sits in, and keeps keys apart', () => {
    for (const key of ['a-->b', 'x --!> y', 'models/m--v2.onnx', '<!-- nested -->', 'end-', 'a%2D-b']) {
      const m = commentMarker(key);
      const inner = m.slice('<!-- '.length, -' -->'.length);
      assert.doesNotMatch(inner, /--|>|</, `${key} → ${m}`);
    }
    assert.notEqual(escapeKey('a--b'), escapeKey('a-%2Db'));
    assert.equal(commentMarker('models/resnet50.onnx'), '<!-- quantgate:models/resnet50.onnx -->');
  });

  it('replaces the report marker with the key and stores the state on the second line', () => {
    const body = composeBody('my key', '<!-- quantgate:cnn.onnx -->\n### ✅ passes\n', '{"v":1}');
    const lines = body.split('\n');
    assert.equal(lines[0], '<!-- quantgate:my key -->');
    assert.equal(storedState(body), '{"v":1}');
    assert.equal(lines[2], '### ✅ passes');
  });

  it('cuts a body over the limit at a line and says where the full report is', () => {
    const huge = `<!-- quantgate:k -->\n${'a line of the report\n'.repeat(10_000)}`;
    const body = composeBody('k', huge, undefined);
    assert.ok(body.length <= GITHUB_COMMENT_LIMIT, String(body.length));
    assert.match(body, /^<!-- quantgate:k -->\n/);
    assert.match(body, /a line of the report\n\n<sub>This comment was cut to stay under GitHub's 65,536-character limit; the full report is in the job summary and the artifact\.<\/sub>\n$/);
  });
});

describe('on-change', () => {
  it('is quiet for the same results and speaks when the verdict or a gated number moves beyond noise', () => {
    const results = fixture('cpu');
    const state = commentState(results);
    assert.equal(changedBeyondNoise(state, commentState(structuredClone(results))), false);
    const failed = structuredClone(results);
    failed.verdict.pass = !failed.verdict.pass;
    assert.equal(changedBeyondNoise(state, commentState(failed)), true);
    const row = results.runs.find((r) => r.accuracyLossPp !== null && r.status === 'ok' && !r.model.startsWith('base:'));
    assert.ok(row, 'the fixture has a gated loss');
    const ci = row.accuracyLossCi!;
    const within = structuredClone(results);
    within.runs.find((r) => r.model === row.model && r.batch === row.batch && r.provider === row.provider)!.accuracyLossPp = row.accuracyLossPp! + (ci[1] - ci[0]) / 4;
    assert.equal(changedBeyondNoise(state, commentState(within)), (ci[1] - ci[0]) / 4 > Math.max((ci[1] - ci[0]) / 2, 0.01));
    const beyond = structuredClone(results);
    beyond.runs.find((r) => r.model === row.model && r.batch === row.batch && r.provider === row.provider)!.accuracyLossPp = row.accuracyLossPp! + (ci[1] - ci[0]) + 0.5;
    assert.equal(changedBeyondNoise(state, commentState(beyond)), true);
    assert.equal(changedBeyondNoise(null, state), true, 'a comment without state is edited');
    assert.equal(changedBeyondNoise('not json', state), true);
  });
});

describe('the retrying client', () => {
  const github = new FakeGitHub();
  before(async () => {
    await github.start();
  });
  after(async () => {
    await github.stop();
  });

  it('reads how long the server asked to wait', () => {
    assert.equal(serverWait({ status: 403, headers: { 'retry-after': '3' } }), 3000);
    assert.equal(serverWait({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1010' } }, 1_000_000), 10_000);
    assert.equal(serverWait({ status: 502, headers: {} }), null);
  });

  it('retries a rate limit (429, and 403 with retry-after) and gives a plain 403 back at once', async () => {
    const waits: string[] = [];
    const client = () => {
      return gitHubClient('t', { attempts: 5, baseMs: 5, maxWaitMs: 1000, onRetry: (what) => waits.push(what) }, github.url);
    };
    github.fail({ method: 'POST', path: /\/issues\/1\/comments$/, status: 429, headers: { 'retry-after': '0' } });
    github.fail({ method: 'POST', path: /\/issues\/1\/comments$/, status: 403, headers: { 'retry-after': '0' }, body: { message: 'You have exceeded a secondary rate limit' } });
    const made = await postStickyComment(client(), { owner: 'o', repo: 'r', issueNumber: 1, key: 'k', body: 'hello', author: github.login });
    assert.equal(made.action, 'created');
    assert.deepEqual(waits, ['POST /repos/{owner}/{repo}/issues/{issue_number}/comments answered 429 (rate limited)', 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments answered 403 (rate limited)']);
    github.fail({ method: 'PATCH', path: /\/issues\/comments\/\d+$/, status: 403, body: { message: 'Resource not accessible by integration' } });
    const error = await postStickyComment(client(), { owner: 'o', repo: 'r', issueNumber: 1, key: 'k', body: 'again', author: github.login }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(isForbidden(error));
    assert.equal(waits.length, 2, 'no retry for a plain 403');
    assert.equal(github.commentsOn('o', 'r', 1)[0]!.body, '<!-- quantgate:k -->\nhello');
  });
});
