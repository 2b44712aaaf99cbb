/**
 * renderComparison: what `quantgate compare CURRENT BASELINE` prints. The comparison of two
 * results files in full (every matched row with its noise band, what differs between the two
 * environments and setups, the rows without a match) and, when a gate flag was given, the gate's
 * decisions. Markdown, so it can be pasted into a pull request as it is.
 */
import type { BaselineComparison } from '../compare/types.js';
import type { Results, Verdict } from '../results/schema.js';
import { count } from '../text/numbers.js';
import { modelShortName } from '../text/run-names.js';
import { code, text } from './markdown.js';
import { comparisonBody } from './sections/comparison.js';

export interface ComparisonOptions {
  /** How the two files are named in the heading: their paths as given. */
  currentName: string;
  baselineName: string;
}

function tally(side: BaselineComparison): string {
  const timed = side.pairs.filter((p) => p.p50);
  const n = (cls: string) => timed.filter((p) => p.p50!.class === cls).length;
  const parts = [`${count(timed.length)} matched timed ${timed.length === 1 ? 'row' : 'rows'}`];
  if (timed.length > 0 && side.timing.length === 0) parts.push(`${n('regression')} slower beyond noise, ${n('improvement')} faster beyond noise, ${n('within-noise')} within noise`);
  const unmatched = side.onlyCurrent.length + side.onlyBaseline.length;
  parts.push(unmatched === 0 ? 'every row has a match' : `${count(unmatched)} without a match`);
  parts.push(side.environment.length === 0 ? 'same environment' : `environments differ in ${side.environment.map((d) => d.what).join(', ')}`);
  if (side.timing.length > 0) parts.push('timed with different benchmark settings: latencies not comparable');
  return `${parts.join('; ')}.`;
}

export function renderComparison(current: Results, side: BaselineComparison, verdict: Verdict | null, options: ComparisonOptions): string {
  const name = modelShortName(current.model.path);
  const blocks: string[] = [];
  blocks.push(`### quantgate compare · ${text(name)}: ${code(options.currentName)} against ${code(options.baselineName)}`);
  blocks.push(tally(side));
  if (!side.sameModel) blocks.push(`The model files differ (sha256 ${code(current.model.sha256.slice(0, 12))} here).`);
  blocks.push(comparisonBody(side, current.environment.commit, 50));
  if (verdict && verdict.gated) {
    blocks.push(`**${verdict.pass ? '✅ passes the gate' : '❌ fails the gate'}**\n\n${verdict.reasons.map((r) => `- ${r}`).join('\n')}`);
  } else if (verdict && verdict.reasons.length > 0) {
    blocks.push(verdict.reasons.map((r) => `- ${r}`).join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}
