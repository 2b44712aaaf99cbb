// `quantgate run` with TensorRT rows, through the real CLI in a child process, the real pipeline
// and the real benchmark workers, against the fake addon (test/helpers/fake-tensorrt-addon.ts,
// loaded by the real loader through QUANTGATE_TRT_ADDON in every process). No GPU or TensorRT is
// needed: what is tested is everything quantgate does around TensorRT.
//
// Covered: the TensorRT rows (INT8, INT8 + FP16, FP16, FP32 engines at each batch size) scored
// and timed beside ONNX Runtime's, with engine, layer precision and power in results.json; each
// engine built once per run (not per worker) and reused from the runner's cache by the next run;
// and each bad input of issue 9 with its one message, the ONNX Runtime rows of the same run still
// reported: no GPU, no driver, no TensorRT (with and without the addon built), a TensorRT outside
// the supported range, a model the parser rejects, an engine cached by another TensorRT version,
// and out of device memory during build and run.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeNpy } from '../../src/data/index.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { writeModel } from '../../src/model/write.ts';
import { resultsSchema, type Results, type RunResult } from '../../src/results/schema.ts';
import { ADDON_FILE } from '../../src/runtime/tensorrt/load.ts';
import { cliProcess, ROOT } from '../helpers/cli.ts';
import { SCENARIO_VARIABLE, type FakeScenario } from '../helpers/fake-tensorrt-addon.ts';
import { seeded, smallCnn } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const FAKE_ADDON = join(ROOT, 'test', 'helpers', 'fake-tensorrt-addon.ts');
const dir = tempDir();
const modelPath = join(dir, 'cnn.onnx');
writeModel(smallCnn(), modelPath);
const random = seeded(21);
const sample = 3 * 16 * 16;
const write = (path: string, count: number) =>
  writeFileSync(path, encodeNpy({ dataType: DataType.FLOAT, dims: [count, 3, 16, 16], data: Float32Array.from({ length: count * sample }, () => (random() * 2 - 1) * 1.5) }));
mkdirSync(join(dir, 'calib'));
write(join(dir, 'calib', 'calib.npy'), 16);
write(join(dir, 'eval.npy'), 40);
writeFileSync(join(dir, 'labels.txt'), `${Array.from({ length: 40 }, () => Math.floor(random() * 10)).join('\n')}\n`);

const fast = ['--warmup-ms', '5', '--min-iterations', '3', '--min-time-ms', '20', '--quiet'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  results: Results;
  builds: string[];
}

