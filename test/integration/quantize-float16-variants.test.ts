// The float16 variants the quantize stage writes for TensorRT's strongly typed networks
// (`<name>.int8.trt.fp16.onnx`, `<name>.fp16.onnx`), end to end with the real ONNX Runtime: they
// run on the CPU and track FP32 on a CNN, a small transformer and the trained demo model; the
// fragile ops stay in float32; inputs and outputs stay float32; the TensorRT one obeys TensorRT's
// rules at opset 19; runs are byte-identical; ONNX's checker accepts them; a model that cannot
// reach opset 19 loses only that variant.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ModelProto, NodeProto } from 'onnx-buf';
import { openDataSet, readLabels } from '../../src/data/index.ts';
import { MemoryLog } from '../../src/log.ts';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { readModel } from '../../src/model/read.ts';
import { modelSignature } from '../../src/model/signature.ts';
import { makeTensor } from '../../src/model/tensor.ts';
import { writeModel } from '../../src/model/write.ts';
import { readCalibrationFile } from '../../src/quantize/calibration-file.ts';
import { GraphEditor } from '../../src/quantize/graph.ts';
import { quantizeModel, type QuantizeRequest } from '../../src/quantize/quantize.ts';
import { toFloat16 } from '../../src/quantize/float16/variants.ts';
import { countQuantizedWeighted, validateTensorRtModel } from '../../src/quantize/validate-trt.ts';
import { randomFloatDataSet } from '../helpers/data.ts';
import { seeded, smallCnn, smallTransformer } from '../helpers/models.ts';
import { checkWithOnnx, onnxCheckerAvailable } from '../helpers/onnx-checker.ts';
import { argmaxRows, cosine, runFloat } from '../helpers/ort.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const avx2 = { arch: 'x64', vnni: false, dotprod: false, features: ['avx2'] };

function save(proto: ModelProto, name: string): string {
  const path = join(dir, name);
  writeModel(proto, path);
  return path;
}
const cnnPath = save(smallCnn({ withSoftmax: true }), 'cnn.onnx');
const transformerPath = save(smallTransformer(), 'vit.onnx');

function request(path: string, out: string, extra: Partial<QuantizeRequest> = {}): QuantizeRequest {
  const transformer = path === transformerPath;
  return {
    model: readModel(path),
    data: transformer ? randomFloatDataSet('image', [1, 16, 16], 32, { seed: 3 }) : randomFloatDataSet('input', [3, 16, 16], 24, { seed: 3 }),
    settings: { method: 'percentile', percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: {}, threads: 1, seed: 0, randomIntRange: [0, 100], mode: 'static', placement: 'rules' },
    cpu: avx2,
    outDir: join(dir, out),
    log: new MemoryLog(),
    sensitivitySamples: 0,
    ...extra,
  };
}

async function evalInputs(name: string, dims: number[], count: number) {
  const data = randomFloatDataSet(name, dims, count, { seed: 9 });
  for await (const b of data.batches(count)) return { [name]: { data: b.feeds[name]!.data as Float32Array, dims: [count, ...dims] } };
  throw new Error('no samples');
}

function agreement(a: Float32Array, b: Float32Array, classes: number): number {
  const x = argmaxRows(a, classes);
  const y = argmaxRows(b, classes);
  return x.filter((c, i) => c === y[i]).length / x.length;
}

function ioTypes(path: string): number[] {
  const g = readModel(path).proto.graph!;
  return [...g.input, ...g.output].map((v) => (v.type?.value.case === 'tensorType' ? v.type.value.value.elemType : 0));
}

const opset = (p: ModelProto) => Number(p.opsetImport.find((o) => o.domain === '')!.version);
const metadata = (p: ModelProto, key: string) => p.metadataProps.find((m) => m.key === key)?.value;

/**
 * Every float input of each node named in `kept` arrives in float32: from a Cast to float32, another
 * node kept in float32, a graph input or a float32 initializer.
 */
