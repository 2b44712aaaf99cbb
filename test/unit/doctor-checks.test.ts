// `quantgate doctor`'s checks from injected facts: a ready GPU runner, this CPU-only machine,
// an addon that is not built, a TensorRT of the wrong version; text and JSON forms.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { doctorChecks, doctorJson, renderDoctorText, tensorRtReady, type DoctorFacts } from '../../src/doctor/index.ts';
import type { ProviderStatus } from '../../src/runtime/onnxruntime/providers.ts';
import { bareCapabilities, workingCapabilities } from '../helpers/fake-tensorrt.ts';

const headersFound: DoctorFacts['headers'] = {
  node: { dir: '/usr/include/node', source: 'the running Node' },
  nodeAddonApi: { dir: '/pkg/node_modules/node-addon-api', source: 'node-addon-api' },
  tensorrt: { dir: '/usr/include/x86_64-linux-gnu', source: 'system', version: '10.13.0' },
  cuda: { dir: '/usr/local/cuda/include', source: 'system', version: '12.9' },
  nvml: { dir: '/usr/local/cuda/include', source: 'system' },
  problems: [],
};

const providers = (gpu: boolean): ProviderStatus[] => [
  { provider: 'cpu', available: true, reason: null, fix: null },
  { provider: 'reference', available: true, reason: null, fix: null },
  gpu ? { provider: 'cuda', available: true, reason: null, fix: null } : { provider: 'cuda', available: false, reason: 'no NVIDIA GPU on this runner', fix: 'run on a runner with an NVIDIA GPU' },
  gpu ? { provider: 'tensorrt', available: true, reason: null, fix: null } : { provider: 'tensorrt', available: false, reason: 'no NVIDIA GPU on this runner', fix: 'run on a runner with an NVIDIA GPU' },
];

function facts(overrides: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    nodeVersion: 'v24.3.0',
    platform: 'linux/x64',
    nvidiaDriverProc: 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04',
    addon: { loaded: true, path: '/pkg/native/build/Release/quantgate_trt.node', capabilities: workingCapabilities(), capabilitiesError: null },
    providers: providers(true),
    providersError: null,
    compiler: { command: 'g++', version: 'g++ (Ubuntu 13.3.0) 13.3.0' },
    cmake: { command: 'cmake', version: 'cmake version 4.4.0' },
    headers: headersFound,
    ...overrides,
  };
}

const byCheck = (lines: ReturnType<typeof doctorChecks>) => Object.fromEntries(lines.map((l) => [l.check, l]));

