/**
 * The action's inputs and outputs. Inputs are the `run` options of the table (same names, same
 * validation) and the action's own (scope 'action').
 */
import { KEY_NAMING, toMessage } from '../message.js';
import { defaultText, OPTIONS, optionText, type OptionSpec } from './options.js';

export interface ActionInput {
  name: string;
  /** As action.yml says it: options named as inputs, the default spelled out where action.yml has none. */
  description: string;
  /** The description alone, options named as inputs (the README's table has a default column). */
  summary: string;
  /** action.yml's `default:`, which GitHub fills in when the workflow leaves the input out. */
  default?: string;
  /** The default as the README's table shows it: a value, or words where it is computed at run time. */
  shownDefault?: { text: string; computed: boolean };
}

export const ACTION_OUTPUTS: readonly { name: string; description: string }[] = [
  { name: 'verdict', description: '`pass` or `fail`: whether the gates passed.' },
  { name: 'accuracy-loss-pp', description: 'The worst INT8 accuracy loss against FP32, in percentage points (empty without labels).' },
  { name: 'results', description: 'Path of results.json.' },
  { name: 'report', description: 'Path of report.md (the comment).' },
  { name: 'comment-url', description: 'URL of the pull-request comment written or edited (empty when none was).' },
  { name: 'artifact-id', description: 'ID of the uploaded artifact (empty when nothing was uploaded).' },
  { name: 'baseline-source', description: 'What this run was compared against, in words (e.g. the artifact of a push run on main, or no baseline and why).' },
];

/**
 * action.yml's default. Only for the action's own inputs: GitHub fills a default in as if the
 * workflow had given it, so on an option quantgate.yml can set it would always beat the file.
 */
function actionYmlDefault(spec: OptionSpec): string | undefined {
  if (spec.scope !== 'action') return undefined;
  if (spec.actionDefault !== undefined) return spec.actionDefault;
  return spec.default === undefined ? undefined : optionText(spec, spec.default);
}

export function actionInputs(): ActionInput[] {
  const specs = OPTIONS.filter((o) => (o.commands.includes('run') && (o.scope ?? 'all') === 'all') || o.scope === 'action');
  return specs.map((spec) => {
    const ymlDefault = actionYmlDefault(spec);
    const shown = defaultText(spec);
    const summary = toMessage(spec.description).render(KEY_NAMING) + (spec.repeatable ? ' One per line.' : '');
    const description = summary + (shown !== undefined && ymlDefault === undefined ? ` Default: ${shown}.` : '');
    return {
      name: spec.key,
      summary,
      description,
      ...(ymlDefault !== undefined ? { default: ymlDefault } : {}),
      ...(shown !== undefined ? { shownDefault: { text: shown, computed: spec.defaultText !== undefined } } : {}),
    };
  });
}
