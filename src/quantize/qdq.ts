/**
 * Writing QuantizeLinear/DequantizeLinear into a graph: a Q→DQ pair on an activation (readers
 * switched to the DQ output), and weights or biases replaced by an integer initializer behind a
 * DequantizeLinear. Zero points are always explicit: a QuantizeLinear without one outputs uint8,
 * which TensorRT reads as "not int8".
 *
 * The float type of scales and DQ outputs is a parameter so that the same writer can emit the
 * float16 variant TensorRT 11 needs (its precision comes only from the model's types); float16
 * scales need opset 19.
 */
import type { NodeProto, TensorProto } from 'onnx-buf';
import { node as makeNode } from '../model/build.js';
import { DataType } from '../model/dtypes.js';
import type { OnnxModel } from '../model/model.js';
import { floatToHalf, makeTensor, toFloat32 } from '../model/tensor.js';
import { renameInNode, type GraphEditor } from './graph.js';
import { asymmetricUint8, quantizeBias, quantizeWeightsPerChannel, quantizeWeightsPerTensor, roundHalfEven, type ActivationParams, type WeightQuantization } from './params.js';

export type ScaleType = typeof DataType.FLOAT | typeof DataType.FLOAT16;

export class QdqWriter {
  /** Weights already quantized, by "name|axis|qmax", so a shared weight gets one DQ. */
  private readonly weights = new Map<string, { output: string; quantization: WeightQuantization }>();
  /** Activations already quantized: tensor → DQ output. */
  readonly activations = new Map<string, { dq: string; params: ActivationParams }>();

  constructor(
    private readonly editor: GraphEditor,
    private readonly model: OnnxModel,
    private readonly scaleType: ScaleType = DataType.FLOAT,
  ) {}

  private scaleTensor(name: string, scales: Float32Array | number[], dims: number[]): TensorProto {
    return this.scaleType === DataType.FLOAT16
      ? makeTensor(name, DataType.FLOAT16, dims, Uint16Array.from(scales, floatToHalf))
      : makeTensor(name, DataType.FLOAT, dims, Float32Array.from(scales));
  }

  private zeroPoint(name: string, type: 'int8' | 'uint8', values: number[], dims: number[]): TensorProto {
    return type === 'int8' ? makeTensor(name, DataType.INT8, dims, Int8Array.from(values)) : makeTensor(name, DataType.UINT8, dims, Uint8Array.from(values));
  }

  /**
   * Puts a Q→DQ pair on `tensor` and makes its readers read the DQ output, except the nodes in
   * `keepFloat` (excluded nodes read the float tensor). Returns the DQ output's name. A tensor
   * quantized twice keeps its first parameters.
   */
  quantizeActivation(tensor: string, params: ActivationParams, keepFloat: ReadonlySet<NodeProto> = new Set()): string {
    const done = this.activations.get(tensor);
    if (done) return done.dq;
    const readers = this.editor.consumers(tensor).filter((n) => !keepFloat.has(n));
    const dq = this.qdqPair(tensor, params);
    for (const reader of readers) renameInNode(reader, tensor, dq);
    this.editor.invalidate();
    this.activations.set(tensor, { dq, params });
    return dq;
  }

  /**
   * Adds a Q→DQ pair reading `tensor` without switching any reader to it: the caller decides who
   * reads the quantized value (the sensitivity graph feeds it to a copy of one node only).
   */
  qdqPair(tensor: string, params: ActivationParams): string {
    const e = this.editor;
    const scale = e.uniqueName(`${tensor}_scale`);
    const zero = e.uniqueName(`${tensor}_zero_point`);
    const quantized = e.uniqueName(`${tensor}_quantized`);
    const dq = e.uniqueName(`${tensor}_dequantized`);
    e.addInitializer(this.scaleTensor(scale, [params.scale], []));
    e.addInitializer(this.zeroPoint(zero, params.type, [params.zeroPoint], []));
    const q = makeNode('QuantizeLinear', [tensor, scale, zero], [quantized], { name: e.uniqueName(`${tensor}_QuantizeLinear`) });
    const d = makeNode('DequantizeLinear', [quantized, scale, zero], [dq], { name: e.uniqueName(`${tensor}_DequantizeLinear`) });
    e.graph.node.push(q, d);
    e.invalidate();
    return dq;
  }

  /**
   * A second DequantizeLinear of an activation already quantized, reading the same integers and
   * zero point with the scale multiplied by `factor` (> 0): `factor` × the value, which costs
   * nothing where ONNX Runtime fuses the DequantizeLinear into its reader.
   */
  rescaledDequantize(tensor: string, factor: number): string {
    const done = this.activations.get(tensor);
    const dq = done && this.editor.producer(done.dq);
    if (!done || !dq || !(factor > 0)) throw new Error(`rescaledDequantize: '${tensor}' is not a quantized activation, or factor ${factor} is not positive`);
    const e = this.editor;
    const scale = e.uniqueName(`${tensor}_scale_rescaled`);
    const output = e.uniqueName(`${tensor}_dequantized_rescaled`);
    e.addInitializer(this.scaleTensor(scale, [done.params.scale * factor], []));
    e.graph.node.push(makeNode('DequantizeLinear', [dq.input[0]!, scale, dq.input[2]!], [output], { name: e.uniqueName(`${tensor}_DequantizeLinear_rescaled`) }));
    e.invalidate();
    return output;
  }

