// Execution provider detection: on the real onnxruntime-node of this machine (cpu available; the
// GPU providers, where their libraries are not installed, unavailable with the reason), and the
// decision table on stated facts.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BadInputError, exitCodeOf } from '../../src/errors.ts';
import { availableProviders, GPU_INSTALL_COMMAND, probeInChild, providerStatuses, refusalFromStderr, requireProviders, selectProviders, type ProviderFacts } from '../../src/runtime/onnxruntime/providers.ts';
import type { ProviderName } from '../../src/runtime/types.ts';
import { tempDir } from '../helpers/tmp.ts';

const statuses = await availableProviders();
const status = (p: ProviderName) => statuses.find((s) => s.provider === p)!;
const driverHere = process.platform !== 'linux' || existsSync('/proc/driver/nvidia/version');

describe('availableProviders on this machine', () => {
  it('reports every provider once', () => {
    assert.deepEqual(statuses.map((s) => s.provider).sort(), ['cpu', 'cuda', 'reference', 'tensorrt']);
  });

  it('has cpu and reference', () => {
    assert.deepEqual(status('cpu'), { provider: 'cpu', available: true, reason: null, fix: null });
    assert.equal(status('reference').available, true);
  });

  it('says why cuda and tensorrt are missing: no GPU here, or the libraries and how to install them', (t) => {
    if (!driverHere) {
      for (const p of ['cuda', 'tensorrt'] as const) {
        assert.equal(status(p).available, false);
        assert.match(status(p).reason!, /^no NVIDIA GPU on this runner \(no NVIDIA driver:/);
      }
      return;
    }
    if (status('cuda').available || !/provider libraries/.test(status('cuda').reason ?? '')) {
      return t.skip(`the GPU provider libraries are installed here (cuda: ${status('cuda').reason ?? 'available'})`);
    }
    for (const p of ['cuda', 'tensorrt'] as const) {
      const s = status(p);
      assert.equal(s.available, false);
      assert.match(s.reason!, /onnxruntime-node \d+\.\d+\.\d+ \(linux\/x64\) was installed without its (CUDA|TensorRT) provider libraries/);
      assert.match(s.reason!, new RegExp(`libonnxruntime_providers_${p}\\.so`));
      assert.ok(String(s.fix).includes(GPU_INSTALL_COMMAND), String(s.fix));
    }
  });
});

describe('probeInChild (the GPU providers’ last check, in a process of its own)', () => {
  it('creates a cpu session', async () => {
    assert.equal(await probeInChild('cpu'), null);
  });
  it('passes on ONNX Runtime’s refusal in one line', async (t) => {
    if (status('cuda').available) return t.skip('cuda is available on this machine');
    const refusal = await probeInChild('cuda');
    assert.ok(refusal && !refusal.includes('\n'), String(refusal));
    assert.match(refusal, /Cuda|CUDA|cuda/);
  });
});

describe('refusalFromStderr', () => {
  // What onnxruntime-node 1.30 printed here for cuda without its libraries (colour codes kept).
  const logged =
    '\x1b[1;31m2026-11-25 09:15:58.214387770 [E:onnxruntime:onnxruntime-node, provider_bridge_ort.cc:2146 Create] /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1988 ' +
    'onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library /x/libonnxruntime_providers_cuda.so with error: libcudnn.so.9: cannot open shared object file: No such file or directory\n\x1b[m\n';
  it('adds the logged cause to the exception', () => {
    assert.equal(
      refusalFromStderr(`${logged}\nQG_REFUSAL OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library\n`),
      'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library (Failed to load library /x/libonnxruntime_providers_cuda.so with error: libcudnn.so.9: cannot open shared object file: No such file or directory)',
    );
  });
  it('the exception alone, or the last line of a crash', () => {
    assert.equal(refusalFromStderr('QG_REFUSAL CUDA failure 100: no CUDA-capable device is detected\n'), 'CUDA failure 100: no CUDA-capable device is detected');
    assert.equal(refusalFromStderr('Segmentation fault\n'), 'Segmentation fault');
    assert.equal(refusalFromStderr(''), null);
  });
});

describe('requireProviders / selectProviders', () => {
  it('explicit cpu passes', async () => {
    await requireProviders(['cpu', 'reference']);
  });

  it('an explicitly named missing provider is bad input (exit 2) with the fix', async (t) => {
    if (status('cuda').available) return t.skip('cuda is available on this machine');
    const error = await requireProviders(['cpu', 'cuda'], '--providers').then(
      () => assert.fail('requireProviders accepted a missing provider'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof BadInputError);
    assert.equal(exitCodeOf(error), 2);
    assert.match(error.message, /^--providers: cuda is not available: /);
    assert.doesNotMatch(error.message, /cpu is not available/);
    assert.match(error.fix, /leave cuda out of --providers \(auto reports missing providers as skipped rows\)/);
  });

  it('auto runs what is available and skips the rest with the reason', async () => {
    const { run, skipped } = await selectProviders('auto');
    assert.ok(run.includes('cpu'));
    assert.ok(!run.includes('reference'), 'auto never picks reference: the accuracy stage adds it');
    for (const s of skipped) assert.equal(s.reason, status(s.provider).reason);
    assert.deepEqual([...run, ...skipped.map((s) => s.provider)].sort(), ['cpu', 'cuda', 'tensorrt']);
  });
});

describe('providerStatuses decision table', () => {
  const bin = tempDir('qg-ort-bin-');
  const facts = (over: Partial<ProviderFacts>): ProviderFacts => ({
    ortVersion: '1.30.0',
    platform: 'linux/x64',
    listed: ['cpu', 'webgpu', 'cuda', 'tensorrt'],
    binFolder: bin,
    nvidiaDriver: { present: true, evidence: '/proc/driver/nvidia/version exists' },
    probe: async () => null,
    ...over,
  });
  const byName = async (f: ProviderFacts) => Object.fromEntries((await providerStatuses(f)).map((s) => [s.provider, s]));

  it('a provider the binding was not built with', async () => {
    const s = await byName(facts({ platform: 'darwin/arm64', listed: ['cpu', 'webgpu', 'coreml'] }));
    assert.match(s.cuda!.reason!, /onnxruntime-node 1\.30\.0 \(darwin\/arm64\) was built without the cuda execution provider \(it has cpu, webgpu, coreml\)/);
    assert.match(String(s.tensorrt!.fix), /Linux x64/);
    assert.equal(s.cpu!.available, true);
  });

  it('no NVIDIA driver: that is the reason, before any library or probe', async () => {
    const probed: string[] = [];
    const s = await byName(
      facts({
        binFolder: null,
        nvidiaDriver: { present: false, evidence: 'no NVIDIA driver: /proc/driver/nvidia/version absent' },
        probe: async (p) => (probed.push(p), null),
      }),
    );
    for (const gpu of ['cuda', 'tensorrt'] as const) {
      assert.equal(s[gpu]!.available, false);
      assert.equal(s[gpu]!.reason, 'no NVIDIA GPU on this runner (no NVIDIA driver: /proc/driver/nvidia/version absent)');
      assert.match(String(s[gpu]!.fix), new RegExp(`NVIDIA GPU and its driver; .*leave ${gpu} to --providers auto`));
    }
    assert.deepEqual(probed, ['cpu', 'reference'], 'no GPU probe is started without a driver');
  });

  it('libraries missing on a machine with a driver: the install command', async () => {
    const s = await byName(facts({ binFolder: null }));
    assert.match(s.cuda!.reason!, /was installed without its CUDA provider libraries \(libonnxruntime_providers_shared\.so, libonnxruntime_providers_cuda\.so not found\)/);
    assert.ok(String(s.cuda!.fix).includes(GPU_INSTALL_COMMAND));
  });

  it('libraries present but the session refused (no GPU, no cuDNN): ONNX Runtime’s words', async () => {
    for (const f of ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_tensorrt.so']) writeFileSync(join(bin, f), '');
    const probed: string[] = [];
    const s = await byName(
      facts({
        probe: async (p) => {
          probed.push(p);
          return p === 'tensorrt' ? 'libnvinfer.so.10: cannot open shared object file' : null;
        },
      }),
    );
    assert.equal(s.cuda!.available, true);
    assert.equal(s.tensorrt!.available, false);
    assert.match(s.tensorrt!.reason!, /could not create a session on the tensorrt provider: libnvinfer\.so\.10/);
    assert.match(String(s.tensorrt!.fix), /TensorRT 10/);
    assert.deepEqual(probed, ['cpu', 'reference', 'cuda', 'tensorrt']);
  });

  it('a cpu that cannot create a session is unavailable too', async () => {
    const s = await byName(facts({ probe: async (p) => (p === 'cpu' || p === 'reference' ? 'broken binary' : null) }));
    assert.equal(s.cpu!.available, false);
    assert.equal(s.reference!.available, false);
    assert.match(s.cpu!.reason!, /broken binary/);
  });

  it('selectProviders with stated statuses: explicit missing throws, auto skips', async () => {
    const stated = await providerStatuses(facts({ listed: ['cpu'] }));
    await assert.rejects(selectProviders(['tensorrt'], '--providers', stated), (e: unknown) => e instanceof BadInputError && /tensorrt is not available/.test(e.message));
    assert.deepEqual(await selectProviders('auto', '--providers', stated), {
      run: ['cpu'],
      skipped: [
        { provider: 'cuda', reason: stated.find((s) => s.provider === 'cuda')!.reason! },
        { provider: 'tensorrt', reason: stated.find((s) => s.provider === 'tensorrt')!.reason! },
      ],
    });
  });
});
