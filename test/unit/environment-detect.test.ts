// detectEnvironment on fake machines (canned files and command outputs, calls recorded), on this
// machine, and the real command runner's behaviour with missing, failing and hanging commands.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { detectCpu, detectCpuInt8 } from '../../src/environment/cpu.ts';
import { detectEnvironment } from '../../src/environment/detect.ts';
import { parseCudaVersion, parseGpuQuery, pickGpu } from '../../src/environment/gpu.ts';
import { type CommandResult, realSystem, type System } from '../../src/environment/system.ts';
import { environmentSchema } from '../../src/results/schema.ts';
import { VERSION } from '../../src/version.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/environment/${name}`, import.meta.url), 'utf8');

interface FakeMachine {
  platform?: NodeJS.Platform;
  arch?: string;
  files?: Record<string, string>;
  /** Command line ("nvidia-smi --query-gpu=...") → result; missing commands are not installed. */
  commands?: Record<string, CommandResult>;
}

function fakeSystem(machine: FakeMachine): System & { calls: { command: string; cwd?: string; timeoutMs?: number }[] } {
  const calls: { command: string; cwd?: string; timeoutMs?: number }[] = [];
  const answer = (command: string, args: readonly string[]): CommandResult | null => machine.commands?.[[command, ...args].join(' ')] ?? null;
  return {
    calls,
    platform: machine.platform ?? 'linux',
    arch: machine.arch ?? 'x64',
    kernel: () => (machine.platform === 'darwin' ? 'Darwin 23.5.0' : 'Linux 6.8.0-1014-azure'),
    cpuModel: () => 'model from os.cpus()',
    logicalCpus: () => 4,
    readText: (path) => machine.files?.[path] ?? null,
    async run(command, args, options = {}) {
      calls.push({ command: [command, ...args].join(' '), ...options });
      return answer(command, args);
    },
    runSync(command, args, options = {}) {
      calls.push({ command: [command, ...args].join(' '), ...options });
      return answer(command, args);
    },
  };
}

const QUERY = 'nvidia-smi --query-gpu=index,uuid,name,driver_version,memory.total --format=csv,noheader,nounits';
const ok = (stdout: string): CommandResult => ({ status: 0, stdout });
const onnxruntime = async (): Promise<string> => '1.30.0';

const gpuRunner: FakeMachine = {
  files: { '/proc/cpuinfo': fixture('cpuinfo-xeon-emerald-rapids-h100-runner.txt'), '/etc/os-release': 'NAME="Ubuntu"\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\nID=ubuntu\n' },
  commands: {
    [QUERY]: ok(fixture('nvidia-smi-query-h100.csv')),
    'nvidia-smi': ok(fixture('nvidia-smi-h100.txt')),
    'git rev-parse HEAD': ok('0123456789abcdef0123456789abcdef01234567\n'),
  },
};

