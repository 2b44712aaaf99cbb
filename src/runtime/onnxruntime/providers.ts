/**
 * Which ONNX Runtime execution providers can run here, each with the reason when it cannot.
 *
 * Detected, not assumed, in four steps: the providers the installed onnxruntime-node binding
 * was built with (`listSupportedBackends`); for the GPU ones, whether the machine has an NVIDIA
 * driver at all (on a CPU-only runner that is the reason worth reading, not a missing library);
 * whether their shared libraries were installed next to the binding (onnxruntime-node downloads
 * them from NuGet at install time unless told to skip, as this repository's .npmrc does); then
 * whether a session on a one-node model can be created with the provider, in a child process, so
 * that a CUDA context and ONNX Runtime's error log stay out of this one. The last step is UNRUN
 * for cuda and tensorrt: the machines this was written on have no GPU and no provider libraries.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BadInputError } from '../../errors.js';
import { joinText, msg, opt, setting, type Label, type Text } from '../../message.js';
import { identityModel } from '../../model/build.js';
import { encodeModel } from '../../model/encode.js';
import { loadOrt } from './load.js';
import type { ProviderName } from '../types.js';

export const ALL_PROVIDERS: readonly ProviderName[] = ['cpu', 'reference', 'cuda', 'tensorrt'];

export interface ProviderStatus {
  provider: ProviderName;
  available: boolean;
  /** Why it is not available (null when it is): what a skipped row says. */
  reason: string | null;
  /** What makes it available (null when it is). */
  fix: Text | null;
}

/** The binding's own knowledge, gathered in-process; separated out so it can be tested. */
export interface ProviderFacts {
  ortVersion: string;
  platform: string;
  /** Names `listSupportedBackends()` returns. */
  listed: string[];
  /** The folder holding onnxruntime_binding.node and the provider libraries; null if not found. */
  binFolder: string | null;
  /**
   * Whether an NVIDIA driver is loaded, with what shows it (Linux: /proc/driver/nvidia/version,
   * which containers given a GPU see too); null where that cannot be told this way (not Linux).
   */
  nvidiaDriver: { present: boolean; evidence: string } | null;
  /** Creates a session with the provider; resolves to ONNX Runtime's refusal, or null. */
  probe(provider: ProviderName): Promise<string | null>;
}

const GPU_LIBRARIES: Record<'cuda' | 'tensorrt', string[]> = {
  cuda: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'],
  tensorrt: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_tensorrt.so'],
};

/**
 * The one command that installs the GPU providers in a checkout: .npmrc sets `ignore-scripts`, so
 * onnxruntime-node's install script (which downloads them when ONNXRUNTIME_NODE_INSTALL=cuda12)
 * runs only when asked for. The action installs them itself (src/setup/).
 */
export const GPU_INSTALL_COMMAND = 'ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --ignore-scripts=false';
const GPU_NEEDS = 'an NVIDIA driver, CUDA 12 and cuDNN 9, plus TensorRT 10 for the tensorrt provider';

/** Pure: each provider's status from the facts. */
export async function providerStatuses(facts: ProviderFacts): Promise<ProviderStatus[]> {
  const statuses: ProviderStatus[] = [];
  for (const provider of ALL_PROVIDERS) statuses.push(await statusOf(provider, facts));
  return statuses;
}