function assertReadsFloat32(proto: ModelProto, kept: ReadonlySet<string>): void {
  const g = proto.graph!;
  const editor = new GraphEditor(g);
  const named = (n: NodeProto) => n.name || n.output[0]!;
  for (const n of g.node.filter((n) => kept.has(named(n)))) {
    for (const input of n.input.filter((i) => i !== '')) {
      const init = editor.initializer(input);
      if (init) {
        assert.notEqual(init.dataType, DataType.FLOAT16, `${named(n)} reads float16 initializer ${input}`);
        continue;
      }
      const producer = editor.producer(input);
      if (!producer) continue;
      const castTo32 = producer.opType === 'Cast' && producer.attribute.find((a) => a.name === 'to')!.i === BigInt(DataType.FLOAT);
      const integer = ['Shape', 'Cast'].includes(producer.opType) && !castTo32;
      assert.ok(castTo32 || kept.has(named(producer)) || integer, `${n.opType} '${named(n)}' reads '${input}' from ${producer.opType} '${named(producer)}', which is float16`);
    }
  }
}

describe('float16 conversion of one graph', () => {
  it('shares one Cast per tensor, twins an initializer both precisions read, and casts a float16 result back under the output name', async () => {
    const w = makeTensor('w', DataType.FLOAT, [4, 4], Float32Array.from({ length: 16 }, (_, i) => (i % 5) * 0.25 - 0.5));
    const m = makeTensor('m', DataType.FLOAT, [4, 4], Float32Array.from({ length: 16 }, (_, i) => (i % 3) * 0.5 - 0.4));
    const proto = model(
      graph({
        nodes: [
          node('MatMul', ['x', 'm'], ['r'], { name: 'matmul' }),
          node('Softmax', ['r'], ['s'], { name: 'softmax', attributes: { axis: -1 } }),
          node('ReduceSum', ['r'], ['sum'], { name: 'reducesum', attributes: { keepdims: 1 } }),
          node('MatMul', ['r', 'w'], ['product'], { name: 'matmul2' }),
          node('Add', ['s', 'w'], ['shifted'], { name: 'add' }),
          node('Add', ['shifted', 'sum'], ['out2'], { name: 'add2' }),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, [4, 4])],
        outputs: [valueInfo('product', DataType.FLOAT, [4, 4]), valueInfo('out2', DataType.FLOAT, [4, 4])],
        initializers: [w, m],
      }),
      { opsets: { '': 13 } },
    );
    const path = save(proto, 'convert.onnx');
    const source = readModel(path);
    const converted = readModel(path).proto;
    const types = new Map(['x', 'r', 's', 'sum', 'product', 'shifted', 'out2'].map((t) => [t, DataType.FLOAT] as const));
    const decided = toFloat16(converted, source, { types, magnitudes: new Map() });
    assert.deepEqual(decided.keptFloat32.map((k) => k.node), ['softmax', 'reducesum', 'add', 'add2']);
    const g = converted.graph!;
    const byName = (name: string) => g.node.find((n) => n.name === name)!;
    assert.deepEqual(byName('softmax').input, ['r_float32']);
    assert.deepEqual(byName('reducesum').input, ['r_float32'], 'one Cast of r, shared');
    assert.deepEqual(byName('matmul').input, ['x_float16', 'm']);
    assert.deepEqual(byName('matmul2').input, ['r', 'w_float16']);
    assert.deepEqual(byName('add').input, ['s', 'w']);
    assert.equal(g.initializer.find((t) => t.name === 'w')!.dataType, DataType.FLOAT);
    assert.equal(g.initializer.find((t) => t.name === 'w_float16')!.dataType, DataType.FLOAT16);
    assert.equal(g.initializer.find((t) => t.name === 'm')!.dataType, DataType.FLOAT16, 'converted in place: only float16 nodes read it');
    const outputCast = g.node.find((n) => n.output[0] === 'product')!;
    assert.equal(outputCast.opType, 'Cast');
    assert.deepEqual(outputCast.input, ['product_float16']);
    assert.equal(decided.casts, 3, 'x to float16, r to float32, product back to float32');
    const x = { x: { data: Float32Array.from({ length: 16 }, (_, i) => Math.sin(i) * 2), dims: [4, 4] } };
    const fp32 = await runFloat(path, x);
    const half = await runFloat(converted, x, 'disabled');
    assert.ok(fp32.every((v, i) => Math.abs(v - half[i]!) <= 2e-3 * Math.max(1, Math.abs(v))), `${[...fp32]} vs ${[...half]}`);
  });
});

