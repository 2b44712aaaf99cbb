// The TensorRT backend against the in-process fake binding: availability and its reasons, the
// rows it plans, engines through the cache (built once, reused, rebuilt when foreign or edited,
// the timing cache kept), prepare() turning TensorRT's failures into failed rows and everything
// else into a stopped run, the runner's life cycle and CUDA-event timing, the environment it
// reports, and the pure helpers (profiles, input shapes, layer fallbacks).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataType } from '../../src/model/dtypes.ts';
import { writeModel } from '../../src/model/write.ts';
import { MemoryLog } from '../../src/log.ts';
import { inputShapes } from '../../src/pipeline/input-shapes.ts';
import type { InputShapes, PrepareInput } from '../../src/runtime/backend.ts';
import { createTensorRtBackend, failureReason } from '../../src/runtime/tensorrt/backend.ts';
import type { Capabilities } from '../../src/runtime/tensorrt/binding.ts';
import { engineCacheDir } from '../../src/runtime/tensorrt/cache-dir.ts';
import { EngineCache } from '../../src/runtime/tensorrt/engine-cache.ts';
import { ensureEngine } from '../../src/runtime/tensorrt/engines.ts';
import { EngineBuildCancelledError } from '../../src/runtime/tensorrt/errors.ts';
import { explainFallbacks, layerNodes, layerPrecisions } from '../../src/runtime/tensorrt/layer-precision.ts';
import { describeProfile, profilesFor } from '../../src/runtime/tensorrt/profile.ts';
import type { TensorRtRunner } from '../../src/runtime/tensorrt/runner.ts';
import { bareCapabilities, FakeTensorRt, INSPECTOR_JSON, nativeError, parserError, workingCapabilities } from '../helpers/fake-tensorrt.ts';
import { smallCnn } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const modelPath = join(dir, 'cnn.int8.trt.onnx');
writeModel(smallCnn(), modelPath);
const shapes: InputShapes = { input: { min: [1, 3, 16, 16], opt: [8, 3, 16, 16], max: [32, 3, 16, 16] } };
let caches = 0;
const newCacheDir = () => join(dir, `cache-${caches++}`);

function backendWith(fake: FakeTensorRt, cacheDir = newCacheDir()) {
  return createTensorRtBackend({ load: () => ({ ok: true, binding: fake, path: '/fake/quantgate_trt.node' }), findLibrary: async () => null, cacheDir: () => cacheDir });
}

function prepareInput(overrides: Partial<PrepareInput> = {}): PrepareInput & { log: MemoryLog } {
  return {
    models: [{ key: 'int8', provider: 'tensorrt', variant: 'int8.trt', model: 'int8.trt', file: modelPath }],
    inputShapes: shapes,
    outDir: join(dir, `out-${caches++}`),
    floatNodes: new Map([['fc', 'excluded (--exclude)']]),
    log: new MemoryLog(),
    ...overrides,
  } as PrepareInput & { log: MemoryLog };
}

