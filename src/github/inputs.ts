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
