/**
 * What `--accuracy-budget` chose: the nodes it kept in float automatically, the loss on the search
 * part before and after, how many evaluations it took, which samples it searched and which the
 * gate scored, and the exact `--exclude` flags that pin the choice. Node names come from the
 * model: rendered only through the markdown layer's code() and codeBlock().
 */
import type { ReportEntry } from '../entry.js';
import { count } from '../../text/numbers.js';
import { code, codeBlock } from '../markdown.js';

const pp = (x: number) => `${x.toFixed(2)} pp`;

export function budgetSection(entry: ReportEntry): string | null {
  const b = entry.results.quantization?.accuracyBudget;
  if (!b) return null;
  const what = b.metric === 'loss' ? 'top-1 accuracy loss' : 'top-1 disagreement with FP32';
  const lines = [
    `#### Accuracy budget: ${b.met ? 'met' : '**not met**'} (${pp(b.budgetPp)})`,
    '',
    `${what} on samples ${b.searchSamples[0]}–${b.searchSamples[1] - 1} of the evaluation set: ${pp(b.lossBeforePp)} → **${pp(b.lossAfterPp)}** with ${count(b.keptFloat.length)} ${b.keptFloat.length === 1 ? 'node' : 'nodes'} kept in float automatically (${count(b.evaluations)} ${b.evaluations === 1 ? 'evaluation' : 'evaluations'} over ${count(b.candidates)} ranked candidates). The gate scored samples ${b.gateSamples[0]}–${b.gateSamples[1] - 1}, which the search never saw.`,
  ];
  if (b.keptFloat.length > 0) {
    lines.push('', b.keptFloat.map((k) => `- ${code(k.node)}`).join('\n'), '', 'To keep this choice without searching again:', '', codeBlock(b.keptFloat.map((k) => k.exclude).join(' ')));
  }
  return lines.join('\n');
}
