// The benchmark's life cycle in real worker processes on the real onnxruntime-node: load, warm-up,
// rounds, memory, dispose; and every way a worker can go wrong ending in a failed result that
// says why, never in a hang.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TensorProto_DataType as DataType } from 'onnx-buf';
import { benchmark, benchmarkInterleaved, runFields, skippedFields, type BenchmarkProgress, type BenchmarkResult } from '../../src/benchmark/index.ts';
import { BenchmarkWorker, WorkerExitedError } from '../../src/benchmark/worker-client.ts';
import type { Batch } from '../../src/data/types.ts';
import { runSchema } from '../../src/results/schema.ts';
import { writeModel } from '../../src/model/write.ts';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const TINY = { warmupMs: 10, minIterations: 5, minMs: 0 };
const dir = tempDir();
const modelPath = join(dir, 'gemm.onnx');
writeModel(gemmModel({ inputs: 64, classes: 16 }), modelPath);
// The fields of a results.json run that the benchmark fills, validated by the schema itself.
const benchmarkPart = runSchema.pick({ status: true, reason: true, latencyMs: true, throughput: true, memory: true, loadMs: true, settings: true, rounds: true, power: true }).strict();

const batch = (size: number): Batch => ({
  size,
  start: 0,
  feeds: { x: { dataType: DataType.FLOAT, dims: [size, 64], data: Float32Array.from({ length: size * 64 }, (_, i) => (i % 7) / 7) } },
});

function ok(outcome: Awaited<ReturnType<typeof benchmark>>): BenchmarkResult {
  assert.equal(outcome.status, 'ok', outcome.status === 'failed' ? outcome.reason : '');
  return outcome as BenchmarkResult;
}

describe('benchmark life cycle', () => {
  it('warms up, runs the rounds, reports statistics, throughput, memory and load time', async () => {
    const events: BenchmarkProgress[] = [];
    const result = ok(
      await benchmark({ label: 'gemm b4', runtime: 'onnxruntime', modelPath, provider: 'cpu', batch: batch(4), threads: 1 }, { warmupMs: 20, minIterations: 6, minMs: 30, rounds: 3 }, (e) => events.push(e)),
    );
    assert.deepEqual(
      events.map((e) => (e.phase === 'round' ? `round ${e.round}/${e.rounds}` : e.phase)),
      ['load', 'warmup', 'round 1/3', 'round 2/3', 'round 3/3'],
    );
    const { latencyMs } = result;
    assert.ok(latencyMs.iterations >= 6);
    assert.equal(latencyMs.iterations, result.rounds.reduce((n, r) => n + r.iterations, 0));
    assert.equal((events.at(-1) as { iterations: number }).iterations, latencyMs.iterations);
    assert.ok(result.timedWallMs >= 30, `timed for ${result.timedWallMs} ms, at least 30 asked`);
    assert.ok(result.rounds.every((r) => r.iterations >= 2 && r.wallMs >= 10), JSON.stringify(result.rounds));
    assert.ok(0 < latencyMs.min && latencyMs.min <= latencyMs.p50 && latencyMs.p50 <= latencyMs.p90 && latencyMs.p90 <= latencyMs.p99 && latencyMs.p99 <= latencyMs.max);
    assert.ok(Math.abs(result.throughput - (4 * 1000) / latencyMs.mean) < 1e-6);
    assert.ok(result.warmup.iterations >= 1 && result.warmup.ms >= 20);
    assert.ok(result.loadMs > 0);
    assert.deepEqual(result.settings, { threads: 1, graphOptimization: 'all', allowSpinning: true, stopSpinningAfterRun: false });
    assert.ok(result.memory.rssMB !== null && result.memory.rssMB > 0);
    assert.equal(result.memory.deviceMB, null);
    assert.equal(result.memory.processDeviceMB, null);
    assert.match(result.memoryMeasured, /peak RSS of a worker process holding only this session/);
    assert.equal(result.batch, 4);
    const fields = benchmarkPart.parse(runFields(result, 'onnxruntime/cpu/4'));
    assert.deepEqual(fields.latencyMs, latencyMs);
    assert.equal(fields.status, 'ok');
    assert.deepEqual(fields.settings, result.settings);
    assert.deepEqual(fields.rounds, { group: 'onnxruntime/cpu/4', p50Ms: result.rounds.map((r) => r.p50Ms) });
    // A CPU row samples no GPU power.
    assert.deepEqual([result.power, fields.power], [null, null]);
  });

  it('a model that cannot load is a failed result with ONNX Runtime’s reason', async () => {
    const events: BenchmarkProgress[] = [];
    const outcome = await benchmark({ label: 'missing', runtime: 'onnxruntime', modelPath: join(dir, 'nope.onnx'), provider: 'cpu', batch: batch(1) }, TINY, (e) => events.push(e));
    assert.equal(outcome.status, 'failed');
    assert.match((outcome as { reason: string }).reason, /nope\.onnx/);
    assert.deepEqual(events.map((e) => e.phase), ['failed']);
    const fields = benchmarkPart.parse(runFields(outcome));
    assert.deepEqual([fields.status, fields.latencyMs, fields.memory], ['failed', null, null]);
    assert.deepEqual(benchmarkPart.parse(skippedFields('no CUDA here')), { status: 'skipped', reason: 'no CUDA here', latencyMs: null, throughput: null, memory: null, loadMs: null, settings: null, rounds: null, power: null });
  });

  it('a batch the model refuses fails in warm-up with the reason', async () => {
    const wrong: Batch = { size: 1, start: 0, feeds: { x: { dataType: DataType.FLOAT, dims: [1, 3], data: new Float32Array(3) } } };
    const outcome = await benchmark({ label: 'wrong shape', runtime: 'onnxruntime', modelPath, provider: 'cpu', batch: wrong }, TINY);
    assert.equal(outcome.status, 'failed');
    assert.match((outcome as { reason: string }).reason, /invalid dimensions for input: x.*\n index: 1 Got: 3 Expected: 64/s);
  });

  it('a worker killed mid-run is a failed result naming the signal; the interleaved partner finishes', async () => {
    const pids = new Map<string, number>();
    let killed = false;
    const [a, b] = await benchmarkInterleaved(
      [
        { label: 'victim', runtime: 'onnxruntime', modelPath, provider: 'cpu', batch: batch(1) },
        { label: 'survivor', runtime: 'onnxruntime', modelPath, provider: 'cpu', batch: batch(1) },
      ],
      { ...TINY, rounds: 3 },
      (e) => {
        if (e.phase === 'load' && e.pid) pids.set(e.label, e.pid);
        if (e.phase === 'round' && e.label === 'victim' && !killed) {
          killed = true;
          process.kill(pids.get('victim')!, 'SIGKILL');
        }
      },
    );
    assert.equal(a!.status, 'failed');
    assert.match((a as { reason: string }).reason, /the benchmark worker was killed by SIGKILL during '(round|memory)' \(the out-of-memory killer sends SIGKILL\)/);
    assert.equal(ok(b!).rounds.length, 3);
  });
});

