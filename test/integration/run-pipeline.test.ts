// `quantgate run` end to end on a small CNN with the real ONNX Runtime: rows, accuracy checked
// independently, skipped runtimes with reasons, the gate, a baseline model in the same job, bad
// input that still leaves results behind, and Ctrl-C.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeNpy } from '../../src/data/index.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { makeTensor } from '../../src/model/tensor.ts';
import { writeModel } from '../../src/model/write.ts';
import { resultsSchema, type Results } from '../../src/results/schema.ts';
import { cli, ROOT } from '../helpers/cli.ts';
import { seeded, smallCnn } from '../helpers/models.ts';
import { argmaxRows, runFloat } from '../helpers/ort.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const modelPath = join(dir, 'cnn.onnx');
writeModel(smallCnn(), modelPath);
const random = seeded(8);
const sample = 3 * 16 * 16;

function writeArray(path: string, count: number): Float32Array {
  const data = Float32Array.from({ length: count * sample }, () => (random() * 2 - 1) * 1.5);
  writeFileSync(path, encodeNpy({ dataType: DataType.FLOAT, dims: [count, 3, 16, 16], data }));
  return data;
}
mkdirSync(join(dir, 'calib'));
writeArray(join(dir, 'calib', 'calib.npy'), 24);
mkdirSync(join(dir, 'eval'));
const evalData = writeArray(join(dir, 'eval', 'eval.npy'), 48);
const labels = Array.from({ length: 48 }, () => Math.floor(random() * 10));
writeFileSync(join(dir, 'labels.txt'), `${labels.join('\n')}\n`);

// Logits equal to the inputs (up to a small mixing): top-1 is the largest input.
const tiedPath = join(dir, 'tied.onnx');
{
  const mix = Float32Array.from({ length: 100 }, (_, i) => (i % 11 === 0 ? 1 : (random() - 0.5) * 0.02));
  writeModel(
    model(
      graph({
        nodes: [node('Gemm', ['x', 'w'], ['logits'], { name: '/head/Gemm', attributes: { transB: 1 } })],
        inputs: [valueInfo('x', DataType.FLOAT, ['batch', 10])],
        outputs: [valueInfo('logits', DataType.FLOAT, ['batch', 10])],
        initializers: [makeTensor('w', DataType.FLOAT, [10, 10], mix)],
      }),
    ),
    tiedPath,
  );
}
const tiedData = join(dir, 'tied.npy');
writeFileSync(tiedData, encodeNpy({ dataType: DataType.FLOAT, dims: [200, 10], data: Float32Array.from({ length: 2000 }, () => random() * 4 - 2) }));

const fast = ['--warmup-ms', '10', '--min-iterations', '3', '--min-time-ms', '30', '--quiet'];
const base = (out: string) => ['run', '--model', modelPath, '--calibration-data', join(dir, 'calib'), '--out', join(dir, out), ...fast];

function results(out: string): Results {
  return resultsSchema.parse(JSON.parse(readFileSync(join(dir, out, 'results.json'), 'utf8')));
}

