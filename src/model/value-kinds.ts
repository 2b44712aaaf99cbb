/**
 * Which values of a graph are not tensors (sequences, maps, optionals). onnxruntime-node returns
 * tensors only: asking it for anything else fails the whole run ("Non tensor type is temporarily
 * not supported"), so code that fetches intermediate values (calibration's probe) leaves these
 * out. skl2onnx's classifiers end in ZipMap (a sequence of maps) unless told otherwise.
 */
import type { GraphProto, TypeProto } from 'onnx-buf';

/** Ops whose outputs are sequences, maps or optionals, by domain and op type. */
const NON_TENSOR_OPS = new Set([
  ':SequenceConstruct',
  ':SequenceEmpty',
  ':SequenceInsert',
  ':SequenceErase',
  ':SplitToSequence',
  ':Optional',
  'ai.onnx.ml:ZipMap',
  'ai.onnx.ml:CastMap',
]);

function isTensorType(type: TypeProto | undefined): boolean {
  // No type at all says nothing: ONNX Runtime will know.
  return type?.value.case === undefined || type.value.case === 'tensorType' || type.value.case === 'sparseTensorType';
}

/** Names in `graph` whose values are not tensors: declared so, or made by an op that makes none. */
export function nonTensorValues(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const info of [...graph.input, ...graph.output, ...graph.valueInfo]) if (!isTensorType(info.type)) names.add(info.name);
  for (const node of graph.node) {
    const domain = node.domain === 'ai.onnx' ? '' : node.domain;
    if (NON_TENSOR_OPS.has(`${domain}:${node.opType}`)) for (const o of node.output) if (o) names.add(o);
  }
  return names;
}
