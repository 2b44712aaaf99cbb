// Latency statistics, settings, batch support and nvidia-smi parsing: the pure parts of the
// benchmark. Expected statistics come from numpy (np.percentile's default 'linear' method,
// np.std(ddof=1)), so every row can be re-checked with one line of Python.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchSupport } from '../../src/benchmark/batch-support.ts';
import { parseComputeApps } from '../../src/benchmark/gpu-memory.ts';
import { DEFAULT_SETTINGS, resolveSettings, roundQuota } from '../../src/benchmark/settings.ts';
import { coefficientOfVariation, latencyStatistics, percentile, throughput } from '../../src/benchmark/statistics.ts';
import type { Dim } from '../../src/model/signature.ts';
import { executionProviders, resolveSessionSettings, sessionOptions } from '../../src/runtime/onnxruntime/session-options.ts';

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);

describe('latencyStatistics', () => {
  // samples → [p50, p90, p99, mean, min, max, std, cv] as numpy computes them
  const table: [string, number[], number[]][] = [
    ['one sample', [5], [5, 5, 5, 5, 5, 5, 0, 0]],
    ['two samples', [1, 3], [2, 2.8, 2.98, 2, 1, 3, 1.4142135623730951, 0.7071067811865476]],
    ['five, unsorted, repeated', [3, 1, 4, 1, 5], [3, 4.6, 4.96, 2.8, 1, 5, 1.7888543819998317, 0.6388765649999399]],
    ['ten with an outlier', [2.5, 0.5, 1, 7, 3, 3.5, 1.5, 2, 4, 10], [2.75, 7.3, 9.73, 3.5, 0.5, 10, 2.934469476943168, 0.8384198505551909]],
    ['twenty (p99 interpolates toward the max)', Array.from({ length: 20 }, (_, i) => i + 1), [10.5, 18.1, 19.81, 10.5, 1, 20, 5.916079783099616, 0.563436169819011]],
    ['constant', [0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0, 0]],
  ];
  for (const [name, samples, expected] of table) {
    it(name, () => {
      const s = latencyStatistics(Float64Array.from(samples));
      const keys = ['p50', 'p90', 'p99', 'mean', 'min', 'max', 'std', 'cv'] as const;
      keys.forEach((k, i) => close(s[k], expected[i]!, k));
      assert.equal(s.iterations, samples.length);
    });
  }

  it('does not reorder the caller’s samples', () => {
    const samples = Float64Array.from([3, 1, 2]);
    latencyStatistics(samples);
    assert.deepEqual([...samples], [3, 1, 2]);
  });

  it('keeps the spread of values far from zero (two-pass variance)', () => {
    const s = latencyStatistics([1e9 + 1, 1e9 + 2, 1e9 + 3]);
    close(s.std, 1, 'std');
  });

  it('refuses no samples and percentiles outside 0..100', () => {
    assert.throws(() => latencyStatistics([]), /no samples/);
    assert.throws(() => percentile([1, 2], 101), /outside/);
    close(percentile([1, 2], 0), 1, 'p0');
    close(percentile([1, 2], 100), 2, 'p100');
  });
});

describe('throughput and spread', () => {
  it('counts samples per second for the batch', () => {
    close(throughput(1, 2), 500, 'batch 1 at 2 ms');
    close(throughput(32, 40), 800, 'batch 32 at 40 ms');
  });
  it('coefficientOfVariation is the sample std over the mean', () => {
    close(coefficientOfVariation([10, 10, 10]), 0, 'constant');
    close(coefficientOfVariation([1, 3]), 0.7071067811865476, 'two values');
    assert.equal(coefficientOfVariation([4]), 0);
  });
});

describe('settings', () => {
  it('defaults to 1 s warm-up, then at least 20 iterations and 3 s', () => {
    assert.deepEqual(resolveSettings(), { warmupMs: 1000, minIterations: 20, minMs: 3000, rounds: 10 });
    assert.deepEqual(resolveSettings({ minIterations: 7, warmupMs: undefined }), { ...DEFAULT_SETTINGS, minIterations: 7 });
  });
  it('splits the minimums over the rounds so the totals still meet them', () => {
    assert.deepEqual(roundQuota(resolveSettings({ minIterations: 21, minMs: 3000, rounds: 5 })), { minIterations: 5, minMs: 600 });
    const q = roundQuota(resolveSettings({ minIterations: 3, rounds: 4 }));
    assert.ok(q.minIterations * 4 >= 3);
  });
  for (const bad of [{ warmupMs: -1 }, { minIterations: 0 }, { minIterations: 2.5 }, { minMs: Number.NaN }, { rounds: 0 }]) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => resolveSettings(bad), /invalid benchmark settings/));
  }
});

