/**
 * results.json, schemaVersion 1: the contract between a run, its report, later runs that use it
 * as a baseline, and whoever scripts against it. Fields may be added, never renamed or removed.
 * The JSON Schema published as schema/results.schema.json is generated from this definition, and
 * baselines are validated against it.
 */
import { z } from 'zod';

export const SCHEMA_VERSION = 1;


/*
 * Ranges. A baseline is untrusted input, and numbers no run can produce (a negative p50, batch
 * 10^15, a p50 of 1e-300 ms) would switch the latency gate off or print absurd changes, so every
 * number is held to what a run can write. (zod 4 refuses NaN and ±Infinity in every number.)
 */
/** 0.1 µs: below any inference an ONNX Runtime or TensorRT call can time. */
export const MIN_LATENCY_MS = 1e-4;
/** One day per iteration. */
export const MAX_LATENCY_MS = 86_400_000;
/** A batch no runner holds; the batch of a model's fixed batch dimension may exceed --batch-sizes' limit. */
export const MAX_BATCH = 2 ** 20;
const count = z.number().int().min(0);
const nonNegative = z.number().min(0);
const latencyMs = z.number().min(MIN_LATENCY_MS).max(MAX_LATENCY_MS);
/** Percentage points between two accuracies. */
const pointsPp = z.number().min(-100).max(100);

/** a ≤ b, allowing for the last bit of rounding (an interpolated p99 may pass the max by one ulp). */
function ordered(a: number, b: number): boolean {
  return a <= b + Math.abs(b) * 1e-9;
}

export const latencySchema = z
  .object({
    p50: latencyMs,
    p90: latencyMs,
    p99: latencyMs,
    mean: latencyMs,
    /** The fastest iteration may be timed at the clock's resolution. */
    min: nonNegative.max(MAX_LATENCY_MS),
    max: latencyMs,
    std: nonNegative,
    /** Coefficient of variation: std / mean. */
    cv: nonNegative,
    iterations: z.number().int().min(1).max(1e9),
  })
  .superRefine((l, ctx) => {
    const chain: [string, number][] = [['min', l.min], ['p50', l.p50], ['p90', l.p90], ['p99', l.p99], ['max', l.max]];
    for (let i = 1; i < chain.length; i++) {
      const [lowName, low] = chain[i - 1]!;
      const [highName, high] = chain[i]!;
      if (!ordered(low, high)) ctx.addIssue({ code: 'custom', message: `${lowName} (${low}) exceeds ${highName} (${high})`, path: [highName] });
    }
    if (!ordered(l.min, l.mean) || !ordered(l.mean, l.max)) ctx.addIssue({ code: 'custom', message: `mean (${l.mean}) is outside min..max (${l.min}..${l.max})`, path: ['mean'] });
  });

export const memorySchema = z.object({
  /** CPU: peak RSS of a child process holding only this session, less its RSS before loading. */
  rssMB: nonNegative.nullable(),
  /** GPU: device memory the runtime reports for this engine/session. */
  deviceMB: nonNegative.nullable(),
  /** GPU: the process's total device memory (CUDA context included). */
  processDeviceMB: nonNegative.nullable(),
});

/** Top-1 and top-5 accuracy as fractions of the samples (0.7602 is 76.02%); top-5 null below 5 classes. */
export const labelledAccuracySchema = z.object({ top1: z.number().min(0).max(1), top5: z.number().min(0).max(1).nullable() });
/** Without labels: top-1 agreement with FP32 as a fraction, mean per-sample cosine, pooled SNR in dB. */
export const fidelitySchema = z.object({ agreement: z.number().min(0).max(1), cosine: z.number().min(-1).max(1), snrDb: z.number().min(-200).max(200) }); // snrDb is clamped to ±SNR_LIMIT_DB

/** The GPU's clocks, temperature and power draw at one moment (NVML); null where the GPU does not say. */
export const gpuStateSchema = z.object({
  smClockMHz: nonNegative.max(1e5).nullable(),
  memoryClockMHz: nonNegative.max(1e5).nullable(),
  temperatureC: z.number().min(-100).max(300).nullable(),
  watts: nonNegative.max(1e5).nullable(),
});

/**
 * Power and energy of a GPU row, from NVML sampled on its own thread during this row's own timed
 * rounds only (interleaved rows each sample their rounds; warm-up is not counted). The figures are
 * the whole GPU's draw, whatever else runs on it, not this process's alone.
 */