describe('quantgate run', () => {
  it('benchmarks and scores every model, and the accuracy matches an independent count', async () => {
    const r = await cli([...base('labelled'), '--eval-data', join(dir, 'eval'), '--labels', join(dir, 'labels.txt'), '--batch-sizes', '1,4']);
    assert.equal(r.code, 0, r.stderr);
    const res = results('labelled');
    const row = (runtime: string, provider: string, model: string, batch: number) =>
      res.runs.find((x) => x.runtime === runtime && x.provider === provider && x.model === model && x.batch === batch);
    for (const model of ['fp32', 'int8.ort']) {
      for (const batch of [1, 4]) {
        const x = row('onnxruntime', 'cpu', model, batch)!;
        assert.equal(x.status, 'ok', `${model} b${batch}: ${x.reason}`);
        assert.ok(x.latencyMs!.p50 > 0 && x.latencyMs!.iterations >= 3);
        assert.ok(x.throughput! > 0);
        assert.ok(x.memory!.rssMB !== null);
      }
    }
    // Every model of one (runtime, provider, batch) was timed interleaved: their rounds pair up,
    // with ONNX Runtime's spinning off, and results.json records how the benchmark ran.
    for (const batch of [1, 4]) {
      const [fp32, int8] = ['fp32', 'int8.ort'].map((model) => row('onnxruntime', 'cpu', model, batch)!);
      assert.equal(fp32!.rounds!.group, `onnxruntime/cpu/${batch}`);
      assert.equal(int8!.rounds!.group, fp32!.rounds!.group);
      assert.equal(fp32!.rounds!.p50Ms.length, 10);
      assert.equal(int8!.rounds!.p50Ms.length, 10);
      assert.deepEqual(fp32!.settings, { threads: null, graphOptimization: 'all', allowSpinning: true, stopSpinningAfterRun: true });
    }
    assert.deepEqual(res.benchmark, { warmupMs: 10, minIterations: 3, minMs: 30, rounds: 10, interleaved: true });
    const reference = res.runs.find((x) => x.provider === 'reference')!;
    assert.equal(reference.status, 'ok');
    assert.equal(reference.latencyMs, null, 'the simulation carries accuracy only');
    assert.equal(res.runs.find((x) => x.runtime === 'tensorrt')!.status, 'skipped');
    assert.match(res.runs.find((x) => x.runtime === 'tensorrt')!.reason!, /TensorRT/);
    assert.ok(res.runs.some((x) => x.provider === 'cuda' && x.status === 'skipped' && /^no NVIDIA GPU on this runner|CUDA provider/.test(x.reason!)));

    // FP32 top-1, counted here with ONNX Runtime directly.
    const logits = await runFloat(modelPath, { input: { data: evalData, dims: [48, 3, 16, 16] } });
    const right = argmaxRows(logits, 10).filter((c, i) => c === labels[i]).length;
    const fp32 = row('onnxruntime', 'cpu', 'fp32', 1)!;
    assert.deepEqual(fp32.accuracy, { top1: right / 48, top5: fp32.accuracy && 'top5' in fp32.accuracy ? fp32.accuracy.top5 : null });
    const int8 = row('onnxruntime', 'cpu', 'int8.ort', 1)!;
    const int8Logits = await runFloat(join(dir, 'labelled', 'cnn.int8.ort.onnx'), { input: { data: evalData, dims: [48, 3, 16, 16] } });
    const int8Right = argmaxRows(int8Logits, 10).filter((c, i) => c === labels[i]).length;
    assert.equal((int8.accuracy as { top1: number }).top1, int8Right / 48);
    assert.equal(int8.accuracyLossPp, (100 * (right - int8Right)) / 48);
    assert.ok(int8.accuracyLossCi![0] <= int8.accuracyLossPp! && int8.accuracyLossPp! <= int8.accuracyLossCi![1]);
    assert.equal(res.verdict.pass, true);
    assert.equal(res.incomplete, null);
    assert.match(res.command!, /^npx quantgate run --model \S*cnn\.onnx/);
    const report = readFileSync(join(dir, 'labelled', 'report.md'), 'utf8');
    assert.match(report, /^<!-- quantgate:/);
    assert.match(report, /### ✅ quantgate · cnn · /);
    // The folder it names is the one this run wrote (outside the working directory: absolute).
    assert.ok(report.includes(`Artifacts: \`${join(dir, 'labelled')}/\` holds \`results.json\`, \`report.md\`, \`calibration.json\`, \`cnn.int8.trt.onnx\`, \`cnn.int8.ort.onnx\`.`), report);
  });

  it('without labels, scores fidelity, and --max-disagreement gates it (exit 1 when it fails)', async () => {
    // A classifier whose logits are its inputs: near-ties are common, and clipping at the 90.01st
    // percentile makes the largest inputs equal, so INT8 must change some top-1 classes.
    const r = await cli([
      'run', '--model', tiedPath, '--calibration-data', tiedData, '--eval-data', tiedData, '--out', join(dir, 'fidelity'), ...fast,
      '--batch-sizes', '4', '--method', 'percentile', '--percentile', '90.01', '--max-disagreement', '0',
    ]);
    assert.equal(r.code, 1, r.stderr);
    const res = results('fidelity');
    const int8 = res.runs.find((x) => x.model === 'int8.ort')!;
    assert.ok(int8.accuracy && 'agreement' in int8.accuracy && int8.accuracy.agreement < 1);
    assert.equal(res.verdict.pass, false);
    assert.match(res.verdict.reasons[0]!, /disagree/);
    assert.match(r.stdout, /verdict: FAILED/);
  });

  it('benchmarks a baseline model in the same job as base: rows', async () => {
    const r = await cli([...base('same-job'), '--baseline-model', modelPath, '--batch-sizes', '2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as Results;
    assert.ok(res.baselineModel);
    const baseRows = res.runs.filter((x) => x.model.startsWith('base:') && x.status === 'ok' && x.latencyMs);
    assert.deepEqual(baseRows.map((x) => x.model).sort(), ['base:fp32', 'base:int8.ort']);
    // All four models of the CPU at batch 2 took turns round by round.
    const group = res.runs.filter((x) => x.provider === 'cpu' && x.status === 'ok').map((x) => x.rounds!.group);
    assert.deepEqual(group, ['onnxruntime/cpu/2', 'onnxruntime/cpu/2', 'onnxruntime/cpu/2', 'onnxruntime/cpu/2']);
    assert.ok(existsSync(join(dir, 'same-job', 'baseline', 'cnn.int8.trt.onnx')));
  });

  const bad: [string, () => string[], RegExp][] = [
    ['labels that do not match the samples', () => ['--eval-data', join(dir, 'eval'), '--labels', writeLabels(3)], /3 labels, but --eval-data .* holds 48 samples/],
    ['an unknown output name', () => ['--output', 'probabilities'], /probabilities/],
    ['a baseline file of another schema', () => ['--baseline', writeJson({ schemaVersion: 7 })], /baseline/],
    ['evaluation data of the wrong shape', () => ['--eval-data', wrongShape()], /does not fit input 'input'/],
    ['an explicitly requested runtime that is missing', () => ['--runtimes', 'tensorrt'], /--runtimes tensorrt: TensorRT is not available/],
    ['an explicitly requested provider that is missing', () => ['--providers', 'cuda'], /--providers: cuda is not available/],
  ];
  for (const [what, args, problem] of bad) {
    it(`${what}: exit 2, one message, and results.json says why`, async () => {
      const out = `bad-${what.replace(/\W+/g, '-')}`;
      const r = await cli([...base(out), ...args()]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1, r.stderr);
      assert.match(r.stderr, problem);
      const res = results(out);
      assert.match(res.incomplete!, problem);
      assert.equal(res.verdict.pass, false);
    });
  }

  it('Ctrl-C during the benchmark still writes the results measured so far', async () => {
    const out = join(dir, 'interrupted');
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/index.ts'), ...base('interrupted').slice(0, -7), '--batch-sizes', '1', '--min-time-ms', '60000', '--quiet'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // results.json appears once the accuracy stage is done; the benchmark then runs for a minute.
    for (let i = 0; i < 600 && !existsSync(join(out, 'results.json')); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130, stderr);
    const res = results('interrupted');
    assert.equal(res.incomplete, 'interrupted by SIGINT');
    assert.ok(res.runs.some((x) => x.accuracy !== null), 'accuracy measured before the interruption is kept');
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /the run stopped before it finished: interrupted by SIGINT/);
  });
});

function writeLabels(n: number): string {
  const path = join(dir, `labels-${n}.txt`);
  writeFileSync(path, `${Array.from({ length: n }, () => '1').join('\n')}\n`);
  return path;
}

function writeJson(value: unknown): string {
  const path = join(dir, `other-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

function wrongShape(): string {
  const folder = join(dir, 'wrong-shape');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'x.npy'), encodeNpy({ dataType: DataType.FLOAT, dims: [2, 3, 8, 8], data: new Float32Array(2 * 3 * 8 * 8) }));
  return folder;
}
