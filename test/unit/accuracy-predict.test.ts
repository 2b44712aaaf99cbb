// Class layout, float views and predicted classes: hand-computed values, numpy's conventions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classLayout, defaultClassAxis, positionsPerSample, scoresOf } from '../../src/accuracy/layout.ts';
import { argmaxRow, inTopK, NO_PREDICTION, predictClasses } from '../../src/accuracy/predict.ts';
import { BadInputError } from '../../src/errors.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { floatToHalf } from '../../src/model/tensor.ts';

const f32 = (values: number[]): Float32Array => Float32Array.from(values);

describe('classLayout', () => {
  it('reads the class axis by rank: last for [N,C] and [N,T,C], 1 for NCHW and NCDHW', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(defaultClassAxis), [1, 1, 2, 1, 1, 5]);
    assert.deepEqual(classLayout('y', [8, 10], 8), { classAxis: 1, samples: 8, classes: 10, outer: 1, inner: 1 });
    assert.deepEqual(classLayout('y', [2, 7, 5], 2), { classAxis: 2, samples: 2, classes: 5, outer: 7, inner: 1 });
    assert.deepEqual(classLayout('y', [2, 21, 4, 6], 2), { classAxis: 1, samples: 2, classes: 21, outer: 1, inner: 24 });
    assert.deepEqual(classLayout('y', [3], 3), { classAxis: 1, samples: 3, classes: 1, outer: 1, inner: 1 });
  });

  it('takes a settable axis, negative from the end as numpy does', () => {
    const nhwc = classLayout('y', [2, 4, 6, 21], 2, -1);
    assert.deepEqual(nhwc, { classAxis: 3, samples: 2, classes: 21, outer: 24, inner: 1 });
    assert.equal(positionsPerSample(nhwc), 24);
    assert.deepEqual(classLayout('y', [2, 5, 7], 2, 1), { classAxis: 1, samples: 2, classes: 5, outer: 1, inner: 7 });
  });

  const refusals: { name: string; dims: number[]; batch: number; axis?: number; problem: RegExp }[] = [
    { name: 'the batch axis as class axis', dims: [4, 10], batch: 4, axis: 0, problem: /class axis 0 does not fit output 'y' \(shape 4×10\)/ },
    { name: 'an axis past the rank', dims: [4, 10], batch: 4, axis: 2, problem: /class axis 2/ },
    { name: 'a negative axis reaching the batch', dims: [4, 3, 5], batch: 4, axis: -3, problem: /class axis -3.*axis 1 to 2/ },
    { name: 'an output without a batch axis', dims: [1000], batch: 4, problem: /shape 1000 for a batch of 4 samples: its first axis is not the batch/ },
    { name: 'a scalar output', dims: [], batch: 1, problem: /shape scalar/ },
  ];
  for (const c of refusals) {
    it(`refuses ${c.name} with one BadInputError`, () => {
      assert.throws(
        () => classLayout('y', c.dims, c.batch, c.axis),
        (e: unknown) => e instanceof BadInputError && c.problem.test(e.message) && e.fix.length > 0,
      );
    });
  }
});

describe('scoresOf', () => {
  it('views float32 without copying and widens float16 bits', () => {
    const data = f32([1, 2, 3]);
    assert.equal(scoresOf('y', { dataType: DataType.FLOAT, dims: [3], data }).buffer, data.buffer);
    const half = Uint16Array.from([1, -2.5, 65504, 0.1].map(floatToHalf));
    assert.deepEqual(Array.from(scoresOf('y', { dataType: DataType.FLOAT16, dims: [4], data: half })), [1, -2.5, 65504, Math.fround(0.0999755859375)]);
    assert.deepEqual(Array.from(scoresOf('y', { dataType: DataType.DOUBLE, dims: [2], data: Float64Array.of(0.5, -1) })), [0.5, -1]);
  });

  it('refuses integer outputs (class indices are not scores)', () => {
    assert.throws(
      () => scoresOf('label', { dataType: DataType.INT64, dims: [2], data: BigInt64Array.of(1n, 2n) }),
      (e: unknown) => e instanceof BadInputError && /output 'label' holds int64 values, not per-class scores/.test(e.message) && /--output/.test(e.fix),
    );
  });
});

