/**
 * The action: read the inputs once, refuse what must not run, fetch the stored baseline, run the
 * same pipeline as `quantgate run`, then publish (job summary, artifacts, the sticky comment,
 * outputs) and funnel every failure into one `core.setFailed` (bad input and gate failures with
 * their message, bugs with where to report them). Each stage is its own log group.
 *
 * Publishing happens whatever the pipeline decided: a run that stopped on bad input still wrote
 * what it measured, and a pull request's comment then explains the problem instead of going
 * missing. A publishing problem (no token, a token that cannot write, no artifact service) is a
 * warning or one message, never a loss of the results, summary or outputs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import * as core from '@actions/core';
import { parseResults } from './compare/read-results.js';
import { edgeNaming, namingFor } from './config/naming.js';
import { resolveConfig } from './config/resolve.js';
import { addDoctorToSummary } from './doctor/summary.js';
import { BadInputError, describeError } from './errors.js';
import { msg, opt } from './message.js';
import { pathInside } from './paths.js';
import { runPipeline } from './pipeline/run.js';
import type { Results } from './results/schema.js';
import { baselineArtifactName, filesToUpload } from './github/artifacts.js';
import { fetchStoredBaseline, type StoredBaseline } from './github/baseline.js';
import { commentBody, summaryBody, type BodyParts } from './github/body.js';
import { changedBeyondNoise, commentState } from './github/change.js';
import { gitHubClient, type GitHubClient } from './github/client.js';
import { isForbidden } from './github/comment.js';
import { readRunEvent, type RunEvent } from './github/event.js';
import { readActionInputs } from './github/inputs.js';
import { ActionLog, failSafe } from './github/log.js';
import { pullRequestBaseSha, withBaseRefModel } from './github/base-ref.js';
import { actionEnvironment } from './github/exec.js';
import { publisherFor, type Publisher } from './github/publisher.js';
import { refuseUnsafeRun } from './github/safety.js';
import type { ActionConfig } from './config/types.js';

/** The action's one log, for the pipeline's stages and its own lines alike: each line through logSafe. */
const log = new ActionLog();

/** The worst INT8 accuracy loss, for the `accuracy-loss-pp` output; '' without labels. */
function worstLoss(results: Results): string {
  const losses = results.runs.filter((r) => !r.model.startsWith('base:') && r.accuracyLossPp !== null).map((r) => r.accuracyLossPp!);
  return losses.length > 0 ? String(Math.max(...losses)) : '';
}

const TWO_WORKFLOWS =
  "post the comment from a second workflow that runs on workflow_run with pull-requests: write, using 'quantgate comment' on this run's artifact (docs/action.md, \"Pull requests from forks\")";

/** What the run published, for the outputs and the final message. */
interface Published {
  commentUrl: string;
  artifactId: string;
  /** One message that fails the step after everything was published (a missing token). */
  problem: string | null;
}

function tokenMissing(): BadInputError {
  return new BadInputError(
    msg`${opt('comment')} is on but ${opt('github-token')} is empty, so the pull-request comment cannot be posted`,
    msg`give ${opt('github-token')} a token with pull-requests: write (the default, \${{ github.token }}, has it when the workflow's permissions grant it), or set ${opt('comment')} to never`,
  );
}

