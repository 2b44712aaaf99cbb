// What ONNX's 1.12 backend test data never touches (float8/int4/int2/float4 tensors, functions,
// external data, IR 9-10, float16/bfloat16/int64 weights, sparse initializers, subgraphs, fields
// unknown to the schema), in fixtures written by the official onnx package
// (test/fixtures/make_fixtures.py): read, re-encoded byte for byte, and run where ONNX Runtime can.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ModelProtoSchema } from 'onnx-buf';
import { concatChunks, encodeChunks } from '../../src/model/encode.ts';
import { readModel } from '../../src/model/read.ts';
import { runtimeLimits, runtimeSupportProblem } from '../../src/model/runtime-support.ts';
import { modelSignature } from '../../src/model/signature.ts';
import { toFloat32 } from '../../src/model/tensor.ts';
import { writeModel } from '../../src/model/write.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { loadOrt } from '../../src/runtime/onnxruntime/load.ts';
import { dataTypeOfOrt, fromOrtTensor, hostToOrt } from '../../src/runtime/onnxruntime/tensor.ts';
import { ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const FIXTURES = join(ROOT, 'test', 'fixtures');
const out = tempDir();

function roundTrip(name: string): ReturnType<typeof readModel> {
  const path = join(FIXTURES, name);
  const model = readModel(path);
  assert.ok(Buffer.from(concatChunks(encodeChunks(ModelProtoSchema, model.proto))).equals(readFileSync(path)), `${name} re-encodes byte for byte`);
  return model;
}

async function run(path: string, feeds: Record<string, { type: string; data: ArrayLike<number> | Uint8Array; dims: number[] }>) {
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(path);
  // quantgate's own conversions: float16 travels as Uint16Array bits on every Node (Node 24 has Float16Array).
  const tensors = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, hostToOrt(ort, { dataType: dataTypeOfOrt(v.type)!, dims: v.dims, data: v.data as Float32Array })]));
  const result = Object.fromEntries(Object.entries(await session.run(tensors)).map(([k, t]) => [k, fromOrtTensor(t)]));
  await session.release();
  return result;
}

