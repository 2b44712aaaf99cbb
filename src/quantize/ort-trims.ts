/**
 * Three trims of the ONNX Runtime flavour that take nodes out of what ONNX Runtime runs on every
 * inference. On a small transformer at batch 1 each node costs a few microseconds whatever it
 * computes (glyphformer, 2 threads: a Shape 3.5 µs, a DequantizeLinear 4.5 µs, the attention
 * scale's Mul 9 µs), and the int8 model has more of them than the float one: these close part of
 * that gap. Neither changes a Q/DQ parameter or what a weighted node reads in int8, and neither
 * touches the TensorRT flavour, whose builder folds shapes and scales itself.
 *
 * - A Shape (or Size) of a quantized activation reads the integers, not a DequantizeLinear of
 *   them: the shape is the same, and ONNX Runtime gives each reader of a DequantizeLinear its own
 *   copy, so three Shape nodes of one LayerNormalization output (a PyTorch attention export)
 *   cost three full dequantizations, and could not be merged into one Shape as the float model's
 *   are. They do not read the float tensor instead: that would give the producer a float reader
 *   and stop ONNX Runtime from fusing its output Q (a QLinearConv would become DQ → Conv → Q).
 *
 * - A Mul by (or Div by) a positive scalar constant that is the only reader of a MatMul whose first
 *   input is a per-tensor DequantizeLinear of an activation (the attention scale 1/√d after Q·Kᵀ)
 *   goes into that DequantizeLinear's scale: (a·s)·b·c = (a·(s·c))·b. The float model's optimizer
 *   folds the same constant into its FusedMatMul; the int8 MatMul has no such slot, so it ran as
 *   its own node. The result differs from the unfolded graph only by float rounding of s·c.
 *
 * - A pass-through op (Reshape, Transpose, Gather…) between a DequantizeLinear and a
 *   QuantizeLinear with the same parameters runs on the integers, without the pair: what ONNX
 *   Runtime's DropQDQNodesRules do at load, done here because ONNX Runtime 1.30 left a pair in
 *   place behind a fused QKV projection's Transpose (runOnIntegers). Exact.
 */
import type { NodeProto } from 'onnx-buf';
import { node as makeNode } from '../model/build.js';
import { DataType } from '../model/dtypes.js';
import { makeTensor } from '../model/tensor.js';
import type { GraphEditor } from './graph.js';
import { dequantized } from './ort-kernels.js';
import { isDefaultDomain } from './plan.js';
import { placementRule } from './placement/registry.js';
import type { QdqWriter } from './qdq.js';

/** The ops ONNX Runtime runs on integers once the Q/DQ pair around them is dropped (the registry's pass-through rule). */
function isPassThrough(node: NodeProto): boolean {
  return placementRule('ort', node.opType)?.role === 'pass-through';
}

export interface OrtTrims {
  /** Shape/Size nodes now reading a quantized activation's integers. */
  shapeReaders: string[];
  /** Mul/Div nodes whose scalar now sits in the scale of their MatMul's input DequantizeLinear. */
  foldedScales: string[];
  /** Pass-through nodes (Reshape, Transpose, Gather…) now reading and writing the integers. */
  onIntegers: string[];
}

const SHAPE_READERS = new Set(['Shape', 'Size']);

/** A DequantizeLinear of an activation (its integers come from a node, not an initializer). */
function activationDequantizer(editor: GraphEditor, tensor: string): NodeProto | undefined {
  const dq = dequantized(editor, tensor);
  return dq && !editor.initializer(dq.input[0]!) ? dq : undefined;
}

function readIntegers(editor: GraphEditor, reader: NodeProto): boolean {
  const dq = activationDequantizer(editor, reader.input[0] ?? '');
  if (!dq) return false;
  reader.input[0] = dq.input[0]!;
  editor.invalidate();
  return true;
}

/** The one value of a float32 scalar initializer (rank 0 or a single element), else undefined. */
function scalarValue(editor: GraphEditor, writer: QdqWriter, name: string): number | undefined {
  if (!editor.initializer(name)) return undefined;
  const values = writer.floatValues(name);
  return values?.length === 1 ? values[0] : undefined;
}

