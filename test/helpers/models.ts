/** Small fixture models built in code, for tests that need a model of a particular shape. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, StringStringEntryProtoSchema, TensorProto_DataLocation, TensorProto_DataType as DataType, type ModelProto, type TensorProto } from 'onnx-buf';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { cloneModel } from '../../src/model/clone.ts';
import { makeTensor } from '../../src/model/tensor.ts';
import { Rng } from '../../src/random.ts';

/** A seeded uniform generator in [0, 1), so fixtures are the same on every run. */
export function seeded(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.uniform();
}

/** Gemm classifier: [batch, inputs] → [batch, classes], weights of `weightCount` float32s. */
export function gemmModel(options: { inputs?: number; classes?: number; irVersion?: number; opset?: number } = {}): ModelProto {
  const inputs = options.inputs ?? 8;
  const classes = options.classes ?? 4;
  const random = seeded(7);
  return model(
    graph({
      nodes: [node('Gemm', ['x', 'w', 'b'], ['y'], { name: 'fc', attributes: { transB: 1 } })],
      inputs: [valueInfo('x', DataType.FLOAT, ['batch', inputs])],
      outputs: [valueInfo('y', DataType.FLOAT, ['batch', classes])],
      initializers: [
        makeTensor('w', DataType.FLOAT, [classes, inputs], Float32Array.from({ length: classes * inputs }, () => random() - 0.5)),
        makeTensor('b', DataType.FLOAT, [classes], Float32Array.from({ length: classes }, () => random() - 0.5)),
      ],
    }),
    { irVersion: options.irVersion ?? 8, opsets: { '': options.opset ?? 17 } },
  );
}

/** A model with one large (≥ 64 KiB) initializer, so encoding takes the streaming path. */
export function largeWeightModel(elements = 1 << 16): ModelProto {
  const random = seeded(3);
  return model(
    graph({
      nodes: [node('Add', ['x', 'w'], ['y'], { name: 'add' })],
      inputs: [valueInfo('x', DataType.FLOAT, [elements])],
      outputs: [valueInfo('y', DataType.FLOAT, [elements])],
      initializers: [makeTensor('w', DataType.FLOAT, [elements], Float32Array.from({ length: elements }, random))],
    }),
  );
}

/**
 * Writes gemmModel to `folder`/model.onnx with its weight `w` stored as external data at
 * `location` (offset and length as given); the data file itself is the caller's to make.
 */
export function modelWithExternalWeight(folder: string, location: string, offset = 0, length?: number): string {
  mkdirSync(folder, { recursive: true });
  const m = gemmModel();
  const w = m.graph!.initializer[0]!;
  w.rawData = new Uint8Array();
  w.dataLocation = TensorProto_DataLocation.EXTERNAL;
  w.externalData = [
    create(StringStringEntryProtoSchema, { key: 'location', value: location }),
    create(StringStringEntryProtoSchema, { key: 'offset', value: String(offset) }),
    ...(length !== undefined ? [create(StringStringEntryProtoSchema, { key: 'length', value: String(length) })] : []),
  ];
  const path = join(folder, 'model.onnx');
  writeFileSync(path, toBinary(ModelProtoSchema, m));
  return path;
}

function normalWeights(random: () => number, n: number, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => (random() - 0.5) * 2 * scale);
}

/** A Conv's weight (scaled by 1/√fan-in) and bias initializers, drawn from `random`, onto `init`. */
function convInitializers(init: TensorProto[], random: () => number, name: string, cin: number, cout: number, k: number, options: { group?: number; biasScale?: number } = {}): void {
  const group = options.group ?? 1;
  init.push(makeTensor(`${name}.weight`, DataType.FLOAT, [cout, cin / group, k, k], normalWeights(random, (cout * cin * k * k) / group, 1 / Math.sqrt((cin / group) * k * k))));
  init.push(makeTensor(`${name}.bias`, DataType.FLOAT, [cout], normalWeights(random, cout, options.biasScale ?? 0.1)));
}

/**
 * A small residual CNN as exporters write it: Conv→BatchNormalization→Relu, a second Conv→BN
 * added to the block's input (residual Add), Relu, MaxPool, a 1x1 Conv, GlobalAveragePool,
 * Flatten, Gemm. Input [batch, 3, 16, 16] → logits [batch, 10]. Opset and IR as given.
 */
