/**
 * `quantgate doctor [--json]`: what this runner has and lacks for quantgate (src/doctor/), one
 * line per check with the fix. Exit 0 when the runner can run what it has: Node and ONNX
 * Runtime's CPU provider, and TensorRT's rows where an NVIDIA driver is loaded (a CPU runner
 * without TensorRT is fine: its TensorRT rows are skipped rows). Exit 2 when something it needs
 * is missing, the same status `quantgate run --runtimes tensorrt` stops with on a GPU runner that
 * lost TensorRT, so a runner's setup script can fail on it.
 */
import type { DoctorConfig } from '../config/types.js';
import { ExitCode } from '../errors.js';
import { doctorChecks, doctorJson, doctorVerdict, gatherDoctorFacts, renderDoctorText, type DoctorFacts } from '../doctor/index.js';
import type { CommandContext } from './context.js';
import { logSafe } from '../log.js';

export async function doctorCommand(config: DoctorConfig, ctx: CommandContext, gather: () => Promise<DoctorFacts> = gatherDoctorFacts): Promise<number> {
  const lines = doctorChecks(await gather());
  ctx.stdout.write(config.json ? `${JSON.stringify(doctorJson(lines), null, 2)}\n` : logSafe(renderDoctorText(lines)));
  return doctorVerdict(lines).ok ? ExitCode.passed : ExitCode.badInput;
}
