/** Running models through the real onnxruntime-node in tests. */
import type { ModelProto } from 'onnx-buf';
import { encodeModel } from '../../src/model/encode.ts';
import { readModel } from '../../src/model/read.ts';
import { modelSignature } from '../../src/model/signature.ts';
import { loadOrt } from '../../src/runtime/onnxruntime/load.ts';

/** Runs a model (a path or an in-memory proto) on float32 inputs; returns the first output. */
export async function runFloat(
  modelOrPath: ModelProto | string,
  inputs: Record<string, { data: Float32Array; dims: number[] }>,
  optimization: 'all' | 'disabled' = 'all',
): Promise<Float32Array> {
  const ort = await loadOrt();
  const source = typeof modelOrPath === 'string' ? modelOrPath : encodeModel(modelOrPath);
  const session = await ort.InferenceSession.create(source as string, { graphOptimizationLevel: optimization, intraOpNumThreads: 1 });
  const feeds = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]));
  const out = await session.run(feeds);
  const result = out[session.outputNames[0]!]!.data as Float32Array;
  await session.release();
  return result;
}

/** The op counts of the graph ONNX Runtime actually runs after its optimisations (its fusions). */
export async function optimizedOpCounts(path: string, dir: string): Promise<Record<string, number>> {
  const ort = await loadOrt();
  const optimized = `${dir}/optimized-${Math.random().toString(36).slice(2)}.onnx`;
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, optimizedModelFilePath: optimized, logSeverityLevel: 3 } as never);
  await session.release();
  return modelSignature(readModel(optimized).proto).opCounts;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Index of the largest value in each row of [rows, columns]. */
export function argmaxRows(values: Float32Array, columns: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < values.length / columns; r++) {
    let best = 0;
    for (let c = 1; c < columns; c++) if (values[r * columns + c]! > values[r * columns + best]!) best = c;
    out.push(best);
  }
  return out;
}

/** Every output of a model (a path or an in-memory proto) run on `feeds` of float32 inputs. */
export async function runAllOutputs(
  modelOrPath: ModelProto | string,
  inputs: Record<string, { data: Float32Array; dims: number[] }>,
): Promise<Record<string, { type: string; dims: readonly number[]; data: unknown }>> {
  const ort = await loadOrt();
  const source = typeof modelOrPath === 'string' ? modelOrPath : encodeModel(modelOrPath);
  const session = await ort.InferenceSession.create(source as string, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  const feeds = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]));
  const out = await session.run(feeds);
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { type: t.type, dims: t.dims, data: t.data }]));
}
