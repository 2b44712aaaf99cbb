// Interleaving: runners in their own workers take turns round by round, the order rotating, and
// each is opened as interleaved (ONNX Runtime: spinning off).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TensorProto_DataType as DataType } from 'onnx-buf';
import { benchmark, benchmarkInterleaved, type BenchmarkProgress, type BenchmarkResult } from '../../src/benchmark/index.ts';
import { writeModel } from '../../src/model/write.ts';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const TINY = { warmupMs: 10, minIterations: 4, minMs: 0 };
const dir = tempDir();
const modelPath = join(dir, 'gemm.onnx');
writeModel(gemmModel({ inputs: 32, classes: 8 }), modelPath);
const batch = { size: 1, start: 0, feeds: { x: { dataType: DataType.FLOAT, dims: [1, 32], data: new Float32Array(32) } } };
const spec = (label: string, extra: object = {}) => ({ label, runtime: 'onnxruntime' as const, modelPath, provider: 'cpu' as const, batch, ...extra });

describe('benchmarkInterleaved', () => {
  it('alternates rounds between the sessions, rotating who goes first', async () => {
    const events: BenchmarkProgress[] = [];
    const results = (await benchmarkInterleaved([spec('base'), spec('pr')], { ...TINY, rounds: 4 }, (e) => events.push(e))) as BenchmarkResult[];
    const phase = (p: string) => events.filter((e) => e.phase === p).map((e) => e.label);
    assert.deepEqual(phase('load'), ['base', 'pr']);
    assert.deepEqual(phase('warmup'), ['base', 'pr']);
    assert.deepEqual(
      events.filter((e) => e.phase === 'round').map((e) => `${e.label}@${(e as { round: number }).round}`),
      ['base@1', 'pr@1', 'pr@2', 'base@2', 'base@3', 'pr@3', 'pr@4', 'base@4'],
    );
    assert.deepEqual(results.map((r) => [r.label, r.status, r.rounds.length]), [['base', 'ok', 4], ['pr', 'ok', 4]]);
    // Each worker is a process of its own.
    const pids = events.filter((e) => e.phase === 'load').map((e) => (e as { pid: number }).pid);
    assert.equal(new Set(pids).size, 2);
  });

  it('three sessions rotate too', async () => {
    const events: BenchmarkProgress[] = [];
    await benchmarkInterleaved([spec('a'), spec('b'), spec('c')], { ...TINY, minIterations: 3, rounds: 3 }, (e) => events.push(e));
    assert.deepEqual(events.filter((e) => e.phase === 'round').map((e) => e.label).join(''), 'abcbcacab');
  });

  it('opens interleaved runners as such (ONNX Runtime: threads spin during a run and park when it returns); a lone benchmark keeps ONNX Runtime’s default', async () => {
    const pair = (await benchmarkInterleaved([spec('a'), spec('b', { threads: 1 })], TINY)) as BenchmarkResult[];
    assert.deepEqual(
      pair.map((r) => r.settings),
      [
        { threads: null, graphOptimization: 'all', allowSpinning: true, stopSpinningAfterRun: true },
        { threads: 1, graphOptimization: 'all', allowSpinning: true, stopSpinningAfterRun: true },
      ],
    );
    const alone = (await benchmark(spec('alone'), TINY)) as BenchmarkResult;
    assert.equal(alone.settings.allowSpinning, true);
    assert.equal(alone.settings.stopSpinningAfterRun, false);
  });
});