describe('predictClasses', () => {
  it('breaks ties toward the lowest class index, as numpy.argmax does', () => {
    // numpy: np.argmax([[1, 3, 3, 0], [2, 2, 2, 2], [-1, -5, -1, -9]], axis=1) == [1, 0, 0]
    const layout = classLayout('y', [3, 4], 3);
    assert.deepEqual(Array.from(predictClasses(f32([1, 3, 3, 0, 2, 2, 2, 2, -1, -5, -1, -9]), layout)), [1, 0, 0]);
  });

  it('predicts nothing for a row holding NaN, wherever the NaN is', () => {
    const layout = classLayout('y', [4, 3], 4);
    const values = f32([NaN, 1, 0, 0, NaN, 5, 2, 1, NaN, 0, 1, 2]);
    assert.deepEqual(Array.from(predictClasses(values, layout)), [NO_PREDICTION, NO_PREDICTION, NO_PREDICTION, 2]);
  });

  it('orders infinities like any value', () => {
    assert.equal(argmaxRow(f32([-Infinity, Infinity, 3]), 0, 3), 1);
    assert.equal(argmaxRow(f32([-Infinity, -Infinity]), 0, 2), 0);
  });

  it('takes the argmax per pixel of an NCHW map', () => {
    // x[n, c, h, w] = value; np.argmax(x, axis=1) computed by hand below.
    const dims = [2, 3, 2, 2];
    const x = new Float32Array(24);
    const set = (n: number, c: number, h: number, w: number, v: number): void => void (x[((n * 3 + c) * 2 + h) * 2 + w] = v);
    set(0, 2, 0, 0, 1); // pixel (0,0) → 2
    set(0, 1, 0, 1, 1); // (0,1) → 1
    set(0, 0, 1, 0, 1); // (1,0) → 0
    set(0, 1, 1, 1, 1); // (1,1) tie of 1 and 2 → 1
    set(0, 2, 1, 1, 1);
    set(1, 2, 0, 0, -1); // sample 1: (0,0) classes 0,1 tie at 0 → 0
    set(1, 1, 0, 1, NaN); // (0,1) → no prediction
    set(1, 2, 1, 0, 0.5); // (1,0) → 2
    set(1, 1, 1, 1, 7); // (1,1) → 1
    const predictions = predictClasses(x, classLayout('y', dims, 2));
    assert.deepEqual(Array.from(predictions), [2, 1, 0, 1, 0, NO_PREDICTION, 2, 1]);
  });

  it('agrees with a plain per-position loop on a random [N, C, H, W] map and on NHWC', () => {
    const [n, c, h, w] = [3, 5, 4, 7];
    const x = Float32Array.from({ length: n * c * h * w }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const expected: number[] = [];
    for (let s = 0; s < n; s++) {
      for (let p = 0; p < h * w; p++) {
        let best = 0;
        for (let k = 1; k < c; k++) if (x[(s * c + k) * h * w + p]! > x[(s * c + best) * h * w + p]!) best = k;
        expected.push(best);
      }
    }
    assert.deepEqual(Array.from(predictClasses(x, classLayout('y', [n, c, h, w], n))), expected);
    // The same values read as NHWC [n, h, w, c]: class axis last, contiguous rows.
    const nhwc = predictClasses(x, classLayout('y', [n, h, w, c], n, 3));
    for (let row = 0; row < n * h * w; row++) assert.equal(nhwc[row], argmaxRow(x, row * c, c));
  });

  it('compares a one-channel map at 0.5: above is 1, at or below is 0', () => {
    const layout = classLayout('mask', [1, 1, 2, 3], 1);
    assert.deepEqual(layout.classes, 1);
    assert.deepEqual(Array.from(predictClasses(f32([0.2, 0.5, 0.51, 1, NaN, -3]), layout)), [0, 0, 1, 1, NO_PREDICTION, 0]);
    assert.deepEqual(Array.from(predictClasses(f32([0.2, 0.5, 0.51, 1, 0, -3]), layout, 0)), [1, 1, 1, 1, 0, 0]);
  });
});

describe('inTopK', () => {
  it('ranks ties by class index, consistently with argmax', () => {
    const row = f32([5, 9, 9, 1, 9, 0, 9]);
    // Order by (value desc, index asc): 1, 2, 4, 6, 0, 3, 5.
    assert.equal(inTopK(row, 0, 7, 6, 4), true);
    assert.equal(inTopK(row, 0, 7, 0, 4), false);
    assert.equal(inTopK(row, 0, 7, 0, 5), true);
    assert.equal(inTopK(row, 0, 7, 1, 1), true);
    assert.equal(inTopK(row, 0, 7, 2, 1), false);
  });

  it('is false for a row holding NaN', () => {
    assert.equal(inTopK(f32([1, NaN, 0]), 0, 3, 0, 3), false);
  });
});
