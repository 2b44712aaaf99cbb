/** The GitHub REST client quantgate uses: @actions/github's octokit (REST methods and pagination). */
import * as github from '@actions/github';
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from './retry.js';

export type GitHubClient = ReturnType<typeof github.getOctokit>;

/** A client for `token` against GITHUB_API_URL (GitHub Enterprise Server too), retrying what passes. */
export function gitHubClient(token: string, retry: RetryPolicy = DEFAULT_RETRY): GitHubClient {
  return withRetries(github.getOctokit(token), retry);
}
