/**
 * When an ONNX Runtime INT8 row is slower than its float row, say so plainly under the headline
 * and name the likely cause and the flag that helps: ops left in float between Q/DQ pairs (each
 * costs a dequantize, and a quantize where int8 resumes), counted by op type from results.json.
 * Op types come from the model: rendered only through the markdown layer's code().
 */
import type { ReportEntry } from '../entry.js';
import { isBaseRun } from '../../compare/match.js';
import { count } from '../../text/numbers.js';
import { code } from '../markdown.js';

const ratio = (x: number) => `${x.toFixed(2)}x`;

export function int8SlowerNote(entry: ReportEntry): string | null {
  const slower = entry.comparison.speedups
    .filter((s) => s.int8.runtime === 'onnxruntime' && s.int8.model === 'int8.ort' && !isBaseRun(s.int8) && s.ratio < 1)
    .sort((a, b) => a.int8.batch - b.int8.batch);
  if (slower.length === 0) return null;
  const where = slower.map((s) => `batch ${s.int8.batch} (${ratio(s.ratio)} the speed of FP32)`).join(', ');
  const lines = [`⚠️ **The ONNX Runtime INT8 model is slower than FP32 here**, on ${slower[0]!.int8.provider.toUpperCase()} at ${where}.`];
  const q = entry.results.quantization;
  const floatOps = Object.entries(q?.floatAfterDequantize ?? {}).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const total = floatOps.reduce((s, [, n]) => s + n, 0);
  if (total > 0) {
    const byOp = floatOps.slice(0, 6).map(([op, n]) => `${code(op)} ${count(n)}`).join(', ');
    lines.push(
      `Likely cause: ${count(total)} ${total === 1 ? 'op runs' : 'ops run'} in float on dequantized int8 tensors (${byOp}${floatOps.length > 6 ? ', …' : ''}): each costs a dequantize, and a quantize where int8 resumes.`,
    );
  } else {
    lines.push('No op runs in float between Q/DQ pairs: at this size the quantize/dequantize work and int8 kernel overheads outweigh the int8 arithmetic.');
  }
  if (q?.mode === 'dynamic') lines.push(`What helps: ${code('--mode static')} with calibration data (int8 between layers instead of quantizing at every MatMul), or keep the slowest parts in float with ${code('--exclude')}.`);
  else if (q?.placement?.mode === 'auto') lines.push(`What helps: ${code('--mode dynamic')} (only matrix multiplications in int8, quantized at run time), or keep the slowest parts in float with ${code('--exclude')}.`);
  else lines.push(`What helps: ${code('--placement auto')} times each region that can stay float on this CPU and keeps the faster; ${code('--mode dynamic')} suits attention-heavy models.`);
  return lines.join('<br>\n');
}