describe('generated fixtures', () => {
  it('float8 and int4 weights (IR 10, opset 21) round-trip and run', async () => {
    const model = roundTrip('lowbit_ir10.onnx');
    const types = model.proto.graph!.initializer.map((t) => t.dataType);
    for (const t of [DataType.FLOAT8E4M3FN, DataType.FLOAT8E5M2, DataType.INT4, DataType.UINT4]) assert.ok(types.includes(t));
    const copy = join(out, 'lowbit.onnx');
    writeModel(model.proto, copy);
    const x = new Float32Array(24);
    const a = await run(join(FIXTURES, 'lowbit_ir10.onnx'), { x: { type: 'float32', data: x, dims: [4, 6] } });
    const b = await run(copy, { x: { type: 'float32', data: x, dims: [4, 6] } });
    for (const name of Object.keys(a)) {
      assert.deepEqual(b[name]!.data, a[name]!.data);
      // Dequantized integers 0..6 times the scale 0.5.
      for (const v of a[name]!.data as Float32Array) assert.ok(v >= 0 && v <= 3 && (v * 2) % 1 === 0, `${name}: ${v}`);
    }
  });

  it('float4e2m1, int2, uint2 and float8e8m0 tensors keep their packed sizes', () => {
    const model = roundTrip('exotic_storage_ir13.onnx');
    const sig = modelSignature(model.proto);
    const bytes = Object.fromEntries(model.proto.graph!.initializer.map((t) => [t.name, model.tensorBytes(t).byteLength]));
    assert.deepEqual(bytes, { f4: 3, i2: 2, u2: 1, e8m0: 2 });
    assert.equal(sig.parameters.count, 5 + 7 + 3 + 2);
    assert.equal(sig.parameters.bytes, 3 + 2 + 1 + 2);
    assert.equal(sig.irVersion, 13);
  });

  it('local functions (IR 9) round-trip, are counted, and run', async () => {
    const model = roundTrip('functions_ir9.onnx');
    const sig = modelSignature(model.proto);
    assert.deepEqual(sig.functions, ['quantgate.test:ScaledRelu']);
    assert.equal(sig.opCounts['quantgate.test:ScaledRelu'], 2);
    assert.equal(sig.opCounts.Mul, 1);
    assert.deepEqual(sig.inputs[0], { name: 'x', dtype: 'float32', shape: ['batch', 3] });
    const result = await run(join(FIXTURES, 'functions_ir9.onnx'), { x: { type: 'float32', data: Float32Array.of(1, -1, 0.5), dims: [1, 3] } });
    assert.deepEqual([...(result.y!.data as Float32Array)], [4, 0, 2]);
  });

  it('external data written by onnx reads back, and a rewritten copy runs the same', async () => {
    const model = roundTrip(join('external', 'gemm.onnx'));
    assert.ok(model.proto.graph!.initializer.every((t) => t.dataLocation === 1));
    assert.equal(modelSignature(model.proto).parameters.externalBytes, (64 * 32 + 64) * 4);
    const copy = join(out, 'moved', 'gemm.onnx');
    const files = writeModel(model.proto, copy, model);
    assert.equal(files.length, 2);
    const x = Float32Array.from({ length: 32 }, (_, i) => i / 32 - 0.5);
    const a = await run(model.path, { x: { type: 'float32', data: x, dims: [1, 32] } });
    const b = await run(copy, { x: { type: 'float32', data: x, dims: [1, 32] } });
    assert.deepEqual(b.y!.data, a.y!.data);
    model.close();
  });

  it('float16, bfloat16 and int64 weights, a sparse initializer and an If subgraph', async () => {
    const model = roundTrip('mixed_types.onnx');
    const init = Object.fromEntries(model.proto.graph!.initializer.map((t) => [t.name, t]));
    assert.deepEqual([...toFloat32(DataType.FLOAT16, model.tensorBytes(init.w16!))], [0, 0.25, 0.5, 0.75, 1, 1.25]);
    assert.deepEqual([...toFloat32(DataType.BFLOAT16, model.tensorBytes(init.wbf16!))], [1, 2.5, -3]);
    assert.deepEqual([...toFloat32(DataType.INT64, model.tensorBytes(init.idx!))], [2, 0, 1]);
    const sig = modelSignature(model.proto);
    assert.equal(sig.opCounts.If, 1);
    assert.equal(sig.opCounts.Neg, 1, 'subgraph nodes are counted');
    assert.deepEqual(sig.inputs.map((i) => i.dtype), ['float16', 'bool']);
    // 6 + 3 + 3 initializer elements, 2 sparse values and 2 sparse indices.
    assert.equal(sig.parameters.count, 16);
    const half = Uint16Array.of(0x3c00, 0x4000, 0x4200, 0x3c00, 0x4000, 0x4200); // 1, 2, 3
    const result = await run(model.path, {
      x: { type: 'float16', data: half, dims: [2, 3] },
      flag: { type: 'bool', data: Uint8Array.of(0), dims: [] },
    });
    assert.deepEqual([...toFloat32(DataType.FLOAT16, new Uint8Array((result.branch!.data as Uint16Array).buffer))], [-1, -2.25, -3.5, -1.75, -3, -4.25]);
  });

  it('keeps a field unknown to the schema through read and write', () => {
    const model = roundTrip('unknown_field.onnx');
    assert.equal(model.proto.$unknown?.[0]?.no, 9999);
    const copy = join(out, 'unknown.onnx');
    writeModel(model.proto, copy);
    assert.ok(readFileSync(copy).equals(readFileSync(join(FIXTURES, 'unknown_field.onnx'))));
  });

  it("names the limits and the fix for onnx 1.23's default IR 14 / opset 28", async () => {
    const model = roundTrip('default_onnx_1_23.onnx');
    const limits = await runtimeLimits();
    // The limits are read from onnxruntime-node's own refusals; if its wording changed, the probe
    // would find nothing and models would fail later inside ONNX Runtime instead.
    assert.ok(limits.maxIrVersion !== null && limits.maxIrVersion >= 10 && limits.maxIrVersion < 14, `max IR ${limits.maxIrVersion}`);
    assert.ok(limits.maxOpset !== null && limits.maxOpset >= 21 && limits.maxOpset < 28, `max opset ${limits.maxOpset}`);
    const problem = runtimeSupportProblem(modelSignature(model.proto), limits, 'model.onnx');
    assert.ok(problem);
    assert.match(problem.message, new RegExp(`IR version 14 \\(it runs IR ≤ ${limits.maxIrVersion}\\) and opset 28 \\(it runs opset ≤ ${limits.maxOpset}\\)`));
    assert.match(problem.fix, new RegExp(`IR ${limits.maxIrVersion} and opset ${limits.maxOpset}`));
    assert.match(problem.fix, /convert_model_to_version/);
  });
});
