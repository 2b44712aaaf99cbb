/**
 * The sticky pull-request comment: one per key, found again by a hidden marker on its first line
 * among the comments of one author, and edited in place; created when there is none.
 *
 * `postStickyComment` is the whole operation for any caller that holds a client (the action, and
 * `quantgate comment` in the fork-safe second workflow). A second hidden line may carry a state
 * string (see change.ts), so that `on-change` can compare with what the comment last said without
 * storing anything elsewhere.
 */
import { GITHUB_COMMENT_LIMIT } from '../report/report.js';
import type { GitHubClient } from './client.js';

export interface CommentTarget {
  owner: string;
  repo: string;
  /** The pull request's (issue's) number. */
  issueNumber: number;
}

export interface StickyComment extends CommentTarget {
  /** Tells this comment apart from the others quantgate keeps on the pull request (by default the model path). */
  key: string;
  /** Markdown; a quantgate marker on its first line is replaced by this key's. */
  body: string;
  /** The login whose comments are searched, e.g. `github-actions[bot]`. */
  author: string;
  /** Stored in the comment, hidden, for the next run's `shouldUpdate`. */
  state?: string;
  /**
   * Decides, from the state stored in the existing comment (null when it had none), whether it is
   * edited; absent: always. Not asked when there is no comment yet.
   */
  shouldUpdate?: (previousState: string | null) => boolean;
}

export interface CommentOutcome {
  action: 'created' | 'updated' | 'unchanged';
  url: string;
  id: number;
}

/**
 * The key as it may sit inside `<!-- ... -->`: `%`, `<`, `>`, `&`, `!` and a `-` that follows a
 * `-` are percent-encoded, so no key can close the comment early or open another, and two keys
 * never share an escape.
 */
export function escapeKey(key: string): string {
  return key.replace(/[%<>&!]|(?<=-)-/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function commentMarker(key: string): string {
  return `<!-- quantgate:${escapeKey(key)} -->`;
}

const STATE_PREFIX = '<!-- quantgate-state:';
const ANY_MARKER = /^<!-- quantgate:.* -->$/;

/** The state line; base64url holds no `-`-pairs or `>`. */
function stateLine(state: string): string {
  return `${STATE_PREFIX}${Buffer.from(state, 'utf8').toString('base64url')} -->`;
}

/** The state stored in a comment body, or null. */
export function storedState(body: string): string | null {
  const line = body.split('\n', 3).find((l) => l.startsWith(STATE_PREFIX));
  if (!line) return null;
  const encoded = line.slice(STATE_PREFIX.length, -' -->'.length);
  return /^[A-Za-z0-9_-]*$/.test(encoded) ? Buffer.from(encoded, 'base64url').toString('utf8') : null;
}

const FOLDED_NOTE = (limit: number) =>
  `\n\n<sub>This comment was cut to stay under GitHub's ${limit.toLocaleString('en-US')}-character limit; the full report is in the job summary and the artifact.</sub>\n`;

/**
 * The body as posted: this key's marker first, then the state line, then the text; cut at a line
 * boundary, saying so, if it would pass GitHub's limit (the report sizes itself first, see
 * renderReport's maxChars: this is the last guard for bodies from elsewhere).
 */
export function composeBody(key: string, body: string, state?: string, limit = GITHUB_COMMENT_LIMIT): string {
  const lines = body.split('\n');
  if (lines[0] !== undefined && ANY_MARKER.test(lines[0])) lines.shift();
  const head = [commentMarker(key), ...(state !== undefined ? [stateLine(state)] : [])].join('\n');
  let text = `${head}\n${lines.join('\n')}`;
  if (text.length > limit) {
    const note = FOLDED_NOTE(limit);
    const cut = text.slice(0, Math.max(head.length + 1, limit - note.length));
    const atLine = cut.lastIndexOf('\n');
    text = `${atLine > head.length ? cut.slice(0, atLine) : cut}${note}`;
  }
  return text;
}

/** The first of `author`'s comments whose first line is this key's marker, paging through all. */
export async function findStickyComment(
  octokit: GitHubClient,
  target: CommentTarget,
  key: string,
  author: string,
): Promise<{ id: number; body: string; url: string } | null> {
  const wanted = commentMarker(key);
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  for await (const page of pages) {
    for (const c of page.data) {
      if (c.user?.login !== author) continue;
      const first = (c.body ?? '').split('\n', 1)[0]!.trim();
      if (first === wanted) return { id: c.id, body: c.body ?? '', url: c.html_url };
    }
  }
  return null;
}

/**
 * Edits the key's comment in place, or creates it. Errors are the client's (RequestError with
 * `status`): 5xx and rate limits were already retried by the client (retry.ts); a 403 means the
 * token cannot write, see `isForbidden`.
 */
export async function postStickyComment(octokit: GitHubClient, c: StickyComment): Promise<CommentOutcome> {
  const body = composeBody(c.key, c.body, c.state);
  const existing = await findStickyComment(octokit, c, c.key, c.author);
  if (existing) {
    if (c.shouldUpdate && !c.shouldUpdate(storedState(existing.body))) return { action: 'unchanged', url: existing.url, id: existing.id };
    const { data } = await octokit.rest.issues.updateComment({ owner: c.owner, repo: c.repo, comment_id: existing.id, body });
    return { action: 'updated', url: data.html_url, id: data.id };
  }
  const { data } = await octokit.rest.issues.createComment({ owner: c.owner, repo: c.repo, issue_number: c.issueNumber, body });
  return { action: 'created', url: data.html_url, id: data.id };
}

/** A plain 403: the token may not write here (a fork's pull request, or missing `pull-requests: write`). */
export function isForbidden(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 403;
}
