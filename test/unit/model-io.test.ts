import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { concatChunks, encodeChunks } from '../../src/model/encode.ts';
import { readModel } from '../../src/model/read.ts';
import { writeModel } from '../../src/model/write.ts';
import { gemmModel, largeWeightModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();

describe('encodeChunks', () => {
  it('produces exactly the bytes of toBinary for a small model', () => {
    const m = gemmModel();
    assert.deepEqual(concatChunks(encodeChunks(ModelProtoSchema, m)), toBinary(ModelProtoSchema, m));
  });

  it('produces exactly the bytes of toBinary when weights are large, without copying them', () => {
    const m = largeWeightModel();
    const chunks = encodeChunks(ModelProtoSchema, m);
    assert.deepEqual(concatChunks(chunks), toBinary(ModelProtoSchema, m));
    const weights = m.graph!.initializer[0]!.rawData;
    assert.ok(chunks.includes(weights), 'the raw_data buffer itself is one of the chunks');
  });

  it('keeps unknown fields, after the known ones, as protobuf-es and C++ do', () => {
    const m = largeWeightModel();
    m.$unknown = [{ no: 9999, wireType: 0, data: Uint8Array.of(42) }];
    m.graph!.initializer[0]!.$unknown = [{ no: 77, wireType: 0, data: Uint8Array.of(1) }];
    assert.deepEqual(concatChunks(encodeChunks(ModelProtoSchema, m)), toBinary(ModelProtoSchema, m));
  });

  it('encodes an empty model as zero bytes', () => {
    assert.equal(concatChunks(encodeChunks(ModelProtoSchema, create(ModelProtoSchema))).byteLength, 0);
  });
});

describe('readModel / writeModel', () => {
  it('round-trips a model byte for byte', () => {
    const path = join(dir, 'gemm.onnx');
    writeModel(gemmModel(), path);
    const loaded = readModel(path);
    const again = join(dir, 'gemm-again.onnx');
    writeModel(loaded.proto, again);
    assert.deepEqual(readFileSync(again), readFileSync(path));
    assert.equal(loaded.name, 'gemm');
    assert.equal(loaded.fileBytes, readFileSync(path).byteLength);
  });

  it('reads int64 as bigint and keeps fields unknown to the schema', () => {
    const path = join(dir, 'unknown.onnx');
    const bytes = toBinary(ModelProtoSchema, gemmModel());
    writeFileSync(path, Buffer.concat([bytes, Buffer.from([0xf8, 0xe1, 0x04, 42])])); // field 9999, varint 42
    const loaded = readModel(path);
    assert.equal(typeof loaded.proto.irVersion, 'bigint');
    assert.equal(loaded.proto.$unknown?.length, 1);
    const out = join(dir, 'unknown-out.onnx');
    writeModel(loaded.proto, out);
    assert.deepEqual(readFileSync(out), readFileSync(path));
  });

  it('moves weights to <file>.data when asked, and reads them back by position', () => {
    const path = join(dir, 'large.onnx');
    const original = largeWeightModel();
    const files = writeModel(original, path, undefined, { externalData: 'always' });
    assert.deepEqual(files, [path, `${path}.data`]);
    // The caller's model is not changed by writing it with external data.
    assert.equal(original.graph!.initializer[0]!.rawData.byteLength, 4 << 16);
    const loaded = readModel(path);
    const w = loaded.proto.graph!.initializer[0]!;
    assert.equal(w.rawData.byteLength, 0);
    assert.deepEqual(loaded.tensorBytes(w), original.graph!.initializer[0]!.rawData);
    assert.ok(loaded.totalBytes > loaded.fileBytes);
    // Written elsewhere, the external data is copied along (auto mode keeps it external).
    const copy = join(dir, 'copy', 'large.onnx');
    writeModel(loaded.proto, copy, loaded);
    const reloaded = readModel(copy);
    assert.deepEqual(reloaded.tensorBytes(reloaded.proto.graph!.initializer[0]!), original.graph!.initializer[0]!.rawData);
    loaded.close();
    reloaded.close();
  });

  it('hashes external data too: changed weights change sha256', async () => {
    const path = join(dir, 'hashed.onnx');
    writeModel(largeWeightModel(), path, undefined, { externalData: 'always' });
    const before = await readModel(path).sha256();
    const data = readFileSync(`${path}.data`);
    data[0] = data[0]! ^ 0xff;
    writeFileSync(`${path}.data`, data);
    assert.notEqual(await readModel(path).sha256(), before);
  });

  it('leaves no partial file behind when writing fails', () => {
    // A folder where the model should go: the final rename fails after the bytes were written.
    const target = join(dir, 'blocked', 'model.onnx');
    mkdirSync(target, { recursive: true });
    assert.throws(() => writeModel(gemmModel(), target));
    assert.deepEqual(readdirSync(join(dir, 'blocked')), ['model.onnx']);
  });
});
