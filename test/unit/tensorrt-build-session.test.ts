// The TypeScript side of engine builds, engine sessions and power sampling against the fake
// addon: progress reaching JavaScript, cancellation through an AbortSignal, TensorRT's errors
// turned into the project's (the parser's naming the node), option validation, dispose refused
// while work runs, and energy per inference from power traces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadInputError } from '../../src/errors.ts';
import type { BuildProgressEvent, PowerTrace } from '../../src/runtime/tensorrt/binding.ts';
import { buildEngine, validateBuildOptions } from '../../src/runtime/tensorrt/build.ts';
import { EngineCache } from '../../src/runtime/tensorrt/engine-cache.ts';
import { openEngine } from '../../src/runtime/tensorrt/engine-session.ts';
import { EngineBuildCancelledError, EngineParseError, GpuOutOfMemoryError, TensorRtError, TensorRtUnavailableError } from '../../src/runtime/tensorrt/errors.ts';
import { createPowerSampler, energyOf, sampled } from '../../src/runtime/tensorrt/power.ts';
import { FakeTensorRt, nativeError, parserError } from '../helpers/fake-tensorrt.ts';
import { tempDir } from '../helpers/tmp.ts';

const model = new Uint8Array([8, 1]);

describe('buildEngine', () => {
  it('passes the options through and forwards progress events in order', async () => {
    const fake = new FakeTensorRt();
    const events: BuildProgressEvent[] = [
      { type: 'phaseStart', phase: 'Building engine', parent: null, steps: 2 },
      { type: 'step', phase: 'Building engine', step: 0 },
      { type: 'step', phase: 'Building engine', step: 1 },
      { type: 'phaseFinish', phase: 'Building engine' },
    ];
    fake.buildPlan = { events };
    const seen: BuildProgressEvent[] = [];
    const profiles = [[{ input: 'input', min: [1, 3, 8, 8], opt: [4, 3, 8, 8], max: [8, 3, 8, 8] }]];
    const build = await buildEngine(fake, { model, description: 'the INT8 engine', workspaceBytes: 1 << 30, optimizationLevel: 3, profiles }, { onProgress: (e) => seen.push(e) });
    assert.deepEqual(seen, events);
    assert.deepEqual(fake.calls[0], { method: 'buildEngine', args: [model, { workspaceBytes: 1 << 30, optimizationLevel: 3, profiles }] });
    assert.equal(build.tensorrtVersion, '10.13.0');
    assert.equal(build.layers?.computeLayers, 2);
    assert.equal(build.layers?.quantizedComputeLayers, 1);
    assert.deepEqual(build.layers?.fellBack.map((l) => l.name), ['fc']);
  });

  it('keeps building when the progress callback throws', async () => {
    const fake = new FakeTensorRt();
    fake.buildPlan = { events: [{ type: 'phaseFinish', phase: 'x' }] };
    const build = await buildEngine(fake, { model, description: 'e' }, { onProgress: () => { throw new Error('display broke'); } });
    assert.equal(build.engine.length, 5);
  });

  it('cancels a running build when the signal aborts', async () => {
    const fake = new FakeTensorRt();
    fake.buildPlan = { hang: true, events: [{ type: 'phaseStart', phase: 'Building engine', parent: null, steps: 100 }] };
    const controller = new AbortController();
    const building = buildEngine(fake, { model, description: 'the FP16 engine' }, { signal: controller.signal, onProgress: () => controller.abort() });
    await assert.rejects(building, (e) => e instanceof EngineBuildCancelledError && /cancelled while building the FP16 engine/.test(e.message));
    assert.equal(fake.cancelled, 1);
  });

  it('does not start when the signal has already aborted', async () => {
    const fake = new FakeTensorRt();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(buildEngine(fake, { model, description: 'e' }, { signal: controller.signal }), EngineBuildCancelledError);
    assert.equal(fake.calls.length, 0);
  });

  it('turns the parser\'s rejection into bad input naming the node and keeping the log', async () => {
    const fake = new FakeTensorRt();
    fake.buildPlan = {
      error: nativeError('ERR_QG_PARSE', "TensorRT's ONNX parser rejected the model", {
        parserErrors: [parserError('attn/Einsum_3', 'Einsum', 'Einsum with 4 operands is not supported')],
        log: '[E] In node 3 (importEinsum)\n',
      }),
    };
    await assert.rejects(buildEngine(fake, { model, description: 'the INT8 engine of vit' }), (e) => {
      assert.ok(e instanceof EngineParseError && e instanceof BadInputError);
      assert.match(e.message, /rejected the model while building the INT8 engine of vit:\n {2}node 'attn\/Einsum_3' \(Einsum\): Einsum with 4 operands is not supported \[kUNSUPPORTED_NODE\]/);
      assert.match(e.fix, /node 'attn\/Einsum_3' \(Einsum\)/);
      assert.equal(e.log, '[E] In node 3 (importEinsum)\n');
      return true;
    });
  });

  it('reports running out of device memory as bad input with TensorRT\'s words', async () => {
    const fake = new FakeTensorRt();
    fake.buildPlan = { error: nativeError('ERR_QG_OUT_OF_MEMORY', 'TensorRT could not build the engine', { details: ['kFAILED_ALLOCATION: Requested amount of GPU memory (34359738368 bytes) could not be allocated'] }) };
    await assert.rejects(buildEngine(fake, { model, description: 'the engine' }), (e) => {
      assert.ok(e instanceof GpuOutOfMemoryError);
      assert.match(e.message, /out of GPU memory while building the engine\n {2}TensorRT: kFAILED_ALLOCATION/);
      assert.match(e.fix, /--batch-sizes/);
      return true;
    });
  });

  it('reports a missing TensorRT with the possible solutions text', async () => {
    const fake = new FakeTensorRt();
    fake.buildPlan = { error: nativeError('ERR_QG_LIBRARY', 'TensorRT (libnvinfer) could not be loaded') };
    await assert.rejects(buildEngine(fake, { model, description: 'e' }, { unavailable: () => 'Could not use TensorRT:\n- ...' }), (e) => {
      assert.ok(e instanceof TensorRtUnavailableError);
      assert.equal(e.possibleSolutions, 'Could not use TensorRT:\n- ...');
      return true;
    });
  });

  it('keeps any other TensorRT failure with its details', async () => {
    const fake = new FakeTensorRt();
    fake.buildPlan = { error: nativeError('ERR_QG_BUILD', 'TensorRT could not build the engine', { details: ['kINTERNAL_ERROR: Assertion failed'], log: 'log' }) };
    await assert.rejects(buildEngine(fake, { model, description: 'e' }), (e) => e instanceof TensorRtError && e.code === 'ERR_QG_BUILD' && e.details[0] === 'kINTERNAL_ERROR: Assertion failed' && e.log === 'log');
  });

  it('says when the inspector gave nothing usable', async () => {
    const fake = new FakeTensorRt();
    fake.buildPlan = { result: { inspectorJson: null, inspectorError: 'createEngineInspector failed' } };
    const build = await buildEngine(fake, { model, description: 'e' });
    assert.equal(build.layers, null);
    assert.equal(build.layersNote, 'createEngineInspector failed');
  });
});

