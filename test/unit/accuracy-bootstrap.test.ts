// The paired bootstrap: its exact resampling distribution against enumeration, against a
// sample-by-sample bootstrap, its determinism, its coverage in simulation, and its speed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binomialPmf } from '../../src/accuracy/binomial.ts';
import { pairedBootstrapInterval, quantile, resampledDifference } from '../../src/accuracy/bootstrap.ts';
import { Rng } from '../../src/random.ts';

function logFactorial(n: number): number {
  let s = 0;
  for (let k = 2; k <= n; k++) s += Math.log(k);
  return s;
}

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

describe('binomialPmf', () => {
  it('matches n!/(k!(n−k)!) p^k (1−p)^(n−k)', () => {
    for (const [n, p] of [[10, 0.3], [7, 0.5], [25, 0.9], [1, 0.2]] as const) {
      const pmf = binomialPmf(n, p);
      for (let k = 0; k <= n; k++) {
        const exact = Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log(1 - p));
        const got = k >= pmf.first && k < pmf.first + pmf.mass.length ? pmf.mass[k - pmf.first]! : 0;
        close(got, exact, 1e-15 + exact * 1e-12, `Bin(${n}, ${p}) at ${k}`);
      }
    }
  });

  it('has the mean and variance of a binomial for large n', () => {
    const pmf = binomialPmf(100_000, 0.031);
    let mean = 0;
    let second = 0;
    pmf.mass.forEach((m, i) => {
      mean += m * (pmf.first + i);
      second += m * (pmf.first + i) ** 2;
    });
    close(mean, 3100, 1e-6, 'mean');
    close(second - mean * mean, 100_000 * 0.031 * 0.969, 1e-4, 'variance');
  });

  it('is a point mass at the ends', () => {
    assert.deepEqual(binomialPmf(9, 0), { first: 0, mass: Float64Array.of(1) });
    assert.deepEqual(binomialPmf(9, 1), { first: 9, mass: Float64Array.of(1) });
    assert.deepEqual(binomialPmf(0, 0.4), { first: 0, mass: Float64Array.of(1) });
  });
});

describe('resampledDifference', () => {
  it('is the distribution of toWrong − toRight under multinomial resampling (enumerated)', () => {
    const n = 9;
    const [toWrong, toRight] = [3, 2];
    const [pw, pr, pn] = [toWrong / n, toRight / n, (n - toWrong - toRight) / n];
    const expected = new Map<number, number>();
    for (let w = 0; w <= n; w++) {
      for (let r = 0; w + r <= n; r++) {
        const p = Math.exp(logFactorial(n) - logFactorial(w) - logFactorial(r) - logFactorial(n - w - r) + w * Math.log(pw) + r * Math.log(pr) + (n - w - r) * Math.log(pn));
        expected.set(w - r, (expected.get(w - r) ?? 0) + p);
      }
    }
    const { first, cumulative } = resampledDifference({ samples: n, toWrong, toRight });
    let previous = 0;
    for (let d = -n; d <= n; d++) {
      const i = d - first;
      const mass = i >= 0 && i < cumulative.length ? cumulative[i]! - previous : 0;
      if (i >= 0 && i < cumulative.length) previous = cumulative[i]!;
      close(mass, expected.get(d) ?? 0, 1e-12, `P(D* = ${d})`);
    }
    assert.equal(cumulative[cumulative.length - 1], 1);
  });
});

/** The textbook paired bootstrap: resample sample indices, recount, sort, take percentiles. */
function naiveInterval(categories: Uint8Array, resamples: number, seed: number): [number, number] {
  const random = new Rng(seed);
  const n = categories.length;
  const losses = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let d = 0;
    for (let i = 0; i < n; i++) {
      const c = categories[Math.floor(random.uniform() * n)]!;
      if (c === 1) d++;
      else if (c === 2) d--;
    }
    losses[r] = (100 * d) / n;
  }
  losses.sort();
  return [quantile(losses, 0.025), quantile(losses, 0.975)];
}

/** Per-sample categories: 1 flipped to wrong, 2 flipped to right, 0 unchanged. */
function categories(n: number, pToWrong: number, pToRight: number, seed: number): Uint8Array {
  const random = new Rng(seed);
  return Uint8Array.from({ length: n }, () => {
    const u = random.uniform();
    return u < pToWrong ? 1 : u < pToWrong + pToRight ? 2 : 0;
  });
}

function countsOf(cats: Uint8Array): { samples: number; toWrong: number; toRight: number } {
  let toWrong = 0;
  let toRight = 0;
  for (const c of cats) {
    if (c === 1) toWrong++;
    else if (c === 2) toRight++;
  }
  return { samples: cats.length, toWrong, toRight };
}