export function smallCnn(options: { opset?: number; irVersion?: number; withSoftmax?: boolean } = {}): ModelProto {
  const random = seeded(11);
  const init: ReturnType<typeof makeTensor>[] = [];
  const conv = (name: string, cin: number, cout: number, k: number) => convInitializers(init, random, name, cin, cout, k);
  const bn = (name: string, c: number) => {
    init.push(makeTensor(`${name}.scale`, DataType.FLOAT, [c], Float32Array.from({ length: c }, () => 0.5 + random())));
    init.push(makeTensor(`${name}.B`, DataType.FLOAT, [c], normalWeights(random, c, 0.2)));
    init.push(makeTensor(`${name}.mean`, DataType.FLOAT, [c], normalWeights(random, c, 0.3)));
    init.push(makeTensor(`${name}.var`, DataType.FLOAT, [c], Float32Array.from({ length: c }, () => 0.5 + random())));
  };
  conv('conv1', 3, 8, 3);
  bn('bn1', 8);
  conv('conv2', 8, 8, 3);
  bn('bn2', 8);
  conv('conv3', 8, 16, 1);
  init.push(makeTensor('fc.weight', DataType.FLOAT, [10, 16], normalWeights(random, 160, 0.25)));
  init.push(makeTensor('fc.bias', DataType.FLOAT, [10], normalWeights(random, 10, 0.1)));
  const pads = { pads: [1, 1, 1, 1], kernel_shape: [3, 3] };
  const nodes = [
    node('Conv', ['input', 'conv1.weight', 'conv1.bias'], ['c1'], { name: '/conv1/Conv', attributes: pads }),
    node('BatchNormalization', ['c1', 'bn1.scale', 'bn1.B', 'bn1.mean', 'bn1.var'], ['b1'], { name: '/bn1/BatchNormalization' }),
    node('Relu', ['b1'], ['r1'], { name: '/relu1/Relu' }),
    node('Conv', ['r1', 'conv2.weight', 'conv2.bias'], ['c2'], { name: '/conv2/Conv', attributes: pads }),
    node('BatchNormalization', ['c2', 'bn2.scale', 'bn2.B', 'bn2.mean', 'bn2.var'], ['b2'], { name: '/bn2/BatchNormalization' }),
    node('Add', ['b2', 'r1'], ['sum'], { name: '/add/Add' }),
    node('Relu', ['sum'], ['r2'], { name: '/relu2/Relu' }),
    node('MaxPool', ['r2'], ['p'], { name: '/pool/MaxPool', attributes: { kernel_shape: [2, 2], strides: [2, 2] } }),
    node('Conv', ['p', 'conv3.weight', 'conv3.bias'], ['c3'], { name: '/conv3/Conv', attributes: { kernel_shape: [1, 1] } }),
    node('Relu', ['c3'], ['r3'], { name: '/relu3/Relu' }),
    node('GlobalAveragePool', ['r3'], ['g'], { name: '/gap/GlobalAveragePool' }),
    node('Flatten', ['g'], ['f'], { name: '/flatten/Flatten', attributes: { axis: 1 } }),
    node('Gemm', ['f', 'fc.weight', 'fc.bias'], [options.withSoftmax ? 'logits' : 'output'], { name: '/fc/Gemm', attributes: { transB: 1 } }),
  ];
  if (options.withSoftmax) nodes.push(node('Softmax', ['logits'], ['output'], { name: '/softmax/Softmax', attributes: { axis: 1 } }));
  return model(
    graph({
      name: 'small_cnn',
      nodes,
      inputs: [valueInfo('input', DataType.FLOAT, ['batch', 3, 16, 16])],
      outputs: [valueInfo('output', DataType.FLOAT, ['batch', 10])],
      initializers: init,
    }),
    { irVersion: options.irVersion ?? 8, opsets: { '': options.opset ?? 17 } },
  );
}

/**
 * A small vision transformer with the ops float16 handles with care: patch Conv, a learned
 * position embedding, LayerNormalization, two-head self-attention (MatMul of activations, a Div by
 * a constant, an additive causal mask of -1e9 that float16 cannot hold, Softmax), a LayerNorm
 * written out as exporters of opset < 17 do (ReduceMean, Sub, Pow, Add of a 1e-12 epsilon, Sqrt,
 * Div), a GELU MLP written out (Div, Erf, Add, Mul), a mean over tokens and a Gemm head.
 * Input [batch, 1, 16, 16] → logits [batch, 10]; opset 17.
 */
