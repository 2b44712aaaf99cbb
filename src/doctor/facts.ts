/**
 * What `quantgate doctor` knows about a runner, as plain data: gathered by gather.ts on a real
 * machine, written by hand in tests. checks.ts turns it into lines.
 */
import type { AddonHeaders } from '../../native/lib/find-headers.mjs';
import type { ProviderStatus } from '../runtime/onnxruntime/providers.js';
import type { Capabilities } from '../runtime/tensorrt/binding.js';
import type { AddonUnavailable } from '../runtime/tensorrt/load.js';

export interface ToolVersion {
  /** The command that answered, e.g. "g++". */
  command: string;
  version: string;
}

export interface DoctorFacts {
  nodeVersion: string;
  platform: string;
  /** /proc/driver/nvidia/version's first line, or null when absent (null too off Linux). */
  nvidiaDriverProc: string | null;
  /** The addon: loaded (with capabilities, or capabilities' error) or why not. */
  addon:
    | { loaded: true; path: string; capabilities: Capabilities | null; capabilitiesError: string | null }
    | { loaded: false; reason: AddonUnavailable };
  /**
   * Where libnvinfer is, found by a file search (runtime/tensorrt/library-search.ts), null when
   * nowhere: what says "TensorRT is here" when the addon that would load it is not built.
   */
  tensorrtLibrary: string | null;
  /** ONNX Runtime's providers; null with the error when onnxruntime-node itself failed. */
  providers: ProviderStatus[] | null;
  providersError: string | null;
  compiler: ToolVersion | null;
  cmake: ToolVersion | null;
  headers: AddonHeaders;
}
