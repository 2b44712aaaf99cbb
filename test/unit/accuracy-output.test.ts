// Which output is scored: --output, else the first float one, else the first; an unknown name is
// one clear bad input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectOutput } from '../../src/accuracy/output.ts';
import { BadInputError } from '../../src/errors.ts';
import type { TensorSignature } from '../../src/model/signature.ts';

const outputs: TensorSignature[] = [
  { name: 'logits', dtype: 'float32', shape: ['batch', 1000] },
  { name: 'features', dtype: 'float32', shape: ['batch', 2048] },
];

describe('selectOutput', () => {
  it('takes the first output by default and the named one when given', () => {
    assert.equal(selectOutput(outputs), 'logits');
    assert.equal(selectOutput(outputs, 'features'), 'features');
    assert.equal(selectOutput(['a', 'b'], 'b'), 'b');
  });

  it("passes over a classifier's int64 labels to its probabilities (skl2onnx, onnxmltools)", () => {
    const classifier: TensorSignature[] = [
      { name: 'label', dtype: 'int64', shape: [null] },
      { name: 'probabilities', dtype: 'float32', shape: [null, 5] },
    ];
    assert.equal(selectOutput(classifier), 'probabilities');
    assert.equal(selectOutput(classifier, 'label'), 'label');
  });

  it('refuses a model with no float output before anything runs, naming its outputs and the fix', () => {
    assert.throws(
      () => selectOutput([{ name: 'label', dtype: 'int64', shape: [null] }, { name: 'probabilities', dtype: 'sequence<map<int64,float32>>', shape: [] }]),
      (e: unknown) =>
        e instanceof BadInputError &&
        e.message === "the model has no floating-point output to score accuracy on (its outputs: 'label' (int64), 'probabilities' (sequence<map<int64,float32>>))" &&
        /zipmap': False.*--output/.test(e.fix),
    );
    // Outputs of unknown type (names only) are left to the scorer.
    assert.equal(selectOutput(['ids']), 'ids');
  });

  it('names the model\'s outputs when the name is unknown, with a guess when one is close', () => {
    assert.throws(
      () => selectOutput(outputs, 'logit'),
      (e: unknown) =>
        e instanceof BadInputError &&
        e.message === "--output is 'logit', but the model has no output of that name; its outputs are 'logits' (float32 batch×1000), 'features' (float32 batch×2048)" &&
        /did you mean --output logits\?/.test(e.fix),
    );
    assert.throws(
      () => selectOutput(['prob'], 'segmentation_mask'),
      (e: unknown) => e instanceof BadInputError && /its outputs are 'prob'/.test(e.message) && /pass one of the model's output names with --output/.test(e.fix),
    );
  });

  it('refuses a model that declares no outputs', () => {
    assert.throws(() => selectOutput([]), (e: unknown) => e instanceof BadInputError && /declares no outputs/.test(e.message));
  });
});
