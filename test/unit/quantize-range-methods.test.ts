import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AbsHistogram, MinMax } from '../../src/quantize/histogram.ts';
import { entropyThreshold, percentileThreshold } from '../../src/quantize/range-methods.ts';
import { seeded } from '../helpers/models.ts';

function gaussian(n: number, seed: number): Float32Array {
  const random = seeded(seed);
  return Float32Array.from({ length: n }, () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  });
}

describe('histograms', () => {
  it('bins |x| over [0, amax], the maximum in the last bin, NaN and infinities counted apart', () => {
    const h = new AbsHistogram(4, 4);
    h.add(Float32Array.of(0, 0.5, -1.5, 2, 3.9, -4, NaN, Infinity));
    assert.deepEqual([...h.counts], [2, 1, 1, 2]);
    assert.equal(h.nonFinite, 2);
    assert.equal(h.total, 6);
  });

  it('min/max ignore NaN', () => {
    const m = new MinMax();
    m.add(-2, 3);
    m.add(NaN, NaN);
    assert.deepEqual([m.min, m.max, m.amax], [-2, 3, 3]);
  });
});

describe('range methods', () => {
  const values = gaussian(200_000, 5);
  // One far outlier, the case clipping methods exist for.
  values[0] = 40;
  const amax = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const histogram = new AbsHistogram(amax);
  histogram.add(values);

  it('percentile: 99.99% of |x| of a standard normal lies below ~3.9', () => {
    const t = percentileThreshold(histogram, 99.99);
    assert.ok(t > 3.5 && t < 4.5, `threshold ${t}`);
    assert.equal(percentileThreshold(histogram, 100), amax);
  });

  it('entropy clips the outlier and keeps the bulk of the distribution', () => {
    const t = entropyThreshold(histogram);
    assert.ok(t < amax / 4, `threshold ${t} should clip the outlier at ${amax}`);
    assert.ok(t > 2, `threshold ${t} should keep the bulk of a standard normal`);
  });

  it('entropy keeps the whole range of a uniform distribution', () => {
    const random = seeded(9);
    const uniform = Float32Array.from({ length: 100_000 }, () => random() * 2 - 1);
    const h = new AbsHistogram(1);
    h.add(uniform);
    assert.ok(entropyThreshold(h) > 0.9, `threshold ${entropyThreshold(h)}`);
  });

  it('entropy never clips values that sit away from zero down to their lower edge', () => {
    // A squeeze-excitation gate (HardSigmoid output): every value in [0.2, 0.8], nothing near 0.
    // Clipping at 0.2 keeps one occupied bin, which rounds exactly: a divergence of 0, and every
    // value would become 0.2. The threshold must keep at least 99% of the values.
    const random = seeded(11);
    const gate = Float32Array.from({ length: 50_000 }, () => 0.2 + 0.6 * random());
    const h = new AbsHistogram(0.8);
    h.add(gate);
    const t = entropyThreshold(h);
    const clipped = gate.filter((v) => v > t).length / gate.length;
    assert.ok(clipped <= 0.01, `threshold ${t} clips ${(100 * clipped).toFixed(3)}% of the values`);
    assert.ok(t > 0.79, `threshold ${t}: a uniform distribution keeps its range`);
  });

  it('an all-zero tensor keeps amax 0', () => {
    const h = new AbsHistogram(0);
    h.add(new Float32Array(10));
    assert.equal(entropyThreshold(h), 0);
    assert.equal(percentileThreshold(h, 99.9), 0);
  });
});

describe('entropy after a Relu', () => {
  it('is not pulled towards 0 by the exact zeros that half of the values are', () => {
    // Half the values exactly 0 (a Relu's output), the rest |N(0,1)|: without discounting the
    // zero spike, the divergence prefers a threshold near the bulk at 0 and clips most values.
    const normal = gaussian(100_000, 7).map(Math.abs);
    const values = new Float32Array(200_000);
    values.set(normal, 100_000);
    const amax = normal.reduce((m, v) => Math.max(m, v), 0);
    const h = new AbsHistogram(amax);
    h.add(values);
    const t = entropyThreshold(h);
    assert.ok(t > 2.5, `threshold ${t} clips the positive half of the distribution`);
  });
});