async function statusOf(provider: ProviderName, facts: ProviderFacts): Promise<ProviderStatus> {
  const backend = provider === 'reference' ? 'cpu' : provider;
  const where = `onnxruntime-node ${facts.ortVersion} (${facts.platform})`;
  const missing = (reason: string, fix: Text): ProviderStatus => ({ provider, available: false, reason, fix });
  if (!facts.listed.includes(backend)) {
    return missing(
      `${where} was built without the ${backend} execution provider (it has ${facts.listed.join(', ') || 'none'})`,
      backend === 'cpu' ? 'reinstall onnxruntime-node (npm ci)' : 'run on Linux x64, the only platform with prebuilt CUDA and TensorRT providers',
    );
  }
  if (backend === 'cuda' || backend === 'tensorrt') {
    if (facts.nvidiaDriver?.present === false) {
      return missing(
        `no NVIDIA GPU on this runner (${facts.nvidiaDriver.evidence})`,
        msg`run on a runner with an NVIDIA GPU and its driver; on a CPU-only runner leave ${backend} to ${setting('providers', 'auto')}, which reports it as skipped`,
      );
    }
    const absent = facts.binFolder === null ? GPU_LIBRARIES[backend] : GPU_LIBRARIES[backend].filter((f) => !existsSync(join(facts.binFolder!, f)));
    if (absent.length > 0) {
      return missing(
        `${where} was installed without its ${backend === 'cuda' ? 'CUDA' : 'TensorRT'} provider libraries (${absent.join(', ')} not found${facts.binFolder ? ` in ${facts.binFolder}` : ''})`,
        `install them with \`${GPU_INSTALL_COMMAND}\` (it downloads them from NuGet; the machine needs ${GPU_NEEDS})`,
      );
    }
  }
  const refusal = await facts.probe(provider);
  if (refusal !== null) {
    return missing(
      `ONNX Runtime could not create a session on the ${backend} provider: ${refusal}`,
      backend === 'cpu' ? 'reinstall onnxruntime-node (npm ci)' : `install what the provider loads (${GPU_NEEDS}) where quantgate runs`,
    );
  }
  return { provider, available: true, reason: null, fix: null };
}

let cached: Promise<ProviderStatus[]> | undefined;

/** Every provider's status on this machine (computed once per process). */
export function availableProviders(): Promise<ProviderStatus[]> {
  cached ??= gatherFacts().then(providerStatuses);
  return cached;
}

/**
 * The providers to run for `--providers`: under `auto`, the available ones run and the others
 * come back as skipped with their reason; named explicitly, a missing one is bad input.
 * `reference` is never chosen by `auto`: the caller adds it where it scores accuracy.
 */
export async function selectProviders(
  request: 'auto' | readonly ProviderName[],
  flag: Label = opt('providers'),
  statuses?: ProviderStatus[],
): Promise<{ run: ProviderName[]; skipped: { provider: ProviderName; reason: string }[] }> {
  const all = statuses ?? (await availableProviders());
  if (request !== 'auto') {
    requireAvailable(request, all, flag);
    return { run: [...request], skipped: [] };
  }
  const considered = all.filter((s) => s.provider !== 'reference');
  return {
    run: considered.filter((s) => s.available).map((s) => s.provider),
    skipped: considered.filter((s) => !s.available).map((s) => ({ provider: s.provider, reason: s.reason! })),
  };
}

/** Throws BadInputError naming the flag, each missing provider's reason and the fix. */
export async function requireProviders(names: readonly ProviderName[], flag: Label = opt('providers')): Promise<void> {
  requireAvailable(names, await availableProviders(), flag);
}

function requireAvailable(names: readonly ProviderName[], statuses: ProviderStatus[], flag: Label): void {
  const missing = names.map((n) => statuses.find((s) => s.provider === n)!).filter((s) => !s.available);
  if (missing.length === 0) return;
  const fixes = [...new Map(missing.map((s) => [String(s.fix), s.fix!])).values()];
  throw new BadInputError(
    msg`${flag}: ${missing.map((s) => `${s.provider} is not available: ${s.reason}`).join('; ')}`,
    msg`${joinText(fixes, '; or ')}; or leave ${missing.map((s) => s.provider).join(', ')} out of ${flag} (auto reports missing providers as skipped rows)`,
  );
}