function foldScale(editor: GraphEditor, writer: QdqWriter, scaling: NodeProto): boolean {
  // Mul commutes: its constant may come first. Div's divisor is its second input.
  const constantFirst = scaling.opType === 'Mul' && scalarValue(editor, writer, scaling.input[0] ?? '') !== undefined;
  const [product, constant] = constantFirst ? [scaling.input[1], scaling.input[0]] : [scaling.input[0], scaling.input[1]];
  if (!product || !constant || editor.isGraphOutput(product)) return false;
  const c = scalarValue(editor, writer, constant);
  if (c === undefined || !(c > 0) || !Number.isFinite(c)) return false;
  const factor = scaling.opType === 'Div' ? 1 / c : c;
  const matmul = editor.producer(product);
  if (matmul?.opType !== 'MatMul' || !isDefaultDomain(matmul) || editor.consumers(product).length !== 1) return false;
  // Both inputs in int8, or ONNX Runtime would not fuse the MatMul and nothing is saved.
  const [left, right] = [activationDequantizer(editor, matmul.input[0] ?? ''), editor.producer(matmul.input[1] ?? '')];
  if (!left || right?.opType !== 'DequantizeLinear' || left.attribute.some((a) => a.name === 'axis')) return false;
  const scale = scalarValue(editor, writer, left.input[1] ?? '');
  if (scale === undefined || !Number.isFinite(scale * factor) || !(scale * factor > 0)) return false;
  const e = editor;
  const scaled = e.uniqueName(`${left.input[1]}_times_${scaling.name || scaling.opType}`);
  const output = e.uniqueName(`${left.output[0]}_scaled`);
  e.addInitializer(makeTensor(scaled, DataType.FLOAT, [], Float32Array.of(scale * factor)));
  e.graph.node.push(makeNode('DequantizeLinear', [left.input[0]!, scaled, ...left.input.slice(2)], [output], { name: e.uniqueName(`${left.name}_scaled`) }));
  matmul.input[0] = output;
  // The MatMul writes what the scaling node wrote; the scaling node goes.
  matmul.output[0] = scaling.output[0]!;
  e.removeNodes([scaling]);
  e.invalidate();
  return true;
}

/** A scalar initializer's type and bytes, to compare two parameters by value; undefined for anything else. */
function scalarBytes(editor: GraphEditor, writer: QdqWriter, name: string | undefined): string | undefined {
  const t = name ? editor.initializer(name) : undefined;
  if (!t || t.dims.reduce((a, b) => a * Number(b), 1) !== 1) return undefined;
  return `${t.dataType}:${Buffer.from(writer.tensorBytes(t)).toString('hex')}`;
}

/**
 * DQ → pass-through op → Q with the same parameters becomes the op on the integers, as ONNX
 * Runtime's DropQDQNodesRules would make it at load. Written out here because ONNX Runtime 1.30
 * does not always get there: after its transpose optimizer has moved a Transpose through the
 * Gathers behind it (a QKV split), a DequantizeLinear → QuantizeLinear pair stayed in the graph
 * it ran, per attention block.
 */
function runOnIntegers(editor: GraphEditor, writer: QdqWriter, node: NodeProto): boolean {
  if (!isPassThrough(node) || node.output.length !== 1) return false;
  const dq = activationDequantizer(editor, node.input[0] ?? '');
  const output = node.output[0]!;
  const readers = editor.consumers(output);
  const q = readers.length === 1 ? readers[0]! : undefined;
  if (!dq || q?.opType !== 'QuantizeLinear' || q.input[0] !== output || editor.isGraphOutput(output) || dq.attribute.length || q.attribute.length) return false;
  const same = (a: string | undefined, b: string | undefined) => {
    if (a === b) return true;
    const bytes = scalarBytes(editor, writer, a);
    return bytes !== undefined && bytes === scalarBytes(editor, writer, b);
  };
  if (!same(dq.input[1], q.input[1]) || !same(dq.input[2], q.input[2])) return false;
  node.input[0] = dq.input[0]!;
  node.output[0] = q.output[0]!;
  editor.removeNodes([q]);
  return true;
}

/**
 * Applies the trims to the ONNX Runtime flavour once its Q/DQ pairs and kernel rewrites are in.
 * DequantizeLinear nodes left unread are the caller's to remove.
 */
export function trimOrtGraph(editor: GraphEditor, writer: QdqWriter): OrtTrims {
  const trims: OrtTrims = { shapeReaders: [], foldedScales: [], onIntegers: [] };
  for (const n of [...editor.graph.node]) {
    if (!isDefaultDomain(n)) continue;
    if (SHAPE_READERS.has(n.opType) && readIntegers(editor, n)) trims.shapeReaders.push(n.name);
    else if ((n.opType === 'Mul' || n.opType === 'Div') && foldScale(editor, writer, n)) trims.foldedScales.push(n.name);
  }
  // Chains (Reshape → Transpose → Gather) go one link per pass: the next op's DequantizeLinear
  // reads integers the previous op now writes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of [...editor.graph.node]) {
      if (isDefaultDomain(n) && runOnIntegers(editor, writer, n)) {
        trims.onIntegers.push(n.name);
        changed = true;
      }
    }
  }
  return trims;
}
