// Refusals before anything runs: a fork's pull request on a self-hosted runner (unless allowed),
// and a pull_request_target run whose checkout is the pull request's head (read from .git itself).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BadInputError } from '../../src/errors.ts';
import { edgeNaming } from '../../src/config/naming.ts';
import type { RunEvent } from '../../src/github/event.ts';
import { checkedOutCommit, refuseUnsafeRun } from '../../src/github/safety.ts';
import { tempDir } from '../helpers/tmp.ts';

const HEAD = 'c'.repeat(40);

function event(name: string, headRepo: string | null): RunEvent {
  return {
    name, owner: 'acme', repo: 'models', pushedBranch: null, defaultBranch: 'main', runId: 1, workflowFile: 'q.yml', serverUrl: 'https://github.com',
    pullRequest: { number: 5, baseRef: 'main', headSha: HEAD, headRepo },
  };
}

function refusal(work: () => void): string {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof BadInputError);
    return error.describe(edgeNaming('input'));
  }
  return '';
}

describe('fork safety', () => {
  const ws = tempDir();
  it('refuses a fork on a self-hosted runner, says why and what to do; allows it when told, and on hosted runners', () => {
    const message = refusal(() => refuseUnsafeRun(event('pull_request', 'mallory/models'), { allowForkPrs: false, runnerEnvironment: 'self-hosted', workspace: ws }));
    assert.match(message, /^refusing to run pull request #5 from the fork mallory\/models on a self-hosted runner: the runner would load a stranger's model and run its export command\n {2}fix: run fork pull requests on GitHub-hosted runners, or, once you trust what forks may run on this machine, set action input 'allow-fork-prs' to true$/);
    assert.equal(refusal(() => refuseUnsafeRun(event('pull_request', 'mallory/models'), { allowForkPrs: true, runnerEnvironment: 'self-hosted', workspace: ws })), '');
    assert.equal(refusal(() => refuseUnsafeRun(event('pull_request', 'mallory/models'), { allowForkPrs: false, runnerEnvironment: 'github-hosted', workspace: ws })), '');
    assert.equal(refusal(() => refuseUnsafeRun(event('pull_request', 'acme/models'), { allowForkPrs: false, runnerEnvironment: 'self-hosted', workspace: ws })), '');
    assert.match(refusal(() => refuseUnsafeRun(event('pull_request', null), { allowForkPrs: false, runnerEnvironment: 'self-hosted', workspace: ws })), /from the fork \(a deleted repository\)/);
  });

  it("refuses pull_request_target when the workspace holds the pull request's head, by detached HEAD or by branch", () => {
    const detached = tempDir();
    mkdirSync(join(detached, '.git'));
    writeFileSync(join(detached, '.git', 'HEAD'), `${HEAD}\n`);
    assert.equal(checkedOutCommit(detached), HEAD);
    assert.match(
      refusal(() => refuseUnsafeRun(event('pull_request_target', 'acme/models'), { allowForkPrs: true, runnerEnvironment: 'github-hosted', workspace: detached })),
      /^refusing to run: this pull_request_target run checked out the pull request's head \(ccccccc\)/,
    );
    const packed = tempDir();
    mkdirSync(join(packed, '.git'));
    writeFileSync(join(packed, '.git', 'HEAD'), 'ref: refs/heads/feature\n');
    writeFileSync(join(packed, '.git', 'packed-refs'), `# pack-refs\n${HEAD} refs/heads/feature\n`);
    assert.equal(checkedOutCommit(packed), HEAD);
    assert.notEqual(refusal(() => refuseUnsafeRun(event('pull_request_target', 'acme/models'), { allowForkPrs: true, runnerEnvironment: 'github-hosted', workspace: packed })), '');
    // The base branch checked out (pull_request_target's default) runs.
    const base = tempDir();
    mkdirSync(join(base, '.git'));
    writeFileSync(join(base, '.git', 'HEAD'), `${'b'.repeat(40)}\n`);
    assert.equal(refusal(() => refuseUnsafeRun(event('pull_request_target', 'mallory/models'), { allowForkPrs: false, runnerEnvironment: 'github-hosted', workspace: base })), '');
  });
});