describe('batchSupport', () => {
  const sig = (...shapes: (Dim[] | null)[]) => ({ inputs: shapes.map((shape, i) => ({ name: `in${i}`, dtype: 'float32', shape })) });
  const table: [string, ReturnType<typeof sig>, number, RegExp | null][] = [
    ['symbolic batch, any size', sig(['N', 3, 224, 224]), 32, null],
    ['unknown batch dim, any size', sig([null, 8]), 7, null],
    ['fixed batch 1 at batch 1', sig([1, 3, 224, 224]), 1, null],
    ['fixed batch 1 at batch 32', sig([1, 3, 224, 224]), 32, /input 'in0' has a fixed batch dimension of 1 \(1×3×224×224\).*batch 32/],
    ['fixed batch 8 at batch 1', sig([8, 4]), 1, /fixed batch dimension of 8/],
    ['second input fixed', sig(['N', 4], [1, 4]), 2, /input 'in1'/],
    ['no shape at all', sig(null), 16, null],
    ['scalar at batch 1', sig([]), 1, null],
    ['scalar at batch 4', sig([]), 4, /scalar/],
  ];
  for (const [name, signature, batch, reason] of table) {
    it(name, () => {
      const support = batchSupport(signature, batch);
      assert.equal(support.supported, reason === null);
      if (reason) assert.match(support.reason!, reason);
      else assert.equal(support.reason, null);
    });
  }
  it('says the model is not rewritten and what to do', () => {
    assert.match(batchSupport(sig([1, 3]), 4).reason!, /does not rewrite it: export the model with a dynamic batch axis/);
  });
});

describe('session options', () => {
  it('reference is the CPU with graph optimisations disabled, whatever was asked', () => {
    const settings = resolveSessionSettings('reference', { graphOptimization: 'all' });
    assert.equal(settings.graphOptimization, 'disabled');
    assert.deepEqual(sessionOptions('reference', settings).executionProviders, ['cpu']);
  });
  it('passes threads, level and the spinning policy to onnxruntime-node', () => {
    const options = sessionOptions('cpu', resolveSessionSettings('cpu', { threads: 2, graphOptimization: 'basic', allowSpinning: false }));
    assert.equal(options.intraOpNumThreads, 2);
    assert.equal(options.graphOptimizationLevel, 'basic');
    assert.deepEqual(options.extra, { session: { intra_op: { allow_spinning: '0' }, force_spinning_stop: '0' } });
    const parked = sessionOptions('cpu', resolveSessionSettings('cpu', { stopSpinningAfterRun: true }));
    assert.deepEqual(parked.extra, { session: { intra_op: { allow_spinning: '1' }, force_spinning_stop: '1' } });
    const defaults = sessionOptions('cpu', resolveSessionSettings('cpu', {}));
    assert.equal(defaults.intraOpNumThreads, undefined);
    assert.equal(defaults.graphOptimizationLevel, 'all');
    assert.deepEqual(defaults.extra, { session: { intra_op: { allow_spinning: '1' }, force_spinning_stop: '0' } });
  });
  it('GPU providers fall back to the CPU for nodes they lack', () => {
    assert.deepEqual(executionProviders('cuda'), ['cuda', 'cpu']);
    assert.deepEqual(executionProviders('tensorrt'), ['tensorrt', 'cuda', 'cpu']);
  });
  it('refuses a thread count that is not a whole number ≥ 1', () => {
    assert.throws(() => resolveSessionSettings('cpu', { threads: 0 }), /threads/);
  });
});

describe('parseComputeApps (nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits)', () => {
  it('maps pids to MiB, adding a process’s lines on several GPUs', () => {
    const used = parseComputeApps('1234, 812\n5678, 4096\n1234, 100\n');
    assert.deepEqual([...used], [[1234, 912], [5678, 4096]]);
  });
  it('skips what is not a row (no processes, [N/A], headers)', () => {
    assert.equal(parseComputeApps('').size, 0);
    assert.equal(parseComputeApps('No running processes found\n').size, 0);
    assert.equal(parseComputeApps('pid, used_gpu_memory [MiB]\n42, [N/A]\n').size, 0);
  });
});