describe('BenchmarkWorker', () => {
  it('a worker that exits at start rejects the request with its exit code and last output', async () => {
    const script = join(dir, 'dies.mjs');
    writeFileSync(script, "process.stderr.write('cannot open libsomething.so\\n'); process.exit(3);\n");
    const worker = new BenchmarkWorker({ path: script, execArgv: [] });
    await assert.rejects(
      worker.request('load', { backend: 'onnxruntime', open: { modelPath, provider: 'cpu' }, feeds: batch(1).feeds }),
      (e: unknown) => e instanceof WorkerExitedError && /exited with code 3 during 'load'; its last output: cannot open libsomething\.so/.test(e.message),
    );
    await assert.rejects(worker.request('memory', {}), WorkerExitedError);
    await worker.close();
  });

  it('a request sent to a worker that has just died (its pipe broken, its exit not yet seen) names the signal, not EPIPE', async () => {
    const marker = join(dir, 'died');
    const script = join(dir, 'dies-at-once.mjs');
    writeFileSync(script, `import { existsSync, writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, ''); process.kill(process.pid, 'SIGKILL');\n`);
    const worker = new BenchmarkWorker({ path: script, execArgv: [] });
    // Block this event loop while the worker starts and dies, so that the request below is written
    // to the broken pipe before the exit event is seen: the race the benchmark used to lose.
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let waited = 0; !existsSync(marker) && waited < 10_000; waited += 20) Atomics.wait(pause, 0, 0, 20);
    assert.ok(existsSync(marker), 'the worker did not start');
    Atomics.wait(pause, 0, 0, 300);
    await assert.rejects(
      worker.request('round', { minIterations: 1, minMs: 0 }),
      (e: unknown) => e instanceof WorkerExitedError && /was killed by SIGKILL during 'round'/.test(e.message),
    );
    await worker.close();
  });

  it('a worker that never answers is stopped after the request timeout, with the reason', async () => {
    const script = join(dir, 'hangs.mjs');
    writeFileSync(script, "process.on('message', () => {}); setInterval(() => {}, 1000);\n");
    const worker = new BenchmarkWorker({ path: script, execArgv: [] });
    const started = Date.now();
    await assert.rejects(
      worker.request('memory', {}, 300),
      (e: unknown) => e instanceof WorkerExitedError && /did not answer 'memory' within 300 ms and was stopped/.test(e.message),
    );
    assert.ok(Date.now() - started < 5000);
    await worker.close();
  });

  it('a missing worker file is refused before anything starts', () => {
    assert.throws(() => new BenchmarkWorker({ path: join(dir, 'benchmark-worker.js'), execArgv: [] }), /benchmark-worker\.js is missing: the bundle was built without it/);
  });

  it('answers errors as rejections and stays usable; one request at a time', async () => {
    const worker = new BenchmarkWorker();
    await assert.rejects(worker.request('round', { minIterations: 1, minMs: 0 }), /no runner loaded in this worker/);
    const load = worker.request('load', { backend: 'onnxruntime', open: { modelPath, provider: 'cpu' }, feeds: batch(2).feeds });
    await assert.rejects(worker.request('warmup', { ms: 1 }), /busy with 'load'/);
    assert.deepEqual((await load).outputNames, ['y']);
    const round = await worker.request('round', { minIterations: 3, minMs: 0 });
    assert.ok(round.samplesMs instanceof Float64Array && round.samplesMs.length === 3);
    await worker.request('dispose', {});
    await worker.close();
  });
});