describe('detectEnvironment', () => {
  it('describes a GPU runner from its files and commands', async () => {
    const system = fakeSystem(gpuRunner);
    const env = await detectEnvironment({ system, env: {}, threads: 16, onnxruntime, cwd: '/repo', timeoutMs: 1234, build: { version: VERSION, commit: 'c'.repeat(40), ref: 'v0' } });
    assert.deepEqual(env, {
      os: 'Ubuntu 22.04.4 LTS (Linux 6.8.0-1014-azure)',
      arch: 'x64',
      cpu: { model: 'Intel(R) Xeon(R) Processor', cores: 4, int8Features: ['avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'amx_tile', 'amx_int8'] },
      threads: 16,
      gpu: { name: 'NVIDIA H100 80GB HBM3', driver: '580.159.04', memoryMB: 81559 },
      cuda: '13.0',
      tensorrt: null,
      onnxruntime: '1.30.0',
      node: process.versions.node,
      quantgate: VERSION,
      quantgateCommit: 'c'.repeat(40),
      quantgateRef: 'v0',
      commit: '0123456789abcdef0123456789abcdef01234567',
    });
    environmentSchema.parse(env);
    const git = system.calls.find((c) => c.command === 'git rev-parse HEAD');
    assert.deepEqual(git, { command: 'git rev-parse HEAD', cwd: '/repo', timeoutMs: 1234 });
    assert.ok(system.calls.every((c) => c.timeoutMs === 1234), 'every command runs under the timeout');
  });

  it('prefers GITHUB_SHA and does not run git then', async () => {
    const system = fakeSystem(gpuRunner);
    const env = await detectEnvironment({ system, env: { GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff' }, onnxruntime });
    assert.equal(env.commit, 'ffffffffffffffffffffffffffffffffffffffff');
    assert.equal(env.threads, null);
    assert.ok(!system.calls.some((c) => c.command.startsWith('git')));
  });

  it('leaves fields null where nothing is installed, and never throws', async () => {
    const system = fakeSystem({ files: {} });
    const env = await detectEnvironment({ system, env: {}, onnxruntime: async () => Promise.reject(new Error('no binary')) });
    assert.equal(env.gpu, null);
    assert.equal(env.cuda, null);
    assert.equal(env.commit, null);
    assert.equal(env.onnxruntime, 'unavailable');
    assert.equal(env.os, 'Linux 6.8.0-1014-azure');
    assert.equal(env.cpu.model, 'model from os.cpus()');
    assert.deepEqual(env.cpu.int8Features, []);
    environmentSchema.parse(env);
  });

  it('reports no GPU when nvidia-smi runs but fails (driver not loaded)', async () => {
    const system = fakeSystem({
      files: gpuRunner.files!,
      commands: {
        [QUERY]: { status: 9, stdout: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n" },
        'nvidia-smi': { status: 9, stdout: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n" },
        'git rev-parse HEAD': { status: 128, stdout: '' },
      },
    });
    const env = await detectEnvironment({ system, env: {}, onnxruntime });
    assert.equal(env.gpu, null);
    assert.equal(env.cuda, null);
    assert.equal(env.commit, null);
  });

  it('reads a Mac through sysctl and sw_vers', async () => {
    const system = fakeSystem({
      platform: 'darwin',
      arch: 'arm64',
      commands: { 'sysctl machdep.cpu hw.optional hw.logicalcpu': ok(fixture('sysctl-apple-m2-macos14.txt')), 'sw_vers -productVersion': ok('14.5\n') },
    });
    const env = await detectEnvironment({ system, env: {}, onnxruntime });
    assert.equal(env.os, 'macOS 14.5 (Darwin 23.5.0)');
    assert.equal(env.cpu.model, 'Apple M2');
    assert.deepEqual(env.cpu.int8Features, ['asimddp', 'i8mm']);
    assert.equal(env.gpu, null);
  });
});

describe('nvidia-smi parsing', () => {
  const rows = parseGpuQuery(
    '0, GPU-aaaa1111-0000-0000-0000-000000000000, NVIDIA A100-SXM4-80GB, 560.35.03, 81920\n' +
      '1, GPU-bbbb2222-0000-0000-0000-000000000000, NVIDIA A100-SXM4-80GB, 560.35.03, 81920\n' +
      '2, GPU-cccc3333-0000-0000-0000-000000000000, NVIDIA RTX A6000, [N/A], [N/A]\n',
  );

  it('reads every row, N/A as null', () => {
    assert.equal(rows.length, 3);
    assert.deepEqual(pickGpu(rows, '2'), { name: 'NVIDIA RTX A6000', driver: null, memoryMB: null });
  });

  it('picks the GPU CUDA_VISIBLE_DEVICES puts first (nvidia-smi ignores that variable)', () => {
    assert.equal(pickGpu(rows, undefined)?.name, 'NVIDIA A100-SXM4-80GB');
    assert.deepEqual(pickGpu(rows, '2,0'), { name: 'NVIDIA RTX A6000', driver: null, memoryMB: null });
    assert.equal(pickGpu(rows, 'GPU-cccc3333')?.name, 'NVIDIA RTX A6000');
    assert.equal(pickGpu(rows, ''), null);
    assert.equal(pickGpu(rows, '-1'), null);
    assert.equal(pickGpu([], undefined), null);
  });

  it('takes the CUDA version from the banner', () => {
    assert.equal(parseCudaVersion(fixture('nvidia-smi-h100.txt')), '13.0');
    assert.equal(parseCudaVersion('| NVIDIA-SMI 535.183.01   Driver Version: 535.183.01   CUDA Version: 12.2     |'), '12.2');
    assert.equal(parseCudaVersion('garbage'), null);
  });
});

describe('this machine', () => {
  it('detects an environment that results.json accepts', async () => {
    const env = await detectEnvironment({ threads: 2 });
    environmentSchema.parse(env);
    assert.equal(env.arch, process.arch);
    assert.ok(env.cpu.cores >= 1);
    console.log(`environment: ${JSON.stringify(env)}`);
  });

  it('reads the same int8 features as /proc/cpuinfo lists (Linux)', (t) => {
    if (process.platform !== 'linux') return t.skip('not Linux: /proc/cpuinfo is Linux-only');
    const int8 = detectCpuInt8();
    const flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.split(/\s+/) ?? [];
    assert.equal(int8.vnni, ['avx512_vnni', 'avx_vnni', 'amx_int8'].some((f) => flags.includes(f)) && process.arch === 'x64');
    assert.equal(detectCpu().int8.description, int8.description);
    console.log(`cpu int8: ${int8.description}`);
  });
});

describe('realSystem commands', () => {
  it('returns null for a command that is not installed', async () => {
    assert.equal(await realSystem.run('quantgate-no-such-tool', []), null);
    assert.equal(realSystem.runSync('quantgate-no-such-tool', []), null);
  });

  it('returns the status and output of a command that fails', async () => {
    assert.deepEqual(await realSystem.run('sh', ['-c', 'echo partial; exit 3']), { status: 3, stdout: 'partial\n' });
    assert.deepEqual(realSystem.runSync('sh', ['-c', 'echo partial; exit 3']), { status: 3, stdout: 'partial\n' });
  });

  it('gives up on a command that hangs', async () => {
    const start = performance.now();
    assert.equal(await realSystem.run('sleep', ['5'], { timeoutMs: 200 }), null);
    assert.equal(realSystem.runSync('sleep', ['5'], { timeoutMs: 200 }), null);
    assert.ok(performance.now() - start < 3000);
  });
});
