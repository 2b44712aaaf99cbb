// Hostile and broken models that decode as protobuf: each is bad input (exit 2, one message with
// the fix) found before anything long runs, never an internal error, and `inspect` no longer
// calls them runnable.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, StringStringEntryProtoSchema, TensorProto_DataLocation, type ModelProto } from 'onnx-buf';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { floatToHalf, makeTensor } from '../../src/model/tensor.ts';
import { cli } from '../helpers/cli.ts';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const fast = ['--warmup-ms', '0', '--min-iterations', '2', '--min-time-ms', '0', '--batch-sizes', '1', '--quiet'];

function save(name: string, m: ModelProto): string {
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, toBinary(ModelProtoSchema, m));
  return path;
}

const gemm = (x: (string | number)[], w: number[]) =>
  model(
    graph({
      nodes: [node('Gemm', ['x', 'w'], ['y'], { name: 'fc', attributes: { transB: 1 } })],
      inputs: [valueInfo('x', DataType.FLOAT, x)],
      outputs: [valueInfo('y', DataType.FLOAT, ['batch', w[0]!])],
      initializers: [makeTensor('w', DataType.FLOAT, w, new Float32Array(w[0]! * w[1]!).fill(0.5))],
    }),
    { irVersion: 8, opsets: { '': 17 } },
  );

const cases: { name: string; make: () => ModelProto; problem: RegExp; fix: RegExp }[] = [
  {
    name: 'a graph with a cycle',
    make: () => {
      const m = gemmModel();
      m.graph!.node[0]!.output[0] = 'h';
      m.graph!.node.push(node('Add', ['h', 'c'], ['y'], { name: 'add' }), node('Relu', ['y'], ['c'], { name: 'relu' }));
      return m;
    },
    problem: /a cycle: .*'add'.*'relu'|a cycle: .*'relu'.*'add'/,
    fix: /export the model again/,
  },
  {
    name: 'an input with a dimension of size 0',
    make: () => gemm(['batch', 0], [4, 0]),
    problem: /input 'x' has a dimension of size 0/,
    fix: /export/,
  },
  {
    name: 'a zero-sized weight of a quantized op',
    make: () => gemm(['batch', 8], [0, 8]),
    problem: /'w', input 1 of Gemm 'fc', holds no values/,
    fix: /export/,
  },
  {
    name: 'an initializer whose dims claim 180 G values it does not hold',
    make: () => {
      const m = gemmModel();
      m.graph!.initializer[0]!.dims = [300000n, 600000n];
      return m;
    },
    problem: /initializer 'w': its dims 300000×600000 claim 180000000000 values \(720000000000 bytes\), but it holds 128 bytes/,
    fix: /export the model again/,
  },
  {
    name: 'an initializer holding fewer typed values than its dims',
    make: () => {
      const m = gemmModel();
      const w = m.graph!.initializer[0]!;
      w.floatData = [1, 2, 3];
      w.rawData = new Uint8Array();
      return m;
    },
    problem: /initializer 'w': its dims 4×8 claim 32 values .*but it holds 3 values/,
    fix: /export the model again/,
  },
  {
    name: 'a NaN weight',
    make: () => {
      const m = gemmModel();
      const values = new Float32Array(m.graph!.initializer[0]!.rawData.slice().buffer);
      values[5] = Number.NaN;
      m.graph!.initializer[0]!.rawData = new Uint8Array(values.buffer);
      return m;
    },
    problem: /initializer 'w' holds 1 NaN value \(first at index 5\)/,
    fix: /weights .*finite/,
  },
  {
    name: 'an infinite float16 weight',
    make: () => {
      const m = gemm(['batch', 2], [2, 2]);
      m.graph!.initializer[0] = makeTensor('w', DataType.FLOAT16, [2, 2], Uint16Array.from([floatToHalf(1), floatToHalf(Infinity), 0, 0]));
      m.graph!.input[0] = valueInfo('x', DataType.FLOAT16, ['batch', 2]);
      m.graph!.output[0] = valueInfo('y', DataType.FLOAT16, ['batch', 2]);
      return m;
    },
    problem: /initializer 'w' holds 1 infinite value \(first at index 1\)/,
    fix: /weights .*finite/,
  },
  {
    name: 'an op type ONNX Runtime has not registered',
    make: () => {
      const m = gemmModel();
      m.graph!.node.push(node('FooBar', ['y'], ['z'], { name: 'foo' }));
      m.graph!.output[0]!.name = 'z';
      return m;
    },
    problem: /ONNX Runtime .* cannot load the model: .*No Op registered for FooBar/,
    fix: /custom op|opset|export/,
  },
];

describe('hostile models are bad input', () => {
  for (const { name, make, problem, fix } of cases) {
    it(`run: ${name}`, async () => {
      const path = save(name.replace(/\W+/g, '-'), make());
      const r = await cli(['run', '--model', path, '--out', join(dir, `out-${name.replace(/\W+/g, '-')}`), ...fast]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, problem);
      assert.match(r.stderr, new RegExp(`fix: .*(${fix.source})`));
    });
  }

  it('an external tensor whose dims claim more bytes than its file holds', async () => {
    const m = gemmModel();
    const w = m.graph!.initializer[0]!;
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(w.rawData));
    w.rawData = new Uint8Array();
    w.dims = [4000n, 8n];
    w.dataLocation = TensorProto_DataLocation.EXTERNAL;
    w.externalData = [create(StringStringEntryProtoSchema, { key: 'location', value: 'weights.bin' })];
    const path = save('external-short', m);
    const r = await cli(['inspect', '--model', path]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /initializer 'w': .*needs bytes 0\.\.128000 of .*weights\.bin, which holds 128/);
  });

  it('inspect no longer says ONNX Runtime runs a model it cannot load', async () => {
    const m = gemmModel();
    m.graph!.node.push(node('FooBar', ['y'], ['z'], { name: 'foo' }));
    m.graph!.output[0]!.name = 'z';
    const r = await cli(['inspect', '--model', save('inspect-unknown-op', m)]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /runs it/);
    assert.match(r.stdout, /cannot load the model: .*FooBar/);
  });
});
