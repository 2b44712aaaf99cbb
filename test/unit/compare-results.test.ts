// compareResults on realistic results files: which runs pair up, what the pairs say, what differs
// between the environments, and what has no match on either side.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareResults, preferredPair } from '../../src/compare/compare.ts';
import { runKey } from '../../src/compare/match.ts';
import type { RunResult } from '../../src/results/schema.ts';
import { fixture } from '../fixtures/results/index.ts';

const find = (runs: RunResult[], model: string, batch: number, provider = 'cpu') =>
  runs.find((r) => r.model === model && r.batch === batch && r.provider === provider)!;

describe('against a baseline results file', () => {
  const current = fixture('cpu');
  const baseline = fixture('cpuBaseline');
  const { file, sameJob } = compareResults(current, baseline, { label: 'main' });

  it('has no same-job side without base: runs or a baseline model', () => {
    assert.equal(sameJob, null);
    assert.ok(file);
    assert.equal(file.label, 'main');
    assert.equal(file.source, 'baseline-file');
    assert.equal(file.baselineCommit, '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432');
    assert.equal(file.sameModel, false);
  });

  it('pairs runs by runtime, provider, model and batch', () => {
    assert.deepEqual(
      file!.pairs.map((p) => p.key),
      current.runs.map(runKey),
    );
    for (const pair of file!.pairs) assert.equal(runKey(pair.current), runKey(pair.baseline));
  });

  it('calls a real regression a regression and a change inside the noise noise', () => {
    const b32 = file!.pairs.find((p) => p.key === 'onnxruntime/cpu/int8.ort/32')!;
    assert.equal(b32.p50!.class, 'regression');
    assert.ok(Math.abs(b32.p50!.changePct - 14.1) < 0.05, String(b32.p50!.changePct));
    assert.ok(Math.abs(b32.p50!.noisePct - 3.56) < 0.01);
    assert.equal(b32.throughput!.class, 'regression');
    const b1 = file!.pairs.find((p) => p.key === 'onnxruntime/cpu/int8.ort/1')!;
    assert.equal(b1.p50!.class, 'within-noise');
    assert.ok(b1.p50!.changePct > 5, 'over a 5% limit, yet noise');
  });

  it('compares memory of the same kind and accuracy with its noise', () => {
    const b1 = file!.pairs.find((p) => p.key === 'onnxruntime/cpu/int8.ort/1')!;
    assert.deepEqual({ kind: b1.memory!.kind, class: b1.memory!.class }, { kind: 'rss', class: 'within-noise' });
    assert.equal(b1.accuracy!.metric, 'top1');
    assert.ok(Math.abs(b1.accuracy!.deltaPp) < 1e-9);
    // Both runs have a bootstrap interval: the two half-widths combined, ±0.255 and ±0.255.
    assert.ok(Math.abs(b1.accuracy!.noisePp! - Math.hypot(0.255, 0.255)) < 1e-9);
  });

  it('gives runs that did not run a note instead of numbers', () => {
    const trt = file!.pairs.find((p) => p.key === 'tensorrt/tensorrt/int8.trt/1')!;
    assert.equal(trt.p50, null);
    assert.match(trt.note!, /^skipped here: no TensorRT on this runner/);
  });

  it('lists the rows without a match on either side', () => {
    assert.deepEqual(file!.onlyCurrent, []);
    assert.deepEqual(
      file!.onlyBaseline.map(runKey),
      ['onnxruntime/cpu/int8.ort/8', 'onnxruntime/cpu/fp32/8'],
    );
  });

  it('names what differs between the environments, and nothing that does not', () => {
    assert.deepEqual(file!.environment, [
      { what: 'ONNX Runtime', current: '1.30.0', baseline: '1.29.1' },
      { what: 'Node', current: '20.19.5', baseline: '20.18.0' },
    ]);
    assert.deepEqual(file!.setup, []);
  });

  it('names CPU, threads, GPU and driver differences', () => {
    const other = fixture('cpuBaseline');
    other.environment.cpu = { model: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz', cores: 4, int8Features: ['vnni'] };
    other.environment.threads = 4;
    other.environment.gpu = { name: 'NVIDIA A10G', driver: '550.54.15', memoryMB: 23028 };
    other.evaluation = { ...other.evaluation!, samples: 1000 };
    const side = compareResults(current, other).file!;
    const what = side.environment.map((d) => d.what);
    for (const expected of ['CPU', 'CPU int8 features', 'threads', 'GPU', 'GPU driver']) assert.ok(what.includes(expected), `${expected} missing from ${what.join(', ')}`);
    assert.deepEqual(side.environment.find((d) => d.what === 'GPU'), { what: 'GPU', current: 'none', baseline: 'NVIDIA A10G' });
    assert.equal(side.setup[0]!.what, 'evaluation');
  });

  it('the same file against itself: every pair within noise, no differences', () => {
    const side = compareResults(current, fixture('cpu')).file!;
    assert.equal(side.sameModel, true);
    assert.ok(side.pairs.every((p) => p.p50 === null || (p.p50.class === 'within-noise' && p.p50.changePct === 0)));
    assert.deepEqual([side.environment, side.setup, side.onlyBaseline, side.onlyCurrent], [[], [], [], []]);
  });
});

describe('the base model benchmarked in the same job', () => {
  const results = fixture('sameJob');
  const { sameJob, file } = compareResults(results, null);

  it("pairs each run with the base model's run of the same kind", () => {
    assert.equal(file, null);
    assert.ok(sameJob);
    assert.equal(sameJob.label, 'base model');
    assert.equal(sameJob.baselineCommit, '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432');
    assert.equal(sameJob.pairs.length, 7);
    for (const pair of sameJob.pairs) {
      assert.ok(!pair.current.model.startsWith('base:'));
      assert.equal(pair.baseline.model, `base:${pair.current.model}`);
    }
    assert.deepEqual([sameJob.onlyCurrent, sameJob.onlyBaseline, sameJob.environment], [[], [], []]);
  });

  it('finds the one regression: INT8 at batch 8', () => {
    const regressions = sameJob!.pairs.filter((p) => p.p50?.class === 'regression').map((p) => p.key);
    assert.deepEqual(regressions, ['onnxruntime/cpu/int8.ort/8']);
  });

  it('preferredPair takes the same-job pair over the results file', () => {
    const base = fixture('sameJob');
    const both = compareResults(results, base);
    const run = find(results.runs, 'int8.ort', 8);
    const found = preferredPair(both, run)!;
    assert.equal(found.comparison.source, 'same-job');
    assert.equal(found.pair.baseline.model, 'base:int8.ort');
    // Only the results file: its pair.
    const fileOnly = preferredPair({ ...both, sameJob: null }, run)!;
    assert.equal(fileOnly.comparison.source, 'baseline-file');
    assert.equal(preferredPair(null, run), null);
  });

  it('the results file side ignores base: runs on both sides', () => {
    const both = compareResults(results, fixture('sameJob'));
    assert.ok(both.file!.pairs.every((p) => !p.current.model.startsWith('base:') && !p.baseline.model.startsWith('base:')));
    assert.equal(both.file!.pairs.length, 7);
  });
});
