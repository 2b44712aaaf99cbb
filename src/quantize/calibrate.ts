/**
 * Calibration: run the FP32 model over the calibration set through ONNX Runtime and fold every
 * batch into running statistics, so memory stays bounded whatever the set's size.
 *
 *   probe     one sample with every node output exposed: the element type and size of every
 *             tensor (what shape inference cannot tell, observation does).
 *   min/max   ReduceMin/ReduceMax appended to each observed tensor, so only two scalars per tensor
 *             leave ONNX Runtime per batch.
 *   histogram (entropy, percentile) the observed tensors themselves, binned as |x| over the
 *             [0, amax] the min/max pass found, so no bin ever needs merging. Outputs that an
 *             op bounds by definition are left out: they keep the range they were seen to use.
 */
import { cloneModel } from '../model/clone.js';
import { create } from '@bufbuild/protobuf';
import { ValueInfoProtoSchema, type ModelProto } from 'onnx-buf';
import type { Method } from '../config/types.js';
import type { Batch, DataSet } from '../data/types.js';
import { BadInputError } from '../errors.js';
import type { Log } from '../log.js';
import { node as makeNode } from '../model/build.js';
import { fixedBatchSize, modelSignature } from '../model/signature.js';
import type { OnnxModel } from '../model/model.js';
import { nonTensorValues } from '../model/value-kinds.js';
import { loadOrt } from '../runtime/onnxruntime/load.js';
import { dataTypeOfOrt, hostToOrt } from '../runtime/onnxruntime/tensor.js';
import { GraphEditor } from './graph.js';
import { AbsHistogram, MinMax } from './histogram.js';
import { chooseThreshold, tensorRange, type TensorRange } from './ranges.js';
import { openEditedSession } from './session.js';

export interface ProbeResult {
  /** Element type of every tensor the main graph produces or takes as input. */
  types: Map<string, number>;
  /** Bytes each tensor takes for one sample. */
  bytesPerSample: Map<string, number>;
  /** Largest finite |value| of each float32 tensor on the probe's sample (the float16 variants' range rule). */
  magnitudes: Map<string, number>;
  /** The shape of each tensor on the probe's batch (batch first). */
  dims: Map<string, readonly number[]>;
}

export interface CalibrationSettings {
  method: Method;
  percentile: number;
  threads?: number;
  /**
   * Bytes of observed tensors one batch may hold; sets the batch size. The histogram pass holds
   * them twice (ONNX Runtime's outputs and their copies), the min/max pass only ONNX Runtime's
   * working set, so it takes batches twice as large.
   */
  batchBytes?: number;
  log: Log;
}

export interface CalibrationResult {
  ranges: Map<string, TensorRange>;
  samples: number;
  /** Tensors that held NaN or infinite values, with how many: their ranges ignore those. */
  nonFinite: Record<string, number>;
}

/**
 * Ops whose output is bounded by definition: Softmax, Sigmoid, HardSigmoid in [0, 1], Tanh in
 * [-1, 1], Clip between its two bounds. Percentile and entropy exist to clip the rare outliers of
 * unbounded activations; such outputs have none, and clipping them cuts what matters most: the
 * largest attention probabilities (measured on a small vision transformer, entropy clipped 0.9%
 * of each Softmax output at 0.37-0.44 and lost 2.2 points of top-1) or the open end of a gate.
 * They keep the range the calibration set was seen to use.
 */
export function boundedOutputs(proto: ModelProto): Set<string> {
  const bounded = new Set<string>();
  for (const n of proto.graph?.node ?? []) {
    const clipWithBothBounds = n.opType === 'Clip' && Boolean(n.input[1]) && Boolean(n.input[2]);
    if (['Softmax', 'Sigmoid', 'HardSigmoid', 'Tanh'].includes(n.opType) || clipWithBothBounds) {
      if (n.output[0]) bounded.add(n.output[0]);
    }
  }
  return bounded;
}

/** A fixed batch dimension must be respected: only full batches of that size run. */
function fixedBatch(proto: ModelProto): number | undefined {
  return fixedBatchSize(modelSignature(proto));
}

