/**
 * The element type of every tensor of a graph before conversion: observed by the probe for the
 * prepared graph's tensors, read from initializers and graph inputs, and worked out for the nodes
 * the quantizer adds (QuantizeLinear, DequantizeLinear) and for Casts. A tensor left without a
 * type makes its producer stay in float32 (precision.ts), which is always valid.
 */
import type { GraphProto } from 'onnx-buf';
import { DataType } from '../../model/dtypes.js';
import { intAttribute } from '../attributes.js';
import { isDefaultDomain } from '../plan.js';

export function elementTypes(graph: GraphProto, observed: ReadonlyMap<string, number>): Map<string, number> {
  const types = new Map(observed);
  for (const t of graph.initializer) types.set(t.name, t.dataType);
  for (const i of graph.input) {
    const elem = i.type?.value.case === 'tensorType' ? i.type.value.value.elemType : undefined;
    if (elem && !types.has(i.name)) types.set(i.name, elem);
  }
  // Nodes are in topological order (the quantizer sorts its graphs): inputs are typed first.
  for (const n of graph.node) {
    if (!isDefaultDomain(n)) continue;
    const out = n.output[0];
    if (!out || types.has(out)) continue;
    if (n.opType === 'QuantizeLinear') types.set(out, (n.input[2] && types.get(n.input[2])) || DataType.UINT8);
    else if (n.opType === 'DequantizeLinear') {
      const scale = n.input[1] && types.get(n.input[1]);
      if (scale) types.set(out, scale);
    } else if (n.opType === 'Cast') types.set(out, intAttribute(n, 'to', 0));
  }
  return types;
}
