/**
 * Which quantized nodes cost accuracy, so the report can tell the user what to keep in float.
 *
 * Local error: each quantized node alone, fed the FP32 model's own inputs: a copy of the node
 * reads Q/DQ'd inputs and int8 weights, beside the original, in one graph; the SQNR of the copy's
 * output against the original's. Cumulative error: the SQNR of each quantized node's output in the
 * INT8 (TensorRT-flavour) model, run unfused, against the FP32 model: how error builds up along
 * the network. Both on the first few calibration samples.
 */
import { cloneModel } from '../model/clone.js';
import { create } from '@bufbuild/protobuf';
import { NodeProtoSchema, ValueInfoProtoSchema, type ModelProto } from 'onnx-buf';
import type { Batch, DataSet } from '../data/types.js';
import type { OnnxModel } from '../model/model.js';
import { loadOrt } from '../runtime/onnxruntime/load.js';
import { hostToOrt } from '../runtime/onnxruntime/tensor.js';
import { activationParams } from './apply.js';
import { GraphEditor } from './graph.js';
import type { TensorTypes } from './plan.js';
import { QdqWriter } from './qdq.js';
import type { TensorRange } from './ranges.js';
import { openEditedSession } from './session.js';
import { describeWeighted } from './weighted.js';

export interface NodeSensitivity {
  node: string;
  opType: string;
  /** Output tensor the SQNR is measured on. */
  output: string;
  /** SQNR of the node alone quantized, dB (higher is better; Infinity when exact). */
  localSqnrDb: number;
  /** SQNR of the node's output in the INT8 model, dB. */
  cumulativeSqnrDb: number | null;
}

/** 10·log10(signal energy / error energy), accumulated over batches. */
class Sqnr {
  signal = 0;
  noise = 0;
  add(reference: Float32Array, candidate: Float32Array): void {
    for (let i = 0; i < reference.length; i++) {
      const r = reference[i]!;
      const d = r - candidate[i]!;
      this.signal += r * r;
      this.noise += d * d;
    }
  }
  get db(): number {
    if (this.noise === 0) return Infinity;
    if (this.signal === 0) return -Infinity;
    return 10 * Math.log10(this.signal / this.noise);
  }
}

function exposing(proto: ModelProto, names: Iterable<string>): ModelProto {
  const copy = cloneModel(proto);
  const existing = new Set(copy.graph!.output.map((o) => o.name));
  for (const n of names) if (!existing.has(n)) copy.graph!.output.push(create(ValueInfoProtoSchema, { name: n }));
  return copy;
}

async function firstSamples(data: DataSet, count: number, batchSize: number): Promise<Batch[]> {
  const out: Batch[] = [];
  let n = 0;
  for await (const batch of data.batches(batchSize)) {
    out.push(batch);
    n += batch.size;
    if (n >= count) break;
  }
  return out;
}

export interface SensitivityInput {
  prepared: ModelProto;
  source: OnnxModel;
  /** The TensorRT-flavour model as written (its quantized nodes keep their output names). */
  quantized: ModelProto;
  /** Output names of the quantized weighted nodes, with their names and op types. */
  targets: { node: string; opType: string; output: string }[];
  ranges: ReadonlyMap<string, TensorRange>;
  types: TensorTypes;
  data: DataSet;
  samples: number;
  fixedBatch?: number;
  threads?: number;
}

export async function measureSensitivity(input: SensitivityInput): Promise<NodeSensitivity[]> {
  const ort = await loadOrt();
  const batches = await firstSamples(input.data, input.samples, input.fixedBatch ?? 1);
  const feedsOf = (b: Batch) => Object.fromEntries(Object.entries(b.feeds).map(([k, v]) => [k, hostToOrt(ort, v)]));
  const threads = input.threads ? { threads: input.threads } : {};

  // Local: a quantized copy of every target node beside the original.
  const local = cloneModel(input.prepared);
  const editor = new GraphEditor(local.graph!);
  const writer = new QdqWriter(editor, input.source);
  const simulated = new Map<string, string>();
  const pairs: { target: (typeof input.targets)[number]; copyOutput: string }[] = [];
  for (const target of input.targets) {
    const original = local.graph!.node.find((n) => n.output[0] === target.output);
    if (!original) continue;
    const described = describeWeighted(original, editor, input.types);
    if ('reason' in described) continue;
    const copyOutput = editor.uniqueName(`${target.output}__quantgate_local`);
    const copy = create(NodeProtoSchema, {
      ...original,
      name: editor.uniqueName(`${original.name}__quantgate_local`),
      input: [...original.input],
      output: [copyOutput],
    });
    let complete = true;
    copy.input = copy.input.map((name) => {
      if (!described.activations.includes(name)) return name;
      const range = input.ranges.get(name);
      if (!range) {
        complete = false;
        return name;
      }
      let dq = simulated.get(name);
      if (!dq) {
        dq = writer.qdqPair(name, activationParams('trt', range));
        simulated.set(name, dq);
      }
      return dq;
    });
    if (!complete) continue;
    local.graph!.node.push(copy);
    for (const w of described.weights) writer.quantizeWeight(copy, w.index, w.axis, 127);
    pairs.push({ target, copyOutput });
  }
  editor.sortTopologically();
  const localSqnr = new Map(pairs.map((p) => [p.target.output, new Sqnr()]));
  {
    const names = pairs.flatMap((p) => [p.target.output, p.copyOutput]);
    const { session, dispose } = await openEditedSession(exposing(local, names), input.source, threads);
    try {
      for (const batch of batches) {
        const out = await session.run(feedsOf(batch), names);
        for (const p of pairs) localSqnr.get(p.target.output)!.add(out[p.target.output]!.data as Float32Array, out[p.copyOutput]!.data as Float32Array);
      }
    } finally {
      await dispose();
    }
  }

  // Cumulative: the INT8 model, run unfused, against FP32, node by node.
  const outputs = input.targets.map((t) => t.output);
  const cumulative = new Map(outputs.map((o) => [o, new Sqnr()]));
  {
    const reference = await openEditedSession(exposing(input.prepared, outputs), input.source, threads);
    const candidate = await openEditedSession(exposing(input.quantized, outputs), input.source, { ...threads, optimization: 'disabled' });
    try {
      for (const batch of batches) {
        const feeds = feedsOf(batch);
        const a = await reference.session.run(feeds, outputs);
        const b = await candidate.session.run(feeds, outputs);
        for (const o of outputs) cumulative.get(o)!.add(a[o]!.data as Float32Array, b[o]!.data as Float32Array);
      }
    } finally {
      await reference.dispose();
      await candidate.dispose();
    }
  }

  return pairs.map(({ target }) => ({
    node: target.node,
    opType: target.opType,
    output: target.output,
    localSqnrDb: localSqnr.get(target.output)!.db,
    cumulativeSqnrDb: cumulative.get(target.output)?.db ?? null,
  }));
}

/** The `--exclude` flag that keeps a node in float, quoted for a POSIX shell where needed. */
export function excludeFlag(node: string): string {
  return /^[\w./:-]+$/.test(node) ? `--exclude ${node}` : `--exclude '${node.replace(/'/g, `'\\''`)}'`;
}