export function smallTransformer(): ModelProto {
  const random = seeded(29);
  const dim = 32;
  const tokens = 16;
  const init: ReturnType<typeof makeTensor>[] = [];
  const weight = (name: string, dims: number[], scale: number) => init.push(makeTensor(name, DataType.FLOAT, dims, normalWeights(random, dims.reduce((a, b) => a * b, 1), scale)));
  const constant = (name: string, dims: number[], values: number[]) => init.push(makeTensor(name, DataType.FLOAT, dims, Float32Array.from(values)));
  const ints = (name: string, values: number[]) => init.push(makeTensor(name, DataType.INT64, [values.length], BigInt64Array.from(values.map(BigInt))));
  weight('patch.weight', [dim, 1, 4, 4], 0.5);
  weight('patch.bias', [dim], 0.1);
  weight('position', [1, tokens, dim], 0.2);
  constant('ln1.scale', [dim], Array.from({ length: dim }, () => 0.8 + 0.4 * random()));
  weight('ln1.bias', [dim], 0.1);
  for (const m of ['q', 'k', 'v', 'o']) weight(`att.${m}`, [dim, dim], 1 / Math.sqrt(dim));
  weight('mlp.up', [dim, 2 * dim], 1 / Math.sqrt(dim));
  weight('mlp.down', [2 * dim, dim], 1 / Math.sqrt(2 * dim));
  constant('ln2.gamma', [dim], Array.from({ length: dim }, () => 0.8 + 0.4 * random()));
  weight('ln2.beta', [dim], 0.1);
  weight('head.weight', [10, dim], 1 / Math.sqrt(dim));
  weight('head.bias', [10], 0.1);
  // Causal mask: -1e9 above the diagonal, as exporters write it (beyond float16's ±65504).
  constant('mask', [tokens, tokens], Array.from({ length: tokens * tokens }, (_, i) => (i % tokens > Math.floor(i / tokens) ? -1e9 : 0)));
  constant('head_scale', [], [4]);
  constant('two', [], [2]);
  constant('epsilon', [], [1e-12]);
  constant('sqrt2', [], [Math.SQRT2]);
  constant('one', [], [1]);
  constant('half', [], [0.5]);
  ints('tokens_shape', [0, dim, tokens]);
  ints('heads_shape', [0, tokens, 2, dim / 2]);
  ints('merged_shape', [0, tokens, dim]);
  
  const n = node;
  const nodes = [
    n('Conv', ['image', 'patch.weight', 'patch.bias'], ['patches'], { name: '/patch/Conv', attributes: { kernel_shape: [4, 4], strides: [4, 4] } }),
    n('Reshape', ['patches', 'tokens_shape'], ['flat'], { name: '/patch/Reshape' }),
    n('Transpose', ['flat'], ['seq'], { name: '/patch/Transpose', attributes: { perm: [0, 2, 1] } }),
    n('Add', ['seq', 'position'], ['x0'], { name: '/position/Add' }),
    n('LayerNormalization', ['x0', 'ln1.scale', 'ln1.bias'], ['h'], { name: '/ln1/LayerNormalization', attributes: { axis: -1, epsilon: 1e-5 } }),
    ...['q', 'k', 'v'].map((m) => n('MatMul', ['h', `att.${m}`], [m], { name: `/att/${m}/MatMul` })),
    ...['q', 'k', 'v'].map((m) => n('Reshape', [m, 'heads_shape'], [`${m}_heads`], { name: `/att/${m}/Reshape` })),
    n('Transpose', ['q_heads'], ['qt'], { name: '/att/q/Transpose', attributes: { perm: [0, 2, 1, 3] } }),
    n('Transpose', ['k_heads'], ['kt'], { name: '/att/k/Transpose', attributes: { perm: [0, 2, 3, 1] } }),
    n('Transpose', ['v_heads'], ['vt'], { name: '/att/v/Transpose', attributes: { perm: [0, 2, 1, 3] } }),
    n('MatMul', ['qt', 'kt'], ['scores'], { name: '/att/scores/MatMul' }),
    n('Div', ['scores', 'head_scale'], ['scaled'], { name: '/att/Div' }),
    n('Add', ['scaled', 'mask'], ['masked'], { name: '/att/mask/Add' }),
    n('Softmax', ['masked'], ['probs'], { name: '/att/Softmax', attributes: { axis: -1 } }),
    n('MatMul', ['probs', 'vt'], ['context'], { name: '/att/context/MatMul' }),
    n('Transpose', ['context'], ['context_t'], { name: '/att/context/Transpose', attributes: { perm: [0, 2, 1, 3] } }),
    n('Reshape', ['context_t', 'merged_shape'], ['merged'], { name: '/att/merge/Reshape' }),
    n('MatMul', ['merged', 'att.o'], ['attended'], { name: '/att/o/MatMul' }),
    n('Add', ['x0', 'attended'], ['x1'], { name: '/att/residual/Add' }),
    // LayerNorm written out.
    n('ReduceMean', ['x1'], ['mean'], { name: '/ln2/ReduceMean', attributes: { axes: [-1] } }),
    n('Sub', ['x1', 'mean'], ['centred'], { name: '/ln2/Sub' }),
    n('Pow', ['centred', 'two'], ['squared'], { name: '/ln2/Pow' }),
    n('ReduceMean', ['squared'], ['variance'], { name: '/ln2/ReduceMean_1', attributes: { axes: [-1] } }),
    n('Add', ['variance', 'epsilon'], ['variance_eps'], { name: '/ln2/Add' }),
    n('Sqrt', ['variance_eps'], ['deviation'], { name: '/ln2/Sqrt' }),
    n('Div', ['centred', 'deviation'], ['normalized'], { name: '/ln2/Div' }),
    n('Mul', ['normalized', 'ln2.gamma'], ['scaled_norm'], { name: '/ln2/Mul' }),
    n('Add', ['scaled_norm', 'ln2.beta'], ['h2'], { name: '/ln2/Add_1' }),
    // GELU MLP written out.
    n('MatMul', ['h2', 'mlp.up'], ['up'], { name: '/mlp/up/MatMul' }),
    n('Div', ['up', 'sqrt2'], ['up_scaled'], { name: '/mlp/gelu/Div' }),
    n('Erf', ['up_scaled'], ['erf'], { name: '/mlp/gelu/Erf' }),
    n('Add', ['erf', 'one'], ['erf1'], { name: '/mlp/gelu/Add' }),
    n('Mul', ['up', 'erf1'], ['gated'], { name: '/mlp/gelu/Mul' }),
    n('Mul', ['gated', 'half'], ['gelu'], { name: '/mlp/gelu/Mul_1' }),
    n('MatMul', ['gelu', 'mlp.down'], ['down'], { name: '/mlp/down/MatMul' }),
    n('Add', ['x1', 'down'], ['x2'], { name: '/mlp/residual/Add' }),
    n('ReduceMean', ['x2'], ['pooled'], { name: '/pool/ReduceMean', attributes: { axes: [1], keepdims: 0 } }),
    n('Gemm', ['pooled', 'head.weight', 'head.bias'], ['logits'], { name: '/head/Gemm', attributes: { transB: 1 } }),
  ];
  return model(
    graph({
      name: 'small_transformer',
      nodes,
      inputs: [valueInfo('image', DataType.FLOAT, ['batch', 1, 16, 16])],
      outputs: [valueInfo('logits', DataType.FLOAT, ['batch', 10])],
      initializers: init,
    }),
    { irVersion: 8, opsets: { '': 17 } },
  );
}