describe('TensorRT availability and rows', () => {
  const cases: [string, (c: Capabilities) => void, string][] = [
    ['no TensorRT', (c) => Object.assign(c, { tensorrt: bareCapabilities().tensorrt }), 'TensorRT (libnvinfer) could not be loaded (tried libnvinfer.so.10, libnvinfer.so.11)'],
    ['no GPU', (c) => Object.assign(c.cuda, { deviceCount: 0, deviceError: 'cudaErrorNoDevice' }), 'the CUDA runtime sees no GPU (cudaErrorNoDevice)'],
    ['no driver', (c) => Object.assign(c, { cuda: { ...c.cuda, deviceCount: 0, deviceError: 'cudaErrorInsufficientDriver' }, nvml: bareCapabilities().nvml }), 'no NVIDIA driver on this runner (the CUDA runtime sees no GPU: cudaErrorInsufficientDriver; NVML could not be loaded)'],
    ['TensorRT 12', (c) => Object.assign(c.tensorrt, { version: '12.0.1' }), 'TensorRT 12.0.1 is outside the supported range (10.x and 11.x)'],
    ['TensorRT older than the headers', (c) => Object.assign(c.tensorrt, { version: '10.12.9' }), 'TensorRT 10.12.9 is older than the TensorRT 10.13.0 headers the addon was built with'],
  ];
  for (const [what, change, reason] of cases) {
    it(`${what}: unavailable with one line naming it, every row skipped with it`, async () => {
      const fake = new FakeTensorRt();
      change(fake.capabilitiesResult);
      const backend = backendWith(fake);
      const a = await backend.availability();
      assert.deepEqual([a.available, a.reason], [false, reason]);
      assert.ok(a.fix && !a.fix.includes('\n'));
      const rows = await backend.planRows({ providers: 'auto', batchSizes: [1, 8], evaluationBatch: 32 });
      assert.equal(rows.length, 8);
      assert.ok(rows.every((r) => r.skip === reason && r.provider === 'tensorrt' && r.timed));
      await assert.rejects(backend.prime('tensorrt'), (e: Error) => e.message === `TensorRT cannot run here: ${reason}`);
    });
  }

  it('a TensorRT 11 within range, the addon built with 11 headers, is available', async () => {
    const fake = new FakeTensorRt();
    fake.capabilitiesResult.compiledAgainst.tensorrt = '11.1.0';
    fake.capabilitiesResult.tensorrt.version = '11.1.0';
    assert.equal((await backendWith(fake).availability()).available, true);
  });

  it('plans INT8, INT8 + FP16, FP16 and FP32 engines at every batch size, probes once, and primes the CUDA context', async () => {
    const fake = new FakeTensorRt();
    const backend = backendWith(fake);
    const rows = await backend.planRows({ providers: 'auto', batchSizes: [1, 8], evaluationBatch: 32 });
    assert.deepEqual(
      rows.map((r) => `${r.variant}/${r.batch}/${r.skip}`),
      ['int8.trt/1/null', 'int8.trt/8/null', 'int8.trt.fp16/1/null', 'int8.trt.fp16/8/null', 'fp16/1/null', 'fp16/8/null', 'fp32/1/null', 'fp32/8/null'],
    );
    await backend.availability();
    await backend.prime('tensorrt');
    assert.equal(fake.calls.filter((c) => c.method === 'capabilities').length, 1);
    assert.deepEqual(fake.calls.find((c) => c.method === 'deviceMemory')?.args, [{ device: 0, withCuda: true }]);
    assert.equal(backend.usesDevice('tensorrt'), true);
  });

  it('reports TensorRT, the CUDA runtime and driver, and the GPU for results.json', async () => {
    assert.deepEqual(await backendWith(new FakeTensorRt()).environment!(), {
      tensorrt: '10.13.0',
      cudaRuntime: '12.9',
      cuda: '13.0',
      gpu: { name: 'NVIDIA H100 80GB HBM3', driver: '580.159.04', memoryMB: 85_520_809_984 / 2 ** 20, computeCapability: '9.0', powerLimitW: 700 },
    });
    const bare = new FakeTensorRt();
    bare.capabilitiesResult = bareCapabilities();
    assert.deepEqual(await backendWith(bare).environment!(), {});
    const missing = createTensorRtBackend({ load: () => ({ ok: false, reason: { kind: 'not-built', tried: [], message: 'the TensorRT addon is not built', fix: 'build it' } }), findLibrary: async () => null });
    assert.equal(await missing.environment!(), null);
  });

  it('without the addon, tells "no TensorRT" from "TensorRT found but the addon is not built"', async () => {
    const notBuilt = { ok: false as const, reason: { kind: 'not-built' as const, tried: ['/q.node'], message: 'the TensorRT addon is not built (no /q.node)', fix: 'build it with `npm run build:native`' } };
    const none = await createTensorRtBackend({ load: () => notBuilt, findLibrary: async () => null }).availability();
    assert.equal(none.reason, 'no TensorRT on this runner (libnvinfer not found)');
    assert.match(none.fix!, /install TensorRT 10 or 11/);
    const found = await createTensorRtBackend({ load: () => notBuilt, findLibrary: async () => '/usr/lib/libnvinfer.so.10' }).availability();
    assert.equal(found.reason, 'TensorRT found (/usr/lib/libnvinfer.so.10) but the TensorRT addon is not built (no /q.node)');
    assert.equal(found.fix, 'build it with `npm run build:native`');
  });
});

