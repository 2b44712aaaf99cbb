/** The GitHub REST client quantgate uses: @actions/github's octokit (REST methods and pagination). */
import * as github from '@actions/github';
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from './retry.js';

export type GitHubClient = ReturnType<typeof github.getOctokit>;

/**
 * A client for `token` against GITHUB_API_URL (GitHub Enterprise Server too), retrying what
 * passes; `baseUrl` overrides the API address read when @actions/github was imported.
 */
export function gitHubClient(token: string, retry: RetryPolicy = DEFAULT_RETRY, baseUrl?: string): GitHubClient {
  return withRetries(github.getOctokit(token, baseUrl ? { baseUrl } : {}), retry);
}