describe('pairedBootstrapInterval', () => {
  it('gives the same interval for the same counts and seed, and needs ≥ 2000 resamples', () => {
    const counts = { samples: 5000, toWrong: 31, toRight: 10 };
    const a = pairedBootstrapInterval(counts);
    assert.deepEqual(pairedBootstrapInterval(counts), a);
    assert.deepEqual(pairedBootstrapInterval(counts, { seed: 20_240_601 }), a);
    // The example of the comment: 31 to wrong, 10 to right on 5,000 → 0.42 pp, interval about 0.14 – 0.70.
    close(a[0], 0.14, 0.04, 'low');
    close(a[1], 0.7, 0.04, 'high');
    assert.throws(() => pairedBootstrapInterval(counts, { resamples: 1999 }), /at least 2000 resamples/);
    assert.throws(() => pairedBootstrapInterval({ samples: 10, toWrong: 6, toRight: 5 }), /impossible paired counts/);
  });

  it('collapses to [0, 0] when no sample flipped, and to the point when every sample flipped one way', () => {
    assert.deepEqual(pairedBootstrapInterval({ samples: 1000, toWrong: 0, toRight: 0 }), [0, 0]);
    assert.deepEqual(pairedBootstrapInterval({ samples: 200, toWrong: 200, toRight: 0 }), [100, 100]);
  });

  it('matches the quantiles of its exact distribution', () => {
    const counts = { samples: 2000, toWrong: 60, toRight: 25 };
    const { first, cumulative } = resampledDifference(counts);
    const exactQuantile = (q: number): number => (100 * (first + cumulative.findIndex((c) => c >= q))) / counts.samples;
    const [lo, hi] = pairedBootstrapInterval(counts, { resamples: 20_000 });
    // One flip is 0.05 pp at n = 2000: the Monte Carlo percentiles land within one step.
    close(lo, exactQuantile(0.025), 0.05, 'low');
    close(hi, exactQuantile(0.975), 0.05, 'high');
  });

  it('agrees with a sample-by-sample bootstrap of the same data', () => {
    const cats = categories(3000, 0.04, 0.015, 11);
    const naive = naiveInterval(cats, 4000, 5);
    const fast = pairedBootstrapInterval(countsOf(cats), { resamples: 4000, seed: 5 });
    // Different draws of the same distribution: Monte Carlo error of a 2.5% quantile with
    // 4000 resamples is about 0.03 pp here.
    close(fast[0], naive[0], 0.1, 'low');
    close(fast[1], naive[1], 0.1, 'high');
  });

  it('covers a true loss of 0 in about 95% of simulated evaluation sets', () => {
    const sets = 1000;
    let covered = 0;
    for (let s = 0; s < sets; s++) {
      const [lo, hi] = pairedBootstrapInterval(countsOf(categories(1000, 0.02, 0.02, 1000 + s)));
      if (lo <= 0 && 0 <= hi) covered++;
    }
    const coverage = (100 * covered) / sets;
    console.log(`coverage of a true loss of 0 (n = 1000, 2% flips each way, ${sets} sets): ${coverage.toFixed(1)}%`);
    // With 1000 sets the standard error of a 95% coverage is 0.7 points.
    assert.ok(coverage >= 92.5 && coverage <= 97.5, `coverage ${coverage}%`);
  });

  it('covers a true loss of 2 pp in about 95% of simulated evaluation sets', () => {
    const sets = 1000;
    let covered = 0;
    for (let s = 0; s < sets; s++) {
      const [lo, hi] = pairedBootstrapInterval(countsOf(categories(2000, 0.03, 0.01, 5000 + s)));
      if (lo <= 2 && 2 <= hi) covered++;
    }
    const coverage = (100 * covered) / sets;
    console.log(`coverage of a true loss of 2 pp (n = 2000, 3% to wrong, 1% to right, ${sets} sets): ${coverage.toFixed(1)}%`);
    assert.ok(coverage >= 92.5 && coverage <= 97.5, `coverage ${coverage}%`);
  });

  it('takes milliseconds for 10,000 samples', () => {
    const cases = [
      { samples: 10_000, toWrong: 62, toRight: 20 },
      { samples: 10_000, toWrong: 310, toRight: 100 },
      { samples: 10_000, toWrong: 3000, toRight: 2500 },
    ];
    for (const counts of cases) {
      pairedBootstrapInterval(counts);
      const runs = 10;
      const t = performance.now();
      for (let i = 0; i < runs; i++) pairedBootstrapInterval(counts);
      const ms = (performance.now() - t) / runs;
      console.log(`bootstrap, ${counts.samples} samples, ${counts.toWrong}/${counts.toRight} flips, 10,000 resamples: ${ms.toFixed(2)} ms`);
      assert.ok(ms < 250, `${ms} ms`);
    }
  });
});