/** `quantgate run` in a child process on a machine the fake addon describes. */
function run(out: string, s: FakeScenario, options: { args?: string[]; cache?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const buildRecord = join(dir, `${out}.builds`);
  writeFileSync(buildRecord, '');
  const result = cliProcess(
    ['run', '--model', modelPath, '--calibration-data', join(dir, 'calib'), '--eval-data', join(dir, 'eval.npy'), '--labels', join(dir, 'labels.txt'), '--out', join(dir, out), ...fast, ...(options.args ?? ['--batch-sizes', '1,4'])],
    {
      env: {
        QUANTGATE_TRT_ADDON: FAKE_ADDON,
        [SCENARIO_VARIABLE]: JSON.stringify({ ...s, buildRecord }),
        QUANTGATE_ENGINE_CACHE: options.cache ?? join(dir, `${out}.cache`),
        ...options.env,
      },
    },
  );
  const resultsPath = join(dir, out, 'results.json');
  assert.ok(existsSync(resultsPath), `no results.json (exit ${result.code}): ${result.stderr}`);
  return {
    code: result.code,
    stdout: result.stdout,
    stderr: result.stderr,
    results: resultsSchema.parse(JSON.parse(readFileSync(resultsPath, 'utf8'))),
    builds: readFileSync(buildRecord, 'utf8').split('\n').filter(Boolean),
  };
}

const trtRows = (r: Results) => r.runs.filter((x) => x.runtime === 'tensorrt');
const row = (r: Results, model: string, batch: number, runtime = 'tensorrt', provider = 'tensorrt'): RunResult =>
  r.runs.find((x) => x.runtime === runtime && x.provider === provider && x.model === model && x.batch === batch)!;

/** The ONNX Runtime CPU rows were scored and timed, whatever happened to TensorRT. */
function assertOnnxRuntimeReported(r: Results): void {
  for (const model of ['fp32', 'int8.ort']) {
    for (const batch of [1, 4]) {
      const x = row(r, model, batch, 'onnxruntime', 'cpu');
      assert.equal(x.status, 'ok', `${model} b${batch}: ${x.reason}`);
      assert.ok(x.latencyMs!.p50 > 0);
    }
  }
  assert.equal(r.runs.find((x) => x.provider === 'reference')!.status, 'ok');
}

describe('TensorRT rows through the pipeline (fake addon)', () => {
  const cache = join(dir, 'shared.cache');
  let first: Run;

  it('scores and times INT8, INT8 + FP16, FP16 and FP32 engines beside ONNX Runtime, each engine built once', () => {
    first = run('working', {}, { cache });
    assert.equal(first.code, 0, first.stderr);
    const r = first.results;
    for (const model of ['int8.trt', 'int8.trt.fp16', 'fp16', 'fp32']) {
      for (const batch of [1, 4]) {
        const x = row(r, model, batch);
        assert.equal(x.status, 'ok', `${model} b${batch}: ${x.reason}`);
        if (model !== 'fp32') assert.equal(x.modelFile, `cnn.${model}.onnx`);
        // CUDA-event times from the engine (the fake's: they depend on model and batch only).
        assert.ok(x.latencyMs!.p50 > 0 && x.latencyMs!.iterations >= 3);
        assert.equal(x.rounds!.group, `tensorrt/tensorrt/${batch}`);
        assert.deepEqual(x.settings, { timing: 'gpu (CUDA events)', cudaGraph: false, profile: 'batch 1–32, opt 4' });
        assert.ok(x.memory!.deviceMB! > 0, 'the engine reports its device memory where nvidia-smi is missing');
        // Power sampled over this row's own rounds.
        assert.ok(x.power, `${model} b${batch} has power`);
        assert.ok(x.power!.joulesPerInference! > 0 && x.power!.meanW > 0 && x.power!.peakW >= x.power!.meanW);
        assert.equal(x.power!.start.temperatureC, 41);
        // Each row's own rounds only: the fake draws a fixed wattage per model over the GPU time
        // of the rounds it saw, so energy per inference is that wattage × this row's mean latency
        // per sample; another row's rounds leaking in would change both.
        const watts = { 'int8.trt': 142.6, 'int8.trt.fp16': 139.8, fp16: 187.4, fp32: 246.1 }[model]!;
        assert.ok(Math.abs(x.power!.meanW - watts) < 1e-6, `${model} b${batch}: ${x.power!.meanW} W`);
        assert.ok(Math.abs(x.power!.joulesPerInference! - (watts * x.latencyMs!.mean) / batch / 1000) < 1e-9);
        assert.ok(Math.abs(x.power!.durationMs - x.latencyMs!.mean * x.latencyMs!.iterations) < 1e-6);
        assert.equal(x.engine!.source, 'built');
        assert.equal(x.engine!.tensorrtVersion, '10.13.0');
        assert.equal(x.engine!.buildLog, `tensorrt/${model}.build.log`);
      }
      // Accuracy once per model, on the engine.
      const scored = row(r, model, 1);
      assert.ok(scored.accuracy && 'top1' in scored.accuracy);
      if (model !== 'fp32') assert.equal(typeof scored.accuracyLossPp, 'number');
    }
    // The engine's layer precision: every Conv/Gemm of the INT8 engine in INT8; none of the FP16 one.
    assert.deepEqual(
      [row(r, 'int8.trt', 1).engine!.layers!.quantizedComputeLayers, row(r, 'int8.trt', 1).engine!.layers!.computeLayers, row(r, 'fp16', 1).engine!.layers!.quantizedComputeLayers],
      [4, 4, 0],
    );
    // Built once per model in the main process, with the profile from --batch-sizes and the
    // evaluation batch; the batch-size workers and the accuracy stage took them from the cache.
    assert.equal(first.builds.length, 4, first.builds.join('\n'));
    assert.deepEqual(new Set(first.builds.map((b) => b.split('\t')[0])), new Set([modelPath, ...['int8.trt', 'int8.trt.fp16', 'fp16'].map((v) => join(dir, 'working', `cnn.${v}.onnx`))]));
    assert.ok(existsSync(join(dir, 'working', 'tensorrt', 'int8.trt.engine')));
    assert.match(readFileSync(join(dir, 'working', 'tensorrt', 'fp16.build.log'), 'utf8'), /Engine built in/);
    // The environment as the addon sees it, TensorRT's version in the table.
    assert.equal(r.environment.tensorrt, '10.13.0');
    assert.equal(r.environment.cudaRuntime, '12.9');
    assert.equal(r.environment.gpu?.computeCapability, '9.0');
    assertOnnxRuntimeReported(r);
    const report = readFileSync(join(dir, 'working', 'report.md'), 'utf8');
    assert.match(report, /\| TensorRT 10\.13 \| INT8 \| 1 \| /);
    assert.match(report, /<summary>Power: .* per inference at best/);
    assert.match(report, /TensorRT engine: 4 of 4 compute layers in INT8/);
  });

  it('the next run on this runner takes every engine from its cache; another TensorRT version rebuilds them', () => {
    const again = run('again', {}, { cache });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.builds.length, 0, again.builds.join('\n'));
    assert.ok(trtRows(again.results).every((x) => x.engine?.source === 'cache' && x.engine.buildMs !== null && x.engine.layers !== null));

    const upgraded = run('upgraded', { tensorrtVersion: '10.14.1' }, { cache });
    assert.equal(upgraded.code, 0, upgraded.stderr);
    assert.equal(upgraded.builds.length, 4, 'an engine of another TensorRT is rebuilt, never loaded');
    const x = row(upgraded.results, 'int8.trt', 1);
    assert.equal(x.engine!.source, 'built');
    assert.equal(x.engine!.cacheNote, 'the cached engine was built by TensorRT 10.13.0, this is 10.14.1: rebuilding');
    assert.match(upgraded.stderr, /not using the cached engine: the cached engine was built by TensorRT 10\.13\.0, this is 10\.14\.1/);
    // The timing cache of 10.13 is not 10.14's: the first build had none.
    assert.match(upgraded.builds[0]!, /no timing cache$/);
    assert.match(upgraded.builds[1]!, /\ttiming cache$/);
  });

  it('a model the parser rejects, and out of device memory in a build and in a run: failed rows with the reason, the rest reported', () => {
    const r = run('failures', {
      parserRejects: { file: 'cnn.int8.trt.onnx', node: '/conv2/Conv', op: 'Conv', description: 'Assertion failed: kernel weights must be constant' },
      buildOutOfMemory: 'cnn.onnx',
      runOutOfMemory: 'cnn.fp16.onnx',
    });
    // A model that fails where it ships fails the gate (exit 1), with everything else measured.
    assert.equal(r.code, 1, r.stderr);
    for (const batch of [1, 4]) {
      const parse = row(r.results, 'int8.trt', batch);
      assert.equal(parse.status, 'failed');
      assert.match(parse.reason!, /TensorRT's ONNX parser rejected the model while building the TensorRT INT8 engine: node '\/conv2\/Conv' \(Conv\): Assertion failed: kernel weights must be constant \[kUNSUPPORTED_NODE\]/);
      assert.match(parse.reason!, /fix: change or remove node '\/conv2\/Conv' \(Conv\)/);
      const build = row(r.results, 'fp32', batch);
      assert.equal(build.status, 'failed');
      assert.match(build.reason!, /^out of GPU memory while building the TensorRT FP32 engine; TensorRT: .*OutOfMemory.*\(fix: use smaller --batch-sizes, or free the GPU/);
      const running = row(r.results, 'fp16', batch);
      assert.equal(running.status, 'failed');
      // Batch 1 is the row the accuracy stage scored; batch 4's own benchmark worker meets the same.
      assert.match(
        running.reason!,
        batch === 1
          ? /^fp16 failed on tensorrt at sample 0: out of GPU memory while running the TensorRT engine of cnn\.fp16\.onnx \(fix: use smaller --batch-sizes/
          : /^out of GPU memory while running the TensorRT engine of cnn\.fp16\.onnx\n {2}TensorRT: .*out of memory.* \(fix: use smaller --batch-sizes/,
      );
      assert.equal(row(r.results, 'int8.trt.fp16', batch).status, 'ok');
    }
    assert.match(readFileSync(join(dir, 'failures', 'tensorrt', 'int8.trt.build.log'), 'utf8'), /While parsing node number 4 \[Conv -> "\/conv2\/Conv"\]/);
    assert.match(r.stdout, /TensorRT INT8 at batch 1 failed \(TensorRT's ONNX parser rejected/);
    assertOnnxRuntimeReported(r.results);
    assert.equal(r.results.incomplete, null);
  });

  it('no GPU under --runtimes auto: skipped TensorRT rows with the reason, ONNX Runtime reported, exit 0', () => {
    const r = run('no-gpu', { machine: 'no-gpu' });
    assert.equal(r.code, 0, r.stderr);
    for (const x of trtRows(r.results)) {
      assert.equal(x.status, 'skipped');
      assert.equal(x.reason, 'the CUDA runtime sees no GPU (cudaErrorNoDevice: no CUDA-capable device is detected)');
    }
    assert.equal(r.builds.length, 0);
    assertOnnxRuntimeReported(r.results);
  });
});

describe('TensorRT named in --runtimes but unusable: exit 2, one message, results.json says why', () => {
  const explicit = ['--runtimes', 'onnxruntime,tensorrt', '--batch-sizes', '1'];
  const cases: [string, FakeScenario, RegExp][] = [
    ['no GPU', { machine: 'no-gpu' }, /TensorRT is not available: the CUDA runtime sees no GPU \(cudaErrorNoDevice/],
    ['no driver', { machine: 'no-driver' }, /TensorRT is not available: no NVIDIA driver on this runner \(the CUDA runtime sees no GPU: cudaErrorInsufficientDriver: CUDA driver version is insufficient/],
    ['no TensorRT', { machine: 'no-tensorrt' }, /TensorRT is not available: TensorRT \(libnvinfer\) could not be loaded \(tried libnvinfer\.so\.10, libnvinfer\.so\.11\)/],
    ['a TensorRT of another major version', { machine: 'wrong-major' }, /TensorRT is not available: the TensorRT library is 11\.1\.0 but the addon was built against 10\.13\.0 headers/],
    ['a TensorRT older than the addon', { machine: 'old-tensorrt' }, /TensorRT is not available: TensorRT 10\.3\.0 is older than the TensorRT 10\.13\.0 headers the addon was built with/],
  ];
  for (const [what, s, message] of cases) {
    it(what, () => {
      const r = run(`explicit-${s.machine}`, s, { args: explicit });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1, r.stderr);
      assert.match(r.stderr, /fix: .*leave tensorrt out of --runtimes/);
      assert.match(r.results.incomplete!, /TensorRT is not available/);
    });
  }

  it('the addon not built: "no TensorRT on this runner" or "TensorRT found but the addon is not built"', (t) => {
    if (existsSync(join(ROOT, 'native', 'build', 'Release', ADDON_FILE))) return t.skip('the addon is built in this checkout');
    const missing = run('unbuilt', {}, { args: explicit, env: { QUANTGATE_TRT_ADDON: '', LD_LIBRARY_PATH: join(dir, 'no-libs') } });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /TensorRT is not available: no TensorRT on this runner \(libnvinfer not found\)/);
    const libs = join(dir, 'libs');
    mkdirSync(libs, { recursive: true });
    writeFileSync(join(libs, 'libnvinfer.so.10'), '');
    const found = run('unbuilt-found', {}, { args: explicit, env: { QUANTGATE_TRT_ADDON: '', LD_LIBRARY_PATH: libs } });
    assert.equal(found.code, 2);
    assert.match(found.stderr, new RegExp(`TensorRT found \\(${join(libs, 'libnvinfer.so.10').replace(/[.]/g, '\\.')}\\) but the TensorRT addon is not built`));
    assert.match(found.stderr, /fix: build it with `npm run build:native`/);
  });
});