export const powerSchema = z.object({
  /** Energy over the sampled time, watts. */
  meanW: nonNegative.max(1e5),
  peakW: nonNegative.max(1e5),
  /** Energy of the timed rounds, joules. */
  joules: nonNegative,
  /** joules over the samples the rounds processed (iterations × batch); null when none were counted. */
  joulesPerInference: nonNegative.nullable(),
  /** Time sampled, ms (the timed rounds). */
  durationMs: nonNegative,
  samples: count,
  /** `counter`: the driver's energy counter; `samples`: the integral of the power samples; `mixed`: some rounds each. */
  energySource: z.enum(['counter', 'samples', 'mixed']),
  /** `instant`: NVML's instantaneous power field; `average`: nvmlDeviceGetPowerUsage (a 1 s average on newer GPUs). */
  powerSource: z.enum(['instant', 'average']),
  /** Before the row's first timed round and after its last. */
  start: gpuStateSchema,
  end: gpuStateSchema,
});

/** A compute layer of a TensorRT engine that runs in a float type although the model quantized it, or left it in float. */
export const fellBackLayerSchema = z.object({
  /** TensorRT's layer name (fused layers join their ONNX node names with " + "). */
  name: z.string(),
  type: z.string(),
  precision: z.string(),
  /** Why it is in float, and what changes that. */
  fix: z.string(),
});

/**
 * The TensorRT engine a row ran: built in this run or taken from this runner's engine cache (only
 * engines this runner built are ever loaded), and which precision its layers run in, from
 * TensorRT's engine inspector.
 */
export const engineSchema = z.object({
  tensorrtVersion: z.string(),
  source: z.enum(['built', 'cache']),
  /** How long the build took, ms (for a cached engine: its original build). */
  buildMs: nonNegative.nullable(),
  /** Why an engine in the cache was not used (another TensorRT, another GPU, a file that did not match its record). */
  cacheNote: z.string().nullable(),
  /** The optimisation profile it was built for, e.g. "batch 1–32, opt 32"; null for static shapes. */
  profile: z.string().nullable(),
  /** TensorRT's build log in the output folder (for a cached engine, its original build's); null when none was kept. */
  buildLog: z.string().nullable(),
  layers: z
    .object({
      total: count,
      /** Layers per precision (int8, fp16, fp32, ... and unknown). */
      counts: z.record(z.string(), count),
      /** Convolutions, matrix multiplies and fused subgraphs: where INT8 pays. */
      computeLayers: count,
      /** Compute layers in INT8 (or narrower). */
      quantizedComputeLayers: count,
      /** INT8 engines only: compute layers that run in a float type, with why and the fix. */
      fellBack: z.array(fellBackLayerSchema),
    })
    .nullable(),
  /** Why `layers` is null. */
  layersNote: z.string().nullable(),
});

export const runSchema = z.object({
  runtime: z.enum(['onnxruntime', 'tensorrt']),
  provider: z.enum(['cpu', 'cuda', 'tensorrt', 'reference']),
  /** fp32 | fp16 | int8.trt | int8.trt.fp16 | int8.ort, prefixed by `base:` for the baseline model's runs. */
  model: z.string(),
  /** The model file this run executed (relative to the output folder where it is inside it). */
  modelFile: z.string().nullable(),
  precision: z.enum(['fp32', 'fp16', 'int8']),
  batch: z.number().int().min(1).max(MAX_BATCH),
  status: z.enum(['ok', 'skipped', 'failed']),
  reason: z.string().nullable(),
  latencyMs: latencySchema.nullable(),
  /** Samples per second. */
  throughput: nonNegative.nullable(),
  memory: memorySchema.nullable(),
  loadMs: nonNegative.nullable(),
  accuracy: z.union([labelledAccuracySchema, fidelitySchema]).nullable(),
  /** FP32 top-1 minus this run's top-1, percentage points (positive is worse); null for FP32 and without labels. */
  accuracyLossPp: pointsPp.nullable(),
  /** Paired bootstrap 95% interval of accuracyLossPp. */
  accuracyLossCi: z
    .tuple([pointsPp, pointsPp])
    .refine(([lo, hi]) => ordered(lo, hi), { error: 'the interval\'s low end exceeds its high end' })
    .nullable(),
  /**
   * The paired counts behind accuracyLossPp: samples FP32 got right and this run got wrong
   * (`toWrong`), and the reverse (`toRight`). Null for FP32 and without labels.
   */
  accuracyFlips: z.object({ toWrong: count, toRight: count }).nullable().optional(),
  /**
   * What the runner ran with that changes its timings, as its backend reports it (ONNX Runtime:
   * `threads`, `graphOptimization`, `allowSpinning`, `stopSpinningAfterRun`). Null where the row was not timed; absent in
   * files written before it was recorded.
   */
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable().optional(),
  /**
   * The timed rounds: `group` names the rows timed together, interleaved round by round (every
   * model of one runtime, provider and batch), and `p50Ms` is each round's median latency in
   * round order, so that round i of two rows of a group pairs up (speedups are medians of these
   * paired ratios). Null where the row was not timed.
   */
  rounds: z.object({ group: z.string(), p50Ms: z.array(z.number().nonnegative()) }).nullable().optional(),
  /** GPU rows (TensorRT, ONNX Runtime's CUDA and TensorRT providers) where NVML could be read; null otherwise. */
  power: powerSchema.nullable().optional(),
  /** TensorRT rows: the engine, its build and its layers' precision. */
  engine: engineSchema.nullable().optional(),
});

