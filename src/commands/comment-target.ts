/**
 * Where `quantgate comment` and `quantgate aggregate --pr` post: the pull request, its repository,
 * the token and the API, from the flags or the environment a workflow step has (GITHUB_TOKEN,
 * GITHUB_REPOSITORY, GITHUB_API_URL). The token is never echoed.
 */
import { BadInputError } from '../errors.js';
import { msg, opt } from '../message.js';

export interface CommentTarget {
  owner: string;
  repo: string;
  pr: number;
  /** The hidden marker's key: the comment to edit is the one whose first line carries it. */
  key: string;
  /** Whose comments may be edited. */
  author: string;
  token: string;
  apiUrl: string;
}

export interface TargetFlags {
  pr?: number;
  repo?: string;
  token?: string;
  commentKey?: string;
  commentAuthor: string;
}

export function commentTarget(flags: TargetFlags & { pr: number }, defaultKey: string, env: NodeJS.ProcessEnv = process.env): CommentTarget {
  const token = flags.token ?? env.GITHUB_TOKEN?.trim();
  if (!token) {
    throw new BadInputError(
      msg`there is no token to post the comment with: ${opt('token')} is not given and GITHUB_TOKEN is not set`,
      msg`give the step env GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }} (with permissions pull-requests: write), or pass ${opt('token')}`,
    );
  }
  const repository = flags.repo ?? env.GITHUB_REPOSITORY?.trim();
  const parts = repository?.match(/^([\w.-]+)\/([\w.-]+)$/);
  if (!parts) {
    throw new BadInputError(
      repository ? msg`GITHUB_REPOSITORY is '${repository}', not owner/name` : msg`the repository is not known: ${opt('repo')} is not given and GITHUB_REPOSITORY is not set`,
      msg`pass ${opt('repo')} owner/name (a workflow step has GITHUB_REPOSITORY set)`,
    );
  }
  const apiUrl = (env.GITHUB_API_URL?.trim() || 'https://api.github.com').replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(apiUrl)) {
    throw new BadInputError(msg`GITHUB_API_URL is '${apiUrl}', not an http(s) URL`, 'leave it unset for github.com, or set it to your GitHub Enterprise Server API URL (https://HOST/api/v3)');
  }
  return { owner: parts[1]!, repo: parts[2]!, pr: flags.pr, key: flags.commentKey ?? defaultKey, author: flags.commentAuthor, token, apiUrl };
}

/** Posts (creates or edits in place) the comment with `body` on the target pull request. */
export type PostComment = (target: CommentTarget, body: string) => Promise<{ url: string; created: boolean }>;
