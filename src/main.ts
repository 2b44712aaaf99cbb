/**
 * The action: read the inputs once, run the same pipeline as `quantgate run`, put the report in
 * the job summary and the outputs, and funnel every failure into one `core.setFailed` (bad input
 * and gate failures with their message, bugs with where to report them).
 *
 * Not yet here (see README, "Status"): the sticky pull-request comment and the artifact upload.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as core from '@actions/core';
import { edgeNaming, namingFor } from './config/naming.js';
import { resolveConfig } from './config/resolve.js';
import { addDoctorToSummary } from './doctor/summary.js';
import { describeError } from './errors.js';
import { pullRequestBaseSha, withBaseRefModel } from './github/base-ref.js';
import { actionEnvironment } from './github/exec.js';
import { readActionInputs } from './github/inputs.js';
import { ActionLog } from './github/log.js';
import { runPipeline } from './pipeline/run.js';
import type { Results } from './results/schema.js';

/** The worst INT8 accuracy loss, for the `accuracy-loss-pp` output; '' without labels. */
function worstLoss(results: Results): string {
  const losses = results.runs.filter((r) => !r.model.startsWith('base:') && r.accuracyLossPp !== null).map((r) => r.accuracyLossPp!);
  return losses.length > 0 ? String(Math.max(...losses)) : '';
}

export async function run(): Promise<void> {
  let reportPath: string | undefined;
  // Messages name options as inputs (`input 'output'`), or by file and key where quantgate.yml gave the value.
  let naming = edgeNaming('input');
  try {
    const inputs = readActionInputs();
    const cwd = inputs.action.workingDirectory;
    const host = actionEnvironment();
    const log = new ActionLog();
    const resolved = resolveConfig('run', {
      given: inputs.given,
      givenKind: 'input',
      cwd,
      ...(inputs.action.config ? { configPath: inputs.action.config } : {}),
    });
    const config = await withBaseRefModel(resolved, { baselineFrom: inputs.action.baselineFrom, baseSha: pullRequestBaseSha(), cwd, exec: host.exec, log });
    naming = namingFor('input', config.sources);
    reportPath = resolve(config.out, 'report.md');
    const outcome = await runPipeline(config, { ...host, log, cwd, naming });
    const { verdict } = outcome.results;
    core.setOutput('verdict', verdict.pass ? 'pass' : 'fail');
    core.setOutput('accuracy-loss-pp', worstLoss(outcome.results));
    core.setOutput('results', outcome.files.results);
    core.setOutput('report', outcome.files.report);
    await core.summary.addRaw(readFileSync(outcome.files.report, 'utf8')).write();
    await addDoctorToSummary(outcome.results, (markdown) => core.summary.addRaw(markdown).write());
    if (!verdict.pass) core.setFailed(`quantgate: ${verdict.reasons[0] ?? 'the gate failed'}`);
  } catch (error) {
    // A run that stopped early still wrote its report: show it, then fail with the one message.
    try {
      if (reportPath) await core.summary.addRaw(readFileSync(reportPath, 'utf8')).write();
    } catch {
      /* no report was written */
    }
    await addDoctorToSummary(null, (markdown) => core.summary.addRaw(markdown).write());
    core.setFailed(describeError(error, core.isDebug(), naming));
  }
}
