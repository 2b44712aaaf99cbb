/**
 * Whether TensorRT can run here: the addon loads, and its capabilities() finds TensorRT (of a
 * supported version: possible-solutions.ts), the CUDA runtime and a GPU. Unavailable comes with a
 * one-line reason (what a skipped row says), the fix, and the full "possible solutions" text
 * (what a log or `quantgate doctor` shows).
 *
 * Where the addon itself is missing it cannot say what it would have found, so a file search
 * (library-search.ts) tells "no TensorRT on this runner (libnvinfer not found)" from "TensorRT
 * found but the addon is not built": the first is a CPU runner working as intended, the second a
 * GPU runner one command away from TensorRT rows.
 */
import type { Capabilities, TensorRtBinding } from './binding.js';
import { findTensorRtLibrary, addonMissingReason } from './library-search.js';
import { BUILD_COMMAND, type AddonLoad, loadTensorRtAddon } from './load.js';
import { addonUnavailableMessage, possibleSolutions, tensorRtBlockers } from './possible-solutions.js';

export type TensorRtProbe =
  | { available: true; binding: TensorRtBinding; capabilities: Capabilities; addonPath: string }
  | { available: false; reason: string; fix: string; possibleSolutions: string; binding: TensorRtBinding | null; capabilities: Capabilities | null };

const INSTALL_FIX = `install TensorRT 10 or 11 on a runner with an NVIDIA GPU, then build the addon with \`${BUILD_COMMAND}\``;

export async function probeTensorRt(
  load: AddonLoad = loadTensorRtAddon(),
  device = 0,
  findLibrary: () => Promise<string | null> = () => findTensorRtLibrary(),
): Promise<TensorRtProbe> {
  if (!load.ok) {
    const text = addonUnavailableMessage(load.reason);
    if (load.reason.kind === 'unsupported-platform') {
      return { available: false, reason: load.reason.message, fix: load.reason.fix, possibleSolutions: text, binding: null, capabilities: null };
    }
    const library = await findLibrary();
    return {
      available: false,
      reason: addonMissingReason(library, load.reason.message),
      fix: library ? load.reason.fix : INSTALL_FIX,
      possibleSolutions: `${text}\n${library ? `(libnvinfer is at ${library})` : '(no libnvinfer.so was found on LD_LIBRARY_PATH, under TENSORRT_ROOT, in the usual folders or in the ld.so cache)'}`,
      binding: null,
      capabilities: null,
    };
  }
  let capabilities: Capabilities;
  try {
    capabilities = await load.binding.capabilities({ device });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return {
      available: false,
      reason: `the TensorRT addon's capabilities() failed: ${text}`,
      fix: `rebuild the addon with \`${BUILD_COMMAND}\``,
      possibleSolutions: `Could not use TensorRT: capabilities() failed: ${text}\nPossible solutions:\n- rebuild the addon with \`${BUILD_COMMAND}\``,
      binding: load.binding,
      capabilities: null,
    };
  }
  const blockers = tensorRtBlockers(capabilities);
  if (blockers.length > 0) {
    const first = blockers[0]!;
    const tried = first.failure && first.failure.tried.length > 0 ? ` (tried ${first.failure.tried.map((t) => t.candidate).join(', ')})` : '';
    return { available: false, reason: `${first.problem}${tried}`, fix: first.fix, possibleSolutions: possibleSolutions(capabilities)!, binding: load.binding, capabilities };
  }
  return { available: true, binding: load.binding, capabilities, addonPath: load.path };
}