  /** A scalar constant as a DequantizeLinear of one uint8 (255 steps of |value|/255, so it is exact). */
  dequantizedConstant(base: string, value: number): string {
    // value = scale × (q − zero): 255 × (v/255) for v > 0, (0 − 255) × (|v|/255) for v < 0.
    const step = value === 0 ? 1 : Math.abs(value) / 255;
    return this.dequantizedInitializer(base, (n) => [makeTensor(n.ints, DataType.UINT8, [], Uint8Array.of(value > 0 ? 255 : 0)), this.scaleTensor(n.scale, [step], []), this.zeroPoint(n.zero, 'uint8', [value < 0 ? 255 : 0], [])]);
  }

  /** An initializer's bytes, wherever the model keeps them (external data read by position). */
  tensorBytes(tensor: TensorProto): Uint8Array {
    return this.model.tensorBytes(tensor);
  }

  /**
   * Replaces input `index` of `node` (a float32 constant) by uint8 values behind a DequantizeLinear,
   * per tensor over [min(0, lowest), max(0, highest)]: what a QLinearAdd reads for a constant.
   */
  quantizeConstant(node: NodeProto, index: number): void {
    const name = node.input[index]!;
    const t = this.editor.initializer(name)!;
    const values = this.floatValues(name)!;
    let lo = 0;
    let hi = 0;
    for (const v of values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const p = asymmetricUint8(lo, hi);
    const ints = Uint8Array.from(values, (v) => Math.min(255, Math.max(0, roundHalfEven(v / p.scale) + p.zeroPoint)));
    node.input[index] = this.dequantizedInitializer(name, (n) => [makeTensor(n.ints, DataType.UINT8, t.dims.map(Number), ints), this.scaleTensor(n.scale, [p.scale], []), this.zeroPoint(n.zero, 'uint8', [p.zeroPoint], [])]);
    this.editor.invalidate();
  }

  /** The float32 values of an initializer (external data read by position). */
  floatValues(name: string): Float32Array | undefined {
    const t = this.editor.initializer(name);
    if (!t || t.dataType !== DataType.FLOAT) return undefined;
    return toFloat32(DataType.FLOAT, this.model.tensorBytes(t));
  }

  /**
   * Replaces input `index` of `node` (a float32 initializer) by int8 values behind a
   * DequantizeLinear: per channel along `axis`, or per tensor when `axis` is null.
   */
  quantizeWeight(node: NodeProto, index: number, axis: number | null, qmax: number): WeightQuantization {
    const name = node.input[index]!;
    const key = `${name}|${axis}|${qmax}`;
    const cached = this.weights.get(key);
    if (cached) {
      node.input[index] = cached.output;
      this.editor.invalidate();
      return cached.quantization;
    }
    const t = this.editor.initializer(name)!;
    const values = this.floatValues(name)!;
    const dims = t.dims.map(Number);
    const quantization = axis === null ? quantizeWeightsPerTensor(values, qmax) : quantizeWeightsPerChannel(values, dims, axis, qmax);
    const perChannel = axis !== null;
    const scaleDims = perChannel ? [quantization.scales.length] : [];
    const output = this.dequantizedInitializer(
      name,
      (n) => [makeTensor(n.ints, DataType.INT8, dims, quantization.values), this.scaleTensor(n.scale, quantization.scales, scaleDims), this.zeroPoint(n.zero, 'int8', new Array(perChannel ? quantization.scales.length : 1).fill(0), scaleDims)],
      perChannel ? axis : undefined,
    );
    node.input[index] = output;
    this.editor.invalidate();
    this.weights.set(key, { output, quantization });
    return quantization;
  }

  /**
   * Replaces the float bias at input `index` by int32 values (scale = input scale × weight scale
   * per channel, zero point 0) behind a DequantizeLinear, as ONNX Runtime's QLinearConv and QGemm
   * take them.
   */
  quantizeBias(node: NodeProto, index: number, inputScale: number, weightScales: Float32Array): void {
    const name = node.input[index]!;
    const values = this.floatValues(name);
    if (!values) return;
    const { values: ints, scales } = quantizeBias(values, inputScale, weightScales);
    node.input[index] = this.dequantizedInitializer(
      name,
      (n) => [makeTensor(n.ints, DataType.INT32, [ints.length], ints), this.scaleTensor(n.scale, scales, [scales.length]), makeTensor(n.zero, DataType.INT32, [ints.length], new Int32Array(ints.length))],
      0,
    );
    this.editor.invalidate();
  }

  /**
   * Integers behind a DequantizeLinear: the initializers `make` builds under the names
   * `<base>_quantized`, `_scale` and `_zero_point`, and the DequantizeLinear reading them (with
   * `axis` where given). Returns the DequantizeLinear's output.
   */
  private dequantizedInitializer(base: string, make: (names: { ints: string; scale: string; zero: string }) => TensorProto[], axis?: number): string {
    const e = this.editor;
    const names = { ints: e.uniqueName(`${base}_quantized`), scale: e.uniqueName(`${base}_scale`), zero: e.uniqueName(`${base}_zero_point`) };
    const output = e.uniqueName(`${base}_dequantized`);
    for (const tensor of make(names)) e.addInitializer(tensor);
    e.graph.node.push(makeNode('DequantizeLinear', [names.ints, names.scale, names.zero], [output], { name: e.uniqueName(`${base}_DequantizeLinear`), ...(axis !== undefined ? { attributes: { axis } } : {}) }));
    e.invalidate();
    return output;
  }
}
