// The gate's rules, each on its own: accuracy on every INT8 model, disagreement without labels,
// latency only beyond limit and noise, skipped runs never count, failed runs do.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareResults } from '../../src/compare/compare.ts';
import type { CompareConfig } from '../../src/config/types.ts';
import { gateDecisions } from '../../src/gate/decisions.ts';
import { compareThresholds, NO_THRESHOLDS, runThresholds } from '../../src/gate/thresholds.ts';
import { decideVerdict } from '../../src/gate/verdict.ts';
import type { RunResult, Thresholds } from '../../src/results/schema.ts';
import { fixture, FIXTURES, type FixtureName } from '../fixtures/results/index.ts';

const T = (t: Partial<Thresholds> = {}): Thresholds => ({ maxAccuracyDrop: 1, maxDisagreement: null, maxLatencyRegression: null, ...t });

describe('accuracy gate', () => {
  it('passes when every INT8 model is within the limit, naming row, number and limit', () => {
    const v = decideVerdict(fixture('gpu'), T());
    assert.deepEqual(v, {
      pass: true,
      gated: true,
      reasons: [
        'TensorRT INT8 loses 0.42 pp of top-1 against FP32, within the 1.00 pp limit.',
        'ONNX Runtime CPU INT8 loses 0.38 pp of top-1 against FP32, within the 1.00 pp limit.',
      ],
      thresholds: T(),
    });
  });

  it('gates the point value, not the interval: 1.35 pp fails 1.00 pp although the interval reaches 0.99', () => {
    const v = decideVerdict(fixture('accuracyFail'), T());
    assert.equal(v.pass, false);
    assert.equal(v.reasons[0], 'TensorRT INT8 loses 1.35 pp of top-1 against FP32, over the 1.00 pp limit.');
    assert.equal(decideVerdict(fixture('accuracyFail'), T({ maxAccuracyDrop: 1.35 })).reasons[0], 'TensorRT FP16 at batch 32 failed (engine build failed: [TRT] [E] 1: [defaultAllocator.cpp::allocate::31] Error Code 1: Cuda Runtime (out of memory): requested 2,048 MiB of workspace with 1,410 MiB free (another process holds the GPU?)), and a run that fails cannot pass the gate.');
  });

  it('lets the CPU simulation stand in for TensorRT only where TensorRT did not score the model', () => {
    const gpu = gateDecisions(fixture('gpu'), T());
    assert.ok(!gpu.some((d) => d.gate === 'accuracy' && d.run.provider === 'reference'));
    const cpu = gateDecisions(fixture('cpu'), T());
    const simulated = cpu.find((d) => d.gate === 'accuracy' && d.run.provider === 'reference');
    assert.ok(simulated, 'on a CPU runner the simulation is gated');
    assert.equal(simulated.sentence, 'TensorRT INT8, simulated on CPU loses 0.44 pp of top-1 against FP32, within the 1.00 pp limit.');
    // The simulation alone can fail the gate.
    assert.equal(decideVerdict(fixture('cpu'), T({ maxAccuracyDrop: 0.42 })).pass, false);
  });

  it('puts the worst failure first', () => {
    const v = decideVerdict(fixture('accuracyFail'), T({ maxAccuracyDrop: 0.5 }));
    assert.deepEqual(v.reasons.slice(0, 2), [
      'TensorRT INT8 loses 1.35 pp of top-1 against FP32, over the 0.50 pp limit.',
      'ONNX Runtime CPU INT8 loses 0.90 pp of top-1 against FP32, over the 0.50 pp limit.',
    ]);
  });

  it('never gates FP16 or the base model', () => {
    const decisions = gateDecisions(fixture('sameJob'), T({ maxAccuracyDrop: 0 }));
    const gated = decisions.filter((d) => d.gate === 'accuracy').map((d) => (d as { run: RunResult }).run);
    assert.ok(gated.length > 0);
    assert.ok(gated.every((r) => r.precision === 'int8' && !r.model.startsWith('base:')));
    assert.ok(!gateDecisions(fixture('gpu'), T({ maxAccuracyDrop: 0 })).some((d) => d.gate === 'accuracy' && d.run.precision === 'fp16'));
  });
});

describe('without labels', () => {
  it('does not gate accuracy and says so: gated is false', () => {
    const v = decideVerdict(fixture('noLabels'), T());
    assert.equal(v.pass, true);
    assert.equal(v.gated, false);
    assert.match(v.reasons[0]!, /^accuracy not gated: no labels/);
  });

  it('gates top-1 disagreement with --max-disagreement, a percentage of a fraction', () => {
    // agreement 0.958 on ONNX Runtime (4.2% disagree), 0.962 on the simulation (3.8%)
    const fail = decideVerdict(fixture('noLabels'), T({ maxDisagreement: 4 }));
    assert.equal(fail.pass, false);
    assert.equal(fail.gated, true);
    assert.equal(fail.reasons[0], "ONNX Runtime CPU INT8 disagrees with FP32's top-1 on 4.2% of samples, over the 4% limit.");
    assert.equal(fail.reasons[1], "TensorRT INT8, simulated on CPU disagrees with FP32's top-1 on 3.8% of samples, within the 4% limit.");
    assert.equal(decideVerdict(fixture('noLabels'), T({ maxDisagreement: 4.2 })).pass, true);
  });

  it('with labels, --max-disagreement is named as unused rather than silently ignored', () => {
    const v = decideVerdict(fixture('gpu'), T({ maxDisagreement: 0 }));
    assert.equal(v.pass, true);
    assert.ok(v.reasons.includes('disagreement not gated: labels were given, so top-1 accuracy is gated instead.'));
  });
});

