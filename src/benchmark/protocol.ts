/**
 * Messages between the benchmark and its worker processes (child_process IPC with the
 * 'advanced' serialization, so typed arrays cross as they are). Plain data only. The parent
 * sends one request at a time and waits for its reply. A request names the backend (its
 * registered name); the worker asks the registry for it.
 */
import type { HostTensor } from '../data/types.js';
import type { OpenOptions } from '../runtime/backend.js';
import type { PowerTrace } from '../runtime/tensorrt/binding.js';
import type { ProviderName, RunnerSettings, RuntimeName, TimedRound } from '../runtime/types.js';

export interface WorkerRequests {
  /** Brings the backend's runtime and the provider's device up (before the memory marks). */
  prime: { backend: RuntimeName; provider: ProviderName };
  /** Marks the RSS, opens and loads the runner, binds the batch. */
  load: { backend: RuntimeName; open: OpenOptions; feeds: Record<string, HostTensor> };
  warmup: { ms: number };
  round: { minIterations: number; minMs: number };
  memory: Record<string, never>;
  /** Releases the runner; the worker exits after replying. */
  dispose: Record<string, never>;
}

export interface WorkerReplies {
  prime: Record<string, never>;
  load: {
    loadMs: number;
    inputNames: string[];
    outputNames: string[];
    settings: RunnerSettings;
    /** GPU rows: whether the worker samples the GPU's power during each timed round, and why not. */
    power: { sampling: boolean; reason: string | null } | null;
  };
  warmup: { iterations: number; ms: number };
  /** The round, and the GPU's power during it where the worker samples it. */
  round: TimedRound & { power: PowerTrace | null };
  memory: {
    /** RSS after the batch arrived, before the runner was created, bytes. */
    rssBeforeBytes: number;
    /** Peak RSS since that mark (or of the process's lifetime when `peakSinceMark` is false), bytes. */
    peakRssBytes: number;
    peakSinceMark: boolean;
    /** The device memory the runner itself reports (Runner.deviceMemoryMB), MiB; null when it does not. */
    runnerDeviceMB: number | null;
  };
  dispose: Record<string, never>;
}

export type WorkerRequestType = keyof WorkerRequests;

export type WorkerRequest = { [K in WorkerRequestType]: { id: number; type: K } & WorkerRequests[K] }[WorkerRequestType];

export type WorkerReply =
  | { id: number; ok: true; result: WorkerReplies[WorkerRequestType] }
  | { id: number; ok: false; error: { name: string; message: string } };
