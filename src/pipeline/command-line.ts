/**
 * The `quantgate run` command line that reproduces a run: every option that did not come from
 * its default, paths relative to the working directory. It goes into results.json and the report,
 * so that anyone can run the same thing on their own machine.
 */
import { isAbsolute } from 'node:path';
import { camelKey, optionsFor, type CommandName } from '../config/options.js';
import { shellWord as quote } from '../message.js';
import { pathInside } from '../paths.js';

function render(value: unknown, isPath: boolean, cwd: string): string[] {
  if (typeof value === 'string') {
    if (isPath && isAbsolute(value)) {
      return [pathInside(cwd, value) ?? value];
    }
    return [value];
  }
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return [value.join(',')];
  if (value && typeof value === 'object') {
    return [
      Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${k}:${Array.isArray(v) ? v.join('x') : String(v)}`)
        .join(','),
    ];
  }
  return [];
}

export function reproduceCommand(command: CommandName, config: Record<string, unknown> & { sources: Record<string, string> }, cwd: string): string {
  const words = ['npx', 'quantgate', command];
  for (const spec of optionsFor(command)) {
    const key = camelKey(spec.key);
    const source = config.sources[key];
    if (!source || source === 'default' || spec.key === 'json') continue;
    const value = config[key];
    if (spec.boolean) {
      if (value === true) words.push(`--${spec.key}`);
      continue;
    }
    if (spec.repeatable && Array.isArray(value)) {
      for (const v of value) words.push(`--${spec.key}`, quote(String(v)));
      continue;
    }
    // '--random-int-range 0:100' is two numbers joined by ':', not a list.
    const rendered = spec.key === 'random-int-range' && Array.isArray(value) ? [value.join(':')] : render(value, spec.isPath === true, cwd);
    for (const r of rendered) words.push(`--${spec.key}`, quote(r));
  }
  return words.join(' ');
}