/** How a model keeps its float weights: the forms exporters write (issue 10). */
export const WEIGHT_STORAGE = ['raw_data', 'float_data', 'external', 'Constant raw_data', 'Constant float_data', 'Constant external'] as const;
export type WeightStorage = (typeof WEIGHT_STORAGE)[number];

/**
 * Writes `proto` to `folder`/model.onnx with every float32 initializer stored as `storage` says:
 * in raw_data, in float_data (as onnx's helper.make_tensor writes by default), or in an external
 * data file `model.onnx.data` (float weights only, as onnx.save leaves small shape tensors
 * inline); as initializers or as the `value` of Constant nodes (tf2onnx's and Paddle2ONNX's
 * form). Returns the path.
 */
export function writeWithWeightStorage(proto: ModelProto, folder: string, storage: WeightStorage): string {
  const copy = cloneModel(proto);
  const g = copy.graph!;
  const floats = g.initializer.filter((t) => t.dataType === DataType.FLOAT);
  if (storage.includes('float_data')) {
    for (const t of floats) {
      t.floatData = Array.from(new Float32Array(new Uint8Array(t.rawData).buffer));
      // Unset, not empty: an exporter writing float_data writes no raw_data field at all.
      Reflect.deleteProperty(t, 'rawData');
    }
  }
  mkdirSync(folder, { recursive: true });
  const path = join(folder, 'model.onnx');
  if (storage.includes('external')) {
    const pieces: Uint8Array[] = [];
    let offset = 0;
    for (const t of floats) {
      pieces.push(t.rawData);
      t.dataLocation = TensorProto_DataLocation.EXTERNAL;
      t.externalData = [
        create(StringStringEntryProtoSchema, { key: 'location', value: 'model.onnx.data' }),
        create(StringStringEntryProtoSchema, { key: 'offset', value: String(offset) }),
        create(StringStringEntryProtoSchema, { key: 'length', value: String(t.rawData.byteLength) }),
      ];
      offset += t.rawData.byteLength;
      Reflect.deleteProperty(t, 'rawData');
    }
    writeFileSync(`${path}.data`, Buffer.concat(pieces));
  }
  if (storage.startsWith('Constant')) {
    g.initializer = g.initializer.filter((t) => t.dataType !== DataType.FLOAT);
    g.node = [...floats.map((t, i) => node('Constant', [], [t.name], { name: `Constant_${i}`, attributes: { value: t } })), ...g.node];
  }
  writeFileSync(path, toBinary(ModelProtoSchema, copy));
  return path;
}