async function* batchesOf(data: DataSet, size: number, fixed: number | undefined, log: Log): AsyncGenerator<Batch> {
  let skipped = 0;
  for await (const batch of data.batches(fixed ?? size)) {
    if (fixed !== undefined && batch.size !== fixed) {
      skipped += batch.size;
      continue;
    }
    yield batch;
  }
  if (skipped > 0) log.warn(`calibration: the model's batch dimension is fixed at ${fixed}, so the last ${skipped} samples (not a full batch) were not used`);
}

function withOutputs(proto: ModelProto, names: Iterable<string>): ModelProto {
  const copy = cloneModel(proto);
  const graph = copy.graph!;
  const existing = new Set(graph.output.map((o) => o.name));
  for (const name of names) if (!existing.has(name)) graph.output.push(create(ValueInfoProtoSchema, { name }));
  return copy;
}

/** Runs one sample with every tensor exposed; returns what was observed of each. */
export async function probeTensors(proto: ModelProto, source: OnnxModel, data: DataSet, threads?: number): Promise<ProbeResult> {
  const graph = proto.graph!;
  const names = new Set<string>();
  // Sequences and maps (a ZipMap's output) cannot be fetched, and have no range to calibrate.
  const nonTensor = nonTensorValues(graph);
  for (const node of graph.node) for (const o of node.output) if (o && !nonTensor.has(o)) names.add(o);
  const { session, dispose } = await openEditedSession(withOutputs(proto, names), source, threads ? { threads } : {});
  try {
    const ort = await loadOrt();
    const fixed = fixedBatch(proto);
    let first: Batch | undefined;
    for await (const batch of data.batches(fixed ?? 1)) {
      first = batch;
      break;
    }
    if (!first) throw new BadInputError(`${data.description}: has no samples`, 'give at least one calibration sample');
    const feeds = Object.fromEntries(Object.entries(first.feeds).map(([k, v]) => [k, hostToOrt(ort, v)]));
    const outputs = await session.run(feeds, [...names]);
    const types = new Map<string, number>();
    const bytesPerSample = new Map<string, number>();
    const magnitudes = new Map<string, number>();
    const dims = new Map<string, readonly number[]>();
    for (const [name, tensor] of Object.entries(outputs)) {
      dims.set(name, tensor.dims.map(Number));
      const type = dataTypeOfOrt(tensor.type);
      if (type !== undefined) types.set(name, type);
      const bytes = (tensor.data as { byteLength?: number }).byteLength ?? 0;
      bytesPerSample.set(name, bytes / first.size);
      if (tensor.data instanceof Float32Array) magnitudes.set(name, largestMagnitude(tensor.data));
    }
    for (const [name, tensor] of Object.entries(first.feeds)) {
      dims.set(name, [...tensor.dims]);
      types.set(name, tensor.dataType);
      bytesPerSample.set(name, tensor.data.byteLength / first.size);
      if (tensor.data instanceof Float32Array) magnitudes.set(name, largestMagnitude(tensor.data));
    }
    return { types, bytesPerSample, magnitudes, dims };
  } finally {
    await dispose();
  }
}

