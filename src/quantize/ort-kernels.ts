/**
 * Two rewrites of the ONNX Runtime flavour that give the same numbers through the int8 kernels
 * ONNX Runtime's CPU provider runs fast. Both are exact (the weights and activation parameters do
 * not change; a mean over H×W becomes a convolution whose integer weights are all equal), and
 * neither touches the TensorRT flavour, whose builder picks its own kernels.
 *
 * - A convolution with one input channel (a grayscale stem: Conv 1→M, stride 1) reaches MLAS's
 *   int8 path as im2col and a GEMM whose reduction is only kh×kw (9) long. Measured on glyphmobile
 *   (ONNX Runtime 1.32, 2 threads, batch 32), its QLinearConv took 0.84 ms against the float
 *   convolution's 0.22 ms. Its weights [M, 1, kh, kw] are already those of a depthwise
 *   convolution over M copies of the input, so the quantized input is tiled to M channels (a Tile
 *   of uint8, before its DequantizeLinear) and the node gets group = M: ONNX Runtime's depthwise
 *   int8 kernel then does it in 0.28 ms, plus 0.03 ms for the Tile. Stride 1 only, where the tiled
 *   input is no larger than the output the convolution writes anyway, and at most 16 output
 *   channels (MAX_TILED_CHANNELS).
 *
 * - A GlobalAveragePool that ends the convolutional part (its output goes to Flatten, Reshape,
 *   Squeeze, Gemm or MatMul) is kept in channels-first layout by ONNX Runtime when the tensor it
 *   averages has two readers, as HardSwish's input has (x · HardSigmoid(x)): the layout optimizer
 *   does not push the channels-last convolution's Transpose through either, so the whole [N, C, H,
 *   W] tensor is transposed. On glyphmobile's head that Transpose took 0.29 ms of 6 ms at batch
 *   32. A depthwise convolution with an H×W kernel of 1/(H·W) is the same mean and stays channels
 *   last; the Transpose moves behind it, onto [N, C, 1, 1]. Only a pool of a product (HardSwish,
 *   a gate), and only where every input's non-batch dimensions are fixed in the model, so H and W
 *   hold on every run.
 */
import type { NodeProto } from 'onnx-buf';
import { attribute, node as makeNode } from '../model/build.js';
import { DataType } from '../model/dtypes.js';
import { makeTensor } from '../model/tensor.js';
import { intAttribute, intsAttribute } from './attributes.js';
import type { GraphEditor } from './graph.js';
import { isDefaultDomain } from './plan.js';

export interface KernelRewrites {
  /** Single-input-channel convolutions now depthwise over a tiled input. */
  tiled: string[];
  /** GlobalAveragePool nodes now depthwise convolutions (same name); their weights still need quantizing. */
  pools: NodeProto[];
}

/**
 * The widest stem tiled. The Tile and the Transpose ONNX Runtime puts behind it grow with the
 * output channels: at 16 (glyphmobile) the stem took a third of its time, at 48 (the demo's stem,
 * 28×28) the whole model ran 5% slower at batch 32 (bench/ort-kernels.ts).
 */
const MAX_TILED_CHANNELS = 16;

/** The ops after which a pooled [N, C, 1, 1] tensor has left the channels-last chain. */
const LEAVES_SPATIAL = new Set(['Flatten', 'Reshape', 'Squeeze', 'Gemm', 'MatMul']);

/** The DequantizeLinear that writes `tensor` (its integers, scale and zero point are its inputs); undefined for anything else. */
export function dequantized(editor: GraphEditor, tensor: string): NodeProto | undefined {
  const dq = editor.producer(tensor);
  return dq?.opType === 'DequantizeLinear' && dq.input.length >= 2 ? dq : undefined;
}

