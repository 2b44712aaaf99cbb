/**
 * A model's signature: what a person (and the later stages) need to know before running it.
 * Inputs and outputs with dtypes and shapes (symbolic and unknown dims kept apart), opsets, IR,
 * op counts and parameter totals.
 */
import type { ModelProto, TensorShapeProto_Dimension, TypeProto, ValueInfoProto } from 'onnx-buf';
import { dtypeName, packedByteLength } from './dtypes.js';
import { isExternal } from './external-data.js';
import { elementCount } from './tensor.js';
import { forEachNode, forEachTensor } from './walk.js';

/** A dimension: a fixed size, a symbolic name ("batch"), or null when unknown (no size, or a placeholder name). */
export type Dim = number | string | null;

export interface TensorSignature {
  name: string;
  /** Element type (`float32`, `int64`...), or the kind for non-tensors (`sequence<float32>`). */
  dtype: string;
  /** null when the model gives no shape at all (rank unknown). */
  shape: Dim[] | null;
}

export interface ModelSignature {
  irVersion: number;
  /** Opset of the default (ai.onnx) domain; null if the model imports none. */
  opset: number | null;
  opsets: { domain: string; version: number }[];
  producer: string;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /** Nodes in all graphs and subgraphs. */
  nodes: number;
  /** Op type (prefixed by its domain outside ai.onnx) → count, over all graphs and functions. */
  opCounts: Record<string, number>;
  functions: string[];
  parameters: {
    /** Elements in initializers and Constant node values. */
    count: number;
    /** What those take at their element types. */
    bytes: number;
    initializers: number;
    /** Bytes of them stored as external data. */
    externalBytes: number;
  };
}

/**
 * Dim names that exporters write for "unknown", not for a size shared with other dims: the empty
 * name, `?` (Paddle2ONNX), `-1` and other negative numbers spelt as names, `None` (a Python
 * `str(None)`), and `unk__N` (tf2onnx's and ONNX shape inference's generated names, one fresh
 * name per unknown dim). Read as symbols, `-1×3×?×?` would demand equal height and width.
 * Named symbols (`batch`, PyTorch's `s0`, `DynamicDimension.0`) stay symbols: a name used twice
 * there is the exporter's own claim that the sizes are equal.
 */
export function isPlaceholderDimName(name: string): boolean {
  const trimmed = name.trim();
  return trimmed === '' || trimmed === '?' || trimmed === 'None' || /^-\d+$/.test(trimmed) || /^unk__\d+$/.test(trimmed);
}

/** One dim as quantgate reads it: negative sizes and placeholder names are unknown (null). */
export function readDim(d: TensorShapeProto_Dimension): Dim {
  if (d.value.case === 'dimValue') {
    const size = Number(d.value.value);
    // ONNX Runtime also treats a negative size as free; some exporters write -1 for "any".
    return size < 0 ? null : size;
  }
  if (d.value.case === 'dimParam') return isPlaceholderDimName(d.value.value) ? null : d.value.value;
  return null;
}

function describeType(type: TypeProto | undefined): { dtype: string; shape: Dim[] | null } {
  const value = type?.value;
  switch (value?.case) {
    case 'tensorType':
    case 'sparseTensorType': {
      const shape = value.value.shape ? value.value.shape.dim.map(readDim) : null;
      const dtype = dtypeName(value.value.elemType);
      return { dtype: value.case === 'sparseTensorType' ? `sparse<${dtype}>` : dtype, shape };
    }
    case 'sequenceType':
      return { dtype: `sequence<${describeType(value.value.elemType).dtype}>`, shape: null };
    case 'optionalType':
      return { dtype: `optional<${describeType(value.value.elemType).dtype}>`, shape: null };
    case 'mapType':
      return { dtype: `map<${dtypeName(value.value.keyType)},${describeType(value.value.valueType).dtype}>`, shape: null };
    default:
      return { dtype: 'unknown', shape: null };
  }
}

export function tensorSignature(info: ValueInfoProto): TensorSignature {
  return { name: info.name, ...describeType(info.type) };
}

export function modelSignature(model: ModelProto): ModelSignature {
  const graph = model.graph!;
  const initializerNames = new Set(graph.initializer.map((t) => t.name));
  const opCounts: Record<string, number> = {};
  let nodes = 0;
  forEachNode(model, (node) => {
    nodes++;
    const key = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}:${node.opType}` : node.opType;
    opCounts[key] = (opCounts[key] ?? 0) + 1;
  });
  const parameters = { count: 0, bytes: 0, initializers: graph.initializer.length, externalBytes: 0 };
  forEachTensor(model, (tensor) => {
    const count = elementCount(tensor.dims);
    const bytes = packedByteLength(tensor.dataType, count) ?? 0;
    parameters.count += count;
    parameters.bytes += bytes;
    if (isExternal(tensor)) parameters.externalBytes += bytes;
  });
  const opsets = model.opsetImport.map((o) => ({ domain: o.domain || 'ai.onnx', version: Number(o.version) }));
  return {
    irVersion: Number(model.irVersion),
    opset: opsets.find((o) => o.domain === 'ai.onnx')?.version ?? null,
    opsets,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    // IR < 4 lists initializers among the inputs; they are weights, not inputs a caller feeds.
    inputs: graph.input.filter((i) => !initializerNames.has(i.name)).map(tensorSignature),
    outputs: graph.output.map(tensorSignature),
    nodes,
    opCounts: Object.fromEntries(Object.entries(opCounts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    functions: model.functions.map((f) => (f.domain ? `${f.domain}:${f.name}` : f.name)),
    parameters,
  };
}

/** "1×3×224×224", with symbolic dims by name ("batch×3×224×224") and unknown ones as "?". */
export function formatShape(shape: Dim[] | null): string {
  if (shape === null) return '(unknown rank)';
  if (shape.length === 0) return 'scalar';
  return shape.map((d) => (d === null ? '?' : String(d))).join('×');
}

/**
 * The batch size a model fixes (a number on axis 0 of its first input), or undefined when the
 * batch dimension is symbolic. Such a model only runs batches of exactly that size.
 */
export function fixedBatchSize(signature: Pick<ModelSignature, 'inputs'>): number | undefined {
  const first = signature.inputs[0]?.shape?.[0];
  return typeof first === 'number' ? first : undefined;
}

/** Whether every input is a dense tensor with a fixed size on every axis but the first (the batch). */
export function fixedSizesPastBatch(signature: Pick<ModelSignature, 'inputs'>): boolean {
  return signature.inputs.every((i) => i.shape !== null && !i.dtype.startsWith('sparse<') && i.shape.slice(1).every((d) => typeof d === 'number'));
}
