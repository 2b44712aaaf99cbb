/**
 * What did not run on this runner, said in one line under the table instead of rows of skip
 * reasons (the comment is read on a phone): "Not run on this runner: TensorRT (libnvinfer.so.10
 * not found); ONNX Runtime CUDA and TensorRT providers (no NVIDIA driver: …)", grouped by
 * reason. Only a runtime or provider with no run at all that was not skipped collapses here; one
 * that ran some rows keeps its skipped rows in the table, where they are news.
 *
 * Some absences are news in any case and the headline says them too: a runtime or provider the
 * run named (results.json `requested`, not auto), and TensorRT missing on a runner that has a GPU
 * (a GPU runner that lost TensorRT must not read as an all-clear). ONNX Runtime's GPU providers
 * missing under auto are not: whether they exist depends on the onnxruntime-node build installed,
 * not on the runner.
 */
import type { Results, RunResult } from '../results/schema.js';
import { withoutLeadingName } from '../message.js';
import { oneLine } from '../text/numbers.js';
import { text } from './markdown.js';

/** One runtime, or one ONNX Runtime provider, that did not run: its rows were all skipped. */
interface Absent {
  runtime: RunResult['runtime'];
  provider: RunResult['provider'];
  reason: string;
  /** Named by the run, or a GPU part missing where there is a GPU. */
  loud: boolean;
}

// "provider" follows the names, so the TensorRT execution provider is plain "TensorRT" here.
const PROVIDER_NAMES: Partial<Record<RunResult['provider'], string>> = { cpu: 'CPU', cuda: 'CUDA', tensorrt: 'TensorRT' };
const PROVIDER_ORDER: RunResult['provider'][] = ['cpu', 'cuda', 'tensorrt'];

function partKey(run: RunResult): string {
  return `${run.runtime}/${run.provider}`;
}

function requestedByName(results: Results, run: RunResult): boolean {
  const requested = results.requested;
  if (!requested) return false;
  if (requested.runtimes !== 'auto' && requested.runtimes.includes(run.runtime)) return true;
  return run.runtime === 'onnxruntime' && requested.providers !== 'auto' && requested.providers.includes(run.provider);
}

/** The runtimes and providers of `runs` (this change's table rows) that skipped every row. */
export function absentParts(results: Results, runs: readonly RunResult[]): Absent[] {
  const byPart = new Map<string, RunResult[]>();
  for (const run of runs) {
    // The CPU simulation of TensorRT is a row of its own kind, never an absent runtime.
    if (run.provider === 'reference') continue;
    const list = byPart.get(partKey(run)) ?? [];
    list.push(run);
    byPart.set(partKey(run), list);
  }
  const hasGpu = results.environment.gpu !== null && results.environment.gpu !== undefined;
  const absent: Absent[] = [];
  for (const list of byPart.values()) {
    if (!list.every((r) => r.status === 'skipped')) continue;
    // Rows of one part skipped for different reasons are not one absence: they stay rows.
    const reasons = new Set(list.map((r) => r.reason ?? ''));
    if (reasons.size !== 1) continue;
    const first = list[0]!;
    const expected = hasGpu && first.runtime === 'tensorrt';
    absent.push({ runtime: first.runtime, provider: first.provider, reason: first.reason ?? 'no reason recorded', loud: requestedByName(results, first) || expected });
  }
  return absent;
}

/** The runs that collapse into the line (every row of an absent part). */
export function collapsedRuns(runs: readonly RunResult[], absent: readonly Absent[]): Set<RunResult> {
  const keys = new Set(absent.map((a) => `${a.runtime}/${a.provider}`));
  return new Set(runs.filter((r) => r.status === 'skipped' && keys.has(partKey(r))));
}

/** "TensorRT", "ONNX Runtime CUDA and TensorRT providers". */
function partsName(parts: readonly Absent[]): string {
  const names: string[] = [];
  if (parts.some((p) => p.runtime === 'tensorrt')) names.push('TensorRT');
  const providers = parts
    .filter((p) => p.runtime === 'onnxruntime')
    .sort((a, b) => PROVIDER_ORDER.indexOf(a.provider) - PROVIDER_ORDER.indexOf(b.provider))
    .map((p) => PROVIDER_NAMES[p.provider] ?? p.provider);
  if (providers.length > 0) names.push(`ONNX Runtime ${andList(providers)} ${providers.length === 1 ? 'provider' : 'providers'}`);
  return andList(names);
}

function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * A reason as the line shows it: "no TensorRT on this runner (libnvinfer.so.10 not found)" reads
 * "libnvinfer.so.10 not found" after "Not run on this runner: TensorRT". Untrusted text, escaped.
 */
function shortReason(reason: string, max: number, name: string): string {
  const m = /^no .+ on this runner \((.+)\)$/s.exec(reason.trim());
  // "TensorRT (TensorRT (libnvinfer) could not be loaded …)" would say the name twice.
  return text(oneLine(withoutLeadingName(m ? m[1]! : reason.trim(), name), max));
}

function grouped(absent: readonly Absent[], max: number): string {
  const byReason = new Map<string, Absent[]>();
  for (const a of absent) byReason.set(a.reason, [...(byReason.get(a.reason) ?? []), a]);
  return [...byReason.entries()]
    .map(([reason, parts]) => {
      const name = partsName(parts);
      return `${name} (${shortReason(reason, max, name)})`;
    })
    .join('; ');
}

/** "Not run on this runner: …", or null when everything ran. */
export function notRunLine(absent: readonly Absent[], maxReason: number): string | null {
  return absent.length === 0 ? null : `Not run on this runner: ${grouped(absent, maxReason)}.`;
}

/** The headline's clause for absences that are news: "⚠️ did not run: TensorRT (libnvinfer.so.10 not found)". */
export function loudClause(absent: readonly Absent[], maxReason: number): string | null {
  const loud = absent.filter((a) => a.loud);
  return loud.length === 0 ? null : `⚠️ did not run: ${grouped(loud, maxReason)}`;
}
