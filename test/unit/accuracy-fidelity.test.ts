// Fidelity of a candidate against FP32 without labels: agreement, cosine and SNR, hand-computed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostTensor } from '../../src/data/types.ts';
import { FidelityScorer, SNR_LIMIT_DB, snrDb } from '../../src/accuracy/fidelity.ts';
import { BadInputError } from '../../src/errors.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { floatToHalf, halfToFloat } from '../../src/model/tensor.ts';

const t = (dims: number[], values: number[]): HostTensor => ({ dataType: DataType.FLOAT, dims, data: Float32Array.from(values) });

function compare(dims: number[], reference: number[], candidate: number[], classAxis?: number): ReturnType<FidelityScorer['result']> {
  const scorer = new FidelityScorer({ output: 'y', ...(classAxis === undefined ? {} : { classAxis }) });
  scorer.add(t(dims, reference), t(dims, candidate), { start: 0, size: dims[0]! });
  return scorer.result();
}

function close(actual: number, expected: number, what: string, tolerance = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

describe('FidelityScorer', () => {
  it('computes agreement, per-sample cosine and pooled SNR of a classifier (hand-computed)', () => {
    const f = compare([3, 3], [1, 2, 3, 3, 2, 1, 0, 0, 1], [1, 3, 2, 3, 2, 1, 0, 0, 2]);
    // Argmax: FP32 [2, 0, 2], candidate [1, 0, 2] → 2 of 3 agree.
    close(f.agreement, 200 / 3, 'agreement');
    close(f.disagreement, 100 / 3, 'disagreement');
    // Cosines: 13/14, 1, 2/(1·2) = 1.
    close(f.cosine, (13 / 14 + 1 + 1) / 3, 'cosine');
    // Σ ref² = 14 + 14 + 1, Σ (ref − cand)² = 2 + 0 + 1.
    close(f.snrDb, 10 * Math.log10(29 / 3), 'snr');
    assert.equal(f.samples, 3);
    assert.equal(f.positions, 3);
    assert.equal(f.nonFinite, 0);
  });

  it('averages cosine per sample rather than over the whole set', () => {
    // Sample 0 has large logits and matches; sample 1 has small ones and points the other way.
    const f = compare([2, 2], [100, 0, 1, 0], [100, 0, -1, 0]);
    close(f.cosine, 0, 'per-sample mean of 1 and −1');
    const global = (100 * 100 - 1) / (100 * 100 + 1);
    assert.ok(global > 0.99, 'a global cosine would hide the flipped sample');
    close(f.agreement, 50, 'agreement');
  });

  it('agrees per pixel on an NCHW segmentation map', () => {
    // [1, 3, 2, 2]: classes on axis 1. Pixels (h, w) of the reference pick classes 0, 1, 2, 2.
    const reference = [
      /* c0 */ 5, 0, 0, 0,
      /* c1 */ 0, 5, 0, 1,
      /* c2 */ 0, 0, 5, 2,
    ];
    // The candidate picks 0, 2, 2, 1 → pixels 0 and 2 agree.
    const candidate = [
      /* c0 */ 5, 0, 0, 0,
      /* c1 */ 0, 1, 0, 3,
      /* c2 */ 0, 5, 5, 2,
    ];
    const f = compare([1, 3, 2, 2], reference, candidate);
    assert.equal(f.positions, 4);
    assert.equal(f.agreement, 50);
    assert.equal(f.classAxis, 1);
    assert.equal(f.classes, 3);
  });

  it('agrees per token on [N, T, C] logits (class axis last)', () => {
    const f = compare([1, 3, 2], [1, 0, 0, 1, 1, 0], [1, 0, 1, 0, 0, 1]);
    assert.equal(f.positions, 3);
    close(f.agreement, 100 / 3, 'agreement');
  });

  it('compares a one-channel probability map at 0.5', () => {
    // Sides of 0.5 (0.5 itself is below): FP32 0 1 0 1, candidate 0 1 1 0.
    const f = compare([1, 1, 2, 2], [0.2, 0.6, 0.5, 0.9], [0.4, 0.7, 0.51, 0.1]);
    assert.equal(f.agreement, 50);
    assert.equal(f.classes, 1);
  });

  it('lets a NaN count against the candidate: the position disagrees, its sample scores cosine 0', () => {
    const f = compare([2, 3], [1, 2, 3, 3, 2, 1], [1, 2, 3, 3, NaN, 1]);
    assert.equal(f.agreement, 50);
    assert.equal(f.cosine, 0.5);
    assert.equal(f.nonFinite, 1);
    // SNR over the finite pairs, which are equal: the clamp.
    assert.equal(f.snrDb, SNR_LIMIT_DB);
  });

  it('compares float16 candidates with float32 references', () => {
    const reference = [0.1, 0.7, -0.3, 1.9, 2.2, -4];
    const half = Uint16Array.from(reference.map(floatToHalf));
    const scorer = new FidelityScorer({ output: 'y' });
    scorer.add(t([2, 3], reference), { dataType: DataType.FLOAT16, dims: [2, 3], data: half }, { start: 0, size: 2 });
    const f = scorer.result();
    assert.equal(f.agreement, 100);
    const r32 = reference.map(Math.fround);
    const noise = r32.reduce((s, r, i) => s + (r - halfToFloat(half[i]!)) ** 2, 0);
    const signal = r32.reduce((s, r) => s + r * r, 0);
    close(f.snrDb, 10 * Math.log10(signal / noise), 'snr', 1e-6);
    assert.ok(f.snrDb > 60 && f.snrDb < 90, `float16 rounding: ${f.snrDb} dB`);
  });

  it('accumulates over batches as over one', () => {
    const reference = Array.from({ length: 40 }, (_, i) => Math.sin(i));
    const candidate = reference.map((v, i) => v + 0.3 * Math.cos(7 * i));
    const whole = compare([8, 5], reference, candidate);
    const scorer = new FidelityScorer({ output: 'y' });
    for (const [start, size] of [[0, 3], [3, 3], [6, 2]] as const) {
      scorer.add(t([size, 5], reference.slice(start * 5, (start + size) * 5)), t([size, 5], candidate.slice(start * 5, (start + size) * 5)), { start, size });
    }
    const batched = scorer.result();
    assert.equal(batched.agreement, whole.agreement);
    close(batched.cosine, whole.cosine, 'cosine', 1e-12);
    close(batched.snrDb, whole.snrDb, 'snr', 1e-9);
  });

  it('clamps SNR to ±200 dB (results.json has no infinity)', () => {
    assert.equal(compare([1, 2], [1, 2], [1, 2]).snrDb, SNR_LIMIT_DB);
    assert.equal(snrDb(0, 0), SNR_LIMIT_DB);
    assert.equal(snrDb(0, 1), -SNR_LIMIT_DB);
    close(snrDb(100, 1), 20, 'snr');
    const zeros = compare([2, 2], [0, 0, 1, 1], [0, 0, 0, 0]);
    assert.equal(zeros.cosine, 0.5);
  });

  it('refuses outputs whose shapes differ between FP32 and the candidate', () => {
    const scorer = new FidelityScorer({ output: 'boxes', candidate: 'int8.ort' });
    assert.throws(
      () => scorer.add(t([1, 3, 4], new Array(12).fill(0)), t([1, 2, 4], new Array(8).fill(0)), { start: 0, size: 1 }),
      (e: unknown) => e instanceof BadInputError && /output 'boxes' has shape 1×3×4 from FP32 but 1×2×4 from int8\.ort/.test(e.message) && /--output/.test(e.fix),
    );
  });
});
