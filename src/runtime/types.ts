/**
 * The runtime interface every backend implements (ONNX Runtime now, TensorRT through the native
 * addon later): load, run, dispose, with the life cycle of Polygraphy's runners.
 */
import type { HostTensor } from '../data/types.js';

export type RuntimeName = 'onnxruntime' | 'tensorrt';
/** ONNX Runtime execution providers; `reference` is the unfused CPU simulation (graph optimisations off). */
export type ProviderName = 'cpu' | 'cuda' | 'tensorrt' | 'reference';

export interface LoadInfo {
  /** Wall time of creating the session (or deserializing the engine), ms. */
  loadMs: number;
  /** Names of the model's inputs and outputs as the runtime sees them. */
  inputNames: string[];
  outputNames: string[];
}

export interface Runner {
  readonly runtime: RuntimeName;
  readonly provider: ProviderName;
  /** Creates the session; must be called once before run. */
  load(): Promise<LoadInfo>;
  /** Runs one batch; returns the requested outputs (all when `outputs` is omitted). */
  run(feeds: Record<string, HostTensor>, outputs?: string[]): Promise<Record<string, HostTensor>>;
  /** Releases the session. Refused while a run is in flight. */
  dispose(): Promise<void>;
}
