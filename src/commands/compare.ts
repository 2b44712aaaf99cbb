/**
 * `quantgate compare CURRENT BASELINE`: the comparison of two results files, as markdown (or JSON
 * with --json) on stdout. Exits 1 only when a gate flag is given and the gate fails; without one it
 * reports and exits 0. Both files are validated against results.json schema 1 first.
 */
import { resolve } from 'node:path';
import { readResultsFile } from '../compare/read-results.js';
import type { CompareConfig } from '../config/types.js';
import { ExitCode } from '../errors.js';
import { assess } from '../gate/assess.js';
import { compareThresholds } from '../gate/thresholds.js';
import { renderComparison } from '../report/comparison.js';
import type { CommandContext } from './context.js';
import { logSafe } from '../log.js';

export async function compareCommand(currentPath: string, baselinePath: string, config: CompareConfig, ctx: CommandContext): Promise<number> {
  const current = readResultsFile(resolve(ctx.cwd, currentPath), 'the current results file');
  const baseline = readResultsFile(resolve(ctx.cwd, baselinePath), 'the baseline results file');
  const thresholds = compareThresholds(config);
  // Only the two files are compared: the current file's own base-model runs are not this gate's business.
  const assessment = assess(current, { baseline, thresholds, fileOnly: true });
  const side = assessment.comparison.file!;
  const gated = thresholds.maxAccuracyDrop !== null || thresholds.maxLatencyRegression !== null;
  const verdict = gated ? assessment.verdict : null;
  if (config.json) {
    ctx.stdout.write(`${JSON.stringify({ current: currentPath, baseline: baselinePath, comparison: side, verdict }, null, 2)}\n`);
  } else {
    ctx.stdout.write(logSafe(renderComparison(current, side, verdict, { currentName: currentPath, baselineName: baselinePath })));
  }
  if (verdict && !verdict.pass) {
    ctx.log.warn(`gate failed: ${verdict.reasons[0] ?? ''}`);
    return ExitCode.gateFailed;
  }
  return ExitCode.passed;
}
