/**
 * The only place that reads the action's inputs, each once. Each `run` option of the table
 * (src/config/options.ts) is an input of the same name, validated with quantgate.yml by
 * resolveConfig; the action's own inputs (scope 'action') are validated here, up front.
 */
import * as core from '@actions/core';
import { OPTIONS, type OptionSpec } from '../config/options.js';
import { resolveActionConfig } from '../config/resolve.js';
import type { ActionConfig } from '../config/types.js';

export interface ActionInputs {
  /** Raw values of the pipeline's options, keyed by option key; unset inputs are absent. */
  given: Record<string, unknown>;
  /** The action's own inputs, validated and typed; paths absolute. */
  action: ActionConfig;
}

function readInput(spec: OptionSpec): string | string[] {
  return spec.repeatable ? core.getMultilineInput(spec.key) : core.getInput(spec.key);
}

function isSet(value: string | string[]): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== '';
}

/** Every input, read once. Throws BadInputError for an invalid action-only input. */
export function readActionInputs(cwd: string = process.cwd()): ActionInputs {
  const given: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    const pipeline = spec.commands.includes('run') && (spec.scope ?? 'all') === 'all';
    if (!pipeline && spec.scope !== 'action') continue;
    const value = readInput(spec);
    if (isSet(value)) (pipeline ? given : own)[spec.key] = value;
  }
  return { given, action: resolveActionConfig(own, cwd) };
}