describe('validateBuildOptions', () => {
  const range = (min: number[], opt: number[], max: number[]) => ({ profiles: [[{ input: 'x', min, opt, max }]] });
  const bad: [string, Parameters<typeof validateBuildOptions>[0], RegExp][] = [
    ['negative workspace', { workspaceBytes: -1 }, /workspace limit -1/],
    ['fractional workspace', { workspaceBytes: 1.5 }, /workspace limit 1\.5/],
    ['optimization level 6', { optimizationLevel: 6 }, /optimization level 6 is out of range/],
    ['ranks differ', range([1, 3], [1, 3, 8], [1, 3, 8]), /differ in rank/],
    ['min above opt', range([4, 3], [2, 3], [8, 3]), /dimension 0 has min 4, opt 2, max 8/],
    ['negative dimension', range([-1, 3], [1, 3], [1, 3]), /not a non-negative integer/],
    ['input twice', { profiles: [[{ input: 'x', min: [1], opt: [1], max: [1] }, { input: 'x', min: [1], opt: [1], max: [1] }]] }, /names input 'x' twice/],
  ];
  for (const [name, options, message] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => validateBuildOptions(options), (e) => e instanceof BadInputError && message.test(e.message));
    });
  }
  it('accepts a sane profile', () => {
    validateBuildOptions({ ...range([1, 3], [4, 3], [8, 3]), workspaceBytes: 0, optimizationLevel: 0 });
  });
});

