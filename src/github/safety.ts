/**
 * Refusals made before anything runs: a fork's pull request on a self-hosted runner (the runner
 * would run a stranger's model and export command) unless `allow-fork-prs`, and a
 * pull_request_target run whose checkout is the pull request's head (that event runs with the
 * base repository's secrets and write token). Defence in depth: GitHub's own approval of fork
 * workflows is the first line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../errors.js';
import { msg, opt } from '../message.js';
import { isFork, type RunEvent } from './event.js';

/** The commit checked out in `dir` (read from .git, without running git); null when unknown. */
export function checkedOutCommit(dir: string): string | null {
  let gitDir = join(dir, '.git');
  try {
    if (!existsSync(gitDir)) return null;
    const asFile = readFileSync(gitDir, 'utf8').match(/^gitdir: (.+)$/m);
    if (asFile) gitDir = asFile[1]!.trim();
  } catch {
    /* .git is a folder */
  }
  try {
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40,64}$/.test(head)) return head;
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return null;
    if (existsSync(join(gitDir, ref))) return readFileSync(join(gitDir, ref), 'utf8').trim();
    const packed = readFileSync(join(gitDir, 'packed-refs'), 'utf8');
    return new RegExp(`^([0-9a-f]{40,64}) ${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm').exec(packed)?.[1] ?? null;
  } catch {
    return null;
  }
}

export function refuseUnsafeRun(event: RunEvent, options: { allowForkPrs: boolean; runnerEnvironment: string | undefined; workspace: string }): void {
  const pr = event.pullRequest;
  if (!pr) return;
  if (event.name === 'pull_request_target' && checkedOutCommit(options.workspace) === pr.headSha) {
    throw new BadInputError(
      `refusing to run: this pull_request_target run checked out the pull request's head (${pr.headSha.slice(0, 7)}), so a stranger's model and export command would run with this repository's write token and secrets`,
      'run quantgate on the pull_request event instead, and post the comment from a second workflow on workflow_run (see docs/action.md, "Pull requests from forks")',
    );
  }
  if (isFork(event) && options.runnerEnvironment === 'self-hosted' && !options.allowForkPrs) {
    throw new BadInputError(
      msg`refusing to run pull request #${pr.number} from the fork ${pr.headRepo ?? '(a deleted repository)'} on a self-hosted runner: the runner would load a stranger's model and run its export command`,
      msg`run fork pull requests on GitHub-hosted runners, or, once you trust what forks may run on this machine, set ${opt('allow-fork-prs')} to true`,
    );
  }
}
