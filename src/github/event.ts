/**
 * What the workflow run is about, from the runner's environment and event payload
 * (GITHUB_EVENT_PATH), in the few facts the action decides on.
 */
import * as github from '@actions/github';

export interface RunEvent {
  name: string;
  owner: string;
  repo: string;
  /** The pull request, for pull_request and pull_request_target events. */
  pullRequest: {
    number: number;
    baseRef: string;
    headSha: string;
    /** owner/name of the head's repository; differs from this repository's for a fork. */
    headRepo: string | null;
  } | null;
  /** The pushed branch, for push events (refs/heads/ stripped); null for tags and other events. */
  pushedBranch: string | null;
  defaultBranch: string | null;
  /** This run's id, and the workflow file it runs (from GITHUB_WORKFLOW_REF). */
  runId: number;
  workflowFile: string | null;
  serverUrl: string;
}

interface Payload {
  pull_request?: { number: number; base: { ref: string }; head: { sha: string; repo?: { full_name?: string } | null } };
  repository?: { default_branch?: string };
}

export function readRunEvent(env: NodeJS.ProcessEnv = process.env): RunEvent {
  const ctx = github.context;
  const payload = ctx.payload as Payload;
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const pr = payload.pull_request;
  const ref = env.GITHUB_REF ?? '';
  // owner/repo/.github/workflows/quantgate.yml@refs/heads/main → quantgate.yml
  const workflowFile = /\/\.github\/workflows\/([^@/]+)@/.exec(env.GITHUB_WORKFLOW_REF ?? '')?.[1] ?? null;
  return {
    name: ctx.eventName,
    owner,
    repo,
    pullRequest:
      pr && /^pull_request/.test(ctx.eventName)
        ? { number: pr.number, baseRef: pr.base.ref, headSha: pr.head.sha, headRepo: pr.head.repo?.full_name ?? null }
        : null,
    pushedBranch: ctx.eventName === 'push' && ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null,
    defaultBranch: payload.repository?.default_branch ?? null,
    runId: ctx.runId,
    workflowFile,
    serverUrl: ctx.serverUrl,
  };
}

/** A pull request whose head lives in another repository (a fork; a deleted fork has no repository). */
export function isFork(event: RunEvent): boolean {
  return event.pullRequest !== null && event.pullRequest.headRepo !== `${event.owner}/${event.repo}`;
}