describe('engine sessions', () => {
  async function opened(fake: FakeTensorRt) {
    const cache = new EngineCache(tempDir());
    const engine = await cache.store(
      { modelSha256: 'a'.repeat(64), tensorrtVersion: '10.13.0', gpu: { name: 'H100', computeCapability: '9.0', uuid: null }, options: {} },
      new Uint8Array([1, 2, 3]),
    );
    return openEngine(fake, engine);
  }

  it('opens only verified engines, never raw bytes', async () => {
    const fake = new FakeTensorRt();
    const raw = { key: 'k', sha256: 's', bytes: new Uint8Array([1]) };
    await assert.rejects(openEngine(fake, raw as never), /takes a VerifiedEngine/);
    assert.equal(fake.calls.length, 0);
  });

  it('refuses dispose while a benchmark runs, then allows it', async () => {
    const fake = new FakeTensorRt();
    fake.holdOperations = true;
    const session = await opened(fake);
    const running = session.benchmark({ iterations: 3 });
    assert.equal(session.busy, true);
    assert.throws(() => session.dispose(), (e: { code?: string }) => e.code === 'ERR_QG_BUSY');
    assert.throws(() => session.memory(), (e: { code?: string }) => e.code === 'ERR_QG_BUSY');
    await assert.rejects(session.run([]), (e: { code?: string }) => e.code === 'ERR_QG_BUSY');
    fake.sessions[0]!.finishHeld();
    const result = await running;
    assert.equal(result.gpuMs.length, 3);
    session.dispose();
    session.dispose();
    await assert.rejects(session.benchmark(), (e: { code?: string }) => e.code === 'ERR_QG_DISPOSED');
  });

  it('maps a refused deserialization to a TensorRT error', async () => {
    const fake = new FakeTensorRt();
    fake.openError = nativeError('ERR_QG_ENGINE', 'TensorRT could not deserialize the engine', { details: ['kINVALID_ARGUMENT: version tag does not match'] });
    await assert.rejects(opened(fake), (e) => e instanceof TensorRtError && /version tag does not match/.test(e.message));
  });
});

function trace(overrides: Partial<PowerTrace>): PowerTrace {
  const idle = { smClockMHz: 345, memoryClockMHz: 2619, temperatureC: 31, watts: 70 };
  return {
    timesMs: Float64Array.from([0, 500, 1000]),
    watts: Float64Array.from([300, 320, 310]),
    durationMs: 1000,
    meanWatts: 312.5,
    peakWatts: 320,
    sampledJoules: 312.5,
    counterJoules: 315,
    powerSource: 'instant',
    start: idle,
    end: { ...idle, smClockMHz: 1980, temperatureC: 45 },
    ...overrides,
  };
}

describe('power', () => {
  it('uses the energy counter over windows of a second or more, the samples otherwise', () => {
    assert.equal(energyOf([trace({})], 1000).energySource, 'counter');
    assert.equal(energyOf([trace({})], 1000).joules, 315);
    const short = energyOf([trace({ durationMs: 200, sampledJoules: 62, counterJoules: 60 })], 100);
    assert.equal(short.energySource, 'samples');
    assert.equal(short.joules, 62);
    assert.equal(energyOf([trace({ counterJoules: null })], 10).energySource, 'samples');
  });

  it('adds up interleaved rounds: joules per inference, mean over the rounds\' time, peak of peaks', () => {
    const e = energyOf([trace({ counterJoules: 300, peakWatts: 330 }), trace({ counterJoules: 330, peakWatts: 350, durationMs: 1100 })], 6300);
    assert.equal(e.joules, 630);
    assert.equal(e.durationMs, 2100);
    assert.equal(e.meanWatts, 300);
    assert.equal(e.peakWatts, 350);
    assert.equal(e.joulesPerInference, 0.1);
    assert.equal(e.start.temperatureC, 31);
    assert.equal(e.end.temperatureC, 45);
    assert.equal(energyOf([trace({})], 0).joulesPerInference, null);
    assert.equal(energyOf([trace({}), trace({ counterJoules: null })], 1).energySource, 'mixed');
  });

  it('stops the sampler even when the work fails', async () => {
    const fake = new FakeTensorRt();
    fake.powerTraces = [trace({}), trace({ counterJoules: 1 })];
    const made = createPowerSampler(fake);
    assert.ok('sampler' in made);
    if (!('sampler' in made)) return;
    await assert.rejects(sampled(made.sampler, () => Promise.reject(new Error('benchmark failed'))), /benchmark failed/);
    assert.equal(made.sampler.running, false);
    const { value, trace: t } = await sampled(made.sampler, async () => 42);
    assert.equal(value, 42);
    assert.equal(t.counterJoules, 1);
  });

  it('gives the reason when there is no NVML', () => {
    const fake = new FakeTensorRt();
    fake.samplerError = nativeError('ERR_QG_LIBRARY', 'NVML (libnvidia-ml) could not be loaded; install the NVIDIA driver');
    assert.deepEqual(createPowerSampler(fake), { reason: 'NVML (libnvidia-ml) could not be loaded; install the NVIDIA driver' });
  });
});