async function gatherFacts(): Promise<ProviderFacts> {
  const ort = await loadOrt();
  const packageJson = ortPackageJson();
  const binFolder = packageJson ? join(dirname(packageJson), 'bin', 'napi-v6', process.platform, process.arch) : null;
  return {
    ortVersion: ort.env.versions.node ?? ort.env.versions.common,
    platform: `${process.platform}/${process.arch}`,
    listed: ort.listSupportedBackends().map((b) => b.name),
    binFolder: binFolder && existsSync(binFolder) ? binFolder : null,
    nvidiaDriver: nvidiaDriver(),
    probe: (provider) => (provider === 'cpu' || provider === 'reference' ? probeCpu() : probeInChild(provider)),
  };
}

const NVIDIA_DRIVER_PROC = '/proc/driver/nvidia/version';

function nvidiaDriver(): ProviderFacts['nvidiaDriver'] {
  if (process.platform !== 'linux') return null;
  return existsSync(NVIDIA_DRIVER_PROC)
    ? { present: true, evidence: `${NVIDIA_DRIVER_PROC} exists` }
    : { present: false, evidence: `no NVIDIA driver: ${NVIDIA_DRIVER_PROC} absent` };
}

function ortPackageJson(): string | null {
  try {
    return createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
  } catch {
    return null;
  }
}

/** A one-node model (Identity on float[1]) that any provider can place. */
export function probeModelBytes(): Uint8Array {
  return encodeModel(identityModel(8, 17));
}

async function probeCpu(): Promise<string | null> {
  const ort = await loadOrt();
  try {
    const session = await ort.InferenceSession.create(probeModelBytes(), { executionProviders: ['cpu'], logSeverityLevel: 4 });
    await session.release();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

// Run with `node -e` so it works the same from source and from the bundle. ONNX Runtime's
// exception says only "Failed to load shared library"; the library that failed and why
// ("libcudnn.so.9: cannot open shared object file") is in its error log on stderr.
const CHILD_PROBE = `
const ort = require(process.env.QG_ORT);
ort.env.logLevel = 'error';
ort.InferenceSession.create(new Uint8Array(Buffer.from(process.env.QG_MODEL, 'base64')), { executionProviders: [process.env.QG_PROVIDER] })
  .then((s) => s.release())
  .then(() => process.exit(0), (e) => { process.stderr.write('\\nQG_REFUSAL ' + String(e && e.message || e).split('\\n')[0] + '\\n'); process.exit(1); });
`;

/** ONNX Runtime's refusal from the probe's stderr: the exception, with the logged cause if any. */
export function refusalFromStderr(stderr: string): string | null {
  const lines = stderr.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean);
  const refusal = lines.find((l) => l.startsWith('QG_REFUSAL '))?.slice('QG_REFUSAL '.length) ?? null;
  const logged = lines.filter((l) => /\[E:onnxruntime/.test(l)).map((l) => l.replace(/^.*?(FAIL|EP_FAIL|RUNTIME_EXCEPTION|NOT_IMPLEMENTED|INVALID_ARGUMENT) : /, '').replace(/^.*\] /, ''));
  const cause = logged.at(-1);
  if (refusal === null) return cause ?? (lines.at(-1) || null);
  return clip(cause && !refusal.includes(cause) ? `${refusal} (${cause})` : refusal);
}

/**
 * Creates a session on `provider` in a child process; resolves to ONNX Runtime's refusal, or null.
 * Used for the GPU providers once their libraries are found, which is UNRUN here.
 */
export function probeInChild(provider: ProviderName): Promise<string | null> {
  const packageJson = ortPackageJson();
  if (!packageJson) return Promise.resolve('onnxruntime-node could not be located');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD_PROBE], {
      env: { ...process.env, QG_ORT: dirname(packageJson), QG_PROVIDER: provider, QG_MODEL: Buffer.from(probeModelBytes()).toString('base64') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error) => resolve(error.message));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(null);
      else resolve(refusalFromStderr(stderr) ?? `the probe process ended with ${signal ?? `exit code ${code}`}`);
    });
  });
}

function clip(line: string): string {
  return line.length > 600 ? `${line.slice(0, 600)}…` : line;
}
