/**
 * The typed configuration each command runs with: what `resolveConfig` returns after merging
 * flags (or action inputs), quantgate.yml and defaults, and validating every value.
 */
import type { METHODS, PREPROCESS, PROVIDERS, RUNTIMES, TARGET_CPUS } from './options.js';

export type Runtime = (typeof RUNTIMES)[number];
export type Provider = (typeof PROVIDERS)[number];
export type Method = (typeof METHODS)[number];
export type TargetCpu = (typeof TARGET_CPUS)[number];
export type Preprocess = (typeof PREPROCESS)[number];

/** Where a value came from: `--threads`, `quantgate.yml: threads`, `input 'threads'` or `default`. */
export type Sources = Record<string, string>;

export interface QuantizeSettings {
  calibrationData?: string;
  preprocess?: Preprocess;
  inputShapes: Record<string, number[]>;
  method: Method;
  percentile: number;
  exclude: string[];
  targetCpu: TargetCpu;
  threads?: number;
  seed: number;
  randomIntRange: [number, number];
}

export interface QuantizeConfig extends QuantizeSettings {
  model: string;
  /** --calibration-samples: the most samples calibration reads. */
  calibrationSamples: number;
  ranges?: string;
  out: string;
  json: boolean;
  sources: Sources;
}

export interface RunConfig extends QuantizeSettings {
  model: string;
  /** --calibration-samples: the most samples calibration reads. */
  calibrationSamples: number;
  evalData?: string;
  labels?: string;
  runtimes: 'auto' | Runtime[];
  providers: 'auto' | Provider[];
  batchSizes: number[];
  warmupMs: number;
  minIterations: number;
  minTimeMs: number;
  output?: string;
  baseline?: string;
  baselineModel?: string;
  maxAccuracyDrop: number;
  maxDisagreement?: number;
  maxLatencyRegression?: number;
  exportCommand?: string;
  out: string;
  json: boolean;
  sources: Sources;
}

export interface InspectConfig {
  model: string;
  nodes: boolean;
  json: boolean;
  sources: Sources;
}

export interface CompareConfig {
  maxAccuracyDrop: number;
  maxLatencyRegression?: number;
  json: boolean;
  sources: Sources;
}

export interface DemoConfig {
  out: string;
  sources: Sources;
}

export interface ConfigByCommand {
  run: RunConfig;
  quantize: QuantizeConfig;
  inspect: InspectConfig;
  compare: CompareConfig;
  demo: DemoConfig;
}
