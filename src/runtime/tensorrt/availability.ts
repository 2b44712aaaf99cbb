/**
 * Whether TensorRT can run here: the addon loads, and its capabilities() finds TensorRT, the
 * CUDA runtime and a GPU. Unavailable comes with a one-line reason (what a skipped row says) and
 * the full "possible solutions" text (what a log or `quantgate doctor` shows).
 */
import type { Capabilities, TensorRtBinding } from './binding.js';
import { type AddonLoad, loadTensorRtAddon } from './load.js';
import { addonUnavailableMessage, possibleSolutions, tensorRtBlockers } from './possible-solutions.js';

export type TensorRtProbe =
  | { available: true; binding: TensorRtBinding; capabilities: Capabilities; addonPath: string }
  | { available: false; reason: string; possibleSolutions: string; binding: TensorRtBinding | null; capabilities: Capabilities | null };

export async function probeTensorRt(load: AddonLoad = loadTensorRtAddon(), device = 0): Promise<TensorRtProbe> {
  if (!load.ok) {
    return { available: false, reason: load.reason.message, possibleSolutions: addonUnavailableMessage(load.reason), binding: null, capabilities: null };
  }
  let capabilities: Capabilities;
  try {
    capabilities = await load.binding.capabilities({ device });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return {
      available: false,
      reason: `the TensorRT addon's capabilities() failed: ${text}`,
      possibleSolutions: `Could not use TensorRT: capabilities() failed: ${text}\nPossible solutions:\n- rebuild the addon with \`npm run build:native\``,
      binding: load.binding,
      capabilities: null,
    };
  }
  const blockers = tensorRtBlockers(capabilities);
  if (blockers.length > 0) {
    const first = blockers[0]!;
    const tried = first.failure && first.failure.tried.length > 0 ? ` (tried ${first.failure.tried.map((t) => t.candidate).join(', ')})` : '';
    return { available: false, reason: `${first.problem}${tried}`, possibleSolutions: possibleSolutions(capabilities)!, binding: load.binding, capabilities };
  }
  return { available: true, binding: load.binding, capabilities, addonPath: load.path };
}
