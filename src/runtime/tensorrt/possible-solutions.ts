/**
 * The one "possible solutions" message for a TensorRT that cannot run here (lovell/sharp's
 * lib/sharp.mjs is the model): what was tried, what dlopen said, what was found against what is
 * required, and what to install or set. Built from the addon's load result and its
 * `capabilities()`, both plain data, so every case is tested without a GPU.
 */
import type { Capabilities, LibraryFailure } from './binding.js';
import type { AddonUnavailable } from './load.js';

/** The TensorRT majors this version of quantgate builds engines with. */
export const SUPPORTED_TENSORRT_MAJORS = [10, 11] as const;

function parseVersion(version: string): [number, number, number] | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

function older(a: [number, number, number], b: [number, number, number]): boolean {
  return a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
}

/**
 * A loaded TensorRT whose version is outside what this addon can use, or null: a major other
 * than 10 or 11, or a library older than the headers the addon was compiled against (the addon
 * calls interface methods those headers declare; an older library's objects lack them, and
 * calling one is undefined behaviour, not an error).
 */
export function tensorRtVersionProblem(capabilities: Capabilities): { problem: string; fix: string } | null {
  const found = capabilities.tensorrt.available ? capabilities.tensorrt.version : null;
  if (!found) return null;
  const version = parseVersion(found);
  const compiled = parseVersion(capabilities.compiledAgainst.tensorrt);
  if (!version) return { problem: `TensorRT reports a version quantgate cannot read ('${found}')`, fix: 'install TensorRT 10 or 11 from NVIDIA' };
  if (!(SUPPORTED_TENSORRT_MAJORS as readonly number[]).includes(version[0])) {
    return {
      problem: `TensorRT ${found} is outside the supported range (${SUPPORTED_TENSORRT_MAJORS.map((m) => `${m}.x`).join(' and ')})`,
      fix: 'install TensorRT 10 or 11 and rebuild the addon against its headers (`TENSORRT_ROOT=... npm run build:native`)',
    };
  }
  if (compiled && compiled[0] === version[0] && older(version, compiled)) {
    return {
      problem: `TensorRT ${found} is older than the TensorRT ${capabilities.compiledAgainst.tensorrt} headers the addon was built with`,
      fix: `rebuild the addon against this TensorRT's headers (\`TENSORRT_ROOT=... npm run build:native\`), or install TensorRT ${compiled[0]}.${compiled[1]} or newer ${compiled[0]}.x`,
    };
  }
  return null;
}

/** The blocking problems, in the order they must be fixed; empty when TensorRT can run. */
export function tensorRtBlockers(capabilities: Capabilities): { problem: string; failure: LibraryFailure | null; fix: string }[] {
  const blockers: { problem: string; failure: LibraryFailure | null; fix: string }[] = [];
  const add = (failure: LibraryFailure) => blockers.push({ problem: failure.reason, failure, fix: failure.fix });
  if (capabilities.tensorrt.failure) add(capabilities.tensorrt.failure);
  const version = tensorRtVersionProblem(capabilities);
  if (version) blockers.push({ ...version, failure: null });
  if (capabilities.cuda.failure) add(capabilities.cuda.failure);
  else if (capabilities.cuda.deviceCount === 0 && !capabilities.nvml.available) {
    // The driver ships NVML: with neither a device nor NVML, the driver is what is missing.
    blockers.push({
      problem: `no NVIDIA driver on this runner (the CUDA runtime sees no GPU${capabilities.cuda.deviceError ? `: ${capabilities.cuda.deviceError}` : ''}; NVML could not be loaded)`,
      failure: null,
      fix: 'install the NVIDIA driver (nvidia-smi should list the GPU); in a container, pass the GPU in (--gpus all with the NVIDIA container toolkit)',
    });
  } else if (capabilities.cuda.deviceCount === 0) {
    blockers.push({
      problem: `the CUDA runtime sees no GPU${capabilities.cuda.deviceError ? ` (${capabilities.cuda.deviceError})` : ''}`,
      failure: null,
      fix: 'run on a machine with an NVIDIA GPU and driver; in a container pass the GPU in (--gpus all); check CUDA_VISIBLE_DEVICES',
    });
  }
  if (!capabilities.gpu.available && capabilities.cuda.available && capabilities.cuda.deviceCount !== 0 && capabilities.gpu.reason) {
    blockers.push({ problem: capabilities.gpu.reason, failure: null, fix: 'check CUDA_VISIBLE_DEVICES and the device ordinal' });
  }
  return blockers;
}

function describeFailure(failure: LibraryFailure): string[] {
  const lines: string[] = [];
  if (failure.tried.length > 0) {
    lines.push(`  tried (dlopen):`);
    for (const attempt of failure.tried) lines.push(`    ${attempt.candidate}: ${attempt.error ?? 'loaded'}`);
  }
  if (failure.found) lines.push(`  found: ${failure.found}`);
  if (failure.required) lines.push(`  required: ${failure.required}`);
  return lines;
}

/** The message when the addon itself could not be loaded. */
export function addonUnavailableMessage(reason: AddonUnavailable): string {
  const lines = [`Could not use TensorRT: ${reason.message}.`];
  if (reason.kind === 'not-built') lines.push(...reason.tried.map((p) => `  looked for ${p}`));
  lines.push('Possible solutions:', `- ${reason.fix}`);
  return lines.join('\n');
}

/**
 * The message when the addon loaded but TensorRT cannot run; null when nothing blocks it.
 * Ends with what the addon was built against, for bug reports.
 */
export function possibleSolutions(capabilities: Capabilities): string | null {
  const blockers = tensorRtBlockers(capabilities);
  if (blockers.length === 0) return null;
  const lines = ['Could not use TensorRT:'];
  for (const blocker of blockers) {
    lines.push(`- ${blocker.problem}`);
    if (blocker.failure) lines.push(...describeFailure(blocker.failure));
  }
  lines.push('Possible solutions:');
  for (const fix of [...new Set(blockers.map((b) => b.fix))]) lines.push(`- ${fix}`);
  lines.push(
    `(the addon was built against TensorRT ${capabilities.compiledAgainst.tensorrt} and CUDA ${formatCudaVersion(capabilities.compiledAgainst.cudaRuntime)} headers; \`quantgate doctor\` lists everything this runner has)`,
  );
  return lines.join('\n');
}

/** 12090 → "12.9". */
export function formatCudaVersion(value: number | null): string {
  if (value === null) return 'unknown';
  return `${Math.floor(value / 1000)}.${Math.floor((value % 1000) / 10)}`;
}