describe('latency gate', () => {
  const current = fixture('cpu');
  const comparison = compareResults(current, fixture('cpuBaseline'), { label: 'main' });

  it('fires on a change beyond both the limit and the noise, and not on one inside the noise', () => {
    const v = decideVerdict(current, T({ maxLatencyRegression: 5 }), comparison);
    assert.equal(v.pass, false);
    assert.equal(v.reasons[0], 'ONNX Runtime CPU INT8 at batch 32: p50 14.1% slower than main (2,270 ms → 2,590 ms), over the 5% limit and beyond the ±3.6% noise.');
    assert.ok(v.reasons.includes('ONNX Runtime CPU INT8 at batch 1: p50 6.2% slower than main (111 ms → 118 ms), over the 5% limit but within the ±9% noise, so not a regression.'));
    assert.equal(v.reasons.filter((r) => /slower than main.*beyond/.test(r)).length, 1);
  });

  it('passes with a limit above the regression', () => {
    assert.equal(decideVerdict(current, T({ maxLatencyRegression: 15 }), comparison).pass, true);
  });

  it('uses the base model of the same job', () => {
    const results = fixture('sameJob');
    const v = decideVerdict(results, T({ maxLatencyRegression: 5 }), compareResults(results, null));
    assert.equal(v.pass, false);
    assert.equal(v.reasons[0], 'ONNX Runtime CPU INT8 at batch 8: p50 9.7% slower than the base model (138 ms → 151 ms), over the 5% limit and beyond the ±2.7% noise.');
  });

  it('says latency was not gated when there is nothing to compare with', () => {
    const v = decideVerdict(current, T({ maxLatencyRegression: 5 }));
    assert.ok(v.reasons.includes('latency not gated: no baseline to compare with.'));
    assert.equal(v.pass, true);
  });
});

describe('skipped and failed runs', () => {
  it('a runtime skipped under auto never changes the verdict', () => {
    const with_ = fixture('cpu');
    const without = fixture('cpu');
    without.runs = without.runs.filter((r) => r.status !== 'skipped');
    assert.deepEqual(decideVerdict(with_, T()), decideVerdict(without, T()));
  });

  it('a failed run of this model fails the gate; a failed run of the base model does not', () => {
    const results = fixture('sameJob');
    const mine = results.runs.find((r) => r.model === 'fp32' && r.batch === 8)!;
    const base = fixture('sameJob');
    const theirs = base.runs.find((r) => r.model === 'base:fp32' && r.batch === 8)!;
    for (const run of [mine, theirs]) Object.assign(run, { status: 'failed', reason: 'session.run threw: bad allocation', latencyMs: null, throughput: null, memory: null });
    const failed = decideVerdict(results, T());
    assert.equal(failed.pass, false);
    assert.equal(failed.reasons[0], 'ONNX Runtime CPU FP32 at batch 8 failed (session.run threw: bad allocation), and a run that fails cannot pass the gate.');
    assert.equal(decideVerdict(base, T()).pass, true);
  });

  it('with no limit at all (compare without gate flags), nothing is gated, failed runs included', () => {
    const v = decideVerdict(fixture('accuracyFail'), NO_THRESHOLDS);
    assert.deepEqual(v, { pass: true, gated: false, reasons: [], thresholds: NO_THRESHOLDS });
  });
});

describe('thresholds from a config', () => {
  it('run: accuracy always, the others when given', () => {
    assert.deepEqual(runThresholds({ maxAccuracyDrop: 1, maxLatencyRegression: 5 }), { maxAccuracyDrop: 1, maxDisagreement: null, maxLatencyRegression: 5 });
  });

  it('compare: --max-accuracy-drop only when given, not its default', () => {
    const config = (source: string): CompareConfig => ({ maxAccuracyDrop: 1, json: false, sources: { maxAccuracyDrop: source } });
    assert.equal(compareThresholds(config('default')).maxAccuracyDrop, null);
    assert.equal(compareThresholds(config('--max-accuracy-drop')).maxAccuracyDrop, 1);
  });
});

describe('fixtures', () => {
  // Each fixture's stored verdict is what the pipeline would have written: decideVerdict on it.
  const baselines: Partial<Record<FixtureName, FixtureName>> = { cpu: 'cpuBaseline' };
  for (const name of Object.keys(FIXTURES) as FixtureName[]) {
    it(`${name}: the stored verdict is decideVerdict's`, () => {
      const results = fixture(name);
      const baseline = baselines[name] ? fixture(baselines[name]) : null;
      const stored = results.verdict;
      const again = decideVerdict(results, stored.thresholds!, compareResults(results, baseline, baseline ? { label: 'main' } : {}));
      assert.deepEqual(again, stored);
    });
  }
});