describe('doctorChecks', () => {
  it('says ok for every line on a ready GPU runner', () => {
    const lines = doctorChecks(facts());
    assert.deepEqual(lines.filter((l) => l.status !== 'ok'), []);
    const c = byCheck(lines);
    assert.equal(c['NVIDIA driver']!.detail, '580.159.04 (supports CUDA 13.0)');
    assert.match(c['TensorRT']!.detail, /^10\.13\.0 \(\/usr\/lib\/x86_64-linux-gnu\/libnvinfer\.so\.10\)/);
    assert.equal(c['GPU']!.detail, 'NVIDIA H100 80GB HBM3 (compute 9.0, 79.6 GiB, power limit 700 W)');
    assert.ok(tensorRtReady(lines));
  });

  it('names each missing library with the files tried on a machine without NVIDIA software', () => {
    const lines = doctorChecks(facts({ nvidiaDriverProc: null, addon: { loaded: true, path: '/a.node', capabilities: bareCapabilities(), capabilitiesError: null }, providers: providers(false) }));
    const c = byCheck(lines);
    assert.equal(c['NVIDIA driver']!.status, 'missing');
    assert.equal(c['TensorRT']!.status, 'missing');
    assert.match(c['TensorRT']!.detail, /tried libnvinfer\.so\.10, libnvinfer\.so\.11/);
    assert.equal(c['TensorRT']!.fix, 'install TensorRT 10 or 11');
    assert.match(c['CUDA runtime']!.detail, /tried libcudart\.so\.12, libcudart\.so\.13/);
    assert.equal(c['NVML']!.status, 'warn');
    assert.equal(c['ONNX Runtime cuda provider']!.status, 'warn');
    assert.equal(c['ONNX Runtime cpu provider']!.status, 'ok');
    assert.equal(c['C++ compiler']!.status, 'ok');
    assert.ok(!tensorRtReady(lines));
  });

  it('asks for the build when the addon is not built, and for the headers it lacks', () => {
    const lines = doctorChecks(
      facts({
        addon: { loaded: false, reason: { kind: 'not-built', tried: ['/pkg/native/build/Release/quantgate_trt.node'], message: 'the TensorRT addon is not built', fix: 'build it with `npm run build:native`' } },
        cmake: null,
        headers: { ...headersFound, tensorrt: null, problems: [{ what: 'TensorRT headers', hint: 'set TENSORRT_ROOT', reason: 'NvInfer.h not found', fix: 'set TENSORRT_ROOT' }] },
      }),
    );
    const c = byCheck(lines);
    assert.equal(c['TensorRT addon']!.status, 'missing');
    assert.equal(c['TensorRT addon']!.fix, 'build it with `npm run build:native`');
    assert.equal(c['CMake']!.status, 'missing');
    assert.equal(c['TensorRT headers']!.status, 'missing');
    assert.equal(c['TensorRT headers']!.fix, 'set TENSORRT_ROOT');
    assert.equal(c['CUDA runtime headers']!.status, 'ok');
  });

  it('shows what was found against what is required for a TensorRT of the wrong version', () => {
    const capabilities = workingCapabilities();
    capabilities.tensorrt = {
      ...capabilities.tensorrt,
      available: false,
      failure: { library: 'TensorRT (libnvinfer)', tried: [{ candidate: 'libnvinfer.so.10', error: null }], found: 'TensorRT 9.3.0 (/opt/trt/lib/libnvinfer.so.10)', required: 'TensorRT 10.x', reason: 'the TensorRT library is 9.3.0 but the addon was built against 10.13.0 headers', fix: 'rebuild the addon' },
    };
    const c = byCheck(doctorChecks(facts({ addon: { loaded: true, path: '/a.node', capabilities, capabilitiesError: null } })));
    assert.match(c['TensorRT']!.detail, /9\.3\.0 but the addon was built against 10\.13\.0.*found TensorRT 9\.3\.0/);
  });

  it('refuses Node older than 20', () => {
    assert.equal(byCheck(doctorChecks(facts({ nodeVersion: 'v18.19.0' })))['Node.js']!.status, 'missing');
  });

  it('reports an ONNX Runtime that failed to load', () => {
    const c = byCheck(doctorChecks(facts({ providers: null, providersError: 'Cannot find module onnxruntime-node' })));
    assert.equal(c['ONNX Runtime']!.status, 'missing');
  });
});

describe('doctor output', () => {
  it('renders one line per check with the fix under it, and a verdict', () => {
    const text = renderDoctorText(doctorChecks(facts({ nvidiaDriverProc: null, addon: { loaded: true, path: '/a.node', capabilities: bareCapabilities(), capabilitiesError: null }, providers: providers(false) })));
    assert.match(text, /^ok {6}Node\.js/m);
    assert.match(text, /^MISSING TensorRT {2,}TensorRT \(libnvinfer\) could not be loaded/m);
    assert.match(text, /^ {9,}fix: install TensorRT 10 or 11$/m);
    assert.match(text, /TensorRT rows cannot run here: fix the MISSING lines above\.\n$/);
  });

  it('has a JSON form with the verdict', () => {
    const json = doctorJson(doctorChecks(facts()));
    assert.equal(json.tensorrtReady, true);
    assert.equal(JSON.parse(JSON.stringify(json)).checks[0].check, 'Node.js');
  });
});
