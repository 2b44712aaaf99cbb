// The accuracy loss of a candidate against FP32 on the same samples, and whether its interval
// resolves a limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accuracyLoss } from '../../src/accuracy/loss.ts';
import { resolveLimit } from '../../src/gate/resolve.ts';
import { SampleOutcomes } from '../../src/accuracy/outcomes.ts';

/** Outcomes from a string of 1 (right) and 0 (wrong), one character a sample. */
function outcomes(pattern: string): SampleOutcomes {
  const o = new SampleOutcomes();
  [...pattern].forEach((c, i) => o.record(i, c === '1', c === '1'));
  return o;
}

/** n samples: `toWrong` FP32-right/candidate-wrong, `toRight` the reverse, `both` right in both. */
function pair(n: number, toWrong: number, toRight: number, both: number): [SampleOutcomes, SampleOutcomes] {
  const reference = new SampleOutcomes();
  const candidate = new SampleOutcomes();
  for (let i = 0; i < n; i++) {
    const kind = i < toWrong ? 'w' : i < toWrong + toRight ? 'r' : i < toWrong + toRight + both ? 'b' : 'n';
    reference.record(i, kind === 'w' || kind === 'b', false);
    candidate.record(i, kind === 'r' || kind === 'b', false);
  }
  return [reference, candidate];
}

describe('accuracyLoss', () => {
  it('is FP32 top-1 minus candidate top-1 on the same samples, with the flips', () => {
    //                         sample: 0123456789
    const loss = accuracyLoss(outcomes('1111110000'), outcomes('1110011000'));
    assert.equal(loss.samples, 10);
    assert.equal(loss.referenceTop1, 60);
    assert.equal(loss.candidateTop1, 50);
    assert.equal(loss.lossPp, 10);
    assert.equal(loss.flippedToWrong, 2); // samples 3 and 4
    assert.equal(loss.flippedToRight, 1); // sample 6
    assert.ok(loss.ci[0] <= loss.lossPp && loss.lossPp <= loss.ci[1]);
    assert.equal(loss.resamples, 10_000);
  });

  it('is negative when the candidate is better', () => {
    const loss = accuracyLoss(outcomes('0011'), outcomes('1111'));
    assert.equal(loss.lossPp, -50);
    assert.equal(loss.flippedToRight, 2);
  });

  it('reproduces the comment example: 31 to wrong, 10 to right on 5,000 samples', () => {
    const [reference, candidate] = pair(5000, 31, 10, 3779);
    const loss = accuracyLoss(reference, candidate);
    assert.equal(loss.lossPp, 0.42);
    assert.equal(loss.referenceTop1, (100 * 3810) / 5000);
    assert.deepEqual(accuracyLoss(reference, candidate).ci, loss.ci);
  });

  it('refuses outcomes of different samples (a pipeline bug)', () => {
    assert.throws(() => accuracyLoss(outcomes('101'), outcomes('1011')), /must score the same ones/);
    const gappy = new SampleOutcomes();
    gappy.record(0, true, true);
    gappy.record(2, true, true);
    assert.throws(() => accuracyLoss(outcomes('10'), gappy), /must score the same ones/);
  });
});

describe('the interval at small sample sizes', () => {
  it('finds one top-1 point within noise on 1,000 samples with a few percent flipping', () => {
    // 30 to wrong and 20 to right of 1,000: a 1.0 pp loss whose interval spans about ±1.4 pp.
    const [reference, candidate] = pair(1000, 30, 20, 700);
    const loss = accuracyLoss(reference, candidate);
    assert.equal(loss.lossPp, 1);
    assert.equal(resolveLimit(loss.lossPp, loss.ci, 1, loss.samples).resolution, 'unresolved');
    assert.ok((loss.ci[1] - loss.ci[0]) / 2 > 1, `half-width ${(loss.ci[1] - loss.ci[0]) / 2} pp`);
    assert.ok(loss.ci[0] < 0 && loss.ci[1] > 2, `interval ${loss.ci.join(' – ')}`);
  });
});
