/**
 * Where a run's results go besides its output folder: the job summary, the pull-request comment
 * and the artifacts. One interface, two implementations chosen once (as actions/cache chooses its
 * state provider): GitHubPublisher on a runner (GITHUB_ACTIONS=true), LocalPublisher elsewhere,
 * which publishes nothing and says so, so that running the action's entry on a laptop never
 * reaches for GitHub.
 */
import * as core from '@actions/core';
import { postStickyComment, type CommentOutcome, type StickyComment } from './comment.js';
import type { GitHubClient } from './client.js';
import { uploadFolder, type UploadOutcome } from './artifacts.js';

export type CommentRequest = Omit<StickyComment, 'owner' | 'repo'>;

export interface Publisher {
  /** "GitHub" or "local (…)" for the log. */
  readonly where: string;
  summary(markdown: string): Promise<void>;
  /** Creates or edits the sticky comment; throws the client's error (a 403 included). */
  comment(octokit: GitHubClient, request: CommentRequest): Promise<CommentOutcome | null>;
  upload(name: string, root: string, files: string[], retentionDays: number | undefined): Promise<UploadOutcome>;
}

export class GitHubPublisher implements Publisher {
  readonly where = 'GitHub';
  constructor(private readonly repository: { owner: string; repo: string }) {}

  async summary(markdown: string): Promise<void> {
    if (!process.env.GITHUB_STEP_SUMMARY) {
      core.info('no job summary: the runner gave no GITHUB_STEP_SUMMARY file');
      return;
    }
    await core.summary.addRaw(markdown).write();
  }

  comment(octokit: GitHubClient, request: CommentRequest): Promise<CommentOutcome> {
    return postStickyComment(octokit, { ...this.repository, ...request });
  }

  upload(name: string, root: string, files: string[], retentionDays: number | undefined): Promise<UploadOutcome> {
    return uploadFolder(name, root, files, retentionDays);
  }
}

export class LocalPublisher implements Publisher {
  readonly where = 'local (not on a GitHub Actions runner: GITHUB_ACTIONS is not true)';

  async summary(): Promise<void> {
    core.info('local run: no job summary is written; the report is in the output folder');
  }

  async comment(_octokit: GitHubClient, request: CommentRequest): Promise<null> {
    core.info(`local run: the comment '${request.key}' is not posted (${request.body.length} characters)`);
    return null;
  }

  async upload(name: string, _root: string, files: string[]): Promise<UploadOutcome> {
    return { uploaded: false, why: `local run: the artifact ${name} (${files.length} files) is not uploaded; the files stay on disk` };
  }
}

export function publisherFor(env: NodeJS.ProcessEnv, repository: { owner: string; repo: string }): Publisher {
  return env.GITHUB_ACTIONS === 'true' ? new GitHubPublisher(repository) : new LocalPublisher();
}
