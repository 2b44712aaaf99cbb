// The real native addon, where `npm run build:native` built it (CI's scripts/check-native.sh
// does; elsewhere this file skips with the reason). On a machine without TensorRT, CUDA or a GPU
// it must still load, and capabilities() must report each library missing with the files it
// tried and dlopen's reason; builds, sessions and the power sampler must reject with the
// library's error, not crash. Also runs the addon's C++ unit tests when CMake built them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { probeTensorRt } from '../../src/runtime/tensorrt/availability.ts';
import type { Capabilities, LibraryFailure } from '../../src/runtime/tensorrt/binding.ts';
import { buildEngine } from '../../src/runtime/tensorrt/build.ts';
import { TensorRtUnavailableError } from '../../src/runtime/tensorrt/errors.ts';
import { defaultDependencies, loadTensorRtAddon } from '../../src/runtime/tensorrt/load.ts';

const load = loadTensorRtAddon();
const skip = load.ok ? false : `the addon is not built here (${load.reason.message}); run \`npm run build:native\` with TENSORRT_ROOT and CUDA_HOME set`;
if (skip) console.log(`# skipping the real addon's tests: ${skip}`);

function assertTried(failure: LibraryFailure | null, sonames: string[]): void {
  assert.ok(failure, 'a failure is reported');
  const candidates = failure.tried.map((t) => t.candidate);
  for (const soname of sonames) assert.ok(candidates.some((c) => c.endsWith(soname)), `${soname} was tried (tried: ${candidates.join(', ')})`);
  for (const attempt of failure.tried) assert.ok(attempt.error === null || attempt.error.length > 0, 'each failed attempt says why');
  assert.ok(failure.fix.length > 0);
}

describe('the real TensorRT addon', { skip }, () => {
  const binding = load.ok ? load.binding : null!;

  it('says what it was compiled against', () => {
    assert.match(binding.compiledAgainst.tensorrt, /^(10|11)\.\d+\.\d+$/);
    assert.ok([12, 13].includes(Math.floor(binding.compiledAgainst.cudaRuntime / 1000)));
  });

  it('reports TensorRT, the CUDA runtime and NVML, each found or missing with the files tried', async () => {
    const capabilities: Capabilities = await binding.capabilities();
    console.log(`# capabilities here: TensorRT ${capabilities.tensorrt.version ?? 'missing'}, CUDA runtime ${capabilities.cuda.runtimeVersion ?? 'missing'}, NVML ${capabilities.nvml.driverVersion ?? 'missing'}, GPU ${capabilities.gpu.name ?? 'none'}`);
    if (capabilities.tensorrt.available) assert.match(capabilities.tensorrt.version!, /^\d+\.\d+\.\d+$/);
    else assertTried(capabilities.tensorrt.failure, ['libnvinfer.so.10', 'libnvinfer.so.11']);
    if (capabilities.cuda.available) assert.ok(capabilities.cuda.runtimeVersion! >= 12000);
    else assertTried(capabilities.cuda.failure, ['libcudart.so.12', 'libcudart.so.13']);
    if (capabilities.nvml.available) assert.ok(capabilities.nvml.driverVersion);
    else assertTried(capabilities.nvml.failure, ['libnvidia-ml.so.1']);
    if (!capabilities.gpu.available) assert.ok(capabilities.gpu.reason, 'no GPU comes with a reason');
  });

  it('gives the possible-solutions text where TensorRT cannot run', async (t) => {
    const probe = await probeTensorRt(load);
    if (probe.available) return t.skip('TensorRT runs here');
    assert.ok(!probe.reason.includes('\n'));
    assert.match(probe.possibleSolutions, /Could not use TensorRT:[\s\S]*tried \(dlopen\):[\s\S]*Possible solutions:/);
  });

  it('rejects a build with TensorRT\'s absence, and the thread ends cleanly', async (t) => {
    const probe = await probeTensorRt(load);
    if (probe.available) return t.skip('TensorRT runs here');
    await assert.rejects(buildEngine(binding, { model: new Uint8Array([8, 1]), description: 'a test engine' }), TensorRtUnavailableError);
  });

  it('rejects opening an engine and constructing a power sampler without the libraries', async (t) => {
    const capabilities = await binding.capabilities();
    if (capabilities.tensorrt.available) return t.skip('TensorRT is here');
    await assert.rejects(binding.openEngineSession(new Uint8Array(16)), (e: { code?: string }) => e.code === 'ERR_QG_LIBRARY');
    if (!capabilities.nvml.available) assert.throws(() => new binding.PowerSampler({ intervalMs: 10 }), (e: { code?: string }) => e.code === 'ERR_QG_LIBRARY');
  });

  it('checks argument types at the boundary', () => {
    assert.throws(() => binding.buildEngine(new Uint8Array(1), { profiles: [[{ input: 'x', min: ['a'], opt: [1], max: [1] }]] } as never), TypeError);
  });
});

const unitTests = join(defaultDependencies().packageRoot, 'native', 'build', 'native_unit_tests');
describe('the addon\'s C++ unit tests', { skip: existsSync(unitTests) ? false : `${unitTests} is not built (npm run build:native builds it)` }, () => {
  it('pass', () => {
    const run = spawnSync(unitTests, { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /native-unit-tests: \d+ passed, 0 failed/);
  });
});