/**
 * A chain of MatMul → Relu pairs whose node names (and the input and output names) are the
 * strings given: [batch, 8] → [batch, 8]. For tests of text that comes from a model and must stay
 * inert wherever it is shown (report, logs, flags).
 */
export function namedChain(names: readonly string[], io: { input?: string; output?: string } = {}): ModelProto {
  const random = seeded(5);
  const input = io.input ?? 'x';
  const output = io.output ?? 'y';
  const nodes = [];
  const initializers = [];
  let previous = input;
  for (const [i, name] of names.entries()) {
    const last = i === names.length - 1;
    initializers.push(makeTensor(`w${i}`, DataType.FLOAT, [8, 8], normalWeights(random, 64, 0.5)));
    nodes.push(node('MatMul', [previous, `w${i}`], [`m${i}`], { name }));
    nodes.push(node('Relu', [`m${i}`], [last ? output : `r${i}`], { name: `relu${i}` }));
    previous = `r${i}`;
  }
  return model(
    graph({ name: 'named_chain', nodes, inputs: [valueInfo(input, DataType.FLOAT, ['batch', 8])], outputs: [valueInfo(output, DataType.FLOAT, ['batch', 8])], initializers }),
    { irVersion: 8, opsets: { '': 17 } },
  );
}

/**
 * A CNN with elementwise chains between its convolutions, the shape that made Q/DQ cost more than
 * it saved (issue 11): Conv → HardSwish written out (HardSigmoid, Mul) → Div and Add by constants →
 * Conv → Relu → Conv, a residual Add of two int8 tensors, Conv, Sigmoid gate (Mul of two
 * activations, one from a float-only op), GlobalAveragePool, Flatten, Gemm.
 * Input [batch, 3, 16, 16] → [batch, 10].
 */
export function elementwiseCnn(): ModelProto {
  const random = seeded(17);
  const init: ReturnType<typeof makeTensor>[] = [];
  const conv = (name: string, cin: number, cout: number, k: number) => convInitializers(init, random, name, cin, cout, k);
  conv('conv1', 3, 8, 3);
  conv('conv2', 8, 8, 3);
  conv('conv3', 8, 8, 3);
  conv('conv4', 8, 16, 1);
  init.push(makeTensor('six', DataType.FLOAT, [], Float32Array.from([6])));
  init.push(makeTensor('shift', DataType.FLOAT, [], Float32Array.from([0.25])));
  init.push(makeTensor('fc.weight', DataType.FLOAT, [10, 16], normalWeights(random, 160, 0.25)));
  init.push(makeTensor('fc.bias', DataType.FLOAT, [10], normalWeights(random, 10, 0.1)));
  const pads = { pads: [1, 1, 1, 1], kernel_shape: [3, 3] };
  const nodes = [
    node('Conv', ['input', 'conv1.weight', 'conv1.bias'], ['c1'], { name: '/conv1/Conv', attributes: pads }),
    node('HardSigmoid', ['c1'], ['hs'], { name: '/act1/HardSigmoid', attributes: { alpha: 1 / 6 } }),
    node('Mul', ['c1', 'hs'], ['swish'], { name: '/act1/Mul' }),
    node('Div', ['swish', 'six'], ['scaled'], { name: '/scale/Div' }),
    node('Add', ['scaled', 'shift'], ['shifted'], { name: '/shift/Add' }),
    node('Conv', ['shifted', 'conv2.weight', 'conv2.bias'], ['c2'], { name: '/conv2/Conv', attributes: pads }),
    node('Relu', ['c2'], ['r2'], { name: '/relu2/Relu' }),
    node('Conv', ['r2', 'conv3.weight', 'conv3.bias'], ['c3'], { name: '/conv3/Conv', attributes: pads }),
    node('Add', ['c3', 'r2'], ['sum'], { name: '/residual/Add' }),
    node('Conv', ['sum', 'conv4.weight', 'conv4.bias'], ['c4'], { name: '/conv4/Conv', attributes: { kernel_shape: [1, 1] } }),
    node('Sigmoid', ['c4'], ['gate'], { name: '/gate/Sigmoid' }),
    node('Mul', ['c4', 'gate'], ['gated'], { name: '/gate/Mul' }),
    node('GlobalAveragePool', ['gated'], ['g'], { name: '/gap/GlobalAveragePool' }),
    node('Flatten', ['g'], ['f'], { name: '/flatten/Flatten', attributes: { axis: 1 } }),
    node('Gemm', ['f', 'fc.weight', 'fc.bias'], ['output'], { name: '/fc/Gemm', attributes: { transB: 1 } }),
  ];
  return model(
    graph({
      name: 'elementwise_cnn',
      nodes,
      inputs: [valueInfo('input', DataType.FLOAT, ['batch', 3, 16, 16])],
      outputs: [valueInfo('output', DataType.FLOAT, ['batch', 10])],
      initializers: init,
    }),
    { irVersion: 8, opsets: { '': 17 } },
  );
}

