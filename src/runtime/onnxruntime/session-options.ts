/**
 * The ONNX Runtime session settings quantgate exposes, and their translation into
 * onnxruntime-node's SessionOptions for one execution provider.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { ProviderName } from '../types.js';

export type GraphOptimization = 'all' | 'extended' | 'basic' | 'disabled';

export interface SessionSettings {
  /** Intra-op threads; undefined leaves ONNX Runtime's default (one per physical core). */
  threads?: number;
  /** Graph optimisation level; the `reference` provider always runs with `disabled`. */
  graphOptimization?: GraphOptimization;
  /**
   * `session.intra_op.allow_spinning`: whether idle intra-op threads busy-wait for the next
   * task. ONNX Runtime's default is on; it lowers latency on a quiet machine but burns the cores
   * that another session (or another process) would use.
   */
  allowSpinning?: boolean;
  /**
   * `session.force_spinning_stop`: threads spin while a run is in progress and park the moment it
   * returns, so that an idle session's threads do not spin while another session is timed.
   */
  stopSpinningAfterRun?: boolean;
}

/** The settings a session actually ran with: what a result records (a flat RunnerSettings). */
export type ResolvedSessionSettings = {
  threads: number | null;
  graphOptimization: GraphOptimization;
  allowSpinning: boolean;
  stopSpinningAfterRun: boolean;
};

export function resolveSessionSettings(provider: ProviderName, settings: SessionSettings): ResolvedSessionSettings {
  if (settings.threads !== undefined && !(Number.isInteger(settings.threads) && settings.threads >= 1)) {
    throw new Error(`intra-op threads must be a whole number ≥ 1, got ${settings.threads}`);
  }
  return {
    threads: settings.threads ?? null,
    // The reference provider is the unfused simulation: Q/DQ pairs must stay nodes computed in
    // float, which any level of graph optimisation would fuse into integer kernels.
    graphOptimization: provider === 'reference' ? 'disabled' : (settings.graphOptimization ?? 'all'),
    allowSpinning: settings.allowSpinning ?? true,
    stopSpinningAfterRun: settings.stopSpinningAfterRun ?? false,
  };
}

/**
 * Execution providers in priority order. ONNX Runtime assigns each node to the first provider
 * that has a kernel for it, so the GPU lists end with the CPU for the few nodes they lack
 * (TensorRT's own advice: TensorRT, then CUDA, then CPU).
 */
export function executionProviders(provider: ProviderName): string[] {
  switch (provider) {
    case 'cpu':
    case 'reference':
      return ['cpu'];
    case 'cuda':
      return ['cuda', 'cpu'];
    case 'tensorrt':
      return ['tensorrt', 'cuda', 'cpu'];
  }
}

export function sessionOptions(provider: ProviderName, settings: ResolvedSessionSettings): InferenceSession.SessionOptions {
  return {
    executionProviders: executionProviders(provider),
    graphOptimizationLevel: settings.graphOptimization,
    ...(settings.threads !== null ? { intraOpNumThreads: settings.threads } : {}),
    executionMode: 'sequential',
    // Errors reach us as exceptions; ONNX Runtime's own warnings would only add noise to stderr.
    logSeverityLevel: 3,
    extra: spinningConfig(settings),
  };
}

/** ONNX Runtime's session config entries for a spinning policy (onnxruntime-node's `extra`). */
export function spinningConfig(policy: Pick<ResolvedSessionSettings, 'allowSpinning' | 'stopSpinningAfterRun'>): Record<string, unknown> {
  return { session: { intra_op: { allow_spinning: policy.allowSpinning ? '1' : '0' }, force_spinning_stop: policy.stopSpinningAfterRun ? '1' : '0' } };
}
