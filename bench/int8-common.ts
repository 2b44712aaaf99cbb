// Shared by bench/int8-*.ts (issue 11): speed as paired ratios of interleaved rounds
// (src/compare/paired.ts, as the report's speedups), top-1 against labels or FP32, and
// ONNX Runtime's own quantizer's model and counts.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarkInterleaved, type BenchmarkResult } from '../src/benchmark/index.ts';
import { pairedRatio, type PairedRatio } from '../src/compare/paired.ts';
import type { DataSet } from '../src/data/types.ts';
import { benchmarkBatch } from '../src/pipeline/measure.ts';
import { predictions } from '../src/pipeline/budget.ts';

export const here = dirname(fileURLToPath(import.meta.url));

export interface SpeedSettings {
  minMs: number;
  rounds: number;
  threads: number;
}

/** Every model timed interleaved at one batch size; speed of each against `reference` (its time / theirs, per round). */
export async function pairedSpeeds(models: Record<string, string>, data: DataSet, batchSize: number, settings: SpeedSettings): Promise<Map<string, BenchmarkResult>> {
  const batch = await benchmarkBatch(data, batchSize);
  const outcomes = await benchmarkInterleaved(
    Object.entries(models).map(([label, modelPath]) => ({ label, runtime: 'onnxruntime' as const, modelPath, provider: 'cpu' as const, batch, threads: settings.threads })),
    { minMs: settings.minMs, rounds: settings.rounds },
  );
  const out = new Map<string, BenchmarkResult>();
  for (const o of outcomes) {
    if (o.status !== 'ok') throw new Error(`${o.label}: ${o.reason}`);
    out.set(o.label, o);
  }
  return out;
}

/** How many times faster `candidate` ran than `reference`, paired round by round. */
export function speedRatio(results: Map<string, BenchmarkResult>, candidate: string, reference: string): PairedRatio {
  const rounds = (label: string) => ({ rounds: { group: 'bench', p50Ms: results.get(label)!.rounds.map((r) => r.p50Ms) } });
  return pairedRatio(rounds(reference) as never, rounds(candidate) as never)!;
}

export const ratioText = (r: PairedRatio) => `${r.median.toFixed(3)}x [${r.interval[0].toFixed(3)}, ${r.interval[1].toFixed(3)}]`;

/** Top-1 accuracy (labels) or agreement with `reference` predictions (no labels), percent. */
export async function top1(model: string, data: DataSet, output: string, batchSize: number, threads: number): Promise<Int32Array[]> {
  return predictions(model, data, output, batchSize, threads);
}

export function percentEqual(a: Int32Array[], b: Int32Array[] | Int32Array): number {
  const flatA = a.flatMap((x) => [...x]);
  const flatB = Array.isArray(b) ? b.flatMap((x) => [...x]) : [...b];
  let same = 0;
  flatA.forEach((v, i) => (same += v === flatB[i] ? 1 : 0));
  return (100 * same) / flatA.length;
}

export interface OrtReference {
  output: string;
  quantized: Record<string, [number, number]>;
  error?: string;
  /** Its pre-processing (symbolic shape inference) failed, so the model was quantized without it. */
  withoutPreprocess?: string;
}

/**
 * ONNX Runtime's quantize_static with its documented CPU recipe (bench/reference/ort_quantize.py).
 * Where its pre-processing fails (symbolic shape inference gives up on some real exports, such as
 * PP-OCR's recognizer with its dynamic width), it quantizes the model as given, as a user would.
 */
export function ortQuantize(python: string, model: string, calibration: string, out: string, extra: string[] = []): OrtReference {
  const once = (args: string[]): OrtReference => {
    const r = spawnSync(python, [join(here, 'reference', 'ort_quantize.py'), model, calibration, '--method', 'percentile', '--out', out, ...args], { encoding: 'utf8' });
    const last = r.stdout.trim().split('\n').pop();
    if (!last) throw new Error(`ort_quantize.py failed: ${r.stderr.slice(-2000)}`);
    return JSON.parse(last);
  };
  const first = once(extra);
  if (!first.error || extra.includes('--no-preprocess')) return first;
  return { ...once([...extra, '--no-preprocess']), withoutPreprocess: first.error };
}

/** Conv/MatMul/Gemm in int8, summed. */
export function weightedInt8(counts: Record<string, [number, number]>): number {
  return ['Conv', 'MatMul', 'Gemm'].reduce((s, op) => s + (counts[op]?.[0] ?? 0), 0);
}
