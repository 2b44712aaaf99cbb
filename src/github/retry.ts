/**
 * Retries GitHub REST calls that failed for a passing reason: a server error (5xx) or a rate
 * limit (429, or 403 with `retry-after` / `x-ratelimit-remaining: 0`). A plain 403 (a token that
 * cannot write) is final and goes straight back to the caller.
 *
 * Written here rather than taken from @octokit/plugin-retry: that plugin never retries a 403, so a
 * secondary rate limit would end the comment stage, and @octokit/plugin-throttling is not a
 * dependency of the toolkit. It is installed as an octokit request hook, so every call through the
 * client (pagination included) is covered.
 */
import type { GitHubClient } from './client.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The first back-off; doubled each try. */
  baseMs: number;
  /** The longest wait the server may ask for before we give up rather than hold the job. */
  maxWaitMs: number;
  /** Told before each wait, so the log says why the step is pausing. */
  onRetry?: (what: string, waitMs: number, attempt: number) => void;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 1000, maxWaitMs: 120_000 };

interface HttpFailure {
  status: number;
  headers: Record<string, string | number | undefined>;
}

function failureOf(error: unknown): HttpFailure | null {
  if (typeof error !== 'object' || error === null || !('status' in error)) return null;
  const status = Number((error as { status: unknown }).status);
  const headers = ((error as { response?: { headers?: HttpFailure['headers'] } }).response?.headers ?? {}) as HttpFailure['headers'];
  return Number.isFinite(status) ? { status, headers } : null;
}

/** A rate limit: 429, or a 403 that says so in its headers. */
export function isRateLimited(f: HttpFailure): boolean {
  if (f.status === 429) return true;
  return f.status === 403 && (f.headers['retry-after'] !== undefined || String(f.headers['x-ratelimit-remaining']) === '0');
}

function isTransient(f: HttpFailure): boolean {
  return f.status >= 500 || isRateLimited(f);
}

/** How long the server asked us to wait, in ms; null when it did not say. */
export function serverWait(f: HttpFailure, now = Date.now()): number | null {
  const after = f.headers['retry-after'];
  if (after !== undefined) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(String(after));
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const reset = f.headers['x-ratelimit-reset'];
  if (reset !== undefined && String(f.headers['x-ratelimit-remaining']) === '0') {
    const at = Number(reset) * 1000;
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  return null;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Installs the retry on `octokit`'s requests; returns the same client. */
export function withRetries<T extends GitHubClient>(octokit: T, policy: RetryPolicy = DEFAULT_RETRY): T {
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(options);
      } catch (error) {
        const failure = failureOf(error);
        if (!failure || !isTransient(failure) || attempt >= policy.attempts) throw error;
        const asked = serverWait(failure);
        if (asked !== null && asked > policy.maxWaitMs) throw error;
        const wait = asked ?? policy.baseMs * 2 ** (attempt - 1);
        const what = `${String(options.method)} ${String(options.url)} answered ${failure.status}${isRateLimited(failure) ? ' (rate limited)' : ''}`;
        policy.onRetry?.(what, wait, attempt);
        await sleep(wait);
      }
    }
  });
  return octokit;
}
