// Conformance against ONNX's own backend test data (Debian's libonnx-testdata, ONNX 1.12):
// every model.onnx decodes and re-encodes byte for byte, through protobuf-es and through
// quantgate's streaming encoder, and the re-encoded Conv/Gemm/MatMul/Q/DQ/QLinear cases, run by
// onnxruntime-node, reproduce the outputs stored beside them.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, TensorProtoSchema } from 'onnx-buf';
import { concatChunks, encodeChunks } from '../../src/model/encode.ts';
import { readModel } from '../../src/model/read.ts';
import { inlineTensorBytes, toFloat32 } from '../../src/model/tensor.ts';
import { loadOrt } from '../../src/runtime/onnxruntime/load.ts';
import { toOrtTensor } from '../../src/runtime/onnxruntime/tensor.ts';

const DATA = process.env.QUANTGATE_ONNX_TESTDATA ?? '/usr/share/libonnx-testdata/data';
const available = existsSync(DATA);
const skip = available ? false : `ONNX backend test data not found at ${DATA} (apt-get install libonnx-testdata, or set QUANTGATE_ONNX_TESTDATA)`;
if (skip) console.log(`# skipped: ${skip}`);

function modelFiles(): string[] {
  const out: string[] = [];
  for (const group of readdirSync(DATA)) {
    for (const c of readdirSync(join(DATA, group))) {
      const path = join(DATA, group, c, 'model.onnx');
      if (existsSync(path)) out.push(path);
    }
  }
  return out.sort();
}

const RUN = /^test_(conv|convinteger|gemm|matmul|matmulinteger|quantizelinear|dequantizelinear|qlinear)/;

describe('ONNX backend test data', { skip }, () => {
  it('decodes and re-encodes every model byte for byte', (t) => {
    const files = modelFiles();
    let identical = 0;
    let streamedIdentical = 0;
    let loaded = 0;
    const differing: string[] = [];
    for (const path of files) {
      const bytes = readFileSync(path);
      const proto = fromBinary(ModelProtoSchema, bytes);
      const reencoded = toBinary(ModelProtoSchema, proto);
      if (Buffer.from(reencoded).equals(bytes)) identical++;
      else differing.push(path);
      if (Buffer.from(concatChunks(encodeChunks(ModelProtoSchema, proto))).equals(bytes)) streamedIdentical++;
      readModel(path).close();
      loaded++;
    }
    t.diagnostic(`conformance: ${files.length} models decoded, ${identical} re-encoded identically (protobuf-es), ${streamedIdentical} (streaming encoder), ${loaded} loaded by readModel`);
    assert.ok(files.length > 1000, `expected the full test data, found ${files.length} models`);
    assert.deepEqual(differing, []);
    assert.equal(streamedIdentical, files.length);
  });

  it('runs the re-encoded Conv/Gemm/MatMul/Q/DQ/QLinear cases and matches the stored outputs', async (t) => {
    const ort = await loadOrt();
    const cases = readdirSync(join(DATA, 'node')).filter((c) => RUN.test(c)).sort();
    let ran = 0;
    let matched = 0;
    const unsupported: string[] = [];
    const mismatched: string[] = [];
    for (const name of cases) {
      const dir = join(DATA, 'node', name);
      const proto = fromBinary(ModelProtoSchema, readFileSync(join(dir, 'model.onnx')));
      const bytes = concatChunks(encodeChunks(ModelProtoSchema, proto));
      let session;
      try {
        session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 4 });
      } catch (error) {
        unsupported.push(`${name}: ${(error as Error).message.split('\n')[0]!.slice(-120)}`);
        continue;
      }
      for (const set of readdirSync(dir).filter((d) => d.startsWith('test_data_set_')).sort()) {
        const tensors = (prefix: string) =>
          readdirSync(join(dir, set))
            .filter((f) => f.startsWith(prefix))
            .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]))
            .map((f) => fromBinary(TensorProtoSchema, readFileSync(join(dir, set, f))));
        const inputs = tensors('input_');
        const expected = tensors('output_');
        const feeds: Record<string, ReturnType<typeof toOrtTensor>> = {};
        const graphInputs = proto.graph!.input.filter((i) => !proto.graph!.initializer.some((t) => t.name === i.name));
        inputs.forEach((t, i) => {
          feeds[graphInputs[i]!.name] = toOrtTensor(ort, t.dataType, t.dims.map(Number), inlineTensorBytes(t));
        });
        const results = await session.run(feeds);
        ran++;
        const ok = expected.every((t, i) => {
          const got = results[proto.graph!.output[i]!.name]!;
          const want = toFloat32(t.dataType, inlineTensorBytes(t));
          const actual = Float32Array.from(got.data as ArrayLike<number>);
          if (actual.length !== want.length) return false;
          return want.every((w, k) => Math.abs(actual[k]! - w) <= 1e-4 + 1e-3 * Math.abs(w));
        });
        if (ok) matched++;
        else mismatched.push(`${name}/${set}`);
      }
      await session.release();
    }
    t.diagnostic(
      `conformance: ${cases.length} Conv/Gemm/MatMul/Q/DQ/QLinear cases; ${ran} data sets run, ${matched} matched; ` +
        `${unsupported.length} not loadable by onnxruntime-node${unsupported.length ? `: ${unsupported.join('; ')}` : ''}`,
    );
    // ONNX 1.12's data has 38 such cases with one data set each; all load in onnxruntime-node 1.30.
    assert.ok(ran >= 38, `expected at least 38 data sets to run, ran ${ran}`);
    assert.deepEqual(mismatched, []);
  });
});