describe('float16 variants: a CNN with a Softmax head', () => {
  it('writes both, float32 at the boundary, and they track FP32 on the CPU', async () => {
    const outcome = await quantizeModel(request(cnnPath, 'cnn'));
    assert.ok(outcome.files.trtFp16 && outcome.files.fp16, JSON.stringify(outcome.float16.skipped));
    assert.equal(outcome.files.trtFp16, join(dir, 'cnn', 'cnn.int8.trt.fp16.onnx'));
    assert.equal(outcome.files.fp16, join(dir, 'cnn', 'cnn.fp16.onnx'));
    const x = await evalInputs('input', [3, 16, 16], 64);
    const fp32 = await runFloat(cnnPath, x);
    for (const path of [outcome.files.trtFp16, outcome.files.fp16]) {
      assert.deepEqual(ioTypes(path), [DataType.FLOAT, DataType.FLOAT], `${path}: float32 in, float32 out`);
      const y = await runFloat(path, x, 'disabled');
      assert.ok(cosine(fp32, y) >= 0.999, `${path}: cosine ${cosine(fp32, y)}`);
      assert.ok(agreement(fp32, y, 10) >= 0.95, `${path}: top-1 agreement ${agreement(fp32, y, 10)}`);
    }
    const kept = outcome.float16.fp16!.keptFloat32.map((k) => k.opType).sort();
    assert.deepEqual(kept, ['GlobalAveragePool', 'Softmax']);
    assert.ok(outcome.float16.fp16!.nodes.float16 >= 10);
  });

  it('the TensorRT one: opset 19, float16 scales, weights and biases, the same Q/DQ placement, TensorRT rules kept', async () => {
    const outcome = await quantizeModel(request(cnnPath, 'cnn-trt'));
    const int8 = readModel(outcome.files.trt!).proto;
    const half = readModel(outcome.files.trtFp16!);
    const g = half.proto.graph!;
    assert.equal(opset(half.proto), 19);
    assert.ok(half.proto.irVersion >= 9n);
    assert.equal(opset(int8), 17, 'the INT8 model keeps its opset');
    assert.deepEqual(validateTensorRtModel(half.proto, half), []);
    assert.equal(countQuantizedWeighted(half.proto), countQuantizedWeighted(int8));
    assert.equal(countQuantizedWeighted(half.proto), 4);
    const editor = new GraphEditor(g);
    for (const n of g.node.filter((n) => n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear')) {
      assert.equal(editor.initializer(n.input[1]!)!.dataType, DataType.FLOAT16, `${n.name}: float16 scale`);
    }
    const floats = g.initializer.filter((t) => t.dataType === DataType.FLOAT || t.dataType === DataType.FLOAT16);
    assert.ok(floats.every((t) => t.dataType === DataType.FLOAT16), `float initializers: ${floats.map((t) => `${t.name}:${t.dataType}`).join(', ')}`);
    assert.equal(metadata(half.proto, 'quantgate.flavour'), 'int8.trt.fp16');
    assert.equal(metadata(half.proto, 'quantgate.method'), 'percentile');
    assert.equal(metadata(readModel(outcome.files.fp16!).proto, 'quantgate.method'), undefined, 'the FP16 copy is not quantized');
  });
});

describe('float16 variants: a small transformer', () => {
  it('keeps Softmax, the normalisations, reductions, the -1e9 mask and the epsilon in float32, and tracks FP32', async () => {
    const log = new MemoryLog();
    const outcome = await quantizeModel(request(transformerPath, 'vit', { log }));
    const expected = ['/ln1/LayerNormalization', '/att/mask/Add', '/att/Softmax', '/ln2/ReduceMean', '/ln2/Sub', '/ln2/Pow', '/ln2/ReduceMean_1', '/ln2/Add', '/ln2/Sqrt', '/ln2/Div', '/pool/ReduceMean'];
    for (const variant of [outcome.float16.fp16!, outcome.float16.trtFp16!]) {
      const kept = new Map(variant.keptFloat32.map((k) => [k.node, k.reason]));
      assert.deepEqual([...kept.keys()].sort(), [...expected].sort(), variant.flavour);
      assert.match(kept.get('/att/mask/Add')!, /beyond float16's ±65504/);
      assert.match(kept.get('/ln2/Add')!, /rounds to zero/);
      assert.match(kept.get('/att/Softmax')!, /exponentials/);
      // Sub sits between two float32 reductions and the float32 Pow and Div: in float16 it would need two Casts.
      assert.match(kept.get('/ln2/Sub')!, /fewer Casts/);
      assertReadsFloat32(readModel(variant.path).proto, new Set(kept.keys()));
      // The GELU's Div by √2 and the attention's Div by 4 run in float16.
      const half = readModel(variant.path).proto.graph!.node;
      assert.ok(half.some((n) => n.name === '/mlp/gelu/Div') && !kept.has('/mlp/gelu/Div') && !kept.has('/att/Div'));
    }
    assert.ok(log.lines.some((l) => /float16: wrote vit\.fp16\.onnx: \d+ nodes in float16, 11 kept in float32 \(.*Softmax 1.*\), \d+ Casts/.test(l.message)));
    const x = await evalInputs('image', [1, 16, 16], 128);
    const fp32 = await runFloat(transformerPath, x);
    const int8 = await runFloat(outcome.files.trt!, x, 'disabled');
    const fp16 = await runFloat(outcome.files.fp16!, x, 'disabled');
    const mixed = await runFloat(outcome.files.trtFp16!, x, 'disabled');
    assert.ok(cosine(fp32, fp16) >= 0.9999, `FP16 cosine ${cosine(fp32, fp16)}`);
    assert.ok(agreement(fp32, fp16, 10) >= 0.98, `FP16 agreement ${agreement(fp32, fp16, 10)}`);
    // INT8 + FP16 is as close to FP32 as INT8 alone: float16 adds little to int8's error.
    assert.ok(cosine(fp32, mixed) >= 0.999, `INT8 + FP16 cosine ${cosine(fp32, mixed)}`);
    assert.ok(Math.abs(cosine(fp32, mixed) - cosine(fp32, int8)) < 1e-3, `INT8 ${cosine(fp32, int8)}, INT8 + FP16 ${cosine(fp32, mixed)}`);
    assert.ok(agreement(fp32, mixed, 10) >= 0.95, `INT8 + FP16 agreement ${agreement(fp32, mixed, 10)}`);
    // The reductions' axes moved into inputs on the way to opset 19.
    const trtFp16 = readModel(outcome.files.trtFp16!).proto;
    assert.ok(trtFp16.graph!.node.filter((n) => n.opType === 'ReduceMean').every((n) => n.input.length === 2 && n.attribute.every((a) => a.name !== 'axes')));
    assert.deepEqual(validateTensorRtModel(trtFp16, readModel(outcome.files.trtFp16!)), []);
    const calibration = readCalibrationFile(outcome.files.calibration);
    assert.deepEqual(calibration.float16!.models.map((m) => [m.file, m.keptFloat32.length]), [['vit.int8.trt.fp16.onnx', 11], ['vit.fp16.onnx', 11]]);
  });

  it('is deterministic, and --ranges writes the same float16 models again', async () => {
    const a = await quantizeModel(request(transformerPath, 'vit-a'));
    const b = await quantizeModel(request(transformerPath, 'vit-b'));
    for (const key of ['trtFp16', 'fp16', 'calibration'] as const) {
      assert.ok(readFileSync(a.files[key]!).equals(readFileSync(b.files[key]!)), `${key} differs between runs`);
    }
    const again = await quantizeModel(request(transformerPath, 'vit-c', { reuse: readCalibrationFile(a.files.calibration) }));
    for (const key of ['trtFp16', 'fp16'] as const) assert.ok(readFileSync(a.files[key]!).equals(readFileSync(again.files[key]!)), `${key} differs with --ranges`);
  });
});

describe("float16 variants: ONNX's checker", () => {
  const checker = onnxCheckerAvailable();
  const skip = 'missing' in checker ? checker.missing : false;
  if (skip) console.log(`# skipped: ${skip}`);
  it('check_model(full_check=True) accepts every model written', { skip }, async () => {
    const paths: string[] = [];
    for (const [path, out] of [
      [cnnPath, 'check-cnn'],
      [transformerPath, 'check-vit'],
    ] as const) {
      const o = await quantizeModel(request(path, out));
      paths.push(o.files.trt!, o.files.ort, o.files.trtFp16!, o.files.fp16!);
    }
    assert.equal(checkWithOnnx(paths), null);
  });
});

describe('float16 variants: the trained demo model', () => {
  it('FP16 and INT8 + FP16 keep top-1 within 0.5 points of FP32 on 1,000 labelled samples', async () => {
    const demo = join(import.meta.dirname, '..', '..', 'examples', 'demo');
    const source = readModel(join(demo, 'glyphs.onnx'));
    const inputs = modelSignature(source.proto).inputs;
    const outcome = await quantizeModel({
      ...request(source.path, 'demo'),
      model: source,
      data: await openDataSet(join(demo, 'calibration.npy'), { what: '--calibration-data', inputs }),
    });
    const evalData = await openDataSet(join(demo, 'eval.npy'), { what: '--eval-data', inputs });
    const labels = (await readLabels(join(demo, 'labels.txt'), { what: '--labels', count: evalData.count })).values;
    let x!: Record<string, { data: Float32Array; dims: number[] }>;
    for await (const b of evalData.batches(evalData.count)) x = { image: { data: b.feeds.image!.data as Float32Array, dims: b.feeds.image!.dims } };
    const top1 = (out: Float32Array) => argmaxRows(out, 18).filter((c, i) => c === Number(labels[i])).length / evalData.count;
    const fp32 = await runFloat(source.path, x);
    for (const path of [outcome.files.fp16!, outcome.files.trtFp16!]) {
      const y = await runFloat(path, x, 'disabled');
      assert.ok(Math.abs(top1(fp32) - top1(y)) <= 0.005, `${path}: top-1 ${top1(y)} against FP32 ${top1(fp32)}`);
      assert.ok(cosine(fp32, y) >= 0.999, `${path}: cosine ${cosine(fp32, y)}`);
      assert.ok(agreement(fp32, y, 18) >= 0.98, `${path}: agreement ${agreement(fp32, y, 18)}`);
    }
  });
});

describe('float16 variants: a model that cannot reach opset 19', () => {
  it('loses only the INT8 + FP16 variant, with a warning that says why and what to do', async () => {
    // RoiAlign's default coordinate mode changed at opset 16: no adapter, so no opset 19.
    const random = seeded(5);
    const path = save(
      model(
        graph({
          nodes: [
            node('Conv', ['x', 'w'], ['c'], { name: 'conv', attributes: { kernel_shape: [1, 1] } }),
            node('RoiAlign', ['c', 'rois', 'index'], ['y'], { name: 'roi', attributes: { output_height: 2, output_width: 2 } }),
          ],
          inputs: [valueInfo('x', DataType.FLOAT, [1, 2, 4, 4])],
          outputs: [valueInfo('y', DataType.FLOAT, [1, 2, 2, 2])],
          initializers: [
            makeTensor('w', DataType.FLOAT, [2, 2, 1, 1], Float32Array.from({ length: 4 }, () => random() - 0.5)),
            makeTensor('rois', DataType.FLOAT, [1, 4], Float32Array.of(0, 0, 3, 3)),
            makeTensor('index', DataType.INT64, [1], BigInt64Array.of(0n)),
          ],
        }),
        { opsets: { '': 13 }, irVersion: 7 },
      ),
      'roi.onnx',
    );
    const log = new MemoryLog();
    const outcome = await quantizeModel({ ...request(path, 'roi', { log }), data: randomFloatDataSet('x', [2, 4, 4], 4, { seed: 1 }), model: readModel(path) });
    assert.equal(outcome.files.trtFp16, null);
    assert.ok(outcome.files.fp16 && readFileSync(outcome.files.fp16).byteLength > 0);
    assert.ok(readFileSync(outcome.files.trt!).byteLength > 0 && readFileSync(outcome.files.ort).byteLength > 0);
    assert.equal(outcome.float16.skipped.length, 1);
    assert.match(outcome.float16.skipped[0]!.reason, /RoiAlign \(roi\)/);
    const warning = log.lines.find((l) => l.level === 'warn' && /float16: no roi\.int8\.trt\.fp16\.onnx/.test(l.message));
    assert.ok(warning, JSON.stringify(log.lines));
    assert.match(warning.message, /float16 Q\/DQ scales need opset 19/);
    assert.match(warning.message, /export the model at opset 19 or newer/);
    assert.deepEqual(readCalibrationFile(outcome.files.calibration).float16!.skipped.map((s) => s.flavour), ['int8.trt.fp16']);
  });
});
