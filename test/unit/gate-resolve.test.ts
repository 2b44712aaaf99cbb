// Whether a bootstrap interval resolves the gate's limit, and the sentence the report says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveLimit } from '../../src/gate/resolve.ts';
import { resolutionSentence } from '../../src/report/sections/accuracy.ts';

describe('resolveLimit', () => {
  it('resolved below: the whole interval under the limit', () => {
    assert.deepEqual(resolveLimit(0.42, [0.14, 0.7], 1, 5000), { resolution: 'below', samplesNeeded: null });
  });

  it('resolved above: the whole interval over it', () => {
    assert.deepEqual(resolveLimit(1.8, [1.2, 2.4], 1, 5000), { resolution: 'above', samplesNeeded: null });
  });

  it('unresolved when the limit is inside, with the sample size that would resolve it', () => {
    // 0.42 ± 0.28 at 5,000 samples against a 0.5 limit: the half-width must shrink from 0.28 to
    // 0.08, (0.28 / 0.08)² = 12.25 times the samples.
    const r = resolveLimit(0.42, [0.14, 0.7], 0.5, 5000);
    assert.equal(r.resolution, 'unresolved');
    assert.equal(r.samplesNeeded, 62_000); // 61,250 rounded up to two significant digits
  });

  it('uses the side of a lopsided interval that faces the limit', () => {
    const above = resolveLimit(1.35, [0.99, 1.72], 1, 2000); // faces down: 1.35 − 0.99 = 0.36 over a gap of 0.35
    assert.equal(above.resolution, 'unresolved');
    assert.equal(above.samplesNeeded, 2200); // 2,000 · (0.36/0.35)² = 2,116
    const below = resolveLimit(0.5, [0.1, 1.1], 1, 1000); // faces up: 0.6 over a gap of 0.5
    assert.equal(below.samplesNeeded, 1500); // 1,440
  });

  it('a loss on the limit: no sample size resolves it', () => {
    assert.deepEqual(resolveLimit(1, [0.6, 1.4], 1, 1000), { resolution: 'unresolved', samplesNeeded: null });
  });

  it('an interval end on the limit does not resolve it', () => {
    assert.equal(resolveLimit(0.7, [0.4, 1.0], 1, 1000).resolution, 'unresolved');
    assert.equal(resolveLimit(1.3, [1.0, 1.6], 1, 1000).resolution, 'unresolved');
  });

  it('on 1,000 images one top-1 point is within noise', () => {
    // A 0.6 pp loss on 1,000 images: paired interval about ±0.6 pp.
    assert.equal(resolveLimit(0.6, [0.0, 1.2], 1, 1000).resolution, 'unresolved');
  });
});

describe('the sentences', () => {
  it('resolved', () => {
    const s = resolutionSentence(0.42, [0.14, 0.7], 1, 5000, resolveLimit(0.42, [0.14, 0.7], 1, 5000));
    assert.equal(s, 'The 1.00 pp limit is resolved at this sample size: the whole interval lies below it (limits from 0.14 to 0.70 pp would not be).');
  });

  it('real and over', () => {
    const s = resolutionSentence(1.8, [1.2, 2.4], 1, 5000, resolveLimit(1.8, [1.2, 2.4], 1, 5000));
    assert.match(s, /lies above it, so the loss is real/);
  });

  it('unresolved, with the samples that would resolve it', () => {
    const s = resolutionSentence(1.35, [0.99, 1.72], 1, 2000, resolveLimit(1.35, [0.99, 1.72], 1, 2000));
    assert.equal(
      s,
      "The 1.00 pp limit is **not resolved** at 2,000 samples: it lies inside the interval, so the gate's decision rests on the point value. About 2,200 samples would resolve it if the loss stayed at 1.35 pp.",
    );
  });
});