describe('engines through the cache', () => {
  const source = (fake: FakeTensorRt, cache: EngineCache, capabilities = workingCapabilities()) => ({ binding: fake, capabilities, cache });
  const wanted = { modelPath, description: 'the INT8 engine', inputShapes: shapes };

  it('builds once with the profile and reuses it; the timing cache goes in and out; the record survives', async () => {
    const fake = new FakeTensorRt();
    const cache = new EngineCache(newCacheDir());
    const log = new MemoryLog();
    fake.buildPlan = { events: [{ type: 'phaseStart', phase: 'Building engine', parent: null, steps: 2 }, { type: 'phaseStart', phase: 'Tactics', parent: 'Building engine', steps: 10 }] };
    const built = await ensureEngine(source(fake, cache), wanted, { log });
    assert.equal(built.source, 'built');
    assert.equal(built.cacheNote, null);
    const [, options] = fake.calls.find((c) => c.method === 'buildEngine')!.args as [string, Record<string, unknown>];
    assert.deepEqual(options, { profiles: [[{ input: 'input', min: [1, 3, 16, 16], opt: [8, 3, 16, 16], max: [32, 3, 16, 16] }]] });
    assert.deepEqual(log.lines.filter((l) => l.level === 'info').map((l) => l.message), ['the INT8 engine: Building engine (2 steps)']);
    assert.deepEqual(log.lines.filter((l) => l.level === 'debug').map((l) => l.message), ['the INT8 engine: Tactics (10 steps)']);

    const again = await ensureEngine(source(fake, cache), wanted);
    assert.equal(again.source, 'cache');
    assert.equal(again.record?.buildMs, 1234);
    assert.equal(again.layers?.quantizedComputeLayers, 1, 'the layers come from the kept inspector JSON');
    assert.equal(fake.calls.filter((c) => c.method === 'buildEngine').length, 1);

    // Another profile is another engine, built with the timing cache the first build left.
    await ensureEngine(source(fake, cache), { ...wanted, inputShapes: { input: { ...shapes.input!, opt: [32, 3, 16, 16] } } });
    const builds = fake.calls.filter((c) => c.method === 'buildEngine');
    assert.equal(builds.length, 2);
    assert.deepEqual((builds[1]!.args[1] as { timingCache?: Uint8Array }).timingCache, new Uint8Array([9, 9]));
  });

  it('rebuilds an engine of another TensorRT or another GPU, and one whose file was edited, saying why', async () => {
    const fake = new FakeTensorRt();
    const dirName = newCacheDir();
    const cache = new EngineCache(dirName);
    await ensureEngine(source(fake, cache), wanted);
    const newer = workingCapabilities();
    newer.tensorrt.version = '10.14.0';
    const log = new MemoryLog();
    const rebuilt = await ensureEngine(source(fake, cache, newer), wanted, { log });
    assert.equal(rebuilt.source, 'built');
    assert.equal(rebuilt.cacheNote, 'the cached engine was built by TensorRT 10.13.0, this is 10.14.0: rebuilding');
    assert.match(log.lines.find((l) => l.level === 'warn')!.message, /^the INT8 engine: not using the cached engine: the cached engine was built by TensorRT 10\.13\.0/);

    const a100 = workingCapabilities();
    a100.gpu.name = 'NVIDIA A100-SXM4-80GB';
    a100.gpu.computeCapability = '8.0';
    const other = await ensureEngine(source(fake, cache, a100), wanted);
    assert.match(other.cacheNote!, /built on NVIDIA .* \(compute 9\.0\), this is NVIDIA A100-SXM4-80GB \(compute 8\.0\): rebuilding/);

    const engines = join(dirName, 'engines');
    for (const file of readdirSync(engines).filter((f) => f.endsWith('.engine'))) writeFileSync(join(engines, file), 'tampered');
    const refused = await ensureEngine(source(fake, cache), wanted);
    assert.equal(refused.source, 'built');
    assert.match(refused.cacheNote!, /does not match/);
  });
});

