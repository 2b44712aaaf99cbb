/**
 * How each entry names options in messages (src/message.ts): the CLI as flags, the action as
 * inputs, and a value that came from quantgate.yml by its file and key, since that is the line
 * to change.
 */
import { FLAG_NAMING, INPUT_NAMING, type OptionNaming } from '../message.js';
import { camelKey } from './options.js';
import type { Sources } from './types.js';

/** Where a layer of raw values came from. */
export type Edge = 'flag' | 'input';

export function edgeNaming(edge: Edge): OptionNaming {
  return edge === 'flag' ? FLAG_NAMING : INPUT_NAMING;
}

/** The label of a value from quantgate.yml: `/repo/quantgate.yml: threads`. */
export function fileLabel(file: string, key: string): string {
  return `${file}: ${key}`;
}

/**
 * The entry's naming, except that an option whose value came from quantgate.yml is named by its
 * file and key (`sources` of a resolved config).
 */
export function namingFor(edge: Edge, sources: Sources = {}): OptionNaming {
  const base = edgeNaming(edge);
  return {
    name: (key) => {
      const source = sources[camelKey(key)];
      return source !== undefined && source !== 'default' ? source : base.name(key);
    },
    setting: (key, value) => base.setting(key, value),
  };
}
