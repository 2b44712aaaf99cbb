/**
 * The doctor's verdict, one line per thing a runner needs for quantgate's GPU rows: ok, or what
 * is wrong and what to install or set. Pure: every case is tested with hand-written facts.
 *
 * "warn" marks what only some rows need (the addon's build tools once it is built, a provider
 * the user may not want); "missing" marks what keeps TensorRT rows from running.
 */
import { withoutLeadingName } from '../message.js';
import { GPU_INSTALL_COMMAND } from '../runtime/onnxruntime/providers.js';
import type { LibraryFailure } from '../runtime/tensorrt/binding.js';
import { formatCudaVersion, tensorRtVersionProblem } from '../runtime/tensorrt/possible-solutions.js';
import type { DoctorFacts } from './facts.js';

export type DoctorStatus = 'ok' | 'warn' | 'missing';

export interface DoctorLine {
  /** What is checked: "NVIDIA driver", "TensorRT", "ONNX Runtime cuda provider". */
  check: string;
  status: DoctorStatus;
  /** What was found, or what is wrong. */
  detail: string;
  /** What to do; null when ok. */
  fix: string | null;
}

const MIN_NODE_MAJOR = 20;

function line(check: string, status: DoctorStatus, detail: string, fix: string | null = null): DoctorLine {
  return { check, status, detail, fix: status === 'ok' ? null : fix };
}

/** Why a library is missing, without the library's own name (`name`), which the line's label already says. */
function failureDetail(failure: LibraryFailure, name: string): string {
  const tried = failure.tried.length > 0 ? ` (tried ${failure.tried.map((t) => t.candidate).join(', ')})` : '';
  const found = failure.found ? `; found ${failure.found}` : '';
  return `${withoutLeadingName(failure.reason, name)}${tried}${found}`;
}

function nodeLine(facts: DoctorFacts): DoctorLine {
  const major = Number(/^v(\d+)/.exec(facts.nodeVersion)?.[1]);
  return major >= MIN_NODE_MAJOR
    ? line('Node.js', 'ok', `${facts.nodeVersion} (${facts.platform})`)
    : line('Node.js', 'missing', `${facts.nodeVersion} is older than ${MIN_NODE_MAJOR}`, 'install Node.js 20 or newer (24 is what GitHub runs actions on)');
}

function driverLine(facts: DoctorFacts): DoctorLine {
  const nvml = facts.addon.loaded ? facts.addon.capabilities?.nvml : null;
  if (nvml?.available) return line('NVIDIA driver', 'ok', `${nvml.driverVersion} (supports CUDA ${formatCudaVersion(nvml.cudaDriverVersion)})`);
  if (facts.nvidiaDriverProc) return line('NVIDIA driver', 'ok', facts.nvidiaDriverProc);
  return line('NVIDIA driver', 'missing', 'no NVIDIA driver is loaded (/proc/driver/nvidia/version is absent)', 'run on a machine with an NVIDIA GPU and its driver; in a container, pass the GPU in (--gpus all with the NVIDIA container toolkit)');
}

function addonLines(facts: DoctorFacts): DoctorLine[] {
  if (!facts.addon.loaded) {
    return [
      line('TensorRT addon', 'missing', facts.addon.reason.message, facts.addon.reason.fix),
      facts.tensorrtLibrary
        ? line('TensorRT', 'ok', `${facts.tensorrtLibrary} (found by a file search; the addon, once built, loads it and checks its version)`)
        : line('TensorRT', 'missing', 'no TensorRT on this runner (libnvinfer not found on LD_LIBRARY_PATH, under TENSORRT_ROOT, in the usual folders or the ld.so cache)', 'install TensorRT 10 or 11 (e.g. `pip install tensorrt-cu12`, then put its lib folder on LD_LIBRARY_PATH)'),
    ];
  }
  const lines = [line('TensorRT addon', 'ok', facts.addon.path)];
  const c = facts.addon.capabilities;
  if (!c) {
    lines.push(line('TensorRT', 'missing', `capabilities() failed: ${facts.addon.capabilitiesError ?? 'unknown error'}`, 'rebuild the addon with `npm run build:native`'));
    return lines;
  }
  const version = tensorRtVersionProblem(c);
  lines.push(
    version
      ? line('TensorRT', 'missing', `${version.problem} (${c.tensorrt.library})`, version.fix)
      : c.tensorrt.available
        ? line('TensorRT', 'ok', `${c.tensorrt.version} (${c.tensorrt.library}); ONNX parser ${c.tensorrt.parserVersion} (${c.tensorrt.parserLibrary}); addon built against ${c.compiledAgainst.tensorrt}`)
        : line('TensorRT', 'missing', failureDetail(c.tensorrt.failure!, 'TensorRT'), c.tensorrt.failure!.fix),
  );
  lines.push(
    c.cuda.available
      ? c.cuda.deviceCount === 0
        ? line('CUDA runtime', 'missing', `${formatCudaVersion(c.cuda.runtimeVersion)} (${c.cuda.library}) sees no GPU${c.cuda.deviceError ? `: ${c.cuda.deviceError}` : ''}`, 'check the driver and CUDA_VISIBLE_DEVICES')
        : line('CUDA runtime', 'ok', `${formatCudaVersion(c.cuda.runtimeVersion)} (${c.cuda.library}); driver supports ${formatCudaVersion(c.cuda.driverVersion)}`)
      : line('CUDA runtime', 'missing', failureDetail(c.cuda.failure!, 'the CUDA runtime'), c.cuda.failure!.fix),
  );
  lines.push(c.nvml.available ? line('NVML', 'ok', `${c.nvml.library}`) : line('NVML', 'warn', `${failureDetail(c.nvml.failure!, 'NVML')}: no power or energy figures`, c.nvml.failure!.fix));
  const gpu = c.gpu;
  if (gpu.available) {
    const memory = gpu.totalMemoryBytes !== null ? `, ${(gpu.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB` : '';
    const power = gpu.powerLimitWatts !== null ? `, power limit ${gpu.powerLimitWatts} W` : '';
    lines.push(line('GPU', 'ok', `${gpu.name ?? 'unnamed'} (compute ${gpu.computeCapability ?? '?'}${memory}${power})`));
  } else {
    lines.push(line('GPU', 'missing', gpu.reason ?? 'no GPU', 'run on a machine with an NVIDIA GPU; check CUDA_VISIBLE_DEVICES'));
  }
  return lines;
}