describe('prepare: each model built once, TensorRT failures as failed rows', () => {
  it('records the engine, its layers with the fix for a layer that fell back, and writes the build log and the INT8 engine', async () => {
    const fake = new FakeTensorRt();
    const input = prepareInput();
    const answers = await backendWith(fake).prepare!(input);
    const answer = answers.get('int8')!;
    assert.equal(answer.status, 'ok');
    if (answer.status !== 'ok') return;
    const engine = answer.fields.engine!;
    assert.deepEqual({ ...engine, layers: null }, { tensorrtVersion: '10.13.0', source: 'built', buildMs: 1234, cacheNote: null, profile: 'batch 1–32, opt 8', buildLog: 'tensorrt/int8.trt.build.log', layers: null, layersNote: null });
    assert.deepEqual(engine.layers, {
      total: 3,
      counts: { int8: 1, fp16: 1, fp32: 1 },
      computeLayers: 2,
      quantizedComputeLayers: 1,
      fellBack: [{ name: 'fc', type: 'CaskGemm', precision: 'fp16', fix: "the quantizer kept node 'fc' in float: excluded (--exclude)" }],
    });
    assert.equal(readFileSync(join(input.outDir, 'tensorrt', 'int8.trt.build.log'), 'utf8'), '[I] built\n');
    assert.deepEqual(new Uint8Array(readFileSync(join(input.outDir, 'tensorrt', 'int8.trt.engine'))), new Uint8Array([0x71, 0x67, 1, 2, 3]));
    assert.match(input.log.lines.at(-1)!.message, /^the TensorRT INT8 engine: built in 1\.2 s$/);
  });

  it('a parser rejection and out of memory fail that model with the reason and the fix; the build log is kept', async () => {
    const fake = new FakeTensorRt();
    fake.buildPlan = { error: nativeError('ERR_QG_PARSE', 'parse failed', { parserErrors: [parserError('/attn/Einsum', 'Einsum', 'unsupported equation')], log: '[E] parser said no\n' }) };
    const input = prepareInput();
    const parse = (await backendWith(fake).prepare!(input)).get('int8')!;
    assert.deepEqual(parse.status, 'failed');
    if (parse.status === 'failed') {
      assert.equal(
        parse.reason,
        "TensorRT's ONNX parser rejected the model while building the TensorRT INT8 engine: node '/attn/Einsum' (Einsum): unsupported equation [kUNSUPPORTED_NODE] (fix: change or remove node '/attn/Einsum' (Einsum) so this TensorRT can parse it (`quantgate inspect --nodes` lists the nodes), upgrade TensorRT, or leave tensorrt out of --runtimes; the ONNX Runtime rows are unaffected)",
      );
    }
    assert.equal(readFileSync(join(input.outDir, 'tensorrt', 'int8.trt.build.log'), 'utf8'), '[E] parser said no\n');
    assert.match(input.log.lines.find((l) => l.level === 'warn')!.message, /could not be built: .*\n {2}node '\/attn\/Einsum'[\s\S]*\n {2}fix: change or remove/);

    fake.buildPlan = { error: nativeError('ERR_QG_OUT_OF_MEMORY', 'out of memory', { details: ['Error Code 2: OutOfMemory'] }) };
    const oom = (await backendWith(fake).prepare!(prepareInput())).get('int8')!;
    assert.equal(oom.status === 'failed' && oom.reason, 'out of GPU memory while building the TensorRT INT8 engine; TensorRT: Error Code 2: OutOfMemory (fix: use smaller --batch-sizes, or free the GPU (nvidia-smi lists the processes holding its memory))');

    fake.buildPlan = { error: nativeError('ERR_QG_BUILD', 'the builder returned no engine', { details: ['Error Code 10: Internal Error'] }) };
    const build = (await backendWith(fake).prepare!(prepareInput())).get('int8')!;
    assert.equal(build.status === 'failed' && build.reason, 'the builder returned no engine (while building the TensorRT INT8 engine); TensorRT: Error Code 10: Internal Error');
  });

  it('an interruption and a bug stop the run instead of failing a row', async () => {
    const fake = new FakeTensorRt();
    fake.buildPlan = { hang: true };
    const controller = new AbortController();
    const building = backendWith(fake).prepare!(prepareInput({ signal: controller.signal }));
    setImmediate(() => controller.abort());
    await assert.rejects(building, EngineBuildCancelledError);

    fake.buildPlan = { error: nativeError('ERR_QG_BUSY', 'busy') };
    await assert.rejects(backendWith(fake).prepare!(prepareInput()), (e: { code?: string }) => e.code === 'ERR_QG_BUSY');
  });

  it('a failure reason is one line', () => {
    assert.equal(failureReason(new Error('first\n  second:\n  third')), 'first; second: third');
  });
});

