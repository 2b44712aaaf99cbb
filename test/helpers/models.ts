/** Small fixture models built in code, for tests that need a model of a particular shape. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, StringStringEntryProtoSchema, TensorProto_DataLocation, TensorProto_DataType as DataType, type ModelProto } from 'onnx-buf';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { makeTensor } from '../../src/model/tensor.ts';

/** A seeded uniform generator, so fixtures are the same on every run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