/**
 * A MobileNetV3-like block: Conv → HardSwish → depthwise Conv → HardSwish, a squeeze-excitation
 * gate (GlobalAveragePool → 1×1 Conv → HardSigmoid(α = 1/6) → Mul), a projection Conv, then
 * `odd`: a HardSigmoid with a negative α (which a rescaled DequantizeLinear cannot express) before
 * the classifier. Opset 17 (HardSwish since 14).
 */
export function hardSwishCnn(): ModelProto {
  const random = seeded(23);
  const init: ReturnType<typeof makeTensor>[] = [];
  const conv = (name: string, cin: number, cout: number, k: number, group = 1) => convInitializers(init, random, name, cin, cout, k, { group, biasScale: 0.2 });
  conv('stem', 3, 16, 3);
  conv('dw', 16, 16, 3, 16);
  conv('se1', 16, 8, 1);
  conv('se2', 8, 16, 1);
  conv('project', 16, 8, 1);
  init.push(makeTensor('fc.weight', DataType.FLOAT, [10, 8], normalWeights(random, 80, 0.3)));
  init.push(makeTensor('fc.bias', DataType.FLOAT, [10], normalWeights(random, 10, 0.1)));
  const k3 = { pads: [1, 1, 1, 1], kernel_shape: [3, 3] };
  const nodes = [
    node('Conv', ['input', 'stem.weight', 'stem.bias'], ['s'], { name: '/stem/Conv', attributes: k3 }),
    node('HardSwish', ['s'], ['s_act'], { name: '/stem/HardSwish' }),
    node('Conv', ['s_act', 'dw.weight', 'dw.bias'], ['d'], { name: '/dw/Conv', attributes: { ...k3, group: 16 } }),
    node('HardSwish', ['d'], ['d_act'], { name: '/dw/HardSwish' }),
    node('GlobalAveragePool', ['d_act'], ['pooled'], { name: '/se/GlobalAveragePool' }),
    node('Conv', ['pooled', 'se1.weight', 'se1.bias'], ['e1'], { name: '/se/fc1/Conv', attributes: { kernel_shape: [1, 1] } }),
    node('Relu', ['e1'], ['e1r'], { name: '/se/Relu' }),
    node('Conv', ['e1r', 'se2.weight', 'se2.bias'], ['e2'], { name: '/se/fc2/Conv', attributes: { kernel_shape: [1, 1] } }),
    node('HardSigmoid', ['e2'], ['gate'], { name: '/se/HardSigmoid', attributes: { alpha: 1 / 6, beta: 0.5 } }),
    node('Mul', ['d_act', 'gate'], ['excited'], { name: '/se/Mul' }),
    node('Conv', ['excited', 'project.weight', 'project.bias'], ['p'], { name: '/project/Conv', attributes: { kernel_shape: [1, 1] } }),
    node('HardSigmoid', ['p'], ['odd'], { name: '/odd/HardSigmoid', attributes: { alpha: -0.2, beta: 0.5 } }),
    node('GlobalAveragePool', ['odd'], ['g'], { name: '/gap/GlobalAveragePool' }),
    node('Flatten', ['g'], ['f'], { name: '/flatten/Flatten', attributes: { axis: 1 } }),
    node('Gemm', ['f', 'fc.weight', 'fc.bias'], ['output'], { name: '/fc/Gemm', attributes: { transB: 1 } }),
  ];
  return model(
    graph({ name: 'hardswish_cnn', nodes, inputs: [valueInfo('input', DataType.FLOAT, ['batch', 3, 12, 12])], outputs: [valueInfo('output', DataType.FLOAT, ['batch', 10])], initializers: init }),
    { irVersion: 8, opsets: { '': 17 } },
  );
}

/**
 * A grayscale MobileNet-like classifier: a single-channel stem Conv (1→`width` (8), 3×3, `stemStride`) →
 * HardSwish → depthwise Conv → HardSwish → GlobalAveragePool → Flatten → Gemm. The input is
 * [batch, 1, 16, 16], or [batch, 1, 'height', 'width'] with `freeSize`. Opset 17.
 */
