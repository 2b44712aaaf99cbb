// Top-1 and top-5 against labels, fed batch by batch: hand-computed values and the edge cases.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostTensor, Labels } from '../../src/data/types.ts';
import { LabelledScorer } from '../../src/accuracy/labelled.ts';
import { BadInputError } from '../../src/errors.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { floatToHalf } from '../../src/model/tensor.ts';

const labels = (values: number[], source = 'labels.txt'): Labels => ({ source, values: Int32Array.from(values) });
const logits = (dims: number[], values: number[]): HostTensor => ({ dataType: DataType.FLOAT, dims, data: Float32Array.from(values) });

/** Scores `rows` (one array of class scores per sample) in batches of `batchSize`. */
function score(rows: number[][], truth: number[], batchSize = 2, classAxis?: number): ReturnType<LabelledScorer['result']> {
  const scorer = new LabelledScorer(labels(truth), { output: 'logits', ...(classAxis === undefined ? {} : { classAxis }) });
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    scorer.add(logits([batch.length, batch[0]!.length], batch.flat()), { start, size: batch.length });
  }
  return scorer.result();
}

describe('LabelledScorer', () => {
  it('counts top-1 and top-5 over batches (hand-computed)', () => {
    const rows = [
      [0.1, 0.9, 0, 0, 0, 0], // argmax 1
      [5, 4, 3, 2, 1, 0], // argmax 0; class 5 ranks 6th
      [0, 0, 0, 0, 0, 1], // argmax 5
      [1, 2, 3, 4, 5, 6], // argmax 5; class 1 ranks 5th
      [3, 3, 1, 1, 1, 1], // tie: argmax 0
    ];
    const result = score(rows, [1, 5, 5, 1, 1]);
    // top-1 right: samples 0 and 2 (sample 4's tie goes to class 0, not its label 1).
    assert.equal(result.samples, 5);
    assert.equal(result.top1, 40);
    // top-5: sample 0 yes, 1 no (6th), 2 yes, 3 yes (5th), 4 yes (class 1 ranks 2nd) → 4 of 5.
    assert.equal(result.top5, 80);
    assert.equal(result.classes, 6);
    assert.equal(result.classAxis, 1);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => result.outcomes.top1(i)), [true, false, true, false, false]);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => result.outcomes.top5(i)), [true, false, true, true, true]);
  });

  it('has top-5 at exactly 5 classes (always right) and none below 5', () => {
    const five = score([[0, 1, 2, 3, 4], [4, 3, 2, 1, 0]], [0, 0]);
    assert.equal(five.top1, 50);
    assert.equal(five.top5, 100);
    const four = score([[0, 1, 2, 3], [4, 3, 2, 1]], [0, 0]);
    assert.equal(four.top1, 50);
    assert.equal(four.top5, null);
  });

  it('counts a sample with a NaN score as wrong for top-1 and top-5, and reports it', () => {
    const result = score([[NaN, 0, 0, 0, 0, 9], [9, 1, 1, 1, 1, 1], [0, NaN, 1, 2, 3, 4]], [5, 0, 4], 3);
    // numpy's argmax would pick index 0 (the NaN) for sample 0, and 1 for sample 2: we count both wrong.
    assert.equal(result.top1, 100 / 3);
    assert.equal(result.top5, 100 / 3);
    assert.equal(result.nanSamples, 2);
  });

  it('scores float16 outputs like their float32 values', () => {
    const rows = [[0.25, 0.5, 0.125], [3, -1, 3.5], [1e-3, 2e-3, 0]];
    const truth = [1, 2, 0];
    const scorer = new LabelledScorer(labels(truth), { output: 'logits' });
    scorer.add({ dataType: DataType.FLOAT16, dims: [3, 3], data: Uint16Array.from(rows.flat().map(floatToHalf)) }, { start: 0, size: 3 });
    assert.equal(scorer.result().top1, score(rows, truth, 3).top1);
    assert.equal(scorer.result().top1, 200 / 3);
  });

  it('reads [N, C, 1, 1] (class axis 1) and [N, 1, C] (class axis 2) as one position a sample', () => {
    const scorer = new LabelledScorer(labels([2, 0]), { output: 'logits' });
    scorer.add(logits([2, 3, 1, 1], [0, 1, 2, 5, 1, 0]), { start: 0, size: 2 });
    assert.equal(scorer.result().top1, 100);
    const seq = new LabelledScorer(labels([2, 1]), { output: 'logits' });
    seq.add(logits([2, 1, 3], [0, 1, 2, 5, 1, 0]), { start: 0, size: 2 });
    assert.equal(seq.result().top1, 50);
    assert.equal(seq.result().classAxis, 2);
  });

  it('scores a one-channel binary classifier at 0.5 against labels 0 and 1', () => {
    const scorer = new LabelledScorer(labels([1, 0, 0, 1]), { output: 'p' });
    scorer.add(logits([4, 1], [0.9, 0.5, 0.7, 0.2]), { start: 0, size: 4 });
    const result = scorer.result();
    assert.equal(result.top1, 50);
    assert.equal(result.top5, null);
    assert.equal(result.classes, 1);
  });

  it('takes batches in any order, by their start index', () => {
    const scorer = new LabelledScorer(labels([0, 1, 1, 0]), { output: 'logits' });
    scorer.add(logits([2, 2], [0, 1, 1, 0]), { start: 2, size: 2 });
    scorer.add(logits([2, 2], [1, 0, 1, 0]), { start: 0, size: 2 });
    const result = scorer.result();
    assert.equal(result.top1, 75);
    assert.deepEqual([0, 1, 2, 3].map((i) => result.outcomes.top1(i)), [true, false, true, true]);
  });

  const refusals: { name: string; run: (s: LabelledScorer) => void; truth: number[]; problem: RegExp; fix: RegExp }[] = [
    {
      name: 'fewer labels than samples',
      truth: [0, 1],
      run: (s) => s.add(logits([3, 2], [1, 0, 0, 1, 1, 0]), { start: 0, size: 3 }),
      problem: /labels labels\.txt: 2 labels, but the evaluation data has more samples \(sample 2 has none\)/,
      fix: /one label per evaluation sample/,
    },
    {
      name: 'a label past the last class',
      truth: [0, 3],
      run: (s) => s.add(logits([2, 3], [1, 0, 0, 0, 1, 0]), { start: 0, size: 2 }),
      problem: /label 3 of sample 1 is outside the 3 classes of output 'logits' \(0 to 2\)/,
      fix: /count classes from 0/,
    },
    {
      name: 'a negative label',
      truth: [-1],
      run: (s) => s.add(logits([1, 3], [1, 0, 0]), { start: 0, size: 1 }),
      problem: /label -1 of sample 0/,
      fix: /count classes from 0/,
    },
    {
      name: 'a map output (positions per sample)',
      truth: [0, 1],
      run: (s) => s.add(logits([2, 3, 2, 2], new Array(24).fill(0)), { start: 0, size: 2 }),
      problem: /output 'logits' \(shape 2×3×2×2, class axis 1\) has 4 positions per sample, but labels give one class per sample/,
      fix: /leave out --labels to score fidelity/,
    },
  ];
  for (const c of refusals) {
    it(`refuses ${c.name} with one BadInputError`, () => {
      const scorer = new LabelledScorer(labels(c.truth), { output: 'logits' });
      assert.throws(
        () => c.run(scorer),
        (e: unknown) => e instanceof BadInputError && c.problem.test(e.message) && c.fix.test(e.fix),
      );
    });
  }

  it('treats scoring a sample twice as a bug, not bad input', () => {
    const scorer = new LabelledScorer(labels([0, 1]), { output: 'logits' });
    scorer.add(logits([1, 2], [1, 0]), { start: 0, size: 1 });
    assert.throws(() => scorer.add(logits([1, 2], [1, 0]), { start: 0, size: 1 }), (e: unknown) => !(e instanceof BadInputError) && /scored twice/.test(String(e)));
  });
});
