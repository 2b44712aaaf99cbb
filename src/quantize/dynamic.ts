/**
 * Dynamic INT8 for the ONNX Runtime flavour (`--mode dynamic`): weights int8 per output column,
 * written once; activations quantized at run time, so no calibrated ranges are needed. Each
 * MatMul (and Gemm) with a constant 2-D weight becomes
 *
 *   x → DynamicQuantizeLinear → (x_q, x_scale, x_zero)
 *   MatMulInteger(x_q, W_q, x_zero, W_zero) → Cast(float) → Mul(x_scale · W_scale) [→ Add(bias)]
 *
 * the group ONNX Runtime's DynamicQuantizeMatMulFusion turns into one DynamicQuantizeMatMul
 * kernel. One DynamicQuantizeLinear per activation, shared by its readers (Q, K and V read the
 * same x). Conv stays float: ONNX Runtime's ConvInteger takes no per-channel int8 weights, and
 * per-tensor weights cost convolutions too much accuracy (use static mode for them).
 */
import type { ModelProto, NodeProto } from 'onnx-buf';
import { node as makeNode } from '../model/build.js';
import { cloneModel } from '../model/clone.js';
import { DataType } from '../model/dtypes.js';
import type { OnnxModel } from '../model/model.js';
import { makeTensor, toFloat32 } from '../model/tensor.js';
import { floatAttribute, intAttribute } from './attributes.js';
import type { Exclusions } from './exclusions.js';
import { GraphEditor } from './graph.js';
import { quantizeWeightsPerChannel } from './params.js';
import { isDefaultDomain, WEIGHTED_OPS, type KeptFloat, type TensorTypes } from './plan.js';

export interface DynamicOutcome {
  proto: ModelProto;
  /** The nodes before rewriting (what quantized counts are taken over). */
  nodes: NodeProto[];
  quantized: NodeProto[];
  keptFloat: KeptFloat[];
  excluded: NodeProto[];
}

/** The weight as K×N float32 (Gemm's transB transposed), or why the node stays float. */
function weightOf(node: NodeProto, editor: GraphEditor, model: OnnxModel): { values: Float32Array; k: number; n: number } | { reason: string } {
  const name = node.input[1];
  const t = name ? editor.initializer(name) : undefined;
  if (!t || t.dataType !== DataType.FLOAT || t.dims.length !== 2) return { reason: 'its weight is not a constant 2-D float32 tensor' };
  if (editor.initializer(node.input[0]!)) return { reason: 'its first operand is a constant' };
  const [rows, cols] = t.dims.map(Number) as [number, number];
  const values = toFloat32(DataType.FLOAT, model.tensorBytes(t));
  if (node.opType === 'Gemm') {
    if (intAttribute(node, 'transA', 0) !== 0 || floatAttribute(node, 'alpha', 1) !== 1 || floatAttribute(node, 'beta', 1) !== 1) return { reason: 'Gemm with transA, alpha or beta other than the defaults' };
    if (intAttribute(node, 'transB', 0) === 1) {
      const transposed = new Float32Array(values.length);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) transposed[c * rows + r] = values[r * cols + c]!;
      return { values: transposed, k: cols, n: rows };
    }
  }
  return { values, k: rows, n: cols };
}

export function writeDynamicModel(prepared: ModelProto, model: OnnxModel, types: TensorTypes, exclusions: Exclusions, weightQmax: number): DynamicOutcome {
  const proto = cloneModel(prepared);
  const editor = new GraphEditor(proto.graph!);
  const outcome: DynamicOutcome = { proto, nodes: [...proto.graph!.node], quantized: [], keptFloat: [], excluded: [] };
  const dynamic = new Map<string, { q: string; scale: string; zero: string }>();
  const quantizeInput = (tensor: string) => {
    let done = dynamic.get(tensor);
    if (!done) {
      done = { q: editor.uniqueName(`${tensor}_quantized`), scale: editor.uniqueName(`${tensor}_scale`), zero: editor.uniqueName(`${tensor}_zero_point`) };
      proto.graph!.node.push(makeNode('DynamicQuantizeLinear', [tensor], [done.q, done.scale, done.zero], { name: editor.uniqueName(`${tensor}_DynamicQuantizeLinear`) }));
      dynamic.set(tensor, done);
    }
    return done;
  };
  const replaced: NodeProto[] = [];
  for (const node of [...proto.graph!.node]) {
    if (!isDefaultDomain(node) || !(WEIGHTED_OPS as readonly string[]).includes(node.opType)) continue;
    if (exclusions.has(node)) {
      outcome.excluded.push(node);
      outcome.keptFloat.push({ node: node.name, opType: node.opType, reason: 'excluded (--exclude)' });
      continue;
    }
    if (node.opType !== 'MatMul' && node.opType !== 'Gemm') {
      outcome.keptFloat.push({ node: node.name, opType: node.opType, reason: `dynamic mode quantizes MatMul and Gemm; ${node.opType} runs in float (static mode quantizes it)` });
      continue;
    }
    if (types.get(node.input[0]!) !== DataType.FLOAT) {
      outcome.keptFloat.push({ node: node.name, opType: node.opType, reason: 'its input is not float32' });
      continue;
    }
    const weight = weightOf(node, editor, model);
    if ('reason' in weight) {
      outcome.keptFloat.push({ node: node.name, opType: node.opType, reason: weight.reason });
      continue;
    }
    const { values, scales } = quantizeWeightsPerChannel(weight.values, [weight.k, weight.n], 1, weightQmax);
    const base = node.name || node.output[0]!;
    const wName = editor.uniqueName(`${node.input[1]}_quantized`);
    const wZero = editor.uniqueName(`${node.input[1]}_zero_point`);
    const wScale = editor.uniqueName(`${node.input[1]}_scale`);
    editor.addInitializer(makeTensor(wName, DataType.INT8, [weight.k, weight.n], values));
    editor.addInitializer(makeTensor(wZero, DataType.INT8, [weight.n], new Int8Array(weight.n)));
    editor.addInitializer(makeTensor(wScale, DataType.FLOAT, [weight.n], scales));
    const x = quantizeInput(node.input[0]!);
    const scale = editor.uniqueName(`${base}_output_scale`);
    const integer = editor.uniqueName(`${base}_MatMulInteger_output`);
    const asFloat = editor.uniqueName(`${base}_Cast_output`);
    const bias = node.opType === 'Gemm' ? node.input[2] : undefined;
    const product = bias ? editor.uniqueName(`${base}_product`) : node.output[0]!;
    proto.graph!.node.push(
      makeNode('Mul', [x.scale, wScale], [scale], { name: editor.uniqueName(`${base}_scale_Mul`) }),
      makeNode('MatMulInteger', [x.q, wName, x.zero, wZero], [integer], { name: editor.uniqueName(`${base}_MatMulInteger`) }),
      makeNode('Cast', [integer], [asFloat], { name: editor.uniqueName(`${base}_Cast`), attributes: { to: DataType.FLOAT } }),
      makeNode('Mul', [asFloat, scale], [product], { name: editor.uniqueName(`${base}_output_Mul`) }),
    );
    if (bias) proto.graph!.node.push(makeNode('Add', [product, bias], [node.output[0]!], { name: editor.uniqueName(`${base}_bias_Add`) }));
    replaced.push(node);
    outcome.quantized.push(node);
  }
  editor.removeNodes(replaced);
  editor.dropUnusedInitializers();
  editor.sortTopologically();
  return outcome;
}