export function grayscaleCnn(options: { stemStride?: number; freeSize?: boolean; width?: number } = {}): ModelProto {
  const random = seeded(31);
  const init: ReturnType<typeof makeTensor>[] = [];
  const width = options.width ?? 8;
  convInitializers(init, random, 'stem', 1, width, 3, { biasScale: 0.2 });
  convInitializers(init, random, 'dw', width, width, 3, { group: width, biasScale: 0.2 });
  init.push(makeTensor('fc.weight', DataType.FLOAT, [10, width], normalWeights(random, 10 * width, 0.3)));
  init.push(makeTensor('fc.bias', DataType.FLOAT, [10], normalWeights(random, 10, 0.1)));
  const stride = options.stemStride ?? 1;
  const nodes = [
    node('Conv', ['input', 'stem.weight', 'stem.bias'], ['s'], { name: '/stem/Conv', attributes: { pads: [1, 1, 1, 1], kernel_shape: [3, 3], strides: [stride, stride] } }),
    node('HardSwish', ['s'], ['s_act'], { name: '/stem/HardSwish' }),
    node('Conv', ['s_act', 'dw.weight', 'dw.bias'], ['d'], { name: '/dw/Conv', attributes: { pads: [1, 1, 1, 1], kernel_shape: [3, 3], group: width } }),
    node('HardSwish', ['d'], ['d_act'], { name: '/dw/HardSwish' }),
    node('GlobalAveragePool', ['d_act'], ['g'], { name: '/gap/GlobalAveragePool' }),
    node('Flatten', ['g'], ['f'], { name: '/flatten/Flatten', attributes: { axis: 1 } }),
    node('Gemm', ['f', 'fc.weight', 'fc.bias'], ['output'], { name: '/fc/Gemm', attributes: { transB: 1 } }),
  ];
  const shape = options.freeSize ? ['batch', 1, 'height', 'width'] : ['batch', 1, 16, 16];
  return model(
    graph({ name: 'grayscale_cnn', nodes, inputs: [valueInfo('input', DataType.FLOAT, shape)], outputs: [valueInfo('output', DataType.FLOAT, ['batch', 10])], initializers: init }),
    { irVersion: 8, opsets: { '': 17 } },
  );
}

/**
 * Attention as PyTorch exports a fused QKV projection (glyphformer's shape): LayerNormalization,
 * one MatMul + bias Add for Q, K and V, a Reshape whose shape is computed from Shape nodes of the
 * LayerNormalization output (batch from Shape → Gather → Unsqueeze → Concat), a Transpose, Gather
 * 0/1/2 splitting Q, K and V, K transposed, Q·Kᵀ scaled by a Mul with 1/√d (`scale`), Softmax,
 * ·V, heads merged by Transpose and a second computed Reshape, the output projection, a residual
 * Add, a mean over tokens and a Gemm head. `bias: 'sub'` subtracts the bias instead (Sub has no
 * int8 kernel, so the projection's output comes from a float op). `leakFloat` also adds the Transpose's output (the
 * split heads) to the residual path through a float ReduceMean, a float reader in the middle of
 * the chain. Input [batch, 16, 32] → [batch, 10]; opset 17.
 */
