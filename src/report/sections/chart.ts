/**
 * The latency chart: p50 per run at one batch size, as a mermaid `xychart-beta` (GitHub renders
 * mermaid blocks). One chart per batch size with at least two timed runs.
 */
import type { RunResult } from '../../results/schema.js';
import type { ReportEntry } from '../entry.js';
import { visibleControls } from '../../text/controls.js';
import { isSimulation, modelName } from '../../text/run-names.js';
import { codeBlock, details } from '../markdown.js';
import { tableRuns } from '../table.js';

function shortRuntime(run: RunResult): string {
  if (run.runtime === 'tensorrt') return 'TRT';
  return run.provider === 'cpu' ? 'ORT CPU' : run.provider === 'cuda' ? 'ORT CUDA' : 'ORT TRT-EP';
}

/** Three significant digits: enough to read a bar, short enough for the axis. */
function value(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

/** An axis end just above the highest bar, a round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten). */
export function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * magnitude >= max * 1.05) return step * magnitude;
  return 10 * magnitude;
}

function quoted(text: string): string {
  // A label is mermaid source: no quote may end it and no newline may start a statement.
  return `"${visibleControls(text).replace(/"/g, "'")}"`;
}

export function latencyChart(runs: RunResult[], batch: number): string {
  const bars = runs.filter((r) => r.batch === batch);
  const top = niceCeiling(Math.max(...bars.map((r) => r.latencyMs!.p50)));
  return codeBlock(
    [
      'xychart-beta',
      `  title ${quoted(`p50 latency at batch ${batch} (ms)`)}`,
      `  x-axis [${bars.map((r) => quoted(`${shortRuntime(r)} ${modelName(r)}`)).join(', ')}]`,
      `  y-axis "ms" 0 --> ${value(top)}`,
      `  bar [${bars.map((r) => value(r.latencyMs!.p50)).join(', ')}]`,
    ].join('\n'),
    'mermaid',
  );
}

export function chartSection(entry: ReportEntry, maxCharts: number): string | null {
  const timed = tableRuns(entry.results).filter((r) => r.status === 'ok' && r.latencyMs !== null && !isSimulation(r));
  const batches = [...new Set(timed.map((r) => r.batch))]
    .filter((b) => timed.filter((r) => r.batch === b).length >= 2)
    .sort((a, b) => b - a)
    .slice(0, maxCharts)
    .sort((a, b) => a - b);
  if (batches.length === 0 || maxCharts === 0) return null;
  const summary = `Latency at batch ${batches.join(' and ')}`;
  return details(summary, batches.map((b) => latencyChart(timed, b)).join('\n\n'));
}
