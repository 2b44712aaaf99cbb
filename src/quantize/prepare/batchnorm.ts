/**
 * BatchNormalization folded into the Conv (or ConvTranspose) before it. Weights must be quantized
 * after folding: quantizing the Conv's weights and then scaling by BN's per-channel factor would
 * quantize the wrong values (and TensorRT and ONNX Runtime fold BN before they quantize too).
 */
import type { NodeProto } from 'onnx-buf';
import { DataType } from '../../model/dtypes.js';
import { makeTensor, toFloat32 } from '../../model/tensor.js';
import type { OnnxModel } from '../../model/model.js';
import type { GraphEditor } from '../graph.js';
import { intAttribute, floatAttribute } from '../attributes.js';

/** Folds every foldable Conv→BatchNormalization pair; returns how many. */
export function foldBatchNorms(editor: GraphEditor, model: OnnxModel): number {
  const graph = editor.graph;
  const folded: NodeProto[] = [];
  const floatWeights = (name: string | undefined) => {
    const t = name ? editor.initializer(name) : undefined;
    return t && t.dataType === DataType.FLOAT ? toFloat32(DataType.FLOAT, model.tensorBytes(t)) : undefined;
  };
  for (const bn of graph.node) {
    if (bn.opType !== 'BatchNormalization' || (bn.domain !== '' && bn.domain !== 'ai.onnx')) continue;
    // Training-mode BN (extra outputs, or training_mode=1) is not a fixed affine map.
    if (bn.output.filter(Boolean).length !== 1 || intAttribute(bn, 'training_mode', 0) !== 0) continue;
    const conv = editor.producer(bn.input[0]!);
    if (!conv || (conv.opType !== 'Conv' && conv.opType !== 'ConvTranspose') || (conv.domain !== '' && conv.domain !== 'ai.onnx')) continue;
    const convOut = conv.output[0]!;
    if (editor.consumers(convOut).length !== 1 || editor.isGraphOutput(convOut)) continue;
    const weightTensor = editor.initializer(conv.input[1]!);
    const w = floatWeights(conv.input[1]);
    const gamma = floatWeights(bn.input[1]);
    const beta = floatWeights(bn.input[2]);
    const mean = floatWeights(bn.input[3]);
    const variance = floatWeights(bn.input[4]);
    if (!weightTensor || !w || !gamma || !beta || !mean || !variance) continue;
    const bias = conv.input[2] ? floatWeights(conv.input[2]) : new Float32Array(gamma.length);
    if (!bias) continue;
    const epsilon = floatAttribute(bn, 'epsilon', 1e-5);
    const dims = weightTensor.dims.map(Number);
    const channels = gamma.length;
    const factor = Float32Array.from(gamma, (g, c) => g / Math.sqrt(variance[c]! + epsilon));
    const scaled = new Float32Array(w.length);
    if (conv.opType === 'Conv') {
      // W: [out, in/group, k...]; output channel is axis 0.
      if (dims[0] !== channels) continue;
      const per = w.length / channels;
      for (let i = 0; i < w.length; i++) scaled[i] = w[i]! * factor[Math.floor(i / per)]!;
    } else {
      // W: [in, out/group, k...]; output channel = group * (out/group) + axis-1 index.
      const group = intAttribute(conv, 'group', 1);
      const outPerGroup = dims[1]!;
      const inChannels = dims[0]!;
      if (outPerGroup * group !== channels) continue;
      const kernel = w.length / (inChannels * outPerGroup);
      const inPerGroup = inChannels / group;
      for (let i = 0; i < w.length; i++) {
        const ic = Math.floor(i / (outPerGroup * kernel));
        const oc = Math.floor(i / kernel) % outPerGroup;
        scaled[i] = w[i]! * factor[Math.floor(ic / inPerGroup) * outPerGroup + oc]!;
      }
    }
    const newBias = Float32Array.from(factor, (f, c) => (bias[c]! - mean[c]!) * f + beta[c]!);
    const weightName = editor.uniqueName(`${conv.input[1]}_bn_folded`);
    const biasName = editor.uniqueName(`${conv.name || convOut}_bias_bn_folded`);
    editor.addInitializer(makeTensor(weightName, DataType.FLOAT, dims, scaled));
    editor.addInitializer(makeTensor(biasName, DataType.FLOAT, [channels], newBias));
    conv.input = [conv.input[0]!, weightName, biasName];
    conv.output = [bn.output[0]!];
    folded.push(bn);
  }
  editor.removeNodes(folded);
  editor.dropUnusedInitializers();
  return folded.length;
}
