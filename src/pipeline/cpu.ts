/**
 * The CPU facts the quantizer lays the ONNX Runtime model out for: the flags, and, when the
 * target is this machine, a measurement of ONNX Runtime's own U8S8 kernel (flags can mislead
 * under a hypervisor; the kernel's answer does not).
 */
import type { TargetCpu } from '../config/types.js';
import { detectCpuInt8 } from '../environment/cpu.js';
import { probeInt16Saturation } from '../environment/int8-probe.js';
import type { Log } from '../log.js';
import type { CpuInt8 } from '../quantize/cpu-layout.js';

export async function cpuForLayout(target: TargetCpu, log: Log): Promise<CpuInt8> {
  const cpu = detectCpuInt8();
  if (target !== 'auto' || cpu.arch !== 'x64') return cpu;
  try {
    const probe = await probeInt16Saturation();
    return { ...cpu, measuredSaturation: probe.int16Saturation };
  } catch (error) {
    log.debug(`int8 probe failed (${(error as Error).message}); using the CPU flags`);
    return cpu;
  }
}
