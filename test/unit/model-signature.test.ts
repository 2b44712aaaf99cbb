// How a model's declared dims are read: exporters' placeholder names mean "unknown", named
// symbols stay symbols (issue 10: Paddle2ONNX's `-1×3×?×?` demanded equal height and width).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { formatShape, isPlaceholderDimName, tensorSignature, type Dim } from '../../src/model/signature.ts';

describe('dims as the signature reads them', () => {
  const cases: { name: string; declared: Dim; read: Dim }[] = [
    { name: 'a size', declared: 3, read: 3 },
    { name: 'no size and no name', declared: null, read: null },
    { name: "Paddle2ONNX's '?'", declared: '?', read: null },
    { name: "'-1' written as a name", declared: '-1', read: null },
    { name: 'a negative size (-1 for "any")', declared: -1, read: null },
    { name: 'the empty name', declared: '', read: null },
    { name: "'None' (Python's str(None))", declared: 'None', read: null },
    { name: "tf2onnx's and shape inference's generated 'unk__123'", declared: 'unk__123', read: null },
    { name: 'a named symbol', declared: 'batch', read: 'batch' },
    { name: "PyTorch dynamo's 's0' (a real symbol: equal names are equal sizes)", declared: 's0', read: 's0' },
    { name: "Paddle2ONNX's generated 'DynamicDimension.0' (unique, so harmless as a symbol)", declared: 'DynamicDimension.0', read: 'DynamicDimension.0' },
    { name: "'unk' without a number", declared: 'unk', read: 'unk' },
    { name: 'a zero size (a fixed empty dim)', declared: 0, read: 0 },
  ];
  for (const c of cases) {
    it(`${c.name} → ${JSON.stringify(c.read)}`, () => {
      assert.deepEqual(tensorSignature(valueInfo('x', DataType.FLOAT, [c.declared])).shape, [c.read]);
    });
  }

  it("shows a Paddle2ONNX input as unknown dims, not as one symbol", () => {
    const shape = tensorSignature(valueInfo('x', DataType.FLOAT, [-1, 3, '?', '?'])).shape;
    assert.deepEqual(shape, [null, 3, null, null]);
    assert.equal(formatShape(shape), '?×3×?×?');
  });

  it('tells placeholders from names', () => {
    assert.deepEqual(['?', ' ? ', '-1', '-12', 'unk__0', 'None', ''].map(isPlaceholderDimName), [true, true, true, true, true, true, true]);
    assert.deepEqual(['N', 'batch_size', 'unk__', 'unk__x', '1', 'none', 's12'].map(isPlaceholderDimName), [false, false, false, false, false, false, false]);
  });
});
