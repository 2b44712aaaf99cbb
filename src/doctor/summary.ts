/**
 * For the action: when TensorRT did not run on a runner where it was expected (one with an NVIDIA
 * driver loaded), the doctor's checks go into the job summary, so the runner's owner sees what to
 * install or set without running anything else. Called once by src/main.ts after a run, or after a
 * run that stopped (then without results). Diagnostics only: it never throws.
 *
 * UNRUN on a GPU runner (the decision is tested with injected facts).
 */
import type { Results } from '../results/schema.js';
import { doctorChecks, doctorVerdict } from './checks.js';
import type { DoctorFacts } from './facts.js';
import { gatherDoctorFacts } from './gather.js';
import { renderDoctorMarkdown } from './render.js';

/** Whether a run's results leave TensorRT unexplained: it had TensorRT rows and none ran (null: the run stopped before its rows). */
function tensorRtMissingFrom(results: Results | null): boolean {
  if (!results) return true;
  const rows = results.runs.filter((r) => r.runtime === 'tensorrt');
  return rows.length > 0 && rows.every((r) => r.status === 'skipped');
}

/**
 * The doctor's markdown when TensorRT should have run here and could not, else null; written
 * with `write` (the action's job summary).
 */
export async function addDoctorToSummary(
  results: Results | null,
  write: (markdown: string) => Promise<unknown>,
  gather: () => Promise<DoctorFacts> = gatherDoctorFacts,
): Promise<string | null> {
  try {
    if (!tensorRtMissingFrom(results)) return null;
    const lines = doctorChecks(await gather());
    const verdict = doctorVerdict(lines);
    if (!verdict.gpuRunner || verdict.tensorrtReady) return null;
    const markdown = renderDoctorMarkdown(lines, 'quantgate doctor: TensorRT could not run on this GPU runner');
    await write(markdown);
    return markdown;
  } catch {
    return null;
  }
}
