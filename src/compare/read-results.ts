/**
 * Reads a results.json that someone hands us (a baseline, `quantgate compare`'s operands) and
 * validates it against schema 1. Anything else ends in one BadInputError naming the file, the first
 * problem (the field's path and what was expected) and the fix.
 */
import { readFileSync } from 'node:fs';
import { BadInputError } from '../errors.js';
import { msg, opt, type Label } from '../message.js';
import { resultsSchema, SCHEMA_VERSION, type Results } from '../results/schema.js';

const SCHEMA_FILE = 'schema/results.schema.json in the quantgate package';

const FROM_RUN = msg`pass the results.json that quantgate run wrote into its output folder (${opt('out')})`;

/** "runs[3].latencyMs.p50" from zod's path. */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(the top level)';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : JSON.stringify(value);
}

/** A results file that was read: its results, or the one problem that refuses it. */
export type ResultsCheck = { results: Results; problem: null } | { results: null; problem: BadInputError };

/**
 * Validates text already read from `label` and returns the problem instead of throwing it: for a
 * baseline fetched automatically, whose problem is one line of the report while the run goes on.
 */
export function checkResults(text: string, label: Label): ResultsCheck {
  try {
    return { results: parseResults(text, label), problem: null };
  } catch (error) {
    if (error instanceof BadInputError) return { results: null, problem: error };
    throw error;
  }
}

/** Parses text already read from `label`; throws BadInputError naming the first problem. */
export function parseResults(text: string, label: Label): Results {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BadInputError(
      msg`${label} is not JSON (${(error as Error).message})`,
      FROM_RUN,
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new BadInputError(msg`${label} is not a quantgate results.json: it holds ${describe(data)}, not an object`, FROM_RUN);
  }
  const version = (data as Record<string, unknown>).schemaVersion;
  if (version === undefined) {
    throw new BadInputError(
      msg`${label} is not a quantgate results.json: it has no schemaVersion`,
      msg`${FROM_RUN} (report.md and calibration.json are not results files)`,
    );
  }
  if (version !== SCHEMA_VERSION) {
    throw new BadInputError(
      msg`${label} has schemaVersion ${describe(version)}; this quantgate reads schemaVersion ${SCHEMA_VERSION}`,
      typeof version === 'number' && version > SCHEMA_VERSION
        ? 'upgrade quantgate to the version that wrote this file, or compare with results from this version'
        : 'run quantgate again to write the results with this version',
    );
  }
  const parsed = resultsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
    throw new BadInputError(
      msg`${label} does not match results.json schema ${SCHEMA_VERSION}: ${fieldPath(issue.path)}: ${issue.message}${more}`,
      `write it again with quantgate run, or correct that field (the schema is ${SCHEMA_FILE})`,
    );
  }
  return parsed.data;
}

/** Reads and validates the results file at `path`; `role` names it in messages ("the baseline"). */
export function readResultsFile(path: string, role: Label): Results {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${(error as Error).message})`;
    throw new BadInputError(msg`${role} '${path}' ${why}`, msg`pass the path of a results.json that quantgate run wrote (in its output folder, ${opt('out')}, quantgate-out/ by default)`);
  }
  return parseResults(text, msg`${role} '${path}'`);
}
