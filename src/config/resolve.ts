/**
 * Merges the layers of configuration into one validated, typed config for a command:
 * flag (or action input) > quantgate.yml > default. Every invalid value ends in one BadInputError
 * that names where the value came from, echoes it, and says what is allowed.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { BadInputError } from '../errors.js';
import { msg, opt, OptionRef } from '../message.js';
import { findConfigFile, readConfigFile } from './file.js';
import { edgeNaming, fileLabel, type Edge } from './naming.js';
import { actionOnlyOptions, camelKey, isFileKey, optionsFor, type CommandName, type OptionSpec } from './options.js';
import type { ActionConfig, ConfigByCommand, Sources } from './types.js';

/** One layer of raw values, keyed by option key (`batch-sizes`). */
export interface RawLayer {
  kind: Edge | 'file';
  values: Record<string, unknown>;
  /** For paths: the folder they are relative to. */
  baseDir: string;
  /** For messages: the config file's path. */
  file?: string;
}

function sourceLabel(layer: RawLayer, key: string): string {
  return layer.kind === 'file' ? fileLabel(layer.file!, key) : edgeNaming(layer.kind).name(key);
}

function isGiven(value: unknown): boolean {
  // Action inputs arrive as '' when not set; an empty list from a repeatable flag is not given.
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

function echo(spec: OptionSpec, value: unknown): string {
  if (spec.secret) return '(hidden)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function parseOption(spec: OptionSpec, layer: RawLayer, raw: unknown): unknown {
  const result = spec.schema.safeParse(raw);
  if (!result.success) {
    const why = explainIssues(result.error.issues);
    // A flag or an input is named by the entry that prints the message; a file's line is what it is.
    const where = layer.kind === 'file' ? fileLabel(layer.file!, spec.key) : new OptionRef(spec.key);
    throw new BadInputError(msg`${where} is '${echo(spec, raw)}': ${why}`, `give ${spec.allowed}`);
  }
  if (spec.isPath && typeof result.data === 'string') {
    return isAbsolute(result.data) ? result.data : resolve(layer.baseDir, result.data);
  }
  return result.data;
}

interface Issue {
  code?: string;
  message: string;
  errors?: Issue[][];
}

/**
 * The message of the issue that says most. A union (`auto` or a list) fails as a whole with
 * "Invalid input"; the branch that got furthest has the message written for people.
 */
function explainIssues(issues: readonly Issue[]): string {
  const all: Issue[] = [];
  const collect = (list: readonly Issue[]) => {
    for (const issue of list) {
      all.push(issue);
      for (const branch of issue.errors ?? []) collect(branch);
    }
  };
  collect(issues);
  const specific = all.find((i) => i.code !== 'invalid_union' && !/^Invalid input/.test(i.message));
  return specific?.message ?? issues[0]?.message ?? 'invalid value';
}

/**
 * Each option's value from the first layer that gives it (or its default), validated, with
 * where it came from. Options a layer may not hold (flags in quantgate.yml) are not looked up there.
 */
function resolveOptions(specs: readonly OptionSpec[], layers: readonly RawLayer[], defaultsDir: string): { config: Record<string, unknown>; sources: Sources } {
  const config: Record<string, unknown> = {};
  const sources: Sources = {};
  for (const spec of specs) {
    const layer = layers.find((l) => (l.kind !== 'file' || isFileKey(spec)) && isGiven(l.values[spec.key]));
    const key = camelKey(spec.key);
    if (layer) {
      config[key] = parseOption(spec, layer, layer.values[spec.key]);
      sources[key] = sourceLabel(layer, spec.key);
    } else if (spec.default !== undefined) {
      config[key] = spec.isPath && typeof spec.default === 'string' ? resolve(defaultsDir, spec.default) : structuredClone(spec.default);
      sources[key] = 'default';
    }
  }
  return { config, sources };
}

export interface ResolveInput {
  /** Flags or action inputs, keyed by option key. */
  given: Record<string, unknown>;
  givenKind: Edge;
  cwd: string;
  /** The --config flag or `config` input. */
  configPath?: string;
  /** false: read no quantgate.yml (the posting commands, which run none of the pipeline). */
  readFile?: boolean;
}

/**
 * The validated config for `command`. Reads quantgate.yml (named, or at the root of `cwd`),
 * resolves paths against where they were written, applies defaults and the cross-field rules.
 */
export function resolveConfig<C extends CommandName>(command: C, input: ResolveInput): ConfigByCommand[C] {
  const layers: RawLayer[] = [{ kind: input.givenKind, values: input.given, baseDir: input.cwd }];
  const filePath = input.readFile === false ? undefined : findConfigFile(input.configPath, input.cwd);
  if (filePath) {
    const file = readConfigFile(filePath);
    layers.push({ kind: 'file', values: file.values, baseDir: file.dir, file: filePath });
  }
  const specs = optionsFor(command);
  const { config, sources } = resolveOptions(specs, layers, input.cwd);
  checkRequired(command, specs, config, filePath);
  checkCrossField(command, config, filePath);
  // The schemas of the command's options produced every field of its type (src/config/types.ts).
  return { ...config, sources } as unknown as ConfigByCommand[C];
}

/**
 * The action's own inputs (scope 'action'), validated. Paths are resolved against the working
 * directory, which is resolved against `cwd` (the workspace the runner starts in).
 */
export function resolveActionConfig(given: Record<string, unknown>, cwd: string): ActionConfig {
  const specs = actionOnlyOptions();
  const where = specs.filter((s) => s.key === 'working-directory');
  const { config: dir } = resolveOptions(where, [{ kind: 'input', values: given, baseDir: cwd }], cwd);
  const workingDirectory = dir.workingDirectory as string;
  if (!existsSync(workingDirectory) || !statSync(workingDirectory).isDirectory()) {
    throw new BadInputError(msg`${opt('working-directory')} is '${workingDirectory}': no such folder`, `give a folder of the checked-out repository; it is resolved against ${cwd}`);
  }
  const { config } = resolveOptions(
    specs.filter((s) => s.key !== 'working-directory'),
    [{ kind: 'input', values: given, baseDir: workingDirectory }],
    workingDirectory,
  );
  return { ...config, workingDirectory } as unknown as ActionConfig;
}

function whereElse(filePath: string | undefined): string {
  return filePath ? ` (or set it in ${filePath})` : ' (or set it in quantgate.yml)';
}

/** Options a command cannot run without (`requiredFor` in the table). */
function checkRequired(command: CommandName, specs: readonly OptionSpec[], config: Record<string, unknown>, filePath: string | undefined): void {
  for (const spec of specs) {
    if (!spec.requiredFor?.includes(command) || config[camelKey(spec.key)] !== undefined) continue;
    const example = spec.example ? msg`, e.g. ${new OptionRef(spec.key, spec.example)}` : '';
    throw new BadInputError(msg`${new OptionRef(spec.key)} is required for ${command}`, msg`give ${spec.allowed}${example}${whereElse(filePath)}`);
  }
}

function checkCrossField(command: CommandName, config: Record<string, unknown>, filePath: string | undefined): void {
  if (command === 'quantize' && config.calibrationData === undefined && config.ranges === undefined) {
    throw new BadInputError(
      'quantize needs calibration data or earlier ranges',
      msg`give ${opt('calibration-data')} with sample inputs, or ${opt('ranges')} with a calibration.json from an earlier run${whereElse(filePath)}`,
    );
  }
  if (command === 'run' && config.labels !== undefined && config.evalData === undefined) {
    throw new BadInputError(msg`${opt('labels')} is given without ${opt('eval-data')}`, msg`give the evaluation samples the labels belong to with ${opt('eval-data')}`);
  }
}
