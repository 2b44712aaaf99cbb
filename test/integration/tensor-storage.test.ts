// Every TensorProto storage form on every path that reads tensors (issue 10: a real detector's
// Constant nodes held their values in typed fields, and writing the quantized model crashed).
// The fixture storage_forms_ir10.onnx is made by the `onnx` package (make_fixtures.py): each
// element type in raw_data and in its typed field, Constant nodes in each attribute form, empty
// tensors; ONNX Runtime, reading the same file, is the judge of what each tensor holds.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import { AttributeProto_AttributeType, AttributeProtoSchema, ModelProtoSchema, type TensorProto } from 'onnx-buf';
import { encodeNpy } from '../../src/data/npy-write.ts';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { isExternal } from '../../src/model/external-data.ts';
import { readModel } from '../../src/model/read.ts';
import { bytesOf, inlineByteLength, makeTensor, type TypedArray } from '../../src/model/tensor.ts';
import { forEachTensor } from '../../src/model/walk.ts';
import { writeModel } from '../../src/model/write.ts';
import { prepareModel } from '../../src/quantize/prepare/index.ts';
import { cli, ROOT } from '../helpers/cli.ts';
import { seeded, WEIGHT_STORAGE, writeWithWeightStorage } from '../helpers/models.ts';
import { cosine, runAllOutputs, runFloat } from '../helpers/ort.ts';
import { tempDir } from '../helpers/tmp.ts';

const FIXTURE = join(ROOT, 'test/fixtures/storage_forms_ir10.onnx');
const dir = tempDir();
const feeds = { x: { data: Float32Array.of(0), dims: [1] } };

function bytesOfOutput(data: unknown): Buffer {
  return Buffer.from(bytesOf(data as TypedArray));
}

/** Byte-wise equality whatever the views are (Buffer or Uint8Array). */
function sameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.ok(Buffer.from(actual).equals(Buffer.from(expected)), `${what}: ${Buffer.from(actual).toString('hex')} != ${Buffer.from(expected).toString('hex')}`);
}

/** Initializers and Constant values of a model, by name (Constant values also by their node's output). */
function tensorsByName(proto: ReturnType<typeof readModel>['proto']): Map<string, TensorProto> {
  const out = new Map<string, TensorProto>();
  forEachTensor(proto, (t) => out.set(t.name, t));
  for (const n of proto.graph!.node) if (n.opType === 'Constant' && n.attribute[0]?.t) out.set(n.output[0]!, n.attribute[0].t);
  return out;
}

