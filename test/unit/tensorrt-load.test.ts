// Loading the TensorRT addon and explaining why TensorRT cannot run: the loader's outcomes with
// an injected file system and require, and the one "possible solutions" message built from the
// addon's capabilities() (faked: no machine here has TensorRT).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probeTensorRt } from '../../src/runtime/tensorrt/availability.ts';
import { addonCandidates, type LoadDependencies, loadTensorRtAddon } from '../../src/runtime/tensorrt/load.ts';
import { formatCudaVersion, possibleSolutions } from '../../src/runtime/tensorrt/possible-solutions.ts';
import { bareCapabilities, FakeTensorRt, workingCapabilities } from '../helpers/fake-tensorrt.ts';

function deps(overrides: Partial<LoadDependencies>): LoadDependencies {
  return {
    env: {},
    platform: 'linux',
    packageRoot: '/pkg',
    exists: () => false,
    requireAddon: () => {
      throw new Error('requireAddon should not be called');
    },
    ...overrides,
  };
}

describe('loadTensorRtAddon', () => {
  it('says the addon is not built, listing where it looked and the build command', () => {
    const load = loadTensorRtAddon(deps({ env: { QUANTGATE_TRT_ADDON: '/custom/addon.node' } }));
    assert.equal(load.ok, false);
    if (load.ok) return;
    assert.equal(load.reason.kind, 'not-built');
    assert.deepEqual(addonCandidates({ env: { QUANTGATE_TRT_ADDON: '/custom/addon.node' }, packageRoot: '/pkg' }), ['/custom/addon.node', '/pkg/native/build/Release/quantgate_trt.node']);
    assert.match(load.reason.message, /not built .*\/custom\/addon\.node.*\/pkg\/native\/build\/Release\/quantgate_trt\.node/);
    assert.match(load.reason.fix, /npm run build:native/);
  });

  it('finds the addon the action compiled into the tool cache, through the node_modules link', () => {
    const cache = '/toolcache/quantgate-native/0.1.0-k1/x64';
    const realpath = (p: string) => (p === '/action/node_modules' ? `${cache}/node_modules` : p);
    assert.deepEqual(addonCandidates({ env: {}, packageRoot: '/action', realpath }), ['/action/native/build/Release/quantgate_trt.node', `${cache}/native/Release/quantgate_trt.node`]);
    // A development checkout's real node_modules adds nothing.
    assert.deepEqual(addonCandidates({ env: {}, packageRoot: '/pkg', realpath: (p) => p }), ['/pkg/native/build/Release/quantgate_trt.node']);
    const load = loadTensorRtAddon(deps({ packageRoot: '/action', realpath, exists: (p) => p.startsWith(cache), requireAddon: () => ({}) }));
    assert.equal(load.ok, false);
    if (!load.ok) assert.match(load.reason.message, new RegExp(`${cache}/native/Release/quantgate_trt.node is from another version`));
  });

  it('reports what dlopen said when the file exists but does not load', () => {
    const load = loadTensorRtAddon(
      deps({
        exists: (p) => p.endsWith('quantgate_trt.node'),
        requireAddon: () => {
          throw new Error('/pkg/native/build/Release/quantgate_trt.node: undefined symbol: napi_foo');
        },
      }),
    );
    assert.equal(load.ok, false);
    if (load.ok) return;
    assert.equal(load.reason.kind, 'load-failed');
    assert.match(load.reason.message, /could not be loaded: .*undefined symbol: napi_foo/);
  });

  it('refuses an addon from another version that lacks part of the surface', () => {
    const load = loadTensorRtAddon(deps({ exists: () => true, requireAddon: () => ({ capabilities() {} }) }));
    assert.equal(load.ok, false);
    if (!load.ok) assert.match(load.reason.message, /lacks deviceMemory, buildEngine, openEngineSession, PowerSampler, compiledAgainst/);
  });

  it('does not look for it off Linux', () => {
    const load = loadTensorRtAddon(deps({ platform: 'darwin' }));
    assert.equal(load.ok, false);
    if (!load.ok) assert.equal(load.reason.kind, 'unsupported-platform');
  });

  it('returns the binding when the file loads', () => {
    const fake = new FakeTensorRt();
    const load = loadTensorRtAddon(deps({ exists: () => true, requireAddon: () => fake }));
    assert.ok(load.ok);
    if (load.ok) assert.equal(load.binding, fake);
  });
});