export const modelFileSchema = z.object({
  path: z.string(),
  sha256: z.string(),
  bytes: count,
  /** The commit the file was taken from, where known (for baselineModel: the base branch's). */
  commit: z.string().nullable().optional(),
});

export const environmentSchema = z.object({
  os: z.string(),
  arch: z.string(),
  cpu: z.object({
    model: z.string(),
    cores: count,
    /** Int8 dot-product support found on this CPU (vnni, avx-vnni, amx, dotprod...). */
    int8Features: z.array(z.string()),
  }),
  threads: z.number().int().min(1).nullable(),
  gpu: z
    .object({
      name: z.string(),
      driver: z.string().nullable(),
      memoryMB: nonNegative.nullable(),
      /** "9.0"; from the TensorRT addon where it loaded. */
      computeCapability: z.string().nullable().optional(),
      powerLimitW: nonNegative.nullable().optional(),
    })
    .nullable(),
  /** The newest CUDA the driver supports (nvidia-smi's banner, or the driver through the addon). */
  cuda: z.string().nullable(),
  /** The CUDA runtime (libcudart) the TensorRT addon loaded, e.g. "12.9". */
  cudaRuntime: z.string().nullable().optional(),
  tensorrt: z.string().nullable(),
  onnxruntime: z.string(),
  node: z.string(),
  quantgate: z.string(),
  /** quantgate's own commit (src/version.ts says where it is read); absent in results of 0.1.0. */
  quantgateCommit: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/).nullable().optional(),
  /** The ref a workflow used quantgate by (e.g. v0), when it ran as the action; absent in results of 0.1.0. */
  quantgateRef: z.string().max(256).nullable().optional(),
  /** The checked-in model's repository commit (GITHUB_SHA or its HEAD). */
  commit: z.string().nullable(),
});

export const quantizedModelSchema = z.object({
  /** File name inside the output folder. */
  file: z.string(),
  flavour: z.enum(['trt', 'ort']),
  bytes: count,
  /** Per op type (Conv, ConvTranspose, Gemm, MatMul): [quantized, total]. */
  quantized: z.record(z.string(), z.tuple([count, count])),
});

export const sensitivitySchema = z.object({
  node: z.string(),
  opType: z.string(),
  /** SQNR of the node's output with only this node quantized, dB (lower is worse). */
  sqnrDb: z.number(),
  /** The flag that keeps it in float. */
  exclude: z.string(),
});

/** What `--accuracy-budget` searched and chose: nodes kept in float automatically, loss on the search part before and after. */
export const accuracyBudgetSchema = z.object({
  budgetPp: z.number().min(0).max(100),
  /** loss: top-1 accuracy below FP32's (labels); disagreement: top-1 differing from FP32 (no labels). */
  metric: z.enum(['loss', 'disagreement']),
  /** Sample ranges [from, to) of the evaluation set: searched on, and gated on. */
  searchSamples: z.tuple([count, count]),
  gateSamples: z.tuple([count, count]),
  keptFloat: z.array(z.object({ node: z.string(), exclude: z.string() })),
  lossBeforePp: z.number(),
  lossAfterPp: z.number(),
  met: z.boolean(),
  /** Passes of a candidate model over the search part. */
  evaluations: count,
  /** Nodes the sensitivity analysis ranked (the candidates). */
  candidates: count,
});