function providerLines(facts: DoctorFacts): DoctorLine[] {
  if (!facts.providers) return [line('ONNX Runtime', 'missing', facts.providersError ?? 'onnxruntime-node could not be loaded', 'reinstall quantgate\'s dependencies (npm ci)')];
  return facts.providers
    .filter((p) => p.provider !== 'reference')
    .map((p) =>
      p.available
        ? line(`ONNX Runtime ${p.provider} provider`, 'ok', 'available')
        : line(`ONNX Runtime ${p.provider} provider`, p.provider === 'cpu' ? 'missing' : 'warn', p.reason!, p.fix === null ? GPU_INSTALL_COMMAND : String(p.fix)),
    );
}

function buildLines(facts: DoctorFacts): DoctorLine[] {
  // Once the addon is built, its build tools are only needed to rebuild it.
  const need: DoctorStatus = facts.addon.loaded ? 'warn' : 'missing';
  const lines: DoctorLine[] = [];
  lines.push(facts.compiler ? line('C++ compiler', 'ok', `${facts.compiler.command}: ${facts.compiler.version}`) : line('C++ compiler', need, 'no g++, clang++ or c++ on PATH', 'install a C++17 compiler (e.g. `apt-get install g++`)'));
  lines.push(facts.cmake ? line('CMake', 'ok', facts.cmake.version) : line('CMake', need, 'cmake is not on PATH', 'install CMake 3.16 or newer (e.g. `apt-get install cmake`)'));
  const h = facts.headers;
  for (const [check, found, what] of [
    ['TensorRT headers', h.tensorrt, 'TensorRT headers'],
    ['CUDA runtime headers', h.cuda, 'CUDA runtime headers'],
    ['NVML header', h.nvml, 'NVML header'],
    ['Node-API headers', h.node, 'Node-API headers'],
  ] as const) {
    const problem = h.problems.find((p) => p.what === what);
    if (problem) lines.push(line(check, need, problem.reason, problem.fix));
    else if (found) lines.push(line(check, 'ok', `${found.dir}${found.version ? ` (${found.version})` : ''}`));
  }
  return lines;
}

export function doctorChecks(facts: DoctorFacts): DoctorLine[] {
  return [nodeLine(facts), driverLine(facts), ...addonLines(facts), ...providerLines(facts), ...buildLines(facts)];
}

const TENSORRT_DECISIVE = ['NVIDIA driver', 'TensorRT addon', 'TensorRT', 'CUDA runtime', 'GPU'];
/** What every runner needs, GPU or not. */
export const ALWAYS_REQUIRED: readonly string[] = ['Node.js', 'ONNX Runtime', 'ONNX Runtime cpu provider'];

/** Whether TensorRT rows can run: no "missing" among the lines that decide it. */
export function tensorRtReady(lines: DoctorLine[]): boolean {
  return lines.filter((l) => TENSORRT_DECISIVE.includes(l.check)).every((l) => l.status === 'ok');
}

export interface DoctorVerdict {
  /** The runner has an NVIDIA driver loaded: its owner means it to run TensorRT. */
  gpuRunner: boolean;
  tensorrtReady: boolean;
  /** Everything required is there: Node and ONNX Runtime's CPU provider, and on a GPU runner TensorRT. */
  ok: boolean;
  /** The checks that make `ok` false. */
  missing: string[];
}

/**
 * Whether this runner can run what it has: Node and ONNX Runtime's CPU provider everywhere, and
 * TensorRT's rows on a runner with an NVIDIA driver (a GPU runner that lost TensorRT is what
 * `--runtimes tensorrt` refuses with exit 2). A CPU runner without TensorRT is fine: its
 * TensorRT rows are skipped rows under `--runtimes auto`.
 */
export function doctorVerdict(lines: DoctorLine[]): DoctorVerdict {
  const gpuRunner = lines.some((l) => l.check === 'NVIDIA driver' && l.status === 'ok');
  const required = [...ALWAYS_REQUIRED, ...(gpuRunner ? TENSORRT_DECISIVE : [])];
  const missing = lines.filter((l) => required.includes(l.check) && l.status === 'missing').map((l) => l.check);
  return { gpuRunner, tensorrtReady: tensorRtReady(lines), ok: missing.length === 0, missing };
}