describe('possibleSolutions', () => {
  it('is null when TensorRT, CUDA and a GPU are there', () => {
    assert.equal(possibleSolutions(workingCapabilities()), null);
  });

  it('lists every library tried with dlopen\'s reason and what to install', () => {
    const text = possibleSolutions(bareCapabilities())!;
    assert.match(text, /^Could not use TensorRT:/);
    assert.match(text, /- TensorRT \(libnvinfer\) could not be loaded\n {2}tried \(dlopen\):\n {4}libnvinfer\.so\.10: libnvinfer\.so\.10: cannot open shared object file/);
    assert.match(text, /libcudart\.so\.13: libcudart\.so\.13: cannot open/);
    assert.match(text, /Possible solutions:\n- install TensorRT 10 or 11\n- install the CUDA 12 or 13 runtime/);
    assert.match(text, /built against TensorRT 10\.13\.0 and CUDA 12\.9 headers/);
  });

  it('says what was found against what is required for a wrong TensorRT version', () => {
    const capabilities = workingCapabilities();
    capabilities.tensorrt = {
      ...capabilities.tensorrt,
      available: false,
      failure: {
        library: 'TensorRT (libnvinfer)',
        tried: [{ candidate: 'libnvinfer.so.10', error: 'libnvinfer.so.10: cannot open shared object file' }, { candidate: 'libnvinfer.so.11', error: null }],
        found: 'TensorRT 11.1.0 (/usr/lib/libnvinfer.so.11)',
        required: 'TensorRT 10.x, the version whose headers built this addon',
        reason: 'the TensorRT library is 11.1.0 but the addon was built against 10.13.0 headers',
        fix: 'rebuild the addon against this TensorRT\'s headers',
      },
    };
    const text = possibleSolutions(capabilities)!;
    assert.match(text, /libnvinfer\.so\.11: loaded/);
    assert.match(text, /found: TensorRT 11\.1\.0 \(\/usr\/lib\/libnvinfer\.so\.11\)\n {2}required: TensorRT 10\.x/);
  });

  it('names a machine whose CUDA runtime sees no GPU', () => {
    const capabilities = workingCapabilities();
    capabilities.cuda.deviceCount = 0;
    capabilities.cuda.deviceError = 'cudaErrorNoDevice: no CUDA-capable device is detected';
    assert.match(possibleSolutions(capabilities)!, /the CUDA runtime sees no GPU \(cudaErrorNoDevice/);
  });

  it('formats CUDA versions as the runtime numbers them', () => {
    assert.equal(formatCudaVersion(12090), '12.9');
    assert.equal(formatCudaVersion(13000), '13.0');
    assert.equal(formatCudaVersion(null), 'unknown');
  });
});

describe('probeTensorRt', () => {
  it('is available with the working capabilities', async () => {
    const fake = new FakeTensorRt();
    const probe = await probeTensorRt({ ok: true, binding: fake, path: '/x.node' });
    assert.equal(probe.available, true);
  });

  it('gives a one-line reason naming the files tried, and the full text apart', async () => {
    const fake = new FakeTensorRt();
    fake.capabilitiesResult = bareCapabilities();
    const probe = await probeTensorRt({ ok: true, binding: fake, path: '/x.node' });
    assert.equal(probe.available, false);
    if (probe.available) return;
    assert.equal(probe.reason, 'TensorRT (libnvinfer) could not be loaded (tried libnvinfer.so.10, libnvinfer.so.11)');
    assert.ok(!probe.reason.includes('\n'));
    assert.match(probe.possibleSolutions, /Possible solutions:/);
  });

  it('explains an addon that is not built', async () => {
    const probe = await probeTensorRt({ ok: false, reason: { kind: 'not-built', tried: ['/a.node'], message: 'the TensorRT addon is not built (no /a.node)', fix: 'build it with `npm run build:native`' } });
    assert.equal(probe.available, false);
    if (!probe.available) assert.match(probe.possibleSolutions, /looked for \/a\.node\nPossible solutions:\n- build it with `npm run build:native`/);
  });
});
