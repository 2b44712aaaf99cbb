// Paired per-round ratios (speedups and same-job latency changes), and benchmark settings that
// make two results files' latencies incomparable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareResults } from '../../src/compare/compare.ts';
import { medianIntervalCoverage, medianWithInterval, pairedRatio, quietRounds } from '../../src/compare/paired.ts';
import { speedups } from '../../src/compare/speedup.ts';
import { NOT_RECORDED, timingDifferences } from '../../src/compare/timing-settings.ts';
import { gateDecisions } from '../../src/gate/decisions.ts';
import type { Results, RunResult } from '../../src/results/schema.ts';
import { fixture } from '../fixtures/results/index.ts';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} is not ${b}`);

function timed(model: string, precision: RunResult['precision'], p50: number, rounds: number[] | null, group = 'onnxruntime/cpu/1'): RunResult {
  return {
    runtime: 'onnxruntime',
    provider: 'cpu',
    model,
    modelFile: `${model}.onnx`,
    precision,
    batch: 1,
    status: 'ok',
    reason: null,
    latencyMs: { p50, p90: p50, p99: p50, mean: p50, min: p50, max: p50, std: 0, cv: 0.01, iterations: 100 },
    throughput: 1000 / p50,
    memory: null,
    loadMs: 1,
    accuracy: null,
    accuracyLossPp: null,
    accuracyLossCi: null,
    rounds: rounds ? { group, p50Ms: rounds } : null,
  };
}

describe('the median of paired ratios and its interval', () => {
  it('coverage of the order-statistic interval: 1 − 2·P(Binomial(n, ½) ≤ k − 1)', () => {
    close(medianIntervalCoverage(5, 1), 1 - 2 / 32);
    close(medianIntervalCoverage(10, 2), 1 - (2 * 11) / 1024);
    close(medianIntervalCoverage(10, 3), 1 - (2 * 56) / 1024);
  });

  it('10 rounds: the 2nd to the 9th ratio (97.9%); 5 rounds: the whole range (93.75%, the most 5 can give)', () => {
    const ten = medianWithInterval([5, 1, 9, 3, 7, 2, 8, 4, 10, 6])!;
    assert.deepEqual([ten.median, ten.interval, ten.rounds], [5.5, [2, 9], 10]);
    close(ten.level, 1 - 22 / 1024);
    const five = medianWithInterval([3, 1, 2, 5, 4])!;
    assert.deepEqual([five.median, five.interval], [3, [1, 5]]);
    close(five.level, 0.9375);
    assert.equal(medianWithInterval([]), null);
  });

  it('pairs only rows of one interleaved group, round by round, skipping empty rounds', () => {
    const a = timed('fp32', 'fp32', 10, [10, 20, 0, 10]);
    const b = timed('int8.ort', 'int8', 5, [5, 10, 4, 5]);
    assert.deepEqual(pairedRatio(a, b)?.median, 2);
    assert.equal(pairedRatio(a, { ...b, rounds: { group: 'onnxruntime/cpu/8', p50Ms: [5, 10, 4, 4] } }), null);
    assert.equal(pairedRatio(a, { ...b, rounds: null }), null);
  });
});

describe('quiet rounds', () => {
  it('leaves out rounds a neighbour loaded, where it slowed the two sides unevenly', () => {
    // Measured on 16 cores (bench/noisy-neighbour.ts): the neighbour's busy phase slowed FP32
    // ~1.85x and INT8 ~1.23x in rounds 1 to 5; all ten ratios' median read 2.94x, the quiet 2.31x.
    const fp32 = [2.46, 2.44, 2.55, 2.59, 2.25, 1.36, 1.33, 1.34, 1.31, 1.31];
    const int8 = [0.71, 0.69, 0.71, 0.7, 0.58, 0.56, 0.6, 0.59, 0.57, 0.57];
    assert.deepEqual(quietRounds(fp32, int8), [5, 6, 7, 8, 9]);
    const paired = pairedRatio(timed('fp32', 'fp32', 1.35, fp32), timed('int8.ort', 'int8', 0.59, int8))!;
    assert.deepEqual([paired.rounds, paired.of], [5, 10]);
    close(paired.median, 1.31 / 0.57, 1e-9);
    const all = medianWithInterval(fp32.map((v, i) => v / int8[i]!))!;
    assert.ok(all.median > 2.9, 'all ten rounds together read the neighbour');
  });

  it('keeps every round of a machine under even load, and never fewer than half', () => {
    const even = [1.0, 1.05, 0.98, 1.1, 1.02, 1.0];
    assert.deepEqual(quietRounds(even, even.map((v) => v / 2)), [0, 1, 2, 3, 4, 5]);
    // One quiet round, the rest loaded alike: half are kept, the quietest first.
    const a = [1, 3, 3.1, 2.9, 3.05, 3.2];
    assert.deepEqual(quietRounds(a, a), [0, 1, 3]);
  });
});

describe('speedups', () => {
  // A neighbour takes the cores for rounds 3 to 6 (every run there ~3x slower). Timed one after
  // the other, FP32 would have met it and INT8 not: the ratio of p50s reads what the neighbour did.
  const quiet = [10, 10.1, 30.2, 29.9, 30.1, 30, 9.9, 10, 10.1, 9.9];
  const int8Rounds = quiet.map((v) => v / 3.02);

  it('INT8 against FP32 of the same runtime, provider and batch: the median of the per-round ratios', () => {
    const runs = [timed('fp32', 'fp32', 30, quiet), timed('int8.ort', 'int8', 3.4, int8Rounds)];
    const [s] = speedups(runs);
    close(s!.ratio, 3.02, 1e-9);
    // The four loaded rounds are left out of the median, though here they slowed both alike.
    assert.deepEqual([s!.paired!.rounds, s!.paired!.of], [6, 10]);
    assert.ok(s!.paired!.interval[0] > 3.01 && s!.paired!.interval[1] < 3.03);
  });

  it('prefers FP16, leaves the base model and the simulation out, and falls back to the p50 ratio without rounds', () => {
    const runs = [
      timed('fp32', 'fp32', 30, null),
      timed('fp16', 'fp16', 12, null),
      timed('int8.ort', 'int8', 6, null),
      timed('base:int8.ort', 'int8', 5, null),
      { ...timed('int8.trt', 'int8', 1, null), provider: 'reference' as const },
    ];
    const found = speedups(runs);
    assert.deepEqual(found.map((s) => [s.int8.model, s.float.model, s.ratio, s.paired]), [['int8.ort', 'fp16', 2, null]]);
  });
});

describe('same-job latency change', () => {
  it('is the median of the per-round current/base ratios, not the ratio of the overall p50s', () => {
    const results = fixture('sameJob');
    const pair = compareResults(results, null).sameJob!.pairs.find((p) => p.key === 'onnxruntime/cpu/int8.ort/8')!;
    const mine = pair.current.rounds!.p50Ms;
    const theirs = pair.baseline.rounds!.p50Ms;
    const quiet = quietRounds(mine, theirs);
    const ratios = quiet.map((i) => mine[i]! / theirs[i]!).sort((a, b) => a - b);
    const median = ratios.length % 2 ? ratios[(ratios.length - 1) / 2]! : (ratios[ratios.length / 2 - 1]! + ratios[ratios.length / 2]!) / 2;
    close(pair.p50!.changePct, (median - 1) * 100);
    assert.deepEqual([pair.p50!.paired!.rounds, pair.p50!.paired!.of], [quiet.length, 10]);
    assert.equal(pair.p50!.class, 'regression');
  });
});

describe('benchmark settings', () => {
  const recorded = (spinning: boolean): Results => {
    const r = fixture('cpu');
    r.benchmark = { warmupMs: 1000, minIterations: 20, minMs: 3000, rounds: 10, interleaved: true };
    for (const run of r.runs) if (run.latencyMs) run.settings = { threads: null, graphOptimization: 'all', allowSpinning: spinning };
    return r;
  };

  it('two files that record none, or the same, are comparable', () => {
    assert.deepEqual(timingDifferences(fixture('cpu'), fixture('cpuBaseline')), []);
    assert.deepEqual(timingDifferences(recorded(false), recorded(false)), []);
  });

  it('one that records them against one that does not differ; so do runner settings, named by runtime', () => {
    const [one] = timingDifferences(recorded(false), fixture('cpuBaseline'));
    assert.deepEqual([one!.what, one!.baseline], ['benchmark settings', NOT_RECORDED]);
    assert.deepEqual(timingDifferences(recorded(false), recorded(true)), [{ what: 'ONNX Runtime CPU: allowSpinning', current: 'false', baseline: 'true' }]);
    const fewer = recorded(false);
    fewer.benchmark!.rounds = 5;
    assert.equal(timingDifferences(fewer, recorded(false))[0]!.what, 'benchmark settings');
  });

  it('the latency gate does not judge a baseline timed with other settings, and says so; with the same settings it fires', () => {
    const thresholds = { maxAccuracyDrop: null, maxDisagreement: null, maxLatencyRegression: 5 };
    const current = recorded(false);
    const against = (baseline: Results) => gateDecisions(current, thresholds, compareResults(current, baseline));
    const other = against(fixture('cpuBaseline'));
    assert.deepEqual(other.map((d) => [d.gate, d.pass]), [['not-gated', true]]);
    assert.match(other[0]!.sentence, /^latency not gated against the baseline: it was timed with other benchmark settings/);
    const sameSettings = fixture('cpuBaseline');
    sameSettings.benchmark = current.benchmark;
    for (const run of sameSettings.runs) if (run.latencyMs) run.settings = { threads: null, graphOptimization: 'all', allowSpinning: false };
    const judged = against(sameSettings);
    assert.ok(judged.some((d) => d.gate === 'latency' && !d.pass));
  });
});
