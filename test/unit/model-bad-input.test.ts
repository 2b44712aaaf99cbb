// Every way a model path can be wrong ends in one BadInputError naming the file and the fix.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { BadInputError } from '../../src/errors.ts';
import { readModel } from '../../src/model/read.ts';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const good = toBinary(ModelProtoSchema, gemmModel());

function expectBadInput(path: string, problem: RegExp, fix: RegExp): void {
  assert.throws(
    () => readModel(path),
    (error: unknown) => {
      assert.ok(error instanceof BadInputError, `expected BadInputError, got ${String(error)}`);
      assert.match(error.message, problem);
      assert.match(error.fix, fix);
      assert.ok(error.message.includes(path), 'the message names the file');
      return true;
    },
  );
}

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('readModel refuses bad files with one clear message', () => {
  const cases: { name: string; make: () => string; problem: RegExp; fix: RegExp }[] = [
    { name: 'missing file', make: () => join(dir, 'nope.onnx'), problem: /no such file/, fix: /check the path/ },
    {
      name: 'a directory',
      make: () => {
        mkdirSync(join(dir, 'folder'), { recursive: true });
        writeFileSync(join(dir, 'folder', 'inside.onnx'), good);
        return join(dir, 'folder');
      },
      problem: /is a directory/,
      fix: /inside\.onnx/,
    },
    { name: 'an empty file', make: () => file('empty.onnx', new Uint8Array()), problem: /empty/, fix: /export or copy/ },
    { name: 'truncated inside the graph', make: () => file('cut.onnx', good.subarray(0, good.byteLength - 40)), problem: /truncated or in another format/, fix: /whole file/ },
    {
      name: 'truncated at a field boundary (no opset_import)',
      make: () => {
        const m = gemmModel();
        m.opsetImport = [];
        return file('no-opset.onnx', toBinary(ModelProtoSchema, m));
      },
      problem: /no opset_import/,
      fix: /export or copy/,
    },
    { name: 'a text file', make: () => file('script.onnx', 'import torch\nprint(1)\n'), problem: /text file/, fix: /binary \.onnx/ },
    { name: 'a zip (torch.save checkpoint)', make: () => file('model.pt', Buffer.from('PK\x03\x04rest-of-zip', 'latin1')), problem: /zip archive/, fix: /export-command/ },
    { name: 'a pickle', make: () => file('model.pkl', Buffer.from([0x80, 0x04, 0x95, 0x10, 0, 0])), problem: /pickle/, fix: /torch\.onnx\.export/ },
    { name: 'random bytes', make: () => file('random.onnx', Buffer.from([0x08, 0x96, 0x01, 0xff, 0xff, 0xff])), problem: /not a readable ONNX model/, fix: /sha256/ },
    {
      name: 'a node reading an undefined tensor',
      make: () => {
        const m = gemmModel();
        m.graph!.node[0]!.input[1] = 'missing_weight';
        return file('dangling.onnx', toBinary(ModelProtoSchema, m));
      },
      problem: /reads 'missing_weight'/,
      fix: /export or copy/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => expectBadInput(c.make(), c.problem, c.fix));
  }

  it('the fixture it breaks is itself a valid model', () => {
    assert.equal(readModel(file('good.onnx', good)).proto.graph?.node.length, 1);
    assert.ok(readFileSync(join(dir, 'good.onnx')).equals(Buffer.from(good)));
  });
});
