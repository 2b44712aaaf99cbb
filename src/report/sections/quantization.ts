/**
 * How the INT8 models were made: method and samples, what was quantized and what stayed in float,
 * the layers that lose most (each with the exact flag that keeps it in float), and the CPU layout
 * of the ONNX Runtime model with the reason it was chosen.
 */
import { formatBytes } from '../../format.js';
import type { Quantization } from '../../results/schema.js';
import type { ReportEntry } from '../entry.js';
import { count, oneLine } from '../../text/numbers.js';
import { FLAG_NAMING, shellWord } from '../../message.js';
import { excludeFlag } from '../../text/exclude-flag.js';
import { code, details, table, text } from '../markdown.js';
import { engineInt8Summary, engineLayersParagraph } from './engine-layers.js';

/** "54 of 54 Conv/Gemm": the op types that have any node, summed. */
export function quantizedSummary(quantized: Record<string, [number, number]>): string {
  const ops = Object.entries(quantized).filter(([, [, total]]) => total > 0);
  const done = ops.reduce((s, [, [q]]) => s + q, 0);
  const total = ops.reduce((s, [, [, t]]) => s + t, 0);
  return `${count(done)} of ${count(total)} ${ops.map(([op]) => op).join('/')}`;
}

function perOp(quantized: Record<string, [number, number]>): string {
  return Object.entries(quantized)
    .filter(([, [, total]]) => total > 0)
    .map(([op, [q, t]]) => `${text(op)} ${q}/${t}`)
    .join(', ');
}

function seconds(msValue: number | null): string | null {
  return msValue === null ? null : `${(msValue / 1000).toFixed(1)} s`;
}

function methodLabel(q: Quantization): string {
  return q.method === 'percentile' && q.percentile !== null ? `percentile ${q.percentile}` : q.method;
}

export interface QuantizationDetail {
  /** Most sensitive layers listed. */
  sensitiveRows: number;
  /** Nodes left in float listed one by one (the rest are counted). */
  keptFloatRows: number;
}

export function quantizationSection(entry: ReportEntry, detail: QuantizationDetail): string | null {
  const q = entry.results.quantization;
  if (!q) return null;
  const trt = q.models.find((m) => m.flavour === 'trt') ?? q.models[0];
  const samples = `${count(q.samples)} ${q.randomData ? 'random' : 'calibration'} ${q.samples === 1 ? 'sample' : 'samples'}`;
  const engine = engineInt8Summary(entry.results);
  const summary = `Quantization: ${methodLabel(q)}, ${samples}${trt ? `, ${quantizedSummary(trt.quantized)} in INT8` : ''}${engine ? `; ${engine}` : ''}`;
  const parts: string[] = [];
  if (q.reusedRanges) parts.push('Ranges reused from an earlier calibration.json (--ranges): nothing was calibrated in this run.');
  if (q.models.length > 0) {
    parts.push(
      table(
        ['model', 'file', 'size', 'quantized'],
        [
          ['FP32', '', formatBytes(q.fp32Bytes), ''],
          ...q.models.map((m) => [
            m.flavour === 'trt' ? 'INT8 for TensorRT' : 'INT8 for ONNX Runtime',
            code(m.file),
            `${formatBytes(m.bytes)} (${((m.bytes / q.fp32Bytes) * 100).toFixed(0)}% of FP32)`,
            perOp(m.quantized),
          ]),
        ],
        ['l', 'l', 'r', 'l'],
      ),
    );
  }
  const l = q.cpuLayout;
  parts.push(`ONNX Runtime model laid out for ${code(l.target)} (${text(l.activations)} activations, ${text(l.weights)} weights): ${text(l.reason.replace(/\.$/, ''))}.`);
  if (q.excluded.length > 0) {
    // The patterns as flags that work when pasted; a long list is counted, not shown, under the size cap.
    // A node's name is given as the flag that keeps exactly that node (excludeFlag); an op:/re: pattern as it was written.
    const asFlag = (e: string) => (/^(op|re):/.test(e) ? (e.startsWith('-') ? `${FLAG_NAMING.name('exclude')}=${shellWord(e)}` : FLAG_NAMING.setting('exclude', e)) : excludeFlag(e));
    const shown = q.excluded.slice(0, detail.keptFloatRows).map((e) => code(asFlag(e)));
    const rest = q.excluded.length - shown.length;
    const more = rest > 0 ? `${shown.length > 0 ? ', and ' : ''}${count(rest)} ${shown.length > 0 ? 'more ' : ''}${rest === 1 ? 'pattern' : 'patterns'} (calibration.json lists them all)` : '';
    parts.push(`Kept in float by request: ${shown.join(' ')}${more}.`);
  }
  if (q.keptFloat.length > 0) {
    const shown = q.keptFloat.slice(0, detail.keptFloatRows);
    const rest = q.keptFloat.length - shown.length;
    const list = shown.map((k) => `- ${code(k.node)} (${text(k.opType)}): ${text(oneLine(k.reason, 160))}`).join('\n');
    const more = rest > 0 ? `${shown.length > 0 ? '\n' : ''}- … and ${count(rest)} more (calibration.json lists them all)` : '';
    parts.push(`Left in float by the quantizer (${count(q.keptFloat.length)}):\n\n${list}${more}`);
  }
  if (q.mostSensitive.length > 0 && detail.sensitiveRows > 0) {
    // The flag names the node: one column for both keeps long node names inside the comment's width.
    // A flag that cannot hold the name as it is (an re: pattern, a quote inside) names the node after it.
    const flagCell = (node: string) => {
      const flag = excludeFlag(node);
      return flag.includes(node) ? code(flag) : `${code(flag)} for ${code(node)}`;
    };
    const rows = q.mostSensitive.slice(0, detail.sensitiveRows).map((s) => [s.sqnrDb.toFixed(1), text(s.opType), flagCell(s.node)]);
    parts.push(
      `Most sensitive layers: the signal-to-quantization-noise ratio of each node's output with only that node in INT8 (lower loses more), and the flag that keeps it in float.\n\n` +
        table(['SQNR (dB)', 'op', 'keep in float with'], rows, ['r', 'l', 'l']),
    );
  }
  const engines = engineLayersParagraph(entry.results, Math.max(detail.keptFloatRows, 3));
  if (engines) parts.push(engines);
  const times = [
    ['calibration', seconds(q.calibrationMs)],
    ['quantization', seconds(q.quantizationMs)],
    ['sensitivity', seconds(q.sensitivityMs)],
  ].filter((t): t is [string, string] => t[1] !== null);
  if (times.length > 0) parts.push(`Time: ${times.map(([what, t]) => `${what} ${t}`).join(', ')}.`);
  return details(summary, parts.join('\n\n'));
}