describe('TensorProto storage forms: reading', () => {
  it('reads each typed field (float_data, int32_data, int64_data, double_data, uint64_data) as the bytes of its raw_data twin', () => {
    const m = readModel(FIXTURE);
    const tensors = tensorsByName(m.proto);
    const typed = [...tensors.keys()].filter((n) => n.startsWith('typed_') && n !== 'typed_string');
    assert.equal(typed.length, 17);
    for (const name of typed) {
      const t = tensors.get(name)!;
      const twin = tensors.get(name.replace('typed_', 'raw_'))!;
      assert.equal(t.rawData.byteLength, 0, `${name} is in a typed field`);
      assert.ok(twin.rawData.byteLength > 0, `${twin.name} is in raw_data`);
      sameBytes(m.tensorBytes(t), m.tensorBytes(twin), name);
      assert.equal(inlineByteLength(t), m.tensorBytes(t).byteLength, name);
    }
    // Strings are stored one by one: their length is the sum of theirs ('été' is 5 bytes of UTF-8).
    assert.equal(inlineByteLength(tensors.get('typed_string')!), 3 + 0 + 5);
    m.close();
  });

  it('reads what ONNX Runtime reads, in every form', async () => {
    const m = readModel(FIXTURE);
    const tensors = tensorsByName(m.proto);
    const outputs = await runAllOutputs(FIXTURE, feeds);
    let compared = 0;
    for (const [name, out] of Object.entries(outputs)) {
      const tensor = tensors.get(name.replace(/_out$/, ''));
      // Tensors read through Identity come back as they are; the others are cast to float.
      if (!tensor || out.type === 'string' || (out.type === 'float32' && tensor.dataType !== DataType.FLOAT)) continue;
      sameBytes(m.tensorBytes(tensor), bytesOfOutput(out.data), name);
      compared++;
    }
    // 12 types in two forms, 2 empty tensors, 4 Constant value tensors (float raw and typed, int64 typed, empty).
    assert.equal(compared, 12 * 2 + 2 + 4);
    m.close();
  });

  it('inspect reads the model, counting the values of every form', async () => {
    const result = await cli(['inspect', '--model', FIXTURE, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const parameters = JSON.parse(result.stdout).signature.parameters;
    // 12 types × 2 × 6, 3 × 2 × 4 (bfloat16, float8), 2 × 2 × 5 (int4), 1 scale, 3 strings,
    // 0 in the empty tensors; Constant value tensors 6 + 6 + 2 + 0.
    assert.equal(parameters.count, 144 + 24 + 20 + 1 + 3 + 14);
  });
});

describe('TensorProto storage forms: writing', () => {
  it('writes every form inline byte for byte, and leaves the model as it was', () => {
    const m = readModel(FIXTURE);
    const before = toBinary(ModelProtoSchema, m.proto);
    const path = join(dir, 'inline.onnx');
    writeModel(m.proto, path, m, { externalData: 'never' });
    assert.deepEqual(new Uint8Array(readFileSync(path)), new Uint8Array(readFileSync(FIXTURE)));
    assert.deepEqual(toBinary(ModelProtoSchema, m.proto), before);
    m.close();
  });

  it('moves every numeric form to external data; ONNX Runtime reads the same values back', async () => {
    const m = readModel(FIXTURE);
    const before = toBinary(ModelProtoSchema, m.proto);
    const path = join(dir, 'external', 'model.onnx');
    const written = writeModel(m.proto, path, m, { externalData: 'always', threshold: 0 });
    assert.equal(written.length, 2);
    // The caller's model is unchanged, fields unset before unset again.
    assert.deepEqual(toBinary(ModelProtoSchema, m.proto), before);
    const back = readModel(path);
    const original = tensorsByName(m.proto);
    let moved = 0;
    forEachTensor(back.proto, (t) => {
      const source = original.get(t.name)!;
      if (t.dataType === DataType.STRING) return assert.ok(!isExternal(t), 'strings stay inline');
      if (inlineByteLength(source) === 0) return assert.ok(!isExternal(t), `${t.name}: nothing to move`);
      assert.ok(isExternal(t), `${t.name} moved`);
      sameBytes(back.tensorBytes(t), m.tensorBytes(source), t.name);
      moved++;
    });
    assert.equal(moved, 17 * 2 + 1 + 3);
    assert.deepEqual(await runAllOutputs(path, feeds), await runAllOutputs(FIXTURE, feeds));
    back.close();
    m.close();
  });
});

describe('TensorProto storage forms: quantization', () => {
  it('folds Constant nodes of every form into initializers that hold the same values, and writes them', async () => {
    const m = readModel(FIXTURE);
    const { proto, report } = prepareModel(m, FIXTURE);
    // value (raw, typed float, typed int64, empty), value_float(s), value_int(s); strings stay.
    assert.equal(report.constantsFolded, 8);
    assert.deepEqual(
      proto.graph!.node.filter((n) => n.opType === 'Constant').map((n) => n.name),
      ['const_value_string', 'const_value_strings'],
    );
    const expected = await runAllOutputs(FIXTURE, feeds);
    assert.deepEqual(await runAllOutputs(proto, feeds), expected);
    for (const [mode, name] of [['never', 'folded.onnx'], ['auto', 'folded-auto.onnx'], ['always', 'folded-external/model.onnx']] as const) {
      const path = join(dir, name);
      writeModel(proto, path, m, { externalData: mode, threshold: 0 });
      assert.deepEqual(await runAllOutputs(path, feeds), expected, mode);
    }
    m.close();
  });

  /**
   * A CNN as converters write it: Conv→BatchNormalization, ReLU6 as Clip with Constant bounds,
   * Resize with an empty roi, a Reshape whose shape is an int64_data Constant, Gemm.
   */
  function exportedCnn() {
    // build.ts's attribute() reads a whole number as INT; value_float is a FLOAT attribute.
    const valueFloat = (name: string, f: number) => {
      const n = node('Constant', [], [name], { name });
      n.attribute = [create(AttributeProtoSchema, { name: 'value_float', type: AttributeProto_AttributeType.FLOAT, f })];
      return n;
    };
    const random = seeded(33);
    const weights = (name: string, dims: number[], scale: number, shift = 0) =>
      makeTensor(name, DataType.FLOAT, dims, Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => shift + (random() - 0.5) * 2 * scale));
    const shape = makeTensor('shape', DataType.INT64, [2], BigInt64Array.of(-1n, 8n));
    shape.int64Data = [-1n, 8n];
    Reflect.deleteProperty(shape, 'rawData');
    return model(
      graph({
        nodes: [
          valueFloat('clip_min', 0),
          valueFloat('clip_max', 6),
          node('Constant', [], ['roi'], { name: 'roi', attributes: { value: makeTensor('roi', DataType.FLOAT, [0], new Float32Array(0)) } }),
          node('Constant', [], ['scales'], { name: 'scales', attributes: { value_floats: { floats: [1, 1, 2, 2] } } }),
          node('Constant', [], ['shape'], { name: 'shape', attributes: { value: shape } }),
          node('Conv', ['input', 'conv1.weight', 'conv1.bias'], ['c1'], { name: 'conv1', attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } }),
          node('BatchNormalization', ['c1', 'bn.scale', 'bn.B', 'bn.mean', 'bn.var'], ['b1'], { name: 'bn' }),
          node('Clip', ['b1', 'clip_min', 'clip_max'], ['r1'], { name: 'relu6' }),
          node('Resize', ['r1', 'roi', 'scales'], ['up'], { name: 'resize', attributes: { mode: 'linear' } }),
          node('Conv', ['up', 'conv2.weight'], ['c2'], { name: 'conv2', attributes: { kernel_shape: [1, 1] } }),
          node('GlobalAveragePool', ['c2'], ['g'], { name: 'gap' }),
          node('Reshape', ['g', 'shape'], ['f'], { name: 'reshape' }),
          node('Gemm', ['f', 'fc.weight', 'fc.bias'], ['output'], { name: 'fc', attributes: { transB: 1 } }),
        ],
        inputs: [valueInfo('input', DataType.FLOAT, ['batch', 3, 8, 8])],
        outputs: [valueInfo('output', DataType.FLOAT, ['batch', 5])],
        initializers: [
          weights('conv1.weight', [8, 3, 3, 3], 0.3),
          weights('conv1.bias', [8], 0.1),
          weights('bn.scale', [8], 0.4, 1),
          weights('bn.B', [8], 0.2),
          weights('bn.mean', [8], 0.3),
          weights('bn.var', [8], 0.4, 1),
          weights('conv2.weight', [8, 8, 1, 1], 0.4),
          weights('fc.weight', [5, 8], 0.4),
          weights('fc.bias', [5], 0.1),
        ],
      }),
      { opsets: { '': 13 }, irVersion: 7 },
    );
  }

  const calibration = join(dir, 'calibration');
  const random = seeded(44);
  const samples = Float32Array.from({ length: 16 * 3 * 8 * 8 }, () => random() * 2 - 1);
  mkdirSync(calibration, { recursive: true });
  writeFileSync(join(calibration, 'batch.npy'), encodeNpy({ dataType: DataType.FLOAT, dims: [16, 3, 8, 8], data: samples }));

  it(
    'refuses a model whose shape tensors are external data (ONNX Runtime cannot load it) as bad input',
    async () => {
      // onnx.save(..., save_as_external_data=True, size_threshold=0) moves Reshape's shape out too;
      // ONNX Runtime's shape inference then refuses the model ("Cannot parse data from external tensors").
      const folder = join(dir, 'external-shape');
      const proto = exportedCnn();
      const shape = proto.graph!.node.find((n) => n.name === 'shape')!;
      proto.graph!.node = proto.graph!.node.filter((n) => n !== shape);
      proto.graph!.initializer.push(makeTensor('shape', DataType.INT64, [2], BigInt64Array.of(-1n, 8n)));
      mkdirSync(folder, { recursive: true });
      const path = join(folder, 'model.onnx');
      writeModel(proto, path, undefined, { externalData: 'always', threshold: 0 });
      const result = await cli(['run', '--model', path, '--calibration-data', calibration, '--out', join(folder, 'out'), '--quiet']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /external/);
    },
  );

  for (const storage of WEIGHT_STORAGE) {
    it(`quantizes a CNN whose weights are in ${storage}: calibration, BatchNormalization folding, weights, biases and writing`, async () => {
      const folder = join(dir, storage.replace(/ /g, '-'));
      const path = writeWithWeightStorage(exportedCnn(), folder, storage);
      const result = await cli(['quantize', '--model', path, '--calibration-data', calibration, '--out', join(folder, 'out'), '--quiet']);
      assert.equal(result.code, 0, result.stderr);
      const input = { input: { data: samples, dims: [16, 3, 8, 8] } };
      const fp32 = await runFloat(path, input);
      for (const flavour of ['trt', 'ort']) {
        const quantized = await runFloat(join(folder, 'out', `model.int8.${flavour}.onnx`), input);
        assert.ok(cosine(fp32, quantized) > 0.99, `${flavour}: cosine ${cosine(fp32, quantized)}`);
      }
    });
  }
});
