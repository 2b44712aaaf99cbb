/**
 * Merges the layers of configuration into one validated, typed config for a command:
 * flag (or action input) > quantgate.yml > default. Every invalid value ends in one BadInputError
 * that names where the value came from, echoes it, and says what is allowed.
 */
import { isAbsolute, resolve } from 'node:path';
import { BadInputError } from '../errors.js';
import { findConfigFile, readConfigFile } from './file.js';
import { camelKey, optionsFor, type CommandName, type OptionSpec } from './options.js';
import type { ConfigByCommand } from './types.js';

/** One layer of raw values, keyed by option key (`batch-sizes`). */
export interface RawLayer {
  kind: 'flag' | 'input' | 'file';
  values: Record<string, unknown>;
  /** For paths: the folder they are relative to. */
  baseDir: string;
  /** For messages: the config file's path. */
  file?: string;
}

function sourceLabel(layer: RawLayer | undefined, key: string): string {
  if (!layer) return 'default';
  if (layer.kind === 'flag') return `--${key}`;
  if (layer.kind === 'input') return `input '${key}'`;
  return `${layer.file}: ${key}`;
}

function isGiven(value: unknown): boolean {
  // Action inputs arrive as '' when not set; an empty list from a repeatable flag is not given.
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

function echo(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function parseOption(spec: OptionSpec, layer: RawLayer | undefined, raw: unknown): unknown {
  const result = spec.schema.safeParse(raw);
  if (!result.success) {
    const why = explainIssues(result.error.issues);
    throw new BadInputError(`${sourceLabel(layer, spec.key)} is '${echo(raw)}': ${why}`, `give ${spec.allowed}`);
  }
  if (spec.isPath && typeof result.data === 'string') {
    return isAbsolute(result.data) ? result.data : resolve(layer?.baseDir ?? process.cwd(), result.data);
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

export interface ResolveInput {
  /** Flags or action inputs, keyed by option key. */
  given: Record<string, unknown>;
  givenKind: 'flag' | 'input';
  cwd: string;
  /** The --config flag or `config` input. */
  configPath?: string;
}

/**
 * The validated config for `command`. Reads quantgate.yml (named, or at the root of `cwd`),
 * resolves paths against where they were written, applies defaults and the cross-field rules.
 */
export function resolveConfig<C extends CommandName>(command: C, input: ResolveInput): ConfigByCommand[C] {
  const layers: RawLayer[] = [{ kind: input.givenKind, values: input.given, baseDir: input.cwd }];
  const filePath = findConfigFile(input.configPath, input.cwd);
  if (filePath) {
    const file = readConfigFile(filePath);
    layers.push({ kind: 'file', values: file.values, baseDir: file.dir, file: filePath });
  }
  const config: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const spec of optionsFor(command)) {
    const layer = layers.find((l) => !(spec.flagOnly && l.kind === 'file') && isGiven(l.values[spec.key]));
    const key = camelKey(spec.key);
    if (layer) {
      config[key] = parseOption(spec, layer, layer.values[spec.key]);
      sources[key] = sourceLabel(layer, spec.key);
    } else if (spec.default !== undefined) {
      if (spec.isPath && typeof spec.default === 'string') config[key] = resolve(input.cwd, spec.default);
      else config[key] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
      sources[key] = 'default';
    }
  }
  config.sources = sources;
  checkCrossField(command, config, filePath);
  return config as unknown as ConfigByCommand[C];
}

function checkCrossField(command: CommandName, config: Record<string, unknown>, filePath: string | undefined): void {
  const where = filePath ? ` (or set it in ${filePath})` : ' (or set it in quantgate.yml)';
  if ((command === 'run' || command === 'quantize' || command === 'inspect') && config.model === undefined) {
    throw new BadInputError(`--model is required for ${command}`, `pass the ONNX model, e.g. --model models/resnet50.onnx${where}`);
  }
  if (command === 'quantize' && config.calibrationData === undefined && config.ranges === undefined) {
    throw new BadInputError(
      'quantize needs calibration data or earlier ranges',
      `pass --calibration-data with sample inputs, or --ranges with a calibration.json from an earlier run${where}`,
    );
  }
  if (command === 'run' && config.labels !== undefined && config.evalData === undefined) {
    throw new BadInputError('--labels is given without --eval-data', 'pass the evaluation samples the labels belong to with --eval-data');
  }
}