async function publish(
  publisher: Publisher,
  octokit: GitHubClient | null,
  event: RunEvent,
  action: ActionConfig,
  run: { results: Results; outDir: string; key: string; artifactName: string; stored: StoredBaseline | null },
): Promise<Published> {
  const out: Published = { commentUrl: '', artifactId: '', problem: null };
  const baseline = run.stored?.found ? { results: run.stored.results, label: run.stored.label } : null;
  const note = run.stored && !run.stored.found ? run.stored.note : undefined;

  const uploaded = await core.group('artifact', async () => {
    const files = filesToUpload(run.outDir, { engines: action.uploadEngines });
    const result = await publisher.upload(run.artifactName, run.outDir, files, action.retentionDays);
    if (result.uploaded) log.info(`uploaded ${run.artifactName}: ${result.files} files, ${result.bytes} bytes, artifact ID ${result.id}`);
    else log.warn(`the artifact ${run.artifactName} was not uploaded: ${result.why}; the files stay in ${run.outDir}`);
    // Push runs of the default branch store their results for pull requests, whatever the gate decided.
    // A run that stopped early measured too little to compare with, so it stores nothing.
    if (event.pushedBranch !== null && event.pushedBranch === event.defaultBranch && run.results.incomplete) {
      log.info(`the baseline was not stored: this run stopped early (${run.results.incomplete.split('\n')[0]})`);
    } else if (event.pushedBranch !== null && event.pushedBranch === event.defaultBranch) {
      const name = baselineArtifactName(run.artifactName);
      const stored = await publisher.upload(name, run.outDir, [resolve(run.outDir, 'results.json')], action.retentionDays);
      if (stored.uploaded) log.info(`stored the baseline for pull requests against ${event.pushedBranch}: ${name} (artifact ID ${stored.id})`);
      else log.warn(`the baseline ${name} was not stored: ${stored.why}`);
    }
    return result;
  });
  if (uploaded.uploaded) out.artifactId = String(uploaded.id);
  const artifacts = uploaded.uploaded
    ? { name: run.artifactName, url: `${event.serverUrl}/${event.owner}/${event.repo}/actions/runs/${event.runId}/artifacts/${uploaded.id}` }
    : { folder: pathInside(action.workingDirectory, run.outDir) ?? run.outDir };
  const parts: BodyParts = { results: run.results, baseline, artifacts, ...(note ? { note } : {}) };

  await core.group('job summary', () => publisher.summary(summaryBody(parts)));

  await core.group('comment', async () => {
    const pr = event.pullRequest;
    if (action.comment === 'never') return log.info("comment: never: no pull-request comment");
    if (!pr) return log.info(`no pull-request comment: this is ${event.name ? `a ${event.name} run` : 'not a GitHub Actions run'}, not a pull request`);
    if (!octokit) {
      // One message, given when the step fails after everything else was published.
      out.problem = tokenMissing().describe(edgeNaming('input'));
      return log.info('no pull-request comment: github-token is empty (the step fails with the reason below)');
    }
    const state = commentState(run.results);
    try {
      const posted = await publisher.comment(octokit, {
        issueNumber: pr.number,
        key: run.key,
        body: commentBody(parts),
        author: action.commentAuthor,
        state,
        ...(action.comment === 'on-change' ? { shouldUpdate: (previous: string | null) => changedBeyondNoise(previous, state) } : {}),
      });
      if (!posted) return;
      out.commentUrl = posted.url;
      log.info(
        posted.action === 'unchanged'
          ? `comment left as it is (comment: on-change, and neither the verdict nor a gated number changed beyond noise): ${posted.url}`
          : `comment ${posted.action}: ${posted.url}`,
      );
    } catch (error) {
      if (isForbidden(error)) {
        log.warn(
          `the pull-request comment was refused (403): this token cannot write to pull request #${pr.number}${event.pullRequest?.headRepo !== `${event.owner}/${event.repo}` ? ' (a pull request from a fork gets a read-only token)' : ' (the workflow needs permissions: pull-requests: write)'}. The results, job summary and outputs are complete; to comment on fork pull requests, ${TWO_WORKFLOWS}`,
        );
      } else {
        log.warn(`the pull-request comment could not be posted: ${(error as Error).message.split('\n')[0]}. The results, job summary and outputs are complete.`);
      }
    }
  });
  return out;
}

/** Whether a job summary can be written: on a runner that named its file. */
function summaryFile(publisher: Publisher | null): boolean {
  return Boolean(process.env.GITHUB_STEP_SUMMARY) && (publisher === null || publisher.where === 'GitHub');
}

/**
 * quantgate-<model file name>: letters, digits, '.', '_' and '-' only. The artifact service refuses
 * a few characters, and the name is echoed in logs and the API's URLs, so a file name with
 * controls or other symbols (a pull request chooses it) is reduced to the safe ones.
 */
export function defaultArtifactName(modelPath: string): string {
  const stem = basename(modelPath).replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return `quantgate-${stem || 'model'}`;
}