function tileSingleChannelConv(editor: GraphEditor, conv: NodeProto): boolean {
  // applyPlan quantizes weights after this rewrite, so the weight is a float initializer here; one
  // that arrives behind a DequantizeLinear already is read through it.
  const weightDq = dequantized(editor, conv.input[1] ?? '');
  const weight = editor.initializer(conv.input[1] ?? '') ?? (weightDq && editor.initializer(weightDq.input[0]!));
  const dims = weight?.dims.map(Number);
  if (!dims || dims.length !== 4 || dims[1] !== 1 || dims[0]! < 2 || dims[0]! > MAX_TILED_CHANNELS) return false;
  if (intAttribute(conv, 'group', 1) !== 1) return false;
  if ((intsAttribute(conv, 'strides') ?? [1, 1]).some((s) => s !== 1)) return false;
  const inputDq = dequantized(editor, conv.input[0] ?? '');
  if (!inputDq) return false;
  const channels = dims[0]!;
  const e = editor;
  const repeats = e.uniqueName(`${conv.name || 'Conv'}_tile_repeats`);
  e.addInitializer(makeTensor(repeats, DataType.INT64, [4], BigInt64Array.from([1n, BigInt(channels), 1n, 1n])));
  const tiled = e.uniqueName(`${inputDq.input[0]}_tiled`);
  const tiledDq = e.uniqueName(`${conv.input[0]}_tiled`);
  // The Tile reads the integers, so it moves a quarter of the bytes a float Tile would.
  e.graph.node.push(makeNode('Tile', [inputDq.input[0]!, repeats], [tiled], { name: e.uniqueName(`${conv.name || 'Conv'}_tile`) }));
  e.graph.node.push(makeNode('DequantizeLinear', [tiled, ...inputDq.input.slice(1)], [tiledDq], { name: e.uniqueName(`${inputDq.name}_tiled`) }));
  conv.input[0] = tiledDq;
  conv.attribute = [...conv.attribute.filter((a) => a.name !== 'group'), attribute('group', channels)];
  e.invalidate();
  return true;
}

/** The readers of `tensor` once its Q→DQ pair is stepped over. */
function readersPastQdq(editor: GraphEditor, tensor: string): NodeProto[] {
  return editor.consumers(tensor).flatMap((q) => (q.opType === 'QuantizeLinear' ? editor.consumers(q.output[0]!).flatMap((dq) => (dq.opType === 'DequantizeLinear' ? editor.consumers(dq.output[0]!) : [dq])) : [q]));
}

function poolAsConv(editor: GraphEditor, pool: NodeProto, dims: ReadonlyMap<string, readonly number[]>): NodeProto | undefined {
  const inputDq = dequantized(editor, pool.input[0] ?? '');
  // The probe saw the float tensor, the one the QuantizeLinear in front of this DQ reads.
  const q = inputDq && editor.producer(inputDq.input[0]!);
  const observed = q?.opType === 'QuantizeLinear' ? dims.get(q.input[0]!) : undefined;
  if (!observed || observed.length !== 4) return undefined;
  // A product of two activations (x · HardSigmoid(x), a gate): the case ONNX Runtime leaves
  // channels-first. After a single-reader chain (ResNet's Add → Relu) it moves the Transpose behind
  // the mean itself, and the convolution would cost more than its mean (ResNet50 at batch 1:
  // 0.074 against 0.026 ms).
  const product = editor.producer(q!.input[0]!);
  if (product?.opType !== 'Mul' || product.input.some((i) => editor.initializer(i) !== undefined)) return undefined;
  const output = pool.output[0]!;
  // Quantized output (the plan gave it a Q), read only where the spatial part has ended.
  if (!editor.consumers(output).some((n) => n.opType === 'QuantizeLinear')) return undefined;
  const readers = readersPastQdq(editor, output);
  if (readers.length === 0 || !readers.every((r) => LEAVES_SPATIAL.has(r.opType))) return undefined;
  const [, channels, height, width] = observed as [number, number, number, number];
  if (!(channels > 0 && height > 0 && width > 0)) return undefined;
  const e = editor;
  const weight = e.uniqueName(`${pool.name || 'GlobalAveragePool'}_mean_weight`);
  e.addInitializer(makeTensor(weight, DataType.FLOAT, [channels, 1, height, width], new Float32Array(channels * height * width).fill(1 / (height * width))));
  const conv = makeNode('Conv', [pool.input[0]!, weight], [output], {
    name: pool.name,
    attributes: { group: channels, kernel_shape: [height, width] },
  });
  e.graph.node.splice(e.graph.node.indexOf(pool), 1, conv);
  e.invalidate();
  return conv;
}

/**
 * Applies both rewrites to the ONNX Runtime flavour once its activations have their Q/DQ pairs.
 * `dims` are the shapes the probe saw (batch first); pools are rewritten only when
 * `fixedSpatial` says those shapes hold for every run.
 */
export function fitOrtKernels(editor: GraphEditor, dims: ReadonlyMap<string, readonly number[]>, fixedSpatial: boolean): KernelRewrites {
  const rewrites: KernelRewrites = { tiled: [], pools: [] };
  for (const n of [...editor.graph.node]) {
    if (!isDefaultDomain(n)) continue;
    if (n.opType === 'Conv' && tileSingleChannelConv(editor, n)) rewrites.tiled.push(n.name);
    if (n.opType === 'GlobalAveragePool' && fixedSpatial) {
      const pooled = poolAsConv(editor, n, dims);
      if (pooled) rewrites.pools.push(pooled);
    }
  }
  return rewrites;
}
