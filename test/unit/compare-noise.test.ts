// The noise rule: a change counts only beyond 2·√(CV_current² + CV_baseline²), and the latency
// gate fires only when the change exceeds both that band and the limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changePct, classifyChange, latencyGateFires, metricChange, noiseBandPct } from '../../src/compare/noise.ts';

describe('noise band', () => {
  it('is twice the combined coefficient of variation, in percent', () => {
    assert.equal(noiseBandPct(0.03, 0.04), 10); // 2·√(0.0009 + 0.0016) = 2·0.05
    assert.ok(Math.abs(noiseBandPct(0.014, 0.011) - 3.5609) < 1e-3);
    assert.equal(noiseBandPct(0, 0), 0);
  });

  it('grows with either side: a noisy baseline widens it as much as a noisy current run', () => {
    assert.equal(noiseBandPct(0.05, 0.01), noiseBandPct(0.01, 0.05));
    assert.ok(noiseBandPct(0.05, 0.01) > noiseBandPct(0.01, 0.01));
  });

  it('changePct is relative to the baseline', () => {
    assert.equal(changePct(110, 100), 10);
    assert.equal(changePct(90, 100), -10);
  });
});

describe('classifyChange', () => {
  const cases: [number, number, boolean, string][] = [
    // change %, noise %, higher is better, expected
    [6.2, 9.04, false, 'within-noise'],
    [-6.2, 9.04, false, 'within-noise'],
    [9.04, 9.04, false, 'within-noise'], // equal to the band is still noise: the rule needs "exceeds"
    [14.1, 3.56, false, 'regression'],
    [-14.1, 3.56, false, 'improvement'],
    [14.1, 3.56, true, 'improvement'], // throughput up is good
    [-14.1, 3.56, true, 'regression'],
    [0.01, 0, false, 'regression'],
  ];
  for (const [change, noise, higher, expected] of cases) {
    it(`${change}% against ±${noise}% (${higher ? 'higher' : 'lower'} is better) → ${expected}`, () => {
      assert.equal(classifyChange(change, noise, higher), expected);
    });
  }
});

describe('latency gate rule', () => {
  const p50 = (current: number, baseline: number, cvC: number, cvB: number) => metricChange(current, baseline, noiseBandPct(cvC, cvB), false);
  const cases: [string, ReturnType<typeof p50>, number, boolean][] = [
    ['over the limit and beyond the noise', p50(2590, 2270, 0.014, 0.011), 5, true],
    ['over the limit but within the noise', p50(118, 111.1, 0.019, 0.041), 5, false],
    ['beyond the noise but within the limit', p50(103, 100, 0.005, 0.005), 5, false],
    ['faster, however much', p50(50, 100, 0.001, 0.001), 5, false],
    ['exactly at the limit', p50(105, 100, 0.001, 0.001), 5, false],
  ];
  for (const [name, change, limit, fires] of cases) {
    it(`${name}: ${change.changePct.toFixed(1)}% (noise ±${change.noisePct.toFixed(1)}%), limit ${limit}% → ${fires ? 'fires' : 'holds'}`, () => {
      assert.equal(latencyGateFires(change, limit), fires);
    });
  }

  it('the report calls within noise exactly what the gate lets through for noise', () => {
    const change = p50(118, 111.1, 0.019, 0.041);
    assert.equal(change.class, 'within-noise');
    assert.equal(latencyGateFires(change, 1), false);
    const real = p50(2590, 2270, 0.014, 0.011);
    assert.equal(real.class, 'regression');
    assert.equal(latencyGateFires(real, 1), true);
  });
});
