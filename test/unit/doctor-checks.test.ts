// `quantgate doctor`'s checks from injected facts: a ready GPU runner, this CPU-only machine,
// an addon that is not built, a TensorRT of the wrong version; text, JSON and markdown forms; the
// verdict and exit status; and when the action puts the doctor in the job summary.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { doctorCommand } from '../../src/commands/doctor.ts';
import { addDoctorToSummary, doctorChecks, doctorJson, doctorVerdict, renderDoctorMarkdown, renderDoctorText, tensorRtReady, type DoctorFacts, type DoctorJson } from '../../src/doctor/index.ts';
import { MemoryLog } from '../../src/log.ts';
import { processHost } from '../../src/pipeline/process-host.ts';
import type { Results } from '../../src/results/schema.ts';
import { fixture } from '../fixtures/results/index.ts';
import { cli } from '../helpers/cli.ts';
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
    tensorrtLibrary: null,
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
    assert.match(text, /^MISSING TensorRT {2,}libnvinfer could not be loaded/m);
    assert.match(text, /^ {9,}fix: install TensorRT 10 or 11$/m);
    // No driver: a CPU runner, which runs what it has.
    assert.match(text, /No NVIDIA GPU here: ONNX Runtime's CPU rows run, and TensorRT's rows are skipped rows with the reason under `--runtimes auto`\.\n$/);
  });

  it('has a JSON form with the verdict', () => {
    const json = doctorJson(doctorChecks(facts()));
    assert.equal(json.tensorrtReady, true);
    assert.equal(json.ok, true);
    assert.equal(JSON.parse(JSON.stringify(json)).checks[0].check, 'Node.js');
  });

  it('renders markdown for the job summary', () => {
    const md = renderDoctorMarkdown(doctorChecks(facts({ addon: notBuilt, tensorrtLibrary: null })), 'quantgate doctor');
    assert.match(md, /^### quantgate doctor\n\n\| \| check \| found \| fix \|/);
    assert.match(md, /\| ❌ \| TensorRT \| no TensorRT on this runner \(libnvinfer not found/);
    assert.match(md, /This GPU runner cannot run TensorRT rows/);
  });
});

const notBuilt: DoctorFacts['addon'] = {
  loaded: false,
  reason: { kind: 'not-built', tried: ['/pkg/native/build/Release/quantgate_trt.node'], message: 'the TensorRT addon is not built', fix: 'build it with `npm run build:native`' },
};

