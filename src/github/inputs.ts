/**
 * The only place that reads the action's inputs. Each option of the table (src/config/options.ts)
 * is an input of the same name; they go through the same validation as flags.
 */
import * as core from '@actions/core';
import { OPTIONS } from '../config/options.js';

export interface ActionInputs {
  /** Raw values of the pipeline's options, keyed by option key; unset inputs are absent. */
  given: Record<string, unknown>;
  config?: string;
  workingDirectory: string;
}

export function readActionInputs(): ActionInputs {
  const given: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    if (!spec.commands.includes('run') || spec.key === 'json') continue;
    const value = spec.repeatable ? core.getMultilineInput(spec.key) : core.getInput(spec.key);
    if (Array.isArray(value) ? value.length > 0 : value !== '') given[spec.key] = value;
  }
  const config = core.getInput('config');
  return { given, ...(config ? { config } : {}), workingDirectory: core.getInput('working-directory') || process.cwd() };
}

/**
 * Messages from deep in the pipeline name CLI flags (`--output`); in a workflow the same value
 * came from the action input of that name. Adds one line that says so for each flag named, so
 * a person editing the workflow file knows which key to change.
 */
export function withInputNames(message: string): string {
  const inputs = new Set(OPTIONS.filter((o) => o.commands.includes('run') && o.key !== 'json').map((o) => o.key));
  const named = [...new Set([...message.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!))].filter((k) => inputs.has(k));
  if (named.length === 0) return message;
  return `${message}\n  in the workflow: ${named.map((k) => `--${k} is the input '${k}'`).join(', ')}`;
}
