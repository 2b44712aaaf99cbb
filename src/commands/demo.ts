/**
 * `quantgate demo`: the whole pipeline on the embedded example (examples/demo: a small trained
 * CNN with labelled evaluation data), on the CPU, no GPU or input files needed. TensorRT shows as
 * unavailable with the reason. Same code path as `quantgate run`.
 */
import { join } from 'node:path';
import type { DemoConfig } from '../config/types.js';
import { resolveConfig } from '../config/resolve.js';
import { ExitCode } from '../errors.js';
import { PACKAGE_ROOT } from '../paths.js';
import { runPipeline } from '../pipeline/run.js';
import type { CommandContext } from './context.js';
import { summarize } from './run.js';
import { logSafe } from '../log.js';

export const DEMO_DIR = join(PACKAGE_ROOT, 'examples', 'demo');

export async function demoCommand(config: DemoConfig, ctx: CommandContext): Promise<number> {
  const runConfig = resolveConfig('run', {
    givenKind: 'flag',
    cwd: ctx.cwd,
    // The demo's inputs are fixed; only --out is the user's. No quantgate.yml is read.
    configPath: join(DEMO_DIR, 'quantgate.yml'),
    given: { out: config.out },
  });
  ctx.log.info(`demo: ${join('examples', 'demo')} (a small CNN trained on rendered glyphs, 1,000 labelled evaluation samples)`);
  const outcome = await runPipeline(runConfig, { ...ctx.host, log: ctx.log, cwd: ctx.cwd, ...(ctx.naming ? { naming: ctx.naming } : {}) });
  ctx.stdout.write(`${logSafe(summarize(outcome, ctx.cwd))}\n`);
  return outcome.results.verdict.pass ? ExitCode.passed : ExitCode.gateFailed;
}
