/** Every decision of the gate, one sentence each, failing first: what the check's status rests on. */
import type { ReportEntry } from '../entry.js';
import { details, text } from '../markdown.js';

export function gateSection(entry: ReportEntry): string | null {
  const decisions = entry.decisions;
  if (decisions.length === 0) return null;
  const failing = decisions.filter((d) => !d.pass).length;
  const gated = decisions.filter((d) => d.gate !== 'not-gated').length;
  const summary = gated === 0 ? 'Gate: nothing gated' : `Gate: ${gated} ${gated === 1 ? 'check' : 'checks'}${failing > 0 ? `, ${failing} failing` : ''}`;
  const lines = decisions.map((d) => `- ${d.gate === 'not-gated' ? '⚪' : d.pass ? '✅' : '❌'} ${text(d.sentence)}`);
  return details(summary, lines.join('\n'));
}