describe('the TensorRT runner', () => {
  const open = (fake: FakeTensorRt, cacheDir = newCacheDir()) => backendWith(fake, cacheDir).open({ modelPath, provider: 'tensorrt', inputShapes: shapes }) as TensorRtRunner;
  const feeds = { input: { dataType: DataType.FLOAT, dims: [2, 3, 8, 8], data: new Float32Array(2 * 3 * 8 * 8) } };

  it('loads the engine, runs batches for accuracy, times rounds with the engine\'s CUDA events, and disposes', async () => {
    const fake = new FakeTensorRt();
    const runner = open(fake);
    assert.deepEqual(runner.settings, { timing: 'gpu (CUDA events)', cudaGraph: false, profile: 'batch 1–32, opt 8' });
    const info = await runner.load();
    assert.deepEqual([info.inputNames, info.outputNames], [['input'], ['logits']]);
    const out = await runner.run(feeds);
    assert.deepEqual(Object.keys(out), ['logits']);
    assert.deepEqual(out.logits!.dims, [2, 10]);
    await assert.rejects(runner.timeRound(5, 10), /needs a batch bound with bind\(\) first/);
    const bound = runner.bind(feeds);
    await bound();
    const round = await runner.timeRound(7, 25);
    assert.equal(round.samplesMs.length, 7);
    assert.equal(round.samplesMs[0], 1, 'the GPU times, not a host clock');
    const benchmark = fake.calls.find((c) => c.method === 'benchmark')!.args[0] as Record<string, unknown>;
    assert.deepEqual({ ...benchmark, inputs: undefined }, { inputs: undefined, warmup: 0, iterations: 7, minDurationMs: 25, cudaGraph: false });
    assert.equal(runner.deviceMemoryMB(), 3, 'TensorRT 10 reports no weights: the deserialization delta');
    await runner.dispose();
    assert.equal(fake.sessions[0]!.disposed, true);
    await assert.rejects(runner.run(feeds), /needs a loaded runner; this one is disposed/);
  });

  it('refuses dispose while a run is in flight, and maps out of memory during a run', async () => {
    const fake = new FakeTensorRt();
    const runner = open(fake);
    await runner.load();
    fake.holdOperations = true;
    const running = runner.run(feeds);
    await assert.rejects(runner.dispose(), /dispose\(\) refused: 1 run\(s\)/);
    fake.sessions[0]!.finishHeld();
    await running;
    fake.holdOperations = false;
    const session = fake.sessions[0]!;
    session.run = () => Promise.reject(nativeError('ERR_QG_OUT_OF_MEMORY', 'out of memory', { details: ['Cuda Runtime (out of memory)'] }));
    await assert.rejects(runner.run(feeds), (e: Error & { fix?: string }) => /^out of GPU memory while running the TensorRT engine of cnn\.int8\.trt\.onnx/.test(e.message) && /smaller --batch-sizes/.test(e.fix!));
  });

  it('a cached engine TensorRT refuses to deserialize is forgotten and rebuilt once', async () => {
    const fake = new FakeTensorRt();
    const cacheDir = newCacheDir();
    await ensureEngine({ binding: fake, capabilities: workingCapabilities(), cache: new EngineCache(cacheDir) }, { modelPath, description: 'e', inputShapes: shapes });
    let refusals = 1;
    const openSession = fake.openEngineSession.bind(fake);
    fake.openEngineSession = (engine, options) => (refusals-- > 0 ? Promise.reject(nativeError('ERR_QG_ENGINE', 'Serialization assertion failed')) : openSession(engine, options));
    const runner = open(fake, cacheDir);
    await runner.load();
    assert.equal(runner.ready?.source, 'built');
    assert.equal(fake.calls.filter((c) => c.method === 'buildEngine').length, 2);
  });

  it('says TensorRT is missing when loaded where it cannot run', async () => {
    const fake = new FakeTensorRt();
    fake.capabilitiesResult = bareCapabilities();
    await assert.rejects(open(fake).load(), (e: Error & { possibleSolutions?: string }) => /^TensorRT cannot run here: TensorRT \(libnvinfer\)/.test(e.message) && /Possible solutions:/.test(e.possibleSolutions!));
  });
});

