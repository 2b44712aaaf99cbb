/**
 * `quantgate comment RESULTS_DIR --pr N`: posts a results folder's report as the pull request's
 * sticky comment, editing it in place when it exists. For the fork-safe pair of workflows: the
 * `pull_request` workflow runs quantgate with a read-only token and uploads its output folder and
 * the pull request's number; the `workflow_run` workflow, which has a token that can write but
 * runs none of the pull request's code, downloads them and runs this.
 *
 * The folder is a stranger's upload: its results.json is validated and judged again
 * (results-folder.ts), and the comment is rendered from it; its report.md is never posted.
 * Exit 0 once posted (the first workflow's check is the gate), 2 for a bad folder or target.
 */
import type { CommentConfig } from '../config/types.js';
import { ExitCode } from '../errors.js';
import { legReport } from '../report/aggregate.js';
import type { CommandContext } from './context.js';
import { commentTarget, type PostComment } from './comment-target.js';
import { legPasses, readLeg } from './results-folder.js';

export async function commentCommand(dir: string, config: CommentConfig, ctx: CommandContext, post: PostComment, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const leg = readLeg(dir, ctx.cwd);
  if (leg.problem) throw leg.problem;
  const target = commentTarget(config, leg.results!.model.path, env);
  const body = legReport(leg, target.key);
  const posted = await post(target, body);
  ctx.stdout.write(`${posted.created ? 'created' : 'edited'} ${posted.url}\nverdict of ${leg.name}: ${legPasses(leg) ? 'passed' : 'FAILED'}\n`);
  return ExitCode.passed;
}
