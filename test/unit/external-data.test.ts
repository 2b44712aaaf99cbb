// External data: locations that escape the model's folder are refused before any read; large
// files are read by position.
import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BadInputError } from '../../src/errors.ts';
import { readModel } from '../../src/model/read.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { modelSignature } from '../../src/model/signature.ts';
import { typedView } from '../../src/model/tensor.ts';
import { writeModel } from '../../src/model/write.ts';
import { modelWithExternalWeight } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const root = tempDir();

function refused(path: string, why: RegExp): void {
  assert.throws(
    () => readModel(path),
    (e: unknown) => e instanceof BadInputError && why.test(e.message) && e.message.includes(path) && /model's folder/.test(e.fix + e.message),
  );
}

describe('external data locations', () => {
  it('refuses an absolute location', () => {
    refused(modelWithExternalWeight(join(root, 'abs'), '/etc/passwd'), /absolute path/);
  });

  it('refuses a Windows absolute location', () => {
    refused(modelWithExternalWeight(join(root, 'win'), 'C:\\secrets\\w.bin'), /absolute path/);
  });

  it("refuses a '..' segment, even one that would land back inside", () => {
    refused(modelWithExternalWeight(join(root, 'dots'), '../dots/w.bin'), /'\.\.' segment/);
    refused(modelWithExternalWeight(join(root, 'dots2'), 'sub\\..\\..\\w.bin'), /'\.\.' segment/);
  });

  it('refuses a symlink that leads outside the folder', () => {
    writeFileSync(join(root, 'outside.bin'), new Uint8Array(128));
    const folder = join(root, 'link');
    const path = modelWithExternalWeight(folder, 'w.bin');
    symlinkSync(join(root, 'outside.bin'), join(folder, 'w.bin'));
    refused(path, /outside the model's folder/);
  });

  it('accepts a symlink that stays inside the folder', () => {
    const folder = join(root, 'inner-link');
    const path = modelWithExternalWeight(folder, 'w.bin');
    writeFileSync(join(folder, 'real.bin'), new Float32Array(32));
    symlinkSync(join(folder, 'real.bin'), join(folder, 'w.bin'));
    const loaded = readModel(path);
    assert.equal(loaded.tensorBytes(loaded.proto.graph!.initializer[0]!).byteLength, 128);
    loaded.close();
  });

  it('names the missing data file', () => {
    const path = modelWithExternalWeight(join(root, 'missing'), 'w.bin');
    assert.throws(() => readModel(path), (e: unknown) => e instanceof BadInputError && /'w\.bin', which does not exist/.test(e.message));
  });

  it('says when the data file is shorter than the tensor needs', () => {
    const folder = join(root, 'short');
    const path = modelWithExternalWeight(folder, 'w.bin');
    writeFileSync(join(folder, 'w.bin'), new Uint8Array(10));
    // Found when the model is read, before any stage asks for the tensor.
    assert.throws(() => readModel(path), (e: unknown) => e instanceof BadInputError && /needs bytes 0\.\.128 of .*w\.bin, which holds 10/.test(e.message));
  });
});

describe('models over 2 GB', () => {
  it('reads a tensor stored past the 2 GiB mark of a data file by position, without loading the file', () => {
    const folder = join(root, 'big');
    const offset = 2 ** 31 + 4096;
    const path = modelWithExternalWeight(folder, 'weights.bin', offset, 128);
    // A sparse file: 2 GiB of holes cost no disk and no memory.
    const fd = openSync(join(folder, 'weights.bin'), 'w');
    ftruncateSync(fd, offset + 128);
    writeSync(fd, new Float32Array(32).fill(1.5), 0, 128, offset);
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const loaded = readModel(path);
    const values = typedView(DataType.FLOAT, loaded.tensorBytes(loaded.proto.graph!.initializer[0]!)) as Float32Array;
    assert.deepEqual([...values.slice(0, 3)], [1.5, 1.5, 1.5]);
    assert.ok(loaded.totalBytes > 2 ** 31);
    assert.ok(process.memoryUsage().rss - before < 256 * 2 ** 20, 'memory stays far below the data file size');
    assert.equal(modelSignature(loaded.proto).parameters.externalBytes, 128);
    // Written to another folder, only the referenced bytes are copied.
    const [copy, data] = writeModel(loaded.proto, join(root, 'big-copy', 'model.onnx'), loaded);
    const reread = readModel(copy!);
    assert.deepEqual(reread.tensorBytes(reread.proto.graph!.initializer[0]!), loaded.tensorBytes(loaded.proto.graph!.initializer[0]!));
    assert.ok(data!.endsWith('model.onnx.data'));
    loaded.close();
    reread.close();
  });
});

