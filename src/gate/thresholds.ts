/** The limits the gate applies, from a config: null where a gate is off. */
import type { CompareConfig, RunConfig } from '../config/types.js';
import type { Thresholds } from '../results/schema.js';

export type { Thresholds };

export const NO_THRESHOLDS: Thresholds = { maxAccuracyDrop: null, maxDisagreement: null, maxLatencyRegression: null };

/** `quantgate run`: the accuracy gate is always on (default 1.0 pp); the others when given. */
export function runThresholds(config: Pick<RunConfig, 'maxAccuracyDrop' | 'maxDisagreement' | 'maxLatencyRegression'>): Thresholds {
  return {
    maxAccuracyDrop: config.maxAccuracyDrop,
    maxDisagreement: config.maxDisagreement ?? null,
    maxLatencyRegression: config.maxLatencyRegression ?? null,
  };
}

/**
 * `quantgate compare`: a gate only where its flag (or quantgate.yml key) was given, since compare
 * exits 1 only when a gate flag is given and fails; the default of --max-accuracy-drop is not a flag.
 */
export function compareThresholds(config: CompareConfig): Thresholds {
  return {
    maxAccuracyDrop: config.sources.maxAccuracyDrop === 'default' || config.sources.maxAccuracyDrop === undefined ? null : config.maxAccuracyDrop,
    maxDisagreement: null,
    maxLatencyRegression: config.maxLatencyRegression ?? null,
  };
}
