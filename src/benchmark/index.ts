/** The benchmark stage: what the pipeline imports. */
export { benchmark, benchmarkInterleaved } from './benchmark.js';
export type { BenchmarkFailure, BenchmarkOutcome, BenchmarkProgress, BenchmarkResult, BenchmarkSpec, Memory, ProgressListener, RoundSummary } from './benchmark.js';
export { batchSupport, type BatchSupport } from './batch-support.js';
export { DEFAULT_SETTINGS, resolveSettings, type BenchmarkSettings } from './settings.js';
export { coefficientOfVariation, latencyStatistics, percentile, throughput } from './statistics.js';
export { runFields, skippedFields, type BenchmarkRunFields } from './run-fields.js';
