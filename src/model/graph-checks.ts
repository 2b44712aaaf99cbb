/**
 * What a model's graph must be for quantgate to run it, beyond decoding: acyclic (checkGraph, when
 * any model is read), and no tensor without values where data or a quantized op needs some
 * (checkQuantizable, for run and quantize). ONNX Runtime refuses a cycle too, but
 * only deep inside a run, after the graph was edited for calibration; a zero-sized input or
 * weight of a quantized op left calibration nothing to observe (an internal error) or quantized
 * an op that computes nothing.
 */
import type { GraphProto, ModelProto } from 'onnx-buf';
import { BadInputError } from '../errors.js';
import { msg, type Label } from '../message.js';
import { elementCount } from './tensor.js';

/** Ops the quantizer puts in INT8, and their inputs it quantizes (activation, weight). */
const QUANTIZED_INPUTS: Record<string, readonly number[]> = { Conv: [0, 1], ConvTranspose: [0, 1], Gemm: [0, 1], MatMul: [0, 1] };

const REEXPORT = 'export the model again from its framework; a graph written by hand or by a tool must be one ONNX Runtime can load';

/** Nodes left in a cycle (none when the graph is acyclic), by Kahn's algorithm. */
export function nodesInCycles(graph: GraphProto): string[] {
  const producer = new Map<string, number>();
  graph.node.forEach((n, i) => n.output.forEach((o) => o && producer.set(o, i)));
  const waiting = graph.node.map(() => 0);
  const consumers = graph.node.map((): number[] => []);
  graph.node.forEach((n, i) => {
    for (const input of n.input) {
      const from = producer.get(input);
      if (from === undefined) continue;
      waiting[i]!++;
      consumers[from]!.push(i);
    }
  });
  const ready = waiting.flatMap((w, i) => (w === 0 ? [i] : []));
  let done = 0;
  while (ready.length > 0) {
    const i = ready.pop()!;
    done++;
    for (const c of consumers[i]!) if (--waiting[c]! === 0) ready.push(c);
  }
  if (done === graph.node.length) return [];
  return graph.node.flatMap((n, i) => (waiting[i]! > 0 ? [n.name || `${n.opType} #${i}`] : []));
}

export function checkGraph(proto: ModelProto, label: Label): void {
  const graph = proto.graph!;
  const cycle = nodesInCycles(graph);
  if (cycle.length > 0) {
    const shown = cycle.slice(0, 5).map((n) => `'${n}'`).join(', ');
    throw new BadInputError(msg`${label}: its graph has a cycle: nodes ${shown}${cycle.length > 5 ? ` and ${cycle.length - 5} more` : ''} depend on their own outputs`, REEXPORT);
  }
}

/**
 * What `run` and `quantize` need beyond a valid graph: inputs that carry values to feed and
 * calibrate on, and quantized ops with weights to quantize. A valid ONNX model may have neither
 * (ONNX's own test models feed empty `axes` inputs), so reading a model does not ask this.
 */
export function checkQuantizable(proto: ModelProto, label: Label): void {
  const graph = proto.graph!;
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  for (const input of graph.input) {
    if (initializers.has(input.name) || input.type?.value.case !== 'tensorType') continue;
    const dims = input.type.value.value.shape?.dim ?? [];
    if (dims.some((d) => d.value.case === 'dimValue' && d.value.value === 0n)) {
      throw new BadInputError(
        msg`${label}: input '${input.name}' has a dimension of size 0, so its samples hold no values to run or calibrate on`,
        'export the model with the input\'s real sizes (or a symbolic dimension where the size varies)',
      );
    }
  }
  for (const n of graph.node) {
    for (const k of QUANTIZED_INPUTS[n.opType] ?? []) {
      const tensor = initializers.get(n.input[k] ?? '');
      if (tensor && elementCount(tensor.dims) === 0) {
        throw new BadInputError(
          msg`${label}: initializer '${tensor.name}', input ${k} of ${n.opType} '${n.name || n.opType}', holds no values (dims ${tensor.dims.join('×')}), so there is nothing to quantize`,
          'export the model again without the empty layer, or check that the export traced the model you meant',
        );
      }
    }
  }
}
