/**
 * The action's inputs and outputs. Inputs are the `run` options of the table (same names, same
 * validation) plus a few that only the action has.
 */
import { OPTIONS } from './options.js';

export interface ActionInput {
  name: string;
  description: string;
  default?: string;
}

export const ACTION_ONLY_INPUTS: readonly ActionInput[] = [
  { name: 'config', description: 'Path of a quantgate.yml (default: quantgate.yml at the working directory\'s root, if present).' },
  { name: 'working-directory', description: 'Folder that relative paths are resolved against.', default: '.' },
  { name: 'node-version', description: 'Node.js version that runs quantgate on the runner.', default: '24' },
];

export const ACTION_OUTPUTS: readonly { name: string; description: string }[] = [
  { name: 'verdict', description: '`pass` or `fail`: whether the gates passed.' },
  { name: 'accuracy-loss-pp', description: 'The worst INT8 accuracy loss against FP32, in percentage points (empty without labels).' },
  { name: 'results', description: 'Path of results.json.' },
  { name: 'report', description: 'Path of report.md (the comment).' },
];

function inputDefault(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length ? value.join(',') : undefined;
  return String(value);
}

export function actionInputs(): ActionInput[] {
  const fromOptions = OPTIONS.filter((o) => o.commands.includes('run') && !o.flagOnly).map((o) => {
    const d = inputDefault(o.default);
    const description = `${o.description}${o.repeatable ? ' One per line.' : ''}${o.defaultText ? ` Default: ${o.defaultText}.` : ''}`;
    return { name: o.key, description, ...(d !== undefined ? { default: d } : {}) };
  });
  return [...fromOptions, ...ACTION_ONLY_INPUTS];
}
