/**
 * The CLI's way to post (quantgate comment, quantgate aggregate --pr): the sticky comment of
 * comment.ts, the one the action posts too, through the retrying client (5xx and rate limits
 * back off there, retry.ts). The API URL is the target's (GITHUB_API_URL when the command ran):
 * @actions/github reads that variable once, when it is first imported.
 *
 * A 403 is a token that may not write here (no `pull-requests: write`, or a fork's read-only
 * token): bad input, with the permission to add and the pattern to use.
 */
import type { PostComment } from '../commands/comment-target.js';
import { BadInputError } from '../errors.js';
import { msg, opt } from '../message.js';
import * as github from '@actions/github';
import { isForbidden, postStickyComment } from './comment.js';
import { DEFAULT_RETRY, withRetries } from './retry.js';

export const postComment: PostComment = async (target, body) => {
  try {
    const outcome = await postStickyComment(withRetries(github.getOctokit(target.token, { baseUrl: target.apiUrl }), DEFAULT_RETRY), {
      owner: target.owner,
      repo: target.repo,
      issueNumber: target.pr,
      key: target.key,
      body,
      author: target.author,
    });
    return { url: outcome.url, created: outcome.action === 'created' };
  } catch (error) {
    if (isForbidden(error)) {
      throw new BadInputError(
        msg`GitHub refused the comment on ${target.owner}/${target.repo}#${target.pr} (403): the token may not write to its pull requests`,
        msg`give the job permissions pull-requests: write, and post from the base repository's workflow_run workflow for pull requests from forks (docs/workflows.md); or pass a token that can, with ${opt('token')}`,
      );
    }
    if (typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 404) {
      throw new BadInputError(
        msg`GitHub has no pull request ${target.owner}/${target.repo}#${target.pr} that this token can see (404)`,
        msg`check ${opt('pr')} and ${opt('repo')}, and that the token belongs to that repository`,
      );
    }
    throw error;
  }
};