describe('profiles, input shapes, cache folder, layer fallbacks', () => {
  it('one profile per engine from the shapes; described in a few words', () => {
    assert.deepEqual(profilesFor({}), undefined);
    assert.deepEqual(profilesFor({ b: { min: [1], opt: [1], max: [1] }, a: { min: [1, 2], opt: [4, 2], max: [8, 2] } }), [
      [
        { input: 'a', min: [1, 2], opt: [4, 2], max: [8, 2] },
        { input: 'b', min: [1], opt: [1], max: [1] },
      ],
    ]);
    assert.equal(describeProfile(undefined), null);
    assert.equal(describeProfile(shapes), 'batch 1–32, opt 8');
    assert.equal(describeProfile({ x: { min: [4, 3], opt: [4, 3], max: [4, 3] } }), 'batch 4');
    assert.equal(describeProfile({ ids: { min: [1, 16], opt: [8, 128], max: [8, 512] } }), 'ids 1x16–8x512, opt 8x128');
  });

  it('covers every timed batch and the accuracy batches; fixed inputs are left out', () => {
    const inputs = [
      { name: 'x', dtype: 'float32', shape: ['batch', 3, 16, 16] },
      { name: 'fixed', dtype: 'float32', shape: [1, 4] },
    ];
    const data = [
      { name: 'x', dataType: DataType.FLOAT, sampleDims: [3, 16, 16] },
      { name: 'fixed', dataType: DataType.FLOAT, sampleDims: [4] },
    ];
    assert.deepEqual(inputShapes(inputs, data, { batchSizes: [1, 8], evaluationBatch: 32 }), { x: { min: [1, 3, 16, 16], opt: [8, 3, 16, 16], max: [32, 3, 16, 16] } });
    assert.deepEqual(inputShapes(inputs, data, { batchSizes: [64], evaluationBatch: 32 }).x, { min: [1, 3, 16, 16], opt: [64, 3, 16, 16], max: [64, 3, 16, 16] });
    const spatial = [{ name: 'x', dtype: 'float32', shape: [2, 3, 'h', 'w'] }];
    assert.deepEqual(inputShapes(spatial, data, { batchSizes: [2], evaluationBatch: 2, fixedBatch: 2 }), { x: { min: [2, 3, 16, 16], opt: [2, 3, 16, 16], max: [2, 3, 16, 16] } });
  });

  it('keeps engines in the runner\'s own folder', () => {
    assert.equal(engineCacheDir({ QUANTGATE_ENGINE_CACHE: '/c' }, '/home/u'), '/c');
    assert.equal(engineCacheDir({ RUNNER_TOOL_CACHE: '/opt/hostedtoolcache' }, '/home/u'), '/opt/hostedtoolcache/quantgate/tensorrt');
    assert.equal(engineCacheDir({ XDG_CACHE_HOME: '/x' }, '/home/u'), '/x/quantgate/tensorrt');
    assert.equal(engineCacheDir({}, '/home/u'), '/home/u/.cache/quantgate/tensorrt');
  });

  it('names the ONNX nodes of fused and Myelin layers, and explains each fallback', () => {
    assert.deepEqual(layerNodes('/conv1/Conv + /relu1/Relu'), ['/conv1/Conv', '/relu1/Relu']);
    assert.deepEqual(layerNodes('{ForeignNode[/attn/MatMul.../attn/Softmax]}'), ['/attn/MatMul', '/attn/Softmax']);
    const report = layerPrecisions(INSPECTOR_JSON);
    const [kept] = explainFallbacks(report, new Map([['fc', 'its input is a shape tensor']]));
    assert.equal(kept!.fix, "the quantizer kept node 'fc' in float: its input is a shape tensor");
    const [chosen] = explainFallbacks(report, new Map());
    assert.match(chosen!.fix, /^TensorRT runs it in FP16 although the model quantizes it: .*`--exclude fc`$/);
  });
});
