/**
 * What the TensorRT engines of this change run in, for the quantization section: per engine, how
 * many layers run in each precision and how many compute layers (convolutions, matrix multiplies,
 * fused regions) run in INT8, the build time, and every compute layer of an INT8 engine that runs
 * in a float type with why and the fix (results.json `engine`). Layer names come from the model:
 * untrusted text, shown as code.
 */
import type { EngineRecord, Results, RunResult } from '../../results/schema.js';
import { count, oneLine } from '../../text/numbers.js';
import { modelName } from '../../text/run-names.js';
import { isBaseRun } from '../../compare/match.js';
import { code, table, text } from '../markdown.js';

type EngineRun = RunResult & { engine: EngineRecord };

/** One run per TensorRT engine of this change (not the baseline model's), INT8 first. */
function engineRuns(results: Results): EngineRun[] {
  const seen = new Set<string>();
  const order = ['int8.trt', 'int8.trt.fp16', 'fp16', 'fp32'];
  return results.runs
    .filter((r): r is EngineRun => r.runtime === 'tensorrt' && !isBaseRun(r) && r.engine !== null && r.engine !== undefined)
    .filter((r) => !seen.has(r.model) && Boolean(seen.add(r.model)))
    .sort((a, b) => order.indexOf(a.model) - order.indexOf(b.model));
}

/** "6 of 6 compute layers in INT8" for the INT8 engine; null without one. */
export function engineInt8Summary(results: Results): string | null {
  const int8 = engineRuns(results).find((r) => r.model === 'int8.trt' && r.engine.layers);
  if (!int8) return null;
  const l = int8.engine.layers!;
  return `TensorRT engine: ${count(l.quantizedComputeLayers)} of ${count(l.computeLayers)} compute layers in INT8`;
}

function seconds(msValue: number | null): string {
  return msValue === null ? '' : `${(msValue / 1000).toFixed(1)} s`;
}

export function engineLayersParagraph(results: Results, maxFellBack: number): string | null {
  const runs = engineRuns(results);
  if (runs.length === 0) return null;
  const precisions = ['int8', 'fp16', 'fp32'];
  const other = (counts: Record<string, number>) => Object.entries(counts).filter(([p]) => !precisions.includes(p)).reduce((n, [, c]) => n + c, 0);
  const withOther = runs.some((r) => r.engine.layers && other(r.engine.layers.counts) > 0);
  const rows = runs.map((r) => {
    const l = r.engine.layers;
    const cells = l
      ? [count(l.total), ...precisions.map((p) => count(l.counts[p] ?? 0)), ...(withOther ? [count(other(l.counts))] : []), `${count(l.quantizedComputeLayers)} of ${count(l.computeLayers)}`]
      : [text(oneLine(r.engine.layersNote ?? 'no layer information', 60)), ...precisions.map(() => ''), ...(withOther ? [''] : []), ''];
    return [text(modelName(r)), ...cells, r.engine.source === 'cache' ? `cached (${seconds(r.engine.buildMs)})` : seconds(r.engine.buildMs)];
  });
  const version = runs[0]!.engine.tensorrtVersion;
  const parts = [
    `TensorRT ${text(version)} engines, strongly typed (each layer's precision is the model's)${runs[0]!.engine.profile ? `, built for ${text(runs[0]!.engine.profile)}` : ''}:`,
    table(['engine', 'layers', 'INT8', 'FP16', 'FP32', ...(withOther ? ['other'] : []), 'compute layers in INT8', 'build'], rows, ['l', 'r', 'r', 'r', 'r', ...(withOther ? (['r'] as const) : []), 'r', 'r']),
  ];
  const notes = runs.filter((r) => r.engine.cacheNote).map((r) => `The ${text(modelName(r))} engine was rebuilt: ${text(r.engine.cacheNote!)}.`);
  parts.push(...notes);
  const fell = runs.flatMap((r) => (r.engine.layers?.fellBack ?? []).map((f) => ({ engine: modelName(r), ...f })));
  if (fell.length > 0) {
    const shown = fell.slice(0, maxFellBack);
    const more = fell.length - shown.length;
    const list = shown.map((f) => `- ${code(oneLine(f.name, 120))} (${text(f.type)}) runs in ${text(f.precision.toUpperCase())} in the ${text(f.engine)} engine: ${text(oneLine(f.fix, 300))}`).join('\n');
    parts.push(`Compute layers of the INT8 engines that run in float (${count(fell.length)}):\n\n${list}${more > 0 ? `\n- … and ${count(more)} more (results.json lists them all)` : ''}`);
  } else if (runs.some((r) => r.model.startsWith('int8') && r.engine.layers)) {
    parts.push('Every compute layer of the INT8 engines runs in INT8.');
  }
  return parts.join('\n\n');
}