export async function run(): Promise<void> {
  let reportPath: string | undefined;
  // Messages name options as inputs (`input 'output'`), or by file and key where quantgate.yml gave the value.
  let naming = edgeNaming('input');
  let published = false;
  try {
    const inputs = readActionInputs();
    const action = inputs.action;
    const cwd = action.workingDirectory;
    const event = readRunEvent();
    await core.group('safety', async () => {
      refuseUnsafeRun(event, { allowForkPrs: action.allowForkPrs, runnerEnvironment: process.env.RUNNER_ENVIRONMENT, workspace: process.env.GITHUB_WORKSPACE || cwd });
      log.info(event.pullRequest ? `pull request #${event.pullRequest.number} from ${event.pullRequest.headRepo ?? 'a deleted repository'}: allowed` : `${event.name || 'not a GitHub Actions'} run: nothing to refuse`);
    });
    const resolved = resolveConfig('run', {
      given: inputs.given,
      givenKind: 'input',
      cwd,
      ...(action.config ? { configPath: action.config } : {}),
    });
    // Subprocesses (git, the export command) through @actions/exec, so their output is in the log.
    const host = actionEnvironment();
    const config = await withBaseRefModel(resolved, { baselineFrom: action.baselineFrom, baseSha: pullRequestBaseSha(), cwd, exec: host.exec, log });
    naming = namingFor('input', config.sources);
    reportPath = resolve(config.out, 'report.md');
    const key = action.commentKey ?? pathInside(cwd, config.model) ?? config.model;
    const artifactName = action.artifactName || defaultArtifactName(config.model);
    const publisher = publisherFor(process.env, event);
    const octokit = action.githubToken ? gitHubClient(action.githubToken, { attempts: 5, baseMs: 1000, maxWaitMs: 120_000, onRetry: (what, wait, n) => log.info(`${what}; try ${n + 1} of 5 in ${Math.round(wait / 1000)} s`) }) : null;
    log.info(`publishing to ${publisher.where}`);

    const baselineFrom = config.baseline ? 'file' : (action.baselineFrom ?? (event.pullRequest ? 'artifact' : 'none'));
    let stored: StoredBaseline | null = null;
    let baselineSource = config.baseline ? `the file ${pathInside(cwd, config.baseline) ?? config.baseline}` : 'none';
    if (baselineFrom === 'artifact' && event.pullRequest) {
      stored = await core.group('stored baseline', async () => {
        const workflow = action.baselineWorkflow ?? event.workflowFile;
        const query = { owner: event.owner, repo: event.repo, branch: event.pullRequest!.baseRef, artifactName: baselineArtifactName(artifactName) };
        let found: StoredBaseline;
        if (!octokit) found = { found: false, note: 'no stored baseline: github-token is empty, so the base branch\'s runs cannot be listed', source: 'none (no token)' };
        else if (!workflow) found = { found: false, note: "no stored baseline: this run's workflow file is unknown (no GITHUB_WORKFLOW_REF); set baseline-workflow", source: 'none (no workflow)' };
        else found = await fetchStoredBaseline(octokit, { ...query, workflow }, (line) => log.info(line));
        log.info(found.found ? `comparing with the ${found.source}` : found.note);
        return found;
      });
      baselineSource = stored.source;
    } else if (baselineFrom === 'base-ref' && config.baselineModel !== resolved.baselineModel) {
      baselineSource = config.sources.baselineModel ?? "the base branch's model";
    } else if (baselineFrom !== 'file' && !event.pullRequest) {
      baselineSource = `none (the stored baseline is read on pull requests; this is ${event.name ? `a ${event.name} run` : 'not a GitHub Actions run (no GITHUB_EVENT_NAME)'})`;
    }

    let failure: unknown = null;
    let results: Results | null = null;
    try {
      const outcome = await runPipeline(config, {
        ...host,
        log,
        cwd,
        naming,
        ...(stored?.found ? { storedBaseline: { results: stored.results, label: stored.label } } : {}),
      });
      results = outcome.results;
    } catch (error) {
      failure = error;
      // A run that stopped early still wrote what it measured: publish that.
      const written = resolve(config.out, 'results.json');
      if (existsSync(written)) {
        try {
          results = parseResults(readFileSync(written, 'utf8'), written);
        } catch {
          results = null;
        }
      }
    }

    let extra: Published = { commentUrl: '', artifactId: '', problem: null };
    if (results) {
      extra = await publish(publisher, octokit, event, action, { results, outDir: config.out, key, artifactName, stored });
      published = true;
      core.setOutput('verdict', results.verdict.pass ? 'pass' : 'fail');
      core.setOutput('accuracy-loss-pp', worstLoss(results));
      core.setOutput('results', resolve(config.out, 'results.json'));
      core.setOutput('report', reportPath);
      if (summaryFile(publisher)) await addDoctorToSummary(results, (markdown) => core.summary.addRaw(markdown).write());
    }
    core.setOutput('comment-url', extra.commentUrl);
    core.setOutput('artifact-id', extra.artifactId);
    core.setOutput('baseline-source', baselineSource);
    if (failure) throw failure;
    if (results && !results.verdict.pass) failSafe(`quantgate: ${results.verdict.reasons[0] ?? 'the gate failed'}`);
    else if (extra.problem) failSafe(extra.problem);
  } catch (error) {
    // A run that stopped early and could not publish still wrote its report: show it, then fail with the one message.
    if (!published) {
      try {
        if (reportPath && process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(readFileSync(reportPath, 'utf8')).write();
      } catch {
        /* no report was written */
      }
      if (summaryFile(null)) await addDoctorToSummary(null, (markdown) => core.summary.addRaw(markdown).write());
    }
    failSafe(describeError(error, core.isDebug(), naming));
  }
}
