/**
 * A results folder someone hands the posting commands (`quantgate comment`, `quantgate aggregate`):
 * an artifact another job uploaded, maybe from a fork, so untrusted. Its results.json is read with
 * a size limit, validated against the schema (compare/read-results.ts) and judged again
 * (gate/assess.ts) from its runs and the limits it recorded: a results file that claims to pass
 * while its own numbers fail is judged by its numbers.
 *
 * What cannot be judged again is the comparison with a baseline file the run had and the folder
 * does not hold; a failure the run recorded against it still counts (`recordedReasons`).
 */
import { lstatSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { checkResults } from '../compare/read-results.js';
import { BadInputError } from '../errors.js';
import { assess, type Assessment } from '../gate/assess.js';
import { msg, opt } from '../message.js';
import type { Results } from '../results/schema.js';

/** Far above any real results.json (a few hundred KiB), far below what would exhaust memory. */
export const MAX_RESULTS_BYTES = 64 * 2 ** 20;

export interface Leg {
  /** The folder's name: a matrix leg's artifact name, or what the workflow called it. */
  name: string;
  dir: string;
  results: Results | null;
  assessment: Assessment | null;
  /** Failures the run recorded that its runs alone do not reproduce (against its baseline file). */
  recordedReasons: string[];
  /** Why the folder could not be used; null when it could. */
  problem: BadInputError | null;
}

/** Whether the leg passed: judged again from its runs, and not failed by its own record either. */
export function legPasses(leg: Leg): boolean {
  return leg.assessment !== null && leg.assessment.verdict.pass && leg.recordedReasons.length === 0;
}

function refuse(dir: string, why: string): BadInputError {
  return new BadInputError(msg`the results folder '${dir}' ${why}`, msg`pass the folder quantgate run wrote (its ${opt('out')}, quantgate-out/ by default), as the workflow downloaded it`);
}

/** Reads and judges the results folder `dir`; never throws for a bad folder (its `problem` says why). */
export function readLeg(dir: string, cwd: string): Leg {
  const absolute = resolve(cwd, dir);
  const leg: Leg = { name: basename(absolute), dir: absolute, results: null, assessment: null, recordedReasons: [], problem: null };
  const file = join(absolute, 'results.json');
  try {
    const folder = lstatSync(absolute, { throwIfNoEntry: false });
    if (!folder) throw refuse(dir, 'does not exist');
    if (!folder.isDirectory()) throw refuse(dir, 'is not a folder');
    const stat = lstatSync(file, { throwIfNoEntry: false });
    if (!stat) throw refuse(dir, 'holds no results.json');
    // An artifact is a stranger's: a link could point anywhere on the runner.
    if (!stat.isFile()) throw refuse(dir, 'has a results.json that is not a regular file (a link or a folder)');
    if (stat.size > MAX_RESULTS_BYTES) throw refuse(dir, `has a results.json of ${stat.size} bytes, over the ${MAX_RESULTS_BYTES / 2 ** 20} MiB a results file can reach`);
    const check = checkResults(readFileSync(file, 'utf8'), `${dir}/results.json`);
    if (check.problem) throw check.problem;
    const results = check.results;
    const assessment = assess(results);
    leg.results = results;
    leg.assessment = assessment;
    if (!results.verdict.pass && assessment.verdict.pass) leg.recordedReasons = results.verdict.reasons.length > 0 ? results.verdict.reasons : ['the run recorded a failed gate'];
  } catch (error) {
    if (!(error instanceof BadInputError)) throw error;
    leg.problem = error;
  }
  return leg;
}
