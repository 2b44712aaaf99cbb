/**
 * Messages between the benchmark and its worker processes (child_process IPC with the
 * 'advanced' serialization, so typed arrays cross as they are). Plain data only. The parent
 * sends one request at a time and waits for its reply.
 */
import type { HostTensor } from '../data/types.js';
import type { ResolvedSessionSettings, SessionSettings } from '../runtime/session-options.js';
import type { ProviderName } from '../runtime/types.js';

export interface WorkerSession extends SessionSettings {
  modelPath: string;
  provider: ProviderName;
}

export interface WorkerRequests {
  /** Creates and releases a session on a one-node model: brings up the GPU context before loading. */
  'init-device': { provider: ProviderName };
  /** Marks the RSS, creates the session, binds the batch. */
  load: { session: WorkerSession; feeds: Record<string, HostTensor> };
  warmup: { ms: number };
  round: { minIterations: number; minMs: number };
  memory: Record<string, never>;
  /** Releases the session; the worker exits after replying. */
  dispose: Record<string, never>;
}

export interface WorkerReplies {
  'init-device': Record<string, never>;
  load: { loadMs: number; inputNames: string[]; outputNames: string[]; settings: ResolvedSessionSettings };
  warmup: { iterations: number; ms: number };
  round: { samplesMs: Float64Array; wallMs: number };
  memory: {
    /** RSS after the batch arrived, before the session was created, bytes. */
    rssBeforeBytes: number;
    /** Peak RSS since that mark (or of the process's lifetime when `peakSinceMark` is false), bytes. */
    peakRssBytes: number;
    peakSinceMark: boolean;
  };
  dispose: Record<string, never>;
}

export type WorkerRequestType = keyof WorkerRequests;

export type WorkerRequest = { [K in WorkerRequestType]: { id: number; type: K } & WorkerRequests[K] }[WorkerRequestType];

export type WorkerReply =
  | { id: number; ok: true; result: WorkerReplies[WorkerRequestType] }
  | { id: number; ok: false; error: { name: string; message: string } };