export function fusedQkvAttention(options: { scale?: number; leakFloat?: boolean; bias?: 'add' | 'sub' } = {}): ModelProto {
  const random = seeded(41);
  const dim = 32;
  const heads = 2;
  const tokens = 16;
  const head = dim / heads;
  const init: TensorProto[] = [];
  const weight = (name: string, dims: number[], scale: number) => init.push(makeTensor(name, DataType.FLOAT, dims, normalWeights(random, dims.reduce((a, b) => a * b, 1), scale)));
  const ints = (name: string, dims: number[], values: number[]) => init.push(makeTensor(name, DataType.INT64, dims, BigInt64Array.from(values.map(BigInt))));
  init.push(makeTensor('ln.scale', DataType.FLOAT, [dim], Float32Array.from({ length: dim }, () => 0.8 + 0.4 * random())));
  weight('ln.bias', [dim], 0.1);
  weight('qkv.weight', [dim, 3 * dim], 1 / Math.sqrt(dim));
  weight('qkv.bias', [3 * dim], 0.2);
  weight('proj.weight', [dim, dim], 1 / Math.sqrt(dim));
  weight('head.weight', [10, dim], 1 / Math.sqrt(dim));
  weight('head.bias', [10], 0.1);
  init.push(makeTensor('attention_scale', DataType.FLOAT, [], Float32Array.of(options.scale ?? 1 / Math.sqrt(head))));
  ints('zero', [], [0]);
  ints('one', [], [1]);
  ints('two', [], [2]);
  ints('axes0', [1], [0]);
  ints('qkv_rest', [4], [tokens, 3, heads, head]);
  ints('merged_rest', [2], [tokens, dim]);
  const n = node;
  const nodes = [
    n('LayerNormalization', ['x', 'ln.scale', 'ln.bias'], ['h'], { name: '/ln/LayerNormalization', attributes: { axis: -1, epsilon: 1e-5 } }),
    // The batch, taken twice from the LayerNormalization output as PyTorch's export does.
    ...[0, 1].flatMap((i) => [
      n('Shape', ['h'], [`shape${i}`], { name: `/att/Shape_${i}` }),
      n('Gather', [`shape${i}`, 'zero'], [`batch${i}`], { name: `/att/Gather_batch_${i}`, attributes: { axis: 0 } }),
      n('Unsqueeze', [`batch${i}`, 'axes0'], [`batch${i}_1d`], { name: `/att/Unsqueeze_${i}` }),
    ]),
    n('Concat', ['batch0_1d', 'qkv_rest'], ['qkv_shape'], { name: '/att/Concat', attributes: { axis: 0 } }),
    n('Concat', ['batch1_1d', 'merged_rest'], ['merged_shape'], { name: '/att/Concat_1', attributes: { axis: 0 } }),
    n('MatMul', ['h', 'qkv.weight'], ['qkv_mm'], { name: '/att/qkv/MatMul' }),
    options.bias === 'sub' ? n('Sub', ['qkv_mm', 'qkv.bias'], ['qkv'], { name: '/att/qkv/Sub' }) : n('Add', ['qkv.bias', 'qkv_mm'], ['qkv'], { name: '/att/qkv/Add' }),
    n('Reshape', ['qkv', 'qkv_shape'], ['qkv_heads'], { name: '/att/Reshape' }),
    n('Transpose', ['qkv_heads'], ['split'], { name: '/att/Transpose', attributes: { perm: [2, 0, 3, 1, 4] } }),
    ...['q', 'k', 'v'].map((m, i) => n('Gather', ['split', ['zero', 'one', 'two'][i]!], [m], { name: `/att/Gather_${m}`, attributes: { axis: 0 } })),
    n('Transpose', ['k'], ['kt'], { name: '/att/Transpose_k', attributes: { perm: [0, 1, 3, 2] } }),
    n('MatMul', ['q', 'kt'], ['scores'], { name: '/att/MatMul' }),
    n('Mul', ['scores', 'attention_scale'], ['scaled'], { name: '/att/Mul' }),
    n('Softmax', ['scaled'], ['probs'], { name: '/att/Softmax', attributes: { axis: -1 } }),
    n('MatMul', ['probs', 'v'], ['context'], { name: '/att/MatMul_1' }),
    n('Transpose', ['context'], ['context_t'], { name: '/att/Transpose_1', attributes: { perm: [0, 2, 1, 3] } }),
    n('Reshape', ['context_t', 'merged_shape'], ['merged'], { name: '/att/Reshape_1' }),
    n('MatMul', ['merged', 'proj.weight'], ['attended'], { name: '/att/proj/MatMul' }),
    n('Add', ['x', 'attended'], ['residual'], { name: '/att/residual/Add' }),
    ...(options.leakFloat
      ? [
          // [3, batch, heads, tokens, head] → mean over the first and third axes → [batch, tokens, head]: added to half the channels.
          n('ReduceMean', ['split'], ['split_mean'], { name: '/leak/ReduceMean', attributes: { axes: [0, 2], keepdims: 0 } }),
          n('Concat', ['split_mean', 'split_mean'], ['leak'], { name: '/leak/Concat', attributes: { axis: -1 } }),
          n('Add', ['residual', 'leak'], ['y'], { name: '/leak/Add' }),
        ]
      : [n('Identity', ['residual'], ['y'], { name: '/att/Identity' })]),
    n('ReduceMean', ['y'], ['pooled'], { name: '/pool/ReduceMean', attributes: { axes: [1], keepdims: 0 } }),
    n('Gemm', ['pooled', 'head.weight', 'head.bias'], ['logits'], { name: '/head/Gemm', attributes: { transB: 1 } }),
  ];
  return model(
    graph({ name: 'fused_qkv_attention', nodes, inputs: [valueInfo('x', DataType.FLOAT, ['batch', tokens, dim])], outputs: [valueInfo('logits', DataType.FLOAT, ['batch', 10])], initializers: init }),
    { irVersion: 8, opsets: { '': 17 } },
  );
}
