/**
 * The stored baseline (`baseline-from: artifact`): the results.json that the newest completed push
 * run of `baseline-workflow` on the pull request's base branch uploaded, from this repository only
 * (a fork's run that named its branch the same is never taken: GHSA-5xr6-xhww-33m4). The file is
 * untrusted input, validated like any results.json (schema and ranges); only results.json is read
 * from the download, so an engine is never taken from a baseline.
 *
 * Every way of not finding one (none yet, expired, corrupt, another schema version, no
 * permission) is a note for the comment, and the run goes on without it.
 */
import { checkResults } from '../compare/read-results.js';
import type { Results } from '../results/schema.js';
import type { GitHubClient } from './client.js';
import { readZipMember } from './zip-member.js';

/** Push runs looked at, newest first, before giving up. */
export const BASELINE_LOOKBACK = 20;
/** A results.json larger than this is not one quantgate wrote. */
const MAX_RESULTS_BYTES = 32 * 1024 * 1024;
/** The baseline artifact holds results.json alone; a far larger one is not ours (and is held in memory). */
const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

export type StoredBaseline =
  | { found: true; results: Results; label: string; source: string }
  | { found: false; note: string; source: string };

export interface BaselineQuery {
  owner: string;
  repo: string;
  workflow: string;
  branch: string;
  artifactName: string;
}

function notFound(note: string): StoredBaseline {
  return { found: false, note, source: `none (${note})` };
}

/** Never throws: whatever goes wrong is the note, and the run goes on without a baseline. */
export async function fetchStoredBaseline(octokit: GitHubClient, q: BaselineQuery, log: (line: string) => void): Promise<StoredBaseline> {
  try {
    return await findAndRead(octokit, q, log);
  } catch (error) {
    return notFound(`no stored baseline: looking for it failed (${(error as Error).message.split('\n')[0]})`);
  }
}

async function findAndRead(octokit: GitHubClient, q: BaselineQuery, log: (line: string) => void): Promise<StoredBaseline> {
  const here = `${q.owner}/${q.repo}`;
  let runs;
  try {
    const { data } = await octokit.rest.actions.listWorkflowRuns({
      owner: q.owner,
      repo: q.repo,
      workflow_id: q.workflow,
      branch: q.branch,
      event: 'push',
      status: 'completed',
      per_page: BASELINE_LOOKBACK,
    });
    runs = data.workflow_runs;
  } catch (error) {
    const status = (error as { status?: number }).status;
    const why = status === 404 ? `workflow ${q.workflow} was not found in ${here}` : status === 403 ? 'the token cannot read Actions runs (it needs actions: read)' : `listing the runs failed (${(error as Error).message})`;
    return notFound(`no stored baseline: ${why}`);
  }
  // Newest first, and only this repository's own runs of the base branch.
  const own = runs
    .filter((r) => r.head_repository?.full_name === here && r.head_branch === q.branch && r.event === 'push')
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  log(`stored baseline: ${own.length} completed push runs of ${q.workflow} on ${q.branch} in ${here} (of ${runs.length} listed)`);
  let expired: { run: number } | null = null;
  for (const run of own) {
    const { data } = await octokit.rest.actions.listWorkflowRunArtifacts({ owner: q.owner, repo: q.repo, run_id: run.id, name: q.artifactName, per_page: 10 });
    const artifact = data.artifacts.find((a) => a.name === q.artifactName);
    if (!artifact) continue;
    if (artifact.expired) {
      expired ??= { run: run.run_number };
      continue;
    }
    const where = `run #${run.run_number} (push to ${q.branch}, ${run.head_sha.slice(0, 7)})`;
    return readDownloaded(octokit, artifact, q, where);
  }
  if (expired) return notFound(`no stored baseline: the artifact ${q.artifactName} of run #${expired.run} on ${q.branch} has expired; the next push to ${q.branch} stores a new one`);
  return notFound(
    `no stored baseline yet: none of the last ${own.length} push runs of ${q.workflow} on ${q.branch} uploaded ${q.artifactName}; the first push to ${q.branch} with this workflow stores it`,
  );
}

/**
 * The artifact's zip through the REST API (the same call @actions/artifact's public download makes,
 * through this client's retries of 5xx and rate limits), then its results.json from memory. A zip
 * that is damaged is one line at once: the artifact client would retry it 5 times, 5 s apart.
 */
async function readDownloaded(octokit: GitHubClient, artifact: { id: number; size_in_bytes: number }, q: BaselineQuery, where: string): Promise<StoredBaseline> {
  if (artifact.size_in_bytes > MAX_ARTIFACT_BYTES) return notFound(`the stored baseline of ${where} is not one quantgate stored: its artifact holds ${artifact.size_in_bytes} bytes`);
  let zip: Buffer;
  try {
    const { data } = await octokit.rest.actions.downloadArtifact({ owner: q.owner, repo: q.repo, artifact_id: artifact.id, archive_format: 'zip' });
    zip = Buffer.from(data as ArrayBuffer);
  } catch (error) {
    return notFound(`the stored baseline of ${where} could not be downloaded (${(error as Error).message.split('\n')[0]})`);
  }
  let bytes: Buffer | null;
  try {
    bytes = await readZipMember(zip, 'results.json', MAX_RESULTS_BYTES);
  } catch (error) {
    return notFound(`the stored baseline of ${where} is corrupt: its zip could not be read (${(error as Error).message.split('\n')[0]})`);
  }
  if (!bytes) return notFound(`the stored baseline of ${where} is corrupt: it holds no results.json`);
  const checked = checkResults(bytes.toString('utf8'), `the stored baseline of ${where}`);
  if (!checked.results) {
    const problem = checked.problem.problem.render();
    const other = /schemaVersion/.test(problem) ? 'is of another schema version' : 'is corrupt';
    return notFound(`${problem.startsWith('the stored baseline') ? problem : `the stored baseline of ${where} ${other}: ${problem}`}`);
  }
  return { found: true, results: checked.results, label: `the stored baseline (${where})`, source: `stored baseline from ${where}` };
}