export const quantizationSchema = z.object({
  method: z.enum(['entropy', 'minmax', 'percentile']),
  percentile: z.number().min(0).max(100).nullable(),
  samples: count,
  /** No calibration data was given: random inputs were used. */
  randomData: z.boolean(),
  /** Ranges came from an earlier calibration.json (--ranges). */
  reusedRanges: z.boolean(),
  /** The CPU layout of the ONNX Runtime model and why it was chosen. */
  cpuLayout: z.object({ target: z.string(), activations: z.string(), weights: z.string(), reason: z.string() }),
  models: z.array(quantizedModelSchema),
  fp32Bytes: count,
  excluded: z.array(z.string()),
  /** Nodes kept in float that the quantizer does not handle, or that could not be quantized, with why. */
  keptFloat: z.array(z.object({ node: z.string(), opType: z.string(), reason: z.string() })),
  calibrationMs: nonNegative.nullable(),
  quantizationMs: nonNegative.nullable(),
  sensitivityMs: nonNegative.nullable(),
  mostSensitive: z.array(sensitivitySchema),
  /** static: calibrated ranges; dynamic: the ONNX Runtime flavour quantizes activations at run time (absent before: static). */
  mode: z.enum(['static', 'dynamic']).optional(),
  /** The ONNX Runtime flavour's placement: rules or auto, why, and how many optional nodes auto kept in float. */
  placement: z.object({ mode: z.enum(['rules', 'auto']), reason: z.string(), floatNodes: count }).optional(),
  /** Nodes of the ONNX Runtime flavour that run in float on a dequantized int8 input, by op type: Q/DQ pairs around float ops. */
  floatAfterDequantize: z.record(z.string(), count).optional(),
  accuracyBudget: accuracyBudgetSchema.optional(),
});

export const evaluationSchema = z.object({
  /** Labels given: accuracy is top-1/top-5; otherwise fidelity against FP32. */
  labelled: z.boolean(),
  samples: count,
  /** The output scored. */
  output: z.string(),
  classAxis: z.number().int(),
  source: z.string(),
});

/**
 * How the benchmark ran: what changes the timings besides each runner's own settings. Latencies
 * measured under other settings are not comparable; the comparison flags them.
 */
export const benchmarkSettingsSchema = z.object({
  /** Untimed runs before timing, ms. */
  warmupMs: z.number().nonnegative(),
  /** Timed iterations and wall time, at least, per row. */
  minIterations: z.number().int().positive(),
  minMs: z.number().nonnegative(),
  /** Rounds the timed phase is split into. */
  rounds: z.number().int().positive(),
  /** Every model of one (runtime, provider, batch) was timed interleaved, round by round. */
  interleaved: z.boolean(),
});

/** The limits the gate applied; null where that gate was off. */
export const thresholdsSchema = z.object({
  /** --max-accuracy-drop, percentage points. */
  maxAccuracyDrop: z.number().min(0).max(100).nullable(),
  /** --max-disagreement, percent of samples. */
  maxDisagreement: z.number().min(0).max(100).nullable(),
  /** --max-latency-regression, percent of the baseline's p50. */
  maxLatencyRegression: z.number().gt(0).nullable(),
});

export const verdictSchema = z.object({
  pass: z.boolean(),
  /** False when nothing was gated (e.g. no labels and no --max-disagreement). */
  gated: z.boolean(),
  /** One sentence per gate decision, failing ones first. */
  reasons: z.array(z.string()),
  /** The limits the decision used, so a report rendered later from this file can name them. */
  thresholds: thresholdsSchema.optional(),
});

export const resultsSchema = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    createdAt: z.string(),
    model: modelFileSchema,
    baselineModel: modelFileSchema.nullable(),
    environment: environmentSchema,
    quantization: quantizationSchema.nullable(),
    evaluation: evaluationSchema.nullable(),
    runs: z.array(runSchema),
    verdict: verdictSchema,
    /** Set when the run was cut short (a signal, a failed stage): what exists was measured. */
    incomplete: z.string().nullable(),
    /** The quantgate command line that reproduces this run, paths as the user gave them. */
    command: z.string().nullable().optional(),
    /** How the benchmark ran; absent in files written before it was recorded. */
    benchmark: benchmarkSettingsSchema.nullable().optional(),
    /**
     * The runtimes and providers the run was asked for ('auto' or the names given). A runtime
     * named here that did not run is news for the report's headline; one that auto found missing
     * is a line under the table. Absent in files written before it was recorded.
     */
    requested: z
      .object({ runtimes: z.union([z.literal('auto'), z.array(z.string())]), providers: z.union([z.literal('auto'), z.array(z.string())]) })
      .nullable()
      .optional(),
  })
  // Readers keep fields added by later versions of schema 1.
  .loose();

export type Results = z.infer<typeof resultsSchema>;
export type RunResult = z.infer<typeof runSchema>;
export type Latency = z.infer<typeof latencySchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type Quantization = z.infer<typeof quantizationSchema>;
export type AccuracyBudget = z.infer<typeof accuracyBudgetSchema>;
export type Verdict = z.infer<typeof verdictSchema>;
export type Evaluation = z.infer<typeof evaluationSchema>;
export type Thresholds = z.infer<typeof thresholdsSchema>;
export type BenchmarkSettingsRecord = z.infer<typeof benchmarkSettingsSchema>;
export type ModelFile = z.infer<typeof modelFileSchema>;
export type Power = z.infer<typeof powerSchema>;
export type EngineRecord = z.infer<typeof engineSchema>;
export type GpuState = z.infer<typeof gpuStateSchema>;
