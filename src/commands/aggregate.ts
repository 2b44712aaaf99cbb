/**
 * `quantgate aggregate DIR... [--out DIR] [--pr N]`: several legs of a matrix (one results folder
 * per runner or model, each downloaded from its own artifact) into one report with a section per
 * leg and one verdict. Writes report.md and aggregate.json into --out, prints the verdict, and
 * with --pr posts the report as the pull request's comment.
 *
 * Exit status as `quantgate run`: 0 every leg passed, 1 a leg failed its gate, 2 a leg could not
 * be read (bad input: one message naming the legs; the report is still written, and posted, with
 * a line for each bad leg).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { AggregateConfig } from '../config/types.js';
import { BadInputError, ExitCode } from '../errors.js';
import { msg, opt } from '../message.js';
import { aggregateKey, aggregateVerdict, renderAggregate } from '../report/aggregate.js';
import type { CommandContext } from './context.js';
import { commentTarget, type PostComment } from './comment-target.js';
import { legPasses, readLeg } from './results-folder.js';

/** Whether `child` is `parent` or inside it. */
function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export async function aggregateCommand(dirs: string[], config: AggregateConfig, ctx: CommandContext, post: PostComment, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const legs = dirs.map((dir) => readLeg(dir, ctx.cwd));
  const out = resolve(ctx.cwd, config.out);
  const clash = legs.find((leg) => inside(out, leg.dir) || inside(leg.dir, out));
  if (clash) {
    throw new BadInputError(msg`${opt('out')} ${config.out} overlaps the results folder ${clash.dir}; the aggregate would overwrite a leg's files`, msg`give ${opt('out')} a folder of its own, e.g. quantgate-aggregate`);
  }
  const names = new Map<string, number>();
  for (const leg of legs) names.set(leg.name, (names.get(leg.name) ?? 0) + 1);
  // Two folders of the same name (a/quantgate-out, b/quantgate-out) are told apart by their parent.
  for (const leg of legs) if (names.get(leg.name)! > 1) leg.name = relative(ctx.cwd, leg.dir) || leg.name;

  const target = config.pr !== undefined ? commentTarget({ ...config, pr: config.pr }, aggregateKey(legs), env) : null;
  const verdict = aggregateVerdict(legs);
  const report = renderAggregate(legs, target ? { key: target.key } : {});
  mkdirSync(out, { recursive: true });
  const put = (name: string, text: string) => {
    writeFileSync(resolve(out, `${name}.tmp`), text);
    renameSync(resolve(out, `${name}.tmp`), resolve(out, name));
  };
  put('report.md', report);
  const summary = {
    verdict,
    legs: legs.map((leg) => ({ name: leg.name, dir: leg.dir, pass: leg.problem ? false : legPasses(leg), problem: leg.problem?.message ?? null, model: leg.results?.model.path ?? null })),
  };
  put('aggregate.json', `${JSON.stringify(summary, null, 2)}\n`);

  let posted: string | null = null;
  if (target) {
    const done = await post(target, report);
    posted = `${done.created ? 'created' : 'edited'} ${done.url}`;
  }
  if (config.json) ctx.stdout.write(`${JSON.stringify({ ...summary, report: resolve(out, 'report.md'), comment: posted }, null, 2)}\n`);
  else {
    const show = (p: string) => relative(ctx.cwd, p) || p;
    ctx.stdout.write(
      [`verdict: ${verdict.pass ? 'passed' : 'FAILED'} (${legs.length} ${legs.length === 1 ? 'leg' : 'legs'})`, ...verdict.reasons.map((r) => `  ${r}`), `report: ${show(resolve(out, 'report.md'))}`, ...(posted ? [`comment: ${posted}`] : [])].join('\n') + '\n',
    );
  }
  const bad = legs.filter((leg) => leg.problem);
  if (bad.length > 0) {
    // One message for every bad leg; the report above already has a line for each.
    const first = bad[0]!.problem!;
    throw new BadInputError(
      msg`${bad.length === 1 ? 'a leg' : `${bad.length} legs`} of the aggregate could not be read (${bad.map((l) => l.name).join(', ')}): ${first.problem}`,
      first.remedy,
    );
  }
  return verdict.pass ? ExitCode.passed : ExitCode.gateFailed;
}