describe('doctorVerdict: what the runner can run', () => {
  const cases: [string, Partial<DoctorFacts>, { ok: boolean; gpuRunner: boolean; tensorrtReady: boolean; missing?: string[] }][] = [
    ['a ready GPU runner', {}, { ok: true, gpuRunner: true, tensorrtReady: true }],
    ['a CPU runner without NVIDIA software', { nvidiaDriverProc: null, addon: { loaded: true, path: '/a.node', capabilities: bareCapabilities(), capabilitiesError: null }, providers: providers(false) }, { ok: true, gpuRunner: false, tensorrtReady: false }],
    ['a GPU runner whose addon is not built', { addon: notBuilt, tensorrtLibrary: '/usr/lib/x86_64-linux-gnu/libnvinfer.so.10' }, { ok: false, gpuRunner: true, tensorrtReady: false, missing: ['TensorRT addon'] }],
    ['a GPU runner without TensorRT', { addon: notBuilt, tensorrtLibrary: null }, { ok: false, gpuRunner: true, tensorrtReady: false, missing: ['TensorRT addon', 'TensorRT'] }],
    ['a runner whose ONNX Runtime is broken', { nvidiaDriverProc: null, providers: null, providersError: 'Cannot find module onnxruntime-node' }, { ok: false, gpuRunner: true, tensorrtReady: true, missing: ['ONNX Runtime'] }],
  ];
  for (const [what, overrides, expected] of cases) {
    it(what, () => {
      const v = doctorVerdict(doctorChecks(facts(overrides)));
      assert.deepEqual({ ok: v.ok, gpuRunner: v.gpuRunner, tensorrtReady: v.tensorrtReady }, { ok: expected.ok, gpuRunner: expected.gpuRunner, tensorrtReady: expected.tensorrtReady });
      if (expected.missing) assert.deepEqual(v.missing, expected.missing);
    });
  }

  it('says where libnvinfer is when the addon is not built', () => {
    const c = byCheck(doctorChecks(facts({ addon: notBuilt, tensorrtLibrary: '/usr/lib/x86_64-linux-gnu/libnvinfer.so.10' })));
    assert.equal(c['TensorRT']!.status, 'ok');
    assert.match(c['TensorRT']!.detail, /^\/usr\/lib\/x86_64-linux-gnu\/libnvinfer\.so\.10 \(found by a file search/);
  });

  it('refuses a TensorRT older than the headers the addon was built with', () => {
    const capabilities = workingCapabilities();
    capabilities.tensorrt.version = '10.3.0';
    const c = byCheck(doctorChecks(facts({ addon: { loaded: true, path: '/a.node', capabilities, capabilitiesError: null } })));
    assert.equal(c['TensorRT']!.status, 'missing');
    assert.match(c['TensorRT']!.detail, /^TensorRT 10\.3\.0 is older than the TensorRT 10\.13\.0 headers the addon was built with/);
    assert.match(c['TensorRT']!.fix!, /rebuild the addon against this TensorRT's headers/);
  });
});

describe('quantgate doctor', () => {
  const stdout = () => {
    const chunks: string[] = [];
    return { chunks, stream: { write: (s: string) => chunks.push(s) > 0 } };
  };
  const ctx = (out: { write(s: string): boolean }) => ({ log: new MemoryLog(), stdout: out, cwd: '/', host: processHost() });

  it('exits 0 where the runner can run what it has, 2 where a GPU runner lacks TensorRT; --json has the same verdict', async () => {
    const ready = stdout();
    assert.equal(await doctorCommand({ json: false, sources: {} }, ctx(ready.stream), async () => facts()), 0);
    assert.match(ready.chunks.join(''), /TensorRT rows can run here\.\n$/);
    const broken = stdout();
    assert.equal(await doctorCommand({ json: true, sources: {} }, ctx(broken.stream), async () => facts({ addon: notBuilt, tensorrtLibrary: null })), 2);
    const json = JSON.parse(broken.chunks.join('')) as DoctorJson;
    assert.deepEqual([json.ok, json.gpuRunner, json.missing], [false, true, ['TensorRT addon', 'TensorRT']]);
  });

  it('runs through the CLI and prints the checks (this machine: whatever it has)', async () => {
    const r = await cli(['doctor', '--json']);
    assert.ok(r.code === 0 || r.code === 2, r.stderr);
    const json = JSON.parse(r.stdout) as DoctorJson;
    assert.equal(json.ok, r.code === 0);
    assert.ok(json.checks.some((l) => l.check === 'ONNX Runtime cpu provider' && l.status === 'ok'));
  });
});

describe('the action: the doctor in the job summary when TensorRT did not run on a GPU runner', () => {
  const skipped = (): Results => {
    const r = fixture('cpu');
    assert.ok(r.runs.some((x) => x.runtime === 'tensorrt' && x.status === 'skipped'));
    return r;
  };

  it('writes the checks on a GPU runner whose TensorRT rows were all skipped', async () => {
    const written: string[] = [];
    const md = await addDoctorToSummary(skipped(), async (m) => written.push(m), async () => facts({ addon: notBuilt, tensorrtLibrary: null }));
    assert.equal(written.length, 1);
    assert.equal(written[0], md);
    assert.match(md!, /### quantgate doctor: TensorRT could not run on this GPU runner/);
  });

  it('also after a run that stopped (no results), e.g. --runtimes tensorrt on a runner that lost it', async () => {
    const written: string[] = [];
    await addDoctorToSummary(null, async (m) => written.push(m), async () => facts({ addon: notBuilt, tensorrtLibrary: null }));
    assert.equal(written.length, 1);
  });

  it('writes nothing on a CPU runner, where TensorRT ran, or when the doctor finds TensorRT ready', async () => {
    const written: string[] = [];
    const write = async (m: string) => written.push(m);
    await addDoctorToSummary(skipped(), write, async () => facts({ nvidiaDriverProc: null, addon: { loaded: true, path: '/a.node', capabilities: bareCapabilities(), capabilitiesError: null } }));
    await addDoctorToSummary(fixture('gpu'), write, async () => facts({ addon: notBuilt }));
    await addDoctorToSummary(skipped(), write, async () => facts());
    assert.deepEqual(written, []);
  });

  it('never throws: a failing probe or summary write leaves the run as it was', async () => {
    assert.equal(await addDoctorToSummary(null, async () => {}, async () => { throw new Error('probe broke'); }), null);
    assert.equal(await addDoctorToSummary(null, async () => { throw new Error('summary broke'); }, async () => facts({ addon: notBuilt })), null);
  });
});
