/**
 * The rules TensorRT's explicit quantization sets for a Q/DQ model, checked before a model is
 * handed to TensorRT (and by the tests on every model the quantizer writes). Each violation names
 * the rule and the node. The float16 variant adds two: float16 scales need opset 19, and nothing
 * (a Cast in particular) may sit between a DequantizeLinear and the op TensorRT fuses it into.
 */
import type { ModelProto, NodeProto, TensorProto } from 'onnx-buf';
import { DataType } from '../model/dtypes.js';
import type { OnnxModel } from '../model/model.js';
import { toFloat32, typedView } from '../model/tensor.js';
import { intAttribute } from './attributes.js';
import { GraphEditor } from './graph.js';
import { isDefaultDomain, WEIGHTED_OPS } from './plan.js';

export type TrtRule =
  | 'opset'
  | 'zero-point'
  | 'scale'
  | 'per-channel-axis'
  | 'weight-initializer'
  | 'quantized-inputs'
  | 'float-bias'
  | 'q-dq-pairs'
  | 'dq-cast';

export interface Violation {
  rule: TrtRule;
  node: string;
  message: string;
}

/** Output-channel axis of a weighted op's weight input, as TensorRT expects per-channel scales. */
export function outputChannelAxis(node: NodeProto, weightRank: number): number | null {
  switch (node.opType) {
    case 'Conv':
      return 0;
    case 'ConvTranspose':
      return 1;
    case 'Gemm':
      return intAttribute(node, 'transB', 0) === 1 ? 0 : 1;
    case 'MatMul':
      return weightRank - 1;
    default:
      return null;
  }
}

export function validateTensorRtModel(proto: ModelProto, model: Pick<OnnxModel, 'tensorBytes'>): Violation[] {
  const violations: Violation[] = [];
  const add = (rule: TrtRule, node: NodeProto, message: string) => violations.push({ rule, node: node.name || node.output[0] || node.opType, message });
  const opset = Number(proto.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0);
  const graph = proto.graph!;
  const editor = new GraphEditor(graph);
  if (opset < 13) violations.push({ rule: 'opset', node: '(model)', message: `opset ${opset}: per-channel Q/DQ needs opset 13 or newer` });

  const constant = (name: string | undefined): TensorProto | undefined => (name ? editor.initializer(name) : undefined);
  const qdq = graph.node.filter((n) => isDefaultDomain(n) && (n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear'));
  for (const n of qdq) {
    const zero = constant(n.input[2]);
    if (!zero) add('zero-point', n, `${n.opType} has no constant zero point (without one, QuantizeLinear outputs uint8)`);
    else if (zero.dataType !== DataType.INT8) add('zero-point', n, `zero point '${zero.name}' is ${DataType[zero.dataType]}, not INT8`);
    else if ([...(typedView(DataType.INT8, model.tensorBytes(zero)) as Int8Array)].some((v) => v !== 0)) add('zero-point', n, `zero point '${zero.name}' is not 0`);
    const scale = constant(n.input[1]);
    if (!scale) {
      add('scale', n, `${n.opType} has no constant scale`);
      continue;
    }
    if (scale.dataType === DataType.FLOAT16 && opset < 19) add('opset', n, `float16 scale '${scale.name}' needs opset 19; the model is at ${opset}`);
    const scales = toFloat32(scale.dataType, model.tensorBytes(scale));
    if (!scales.every((s) => Number.isFinite(s) && s > 0)) add('scale', n, `scale '${scale.name}' has a value that is not positive and finite`);
    const perChannel = scales.length > 1 || scale.dims.length > 0;
    const weight = n.opType === 'DequantizeLinear' ? constant(n.input[0]) : undefined;
    if (perChannel) {
      if (!weight) {
        add('scale', n, `activation scale '${scale.name}' is per channel; TensorRT takes per-tensor scales for activations`);
      } else {
        const axis = intAttribute(n, 'axis', 1);
        for (const reader of editor.consumers(n.output[0]!)) {
          const expected = outputChannelAxis(reader, weight.dims.length);
          const normalized = axis < 0 ? axis + weight.dims.length : axis;
          if (expected === null || reader.input[0] === n.output[0]) add('per-channel-axis', n, `per-channel weight feeds ${reader.opType} '${reader.name}' where it is not the weight`);
          else if (normalized !== expected) add('per-channel-axis', n, `per-channel axis ${axis} of '${weight.name}' is not ${reader.opType}'s output-channel axis ${expected}`);
        }
      }
    }
    if (n.opType === 'QuantizeLinear') {
      if (constant(n.input[0])) add('weight-initializer', n, `QuantizeLinear on constant '${n.input[0]}': weights are stored as int8 initializers behind a DequantizeLinear`);
      const readers = editor.consumers(n.output[0]!);
      for (const r of readers) {
        if (r.opType !== 'DequantizeLinear') add('q-dq-pairs', n, `QuantizeLinear feeds ${r.opType} '${r.name}', not a DequantizeLinear`);
        else if (!sameTensorValues(constant(r.input[1]), scale, model) || !sameTensorValues(constant(r.input[2]), zero, model)) {
          add('q-dq-pairs', n, `QuantizeLinear and DequantizeLinear '${r.name}' use different scales or zero points`);
        }
      }
    }
    if (n.opType === 'DequantizeLinear' && weight && weight.dataType !== DataType.INT8) add('weight-initializer', n, `weight '${weight.name}' is not int8`);
    if (n.opType === 'DequantizeLinear') {
      for (const r of editor.consumers(n.output[0]!)) {
        if (r.opType === 'Cast') add('dq-cast', n, `DequantizeLinear feeds Cast '${r.name}': TensorRT fuses a DequantizeLinear only into the op that reads it`);
      }
    }
  }

  const fromDq = (name: string | undefined) => {
    const p = name ? editor.producer(name) : undefined;
    return p !== undefined && p.opType === 'DequantizeLinear';
  };
  for (const n of graph.node) {
    if (!isDefaultDomain(n) || !(WEIGHTED_OPS as readonly string[]).includes(n.opType)) continue;
    const inputs = [0, 1];
    const quantizedInputs = inputs.filter((i) => fromDq(n.input[i]));
    if (quantizedInputs.length > 0 && quantizedInputs.length < inputs.length) {
      add('quantized-inputs', n, `${n.opType} has Q/DQ on input ${quantizedInputs[0]} but not on input ${inputs.find((i) => !quantizedInputs.includes(i))}`);
    }
    if ((n.opType === 'Conv' || n.opType === 'ConvTranspose' || n.opType === 'Gemm') && fromDq(n.input[2])) {
      add('float-bias', n, `${n.opType}'s bias comes through a DequantizeLinear; TensorRT takes a float bias`);
    }
  }
  return violations;
}

function sameTensorValues(a: TensorProto | undefined, b: TensorProto | undefined, model: Pick<OnnxModel, 'tensorBytes'>): boolean {
  if (!a || !b) return a === b;
  if (a === b) return true;
  const x = model.tensorBytes(a);
  const y = model.tensorBytes(b);
  return a.dataType === b.dataType && x.byteLength === y.byteLength && x.every((v, i) => v === y[i]);
}

/** Number of weighted nodes whose data and weight inputs both come through DequantizeLinear. */
export function countQuantizedWeighted(proto: ModelProto): number {
  const editor = new GraphEditor(proto.graph!);
  return proto.graph!.node.filter(
    (n) => (WEIGHTED_OPS as readonly string[]).includes(n.opType) && [0, 1].every((i) => editor.producer(n.input[i]!)?.opType === 'DequantizeLinear'),
  ).length;
}