function largestMagnitude(values: Float32Array): number {
  let m = 0;
  for (const v of values) if (Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m;
}

function batchSizeFor(bytesPerSample: number, budget: number): number {
  if (bytesPerSample <= 0) return 32;
  return Math.max(1, Math.min(64, Math.floor(budget / bytesPerSample)));
}

/**
 * Calibrates `tensors` of the prepared FP32 model over `data`. Returns their ranges under the
 * chosen method, all computed from the same statistics.
 */
export async function calibrate(
  proto: ModelProto,
  source: OnnxModel,
  data: DataSet,
  tensors: ReadonlySet<string>,
  probe: ProbeResult,
  settings: CalibrationSettings,
): Promise<CalibrationResult> {
  const ort = await loadOrt();
  const log = settings.log;
  const observed = [...tensors].filter((t) => (probe.bytesPerSample.get(t) ?? 0) > 0).sort();
  const fixed = fixedBatch(proto);
  const bytesPerSample = (names: string[]) => names.reduce((n, t) => n + (probe.bytesPerSample.get(t) ?? 0), 0);
  const budget = settings.batchBytes ?? 128 * 2 ** 20;
  const toFeeds = (batch: Batch) => Object.fromEntries(Object.entries(batch.feeds).map(([k, v]) => [k, hostToOrt(ort, v)]));
  // Progress per batch, at most about ten lines a pass.
  let nextReport = 0;
  const progress = (pass: string, done: number) => {
    if (done < nextReport && done < data.count) return;
    log.info(`calibration ${pass}: ${done}/${data.count} samples`);
    nextReport = done + Math.ceil(data.count / 10);
  };

  // Pass 1: exact min and max through in-graph reductions.
  const minmax = new Map(observed.map((t) => [t, new MinMax()]));
  const reduced = cloneModel(proto);
  const editor = new GraphEditor(reduced.graph!);
  const reductionOutputs = new Map<string, [string, string]>();
  for (const t of observed) {
    const min = editor.uniqueName(`${t}__quantgate_min`);
    const max = editor.uniqueName(`${t}__quantgate_max`);
    reduced.graph!.node.push(
      makeNode('ReduceMin', [t], [min], { name: editor.uniqueName(`${t}__quantgate_ReduceMin`), attributes: { keepdims: 0 } }),
      makeNode('ReduceMax', [t], [max], { name: editor.uniqueName(`${t}__quantgate_ReduceMax`), attributes: { keepdims: 0 } }),
    );
    reductionOutputs.set(t, [min, max]);
  }
  const minmaxModel = withOutputs(reduced, [...reductionOutputs.values()].flat());
  let samples = 0;
  {
    const { session, dispose } = await openEditedSession(minmaxModel, source, settings.threads ? { threads: settings.threads } : {});
    try {
      const fetch = [...reductionOutputs.values()].flat();
      const size = batchSizeFor(bytesPerSample(observed), budget * 2);
      log.info(`calibration: min/max of ${observed.length} tensors over ${data.count} samples, batches of ${fixed ?? size}`);
      for await (const batch of batchesOf(data, size, fixed, log)) {
        const out = await session.run(toFeeds(batch), fetch);
        for (const [t, [min, max]] of reductionOutputs) {
          minmax.get(t)!.add(Number((out[min]!.data as Float32Array)[0]), Number((out[max]!.data as Float32Array)[0]));
        }
        samples += batch.size;
        progress('min/max', samples);
      }
    } finally {
      await dispose();
    }
  }
  if (samples === 0) throw new BadInputError(`${data.description}: no calibration sample could be used`, 'give at least one full batch of calibration samples');

  // Pass 2: histograms of |x| for the methods that clip, of the tensors they may clip.
  const histograms = new Map<string, AbsHistogram>();
  const bounded = boundedOutputs(proto);
  const clippable = observed.filter((t) => !bounded.has(t));
  if (settings.method !== 'minmax' && clippable.length > 0) {
    for (const t of clippable) histograms.set(t, new AbsHistogram(minmax.get(t)!.amax));
    nextReport = 0;
    const { session, dispose } = await openEditedSession(withOutputs(proto, clippable), source, settings.threads ? { threads: settings.threads } : {});
    try {
      const kept = observed.length - clippable.length;
      const size = batchSizeFor(bytesPerSample(clippable), budget);
      log.info(
        `calibration: ${settings.method} histograms of ${clippable.length} tensors, batches of ${fixed ?? size}` +
          (kept > 0 ? ` (${kept} bounded op ${kept === 1 ? 'output keeps' : 'outputs keep'} the range seen)` : ''),
      );
      let done = 0;
      for await (const batch of batchesOf(data, size, fixed, log)) {
        const out = await session.run(toFeeds(batch), clippable);
        for (const t of clippable) histograms.get(t)!.add(out[t]!.data as Float32Array);
        done += batch.size;
        progress(settings.method, done);
      }
    } finally {
      await dispose();
    }
  }

  const ranges = new Map<string, TensorRange>();
  const nonFinite: Record<string, number> = {};
  for (const t of observed) {
    const mm = minmax.get(t)!;
    const histogram = histograms.get(t);
    if (histogram && histogram.nonFinite > 0) nonFinite[t] = histogram.nonFinite;
    ranges.set(t, tensorRange(mm, chooseThreshold(settings.method, settings.percentile, mm, histogram)));
  }
  return { ranges, samples, nonFinite };
}
