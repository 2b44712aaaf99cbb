/**
 * `quantgate run`: the whole pipeline (what the action runs). Prints where the report is and the
 * verdict; exits 1 when a gate failed.
 */
import { relative } from 'node:path';
import type { RunConfig } from '../config/types.js';
import { ExitCode } from '../errors.js';
import { runPipeline, type RunOutcome } from '../pipeline/run.js';
import type { CommandContext } from './context.js';
import { logSafe } from '../log.js';

export async function runCommand(config: RunConfig, ctx: CommandContext): Promise<number> {
  const outcome = await runPipeline(config, { ...ctx.host, log: ctx.log, cwd: ctx.cwd, ...(ctx.naming ? { naming: ctx.naming } : {}) });
  ctx.stdout.write(config.json ? `${JSON.stringify(outcome.results, null, 2)}\n` : `${logSafe(summarize(outcome, ctx.cwd))}\n`);
  return outcome.results.verdict.pass ? ExitCode.passed : ExitCode.gateFailed;
}

export function summarize(outcome: RunOutcome, cwd: string): string {
  const { verdict } = outcome.results;
  const show = (p: string) => relative(cwd, p) || p;
  const mark = !verdict.gated ? 'not gated' : verdict.pass ? 'passed' : 'FAILED';
  return [
    `verdict: ${mark}`,
    ...verdict.reasons.map((r) => `  ${r}`),
    `report: ${show(outcome.files.report)}`,
    `results: ${show(outcome.files.results)}`,
  ].join('\n');
}
