/**
 * This machine's CPU: model, logical CPUs and int8 support, from /proc/cpuinfo on Linux and
 * sysctl on macOS. Elsewhere (or when neither can be read) the int8 features are reported as none,
 * which makes the quantizer pick the layout that is safe without VNNI.
 */
import { type CpuInt8Support, int8Support } from './cpu-int8.js';
import { parseCpuInfo } from './cpuinfo.js';
import { int8FromSysctl, parseSysctl, SYSCTL_KEYS } from './sysctl.js';
import { realSystem, type System } from './system.js';

export interface CpuDescription {
  model: string;
  /** Logical CPUs available to this process. */
  cores: number;
  int8: CpuInt8Support;
}

/** The CPU's int8 dot-product support; what `--target-cpu auto` lays the ONNX Runtime model out for. */
export function detectCpuInt8(system: System = realSystem): CpuInt8Support {
  return detectCpu(system).int8;
}

export function detectCpu(system: System = realSystem): CpuDescription {
  const { platform, arch } = system;
  const cores = system.logicalCpus();
  if (platform === 'linux') {
    const text = system.readText('/proc/cpuinfo');
    if (text !== null) {
      const info = parseCpuInfo(text, arch);
      return { model: info.model ?? system.cpuModel() ?? 'unknown', cores, int8: info.int8 };
    }
    return { model: system.cpuModel() ?? 'unknown', cores, int8: int8Support(arch, [], 'none', '/proc/cpuinfo could not be read: no int8 features assumed') };
  }
  if (platform === 'darwin') {
    const result = system.runSync('sysctl', SYSCTL_KEYS, { timeoutMs: 3000 });
    if (result && result.stdout.trim()) {
      const values = parseSysctl(result.stdout);
      return { model: values.get('machdep.cpu.brand_string') ?? system.cpuModel() ?? 'unknown', cores, int8: int8FromSysctl(values, arch) };
    }
    return { model: system.cpuModel() ?? 'unknown', cores, int8: int8Support(arch, [], 'none', 'sysctl could not be run: no int8 features assumed') };
  }
  return { model: system.cpuModel() ?? 'unknown', cores, int8: int8Support(arch, [], 'none', `int8 features are not detected on ${platform}: none assumed`) };
}
