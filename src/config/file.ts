/**
 * quantgate.yml: read only when named with --config (or the action's `config` input) or present
 * at the working directory's root. Its keys are the flags' names; paths in it are relative to it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { BadInputError } from '../errors.js';
import { msg, opt } from '../message.js';
import { isFileKey, OPTIONS } from './options.js';
import { closest } from './suggest.js';

export const DEFAULT_CONFIG_NAMES = ['quantgate.yml', 'quantgate.yaml'];

/**
 * How far aliases may expand (yaml's maxAliasCount: alias uses weighted by the aliases inside what
 * they name). A pull request controls the file at the working directory's root,
 * and nine anchors of nine aliases each expand to 9^9 values (a "billion laughs"); a config
 * that shares a path or two needs a handful.
 */
const MAX_ALIASES = 50;

export interface ConfigFile {
  path: string;
  dir: string;
  values: Record<string, unknown>;
}

/** The config file to use: the named one (which must exist), or one at the root of `cwd`. */
export function findConfigFile(named: string | undefined, cwd: string): string | undefined {
  if (named !== undefined) {
    const path = resolve(cwd, named);
    if (!existsSync(path)) throw new BadInputError(msg`${opt('config')} ${named}: no such file`, `check the path; it is resolved against ${cwd}`);
    if (!statSync(path).isFile()) throw new BadInputError(msg`${opt('config')} ${named}: is not a file`, 'pass the path of a quantgate.yml');
    return path;
  }
  return DEFAULT_CONFIG_NAMES.map((n) => join(cwd, n)).find((p) => existsSync(p));
}

export function readConfigFile(path: string): ConfigFile {
  const text = readFileSync(path, 'utf8');
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new BadInputError(`${path}: is not valid YAML: ${first.message.split('\n')[0]}`, 'fix the YAML syntax at that line');
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    // yaml throws a ReferenceError when the aliases would expand past the limit.
    throw new BadInputError(
      `${path}: its YAML aliases (*name) expand to too much data (the YAML reader stopped: ${(error as Error).message})`,
      'write the values out instead of aliasing anchors (&name / *name); quantgate.yml needs no aliases',
      { cause: error },
    );
  }
  if (data === null || data === undefined) return { path, dir: dirname(path), values: {} };
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new BadInputError(`${path}: must be a mapping of option names to values`, 'write one "key: value" line per option, e.g. "model: models/resnet50.onnx"');
  }
  const allowed = OPTIONS.filter(isFileKey).map((o) => o.key);
  for (const key of Object.keys(data)) {
    if (allowed.includes(key)) continue;
    if (OPTIONS.some((o) => o.key === key && o.scope === 'action')) {
      // A pull request can change quantgate.yml: what decides safety or identity stays in the workflow.
      throw new BadInputError(
        `${path}: '${key}' cannot be set in quantgate.yml: it is an input of the action alone, since a pull request can change this file`,
        `remove it from the file and set the action's input '${key}' in the workflow's \`with:\` instead`,
      );
    }
    const suggestion = closest(key, allowed);
    throw new BadInputError(
      `${path}: unknown key '${key}'`,
      suggestion ? `did you mean '${suggestion}'? The keys are the flags' names without --` : `use the flags' names without --: ${allowed.join(', ')}`,
    );
  }
  return { path, dir: dirname(path), values: data as Record<string, unknown> };
}
