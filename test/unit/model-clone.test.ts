import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { cloneModel } from '../../src/model/clone.ts';
import { largeWeightModel, smallCnn } from '../helpers/models.ts';

describe('cloneModel', () => {
  it('encodes to the same bytes as the original, field presence included', () => {
    const m = smallCnn();
    m.graph!.node[0]!.attribute.push({ ...m.graph!.node[0]!.attribute[0]! });
    m.$unknown = [{ no: 9999, wireType: 0, data: Uint8Array.of(1) }];
    assert.deepEqual(toBinary(ModelProtoSchema, cloneModel(m)), toBinary(ModelProtoSchema, m));
  });

  it('shares the weights but not the messages: editing the copy leaves the original alone', () => {
    const m = largeWeightModel();
    const c = cloneModel(m);
    assert.equal(c.graph!.initializer[0]!.rawData, m.graph!.initializer[0]!.rawData, 'the bytes are shared');
    c.graph!.node[0]!.input[0] = 'renamed';
    c.graph!.initializer[0]!.name = 'renamed_w';
    c.graph!.node.push(c.graph!.node[0]!);
    assert.equal(m.graph!.node[0]!.input[0], 'x');
    assert.equal(m.graph!.initializer[0]!.name, 'w');
    assert.equal(m.graph!.node.length, 1);
  });
});
