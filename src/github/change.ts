/**
 * For `comment: on-change`: what the comment last said, kept in the comment itself (a hidden
 * line, see comment.ts), and whether this run says something different beyond noise. Compared:
 * the verdict, and each gated number of each row (INT8 accuracy loss, top-1 disagreement, and p50
 * latency where a latency limit is set), each with the noise it carries.
 */
import type { Results } from '../results/schema.js';

interface GatedNumber {
  /** runtime/provider/model/batch */
  row: string;
  what: 'loss' | 'disagreement' | 'p50';
  value: number;
  /** How far the value may move by chance: the interval's half-width, or twice the spread for latency. */
  noise: number;
}

interface CommentState {
  v: 1;
  pass: boolean;
  gated: boolean;
  numbers: GatedNumber[];
}

/** Movements smaller than this never count, whatever the noise says (rounding in the report). */
const FLOOR = { loss: 0.01, disagreement: 0.01, p50: 0 };

export function gatedNumbers(results: Results): GatedNumber[] {
  const out: GatedNumber[] = [];
  const thresholds = results.verdict.thresholds;
  for (const run of results.runs) {
    if (run.status !== 'ok' || run.model.startsWith('base:')) continue;
    const row = `${run.runtime}/${run.provider}/${run.model}/${run.batch}`;
    if (run.accuracyLossPp !== null && run.accuracyLossPp !== undefined) {
      const ci = run.accuracyLossCi;
      out.push({ row, what: 'loss', value: run.accuracyLossPp, noise: ci ? (ci[1] - ci[0]) / 2 : 0 });
    } else if (run.precision !== 'fp32' && run.accuracy && 'agreement' in run.accuracy) {
      out.push({ row, what: 'disagreement', value: (1 - run.accuracy.agreement) * 100, noise: 0 });
    }
    if (thresholds?.maxLatencyRegression && run.latencyMs) {
      out.push({ row, what: 'p50', value: run.latencyMs.p50, noise: 2 * run.latencyMs.cv * run.latencyMs.p50 });
    }
  }
  return out;
}

export function commentState(results: Results): string {
  const state: CommentState = { v: 1, pass: results.verdict.pass, gated: results.verdict.gated, numbers: gatedNumbers(results) };
  return JSON.stringify(state);
}

function parseState(text: string | null): CommentState | null {
  if (text === null) return null;
  try {
    const s = JSON.parse(text) as CommentState;
    return s && s.v === 1 && Array.isArray(s.numbers) ? s : null;
  } catch {
    return null;
  }
}

/**
 * Whether the comment that stored `previous` should be edited to say `current`: yes when there is
 * no readable state, the verdict changed, a gated row came or went, or a number moved by more
 * than the larger noise of the two runs.
 */
export function changedBeyondNoise(previous: string | null, current: string): boolean {
  const before = parseState(previous);
  const now = parseState(current);
  if (!before || !now) return true;
  if (before.pass !== now.pass || before.gated !== now.gated) return true;
  const key = (n: GatedNumber) => `${n.what} ${n.row}`;
  const old = new Map(before.numbers.map((n) => [key(n), n]));
  if (old.size !== now.numbers.length) return true;
  for (const n of now.numbers) {
    const o = old.get(key(n));
    if (!o) return true;
    if (Math.abs(n.value - o.value) > Math.max(n.noise, o.noise, FLOOR[n.what])) return true;
  }
  return false;
}
