/**
 * TensorRT as a backend (see ../backend.ts), over the native addon (native/, binding.ts).
 *
 * - Availability: probeTensorRt() (availability.ts): the addon loads, TensorRT of a supported
 *   version, the CUDA runtime and a GPU; when the addon itself is missing, its reason still tells
 *   "no TensorRT on this runner (libnvinfer not found)" from "TensorRT found but the addon is not
 *   built". Computed once per process.
 * - Rows: engines of the TensorRT INT8 model (`int8.trt`), the same with float16 float parts
 *   (`int8.trt.fp16`: what the INT8 and FP16 builder flags together used to give), and FP16 and
 *   FP32 engines for reference, at each batch size, all on the `tensorrt` provider. Networks are
 *   always strongly typed: precision comes from each model's types.
 * - prepare(): builds each model's engine once per run, in the main process, before the accuracy
 *   stage and the benchmark, through the engine cache (engines.ts). Why there:
 *     - once per run: the benchmark runs every timed row in its own worker process (one per model
 *       and batch size); building in the workers would build each engine once per batch size, or
 *       race to. Built first, every worker finds it in the cache and only deserializes it.
 *     - an engine build takes minutes and holds a builder workspace on the GPU: inside a worker it
 *       would land in that row's load time and device-memory peak, which must be the engine's.
 *     - progress and TensorRT's log reach the run's log (a worker has no log), and a model that
 *       does not build (the parser rejects a node, the GPU runs out of memory) is known before
 *       anything is scored or timed: its rows fail with the reason, and the others go on.
 *     - the cache is the runner's own folder (cache-dir.ts), so the next run on this runner reuses
 *       the engines and the timing cache; only engines this runner built are ever loaded.
 * - open(): a TensorRtRunner (runner.ts); its load() takes the engine from the cache (building it
 *   only when used outside a run that prepared it); timing with CUDA events (`timeRound`).
 * - prime(): TensorRT and the GPU's CUDA context up in a benchmark worker, before its memory mark.
 * - environment(): TensorRT's version, the CUDA runtime and driver versions, and the GPU as
 *   capabilities() sees it.
 *
 * UNRUN against real TensorRT (no machine here has it): written to the addon's interface and
 * tested against the fake binding through the real pipeline (test/integration/tensorrt-pipeline).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../../errors.js';
import type { Availability, Backend, EnvironmentFacts, OpenOptions, Prepared, PrepareInput, PrepareModel, RowPlan, RowRequest } from '../backend.js';
import type { EngineRecord } from '../../results/schema.js';
import type { ProviderName, VariantId } from '../types.js';
import { probeTensorRt, type TensorRtProbe } from './availability.js';
import { engineCacheDir } from './cache-dir.js';
import { EngineCache } from './engine-cache.js';
import { ensureEngine, type ReadyEngine } from './engines.js';
import { EngineBuildCancelledError, EngineParseError, TensorRtError, TensorRtUnavailableError } from './errors.js';
import { explainFallbacks, type LayerPrecisionReport } from './layer-precision.js';
import { type AddonLoad, loadTensorRtAddon } from './load.js';
import { formatCudaVersion } from './possible-solutions.js';
import { describeProfile } from './profile.js';
import { TensorRtRunner } from './runner.js';

/** The models TensorRT runs, INT8 first. */
export const TENSORRT_VARIANTS: readonly VariantId[] = ['int8.trt', 'int8.trt.fp16', 'fp16', 'fp32'];

/** The engine copied into the output folder (the one the product ships); every build log is. */
const ENGINE_ARTIFACT: VariantId = 'int8.trt';

export interface TensorRtBackendOptions {
  /** Loads the addon (default: load.ts, which honours QUANTGATE_TRT_ADDON). */
  load?: () => AddonLoad;
  /** Finds libnvinfer when the addon is missing (default: library-search.ts). */
  findLibrary?: () => Promise<string | null>;
  /** The engine cache's folder (default: cache-dir.ts). */
  cacheDir?: () => string;
  /** CUDA device ordinal. */
  device?: number;
}

const VARIANT_NAMES: Record<string, string> = { 'int8.trt': 'INT8', 'int8.trt.fp16': 'INT8 + FP16', fp16: 'FP16', fp32: 'FP32' };

function describeModel(m: PrepareModel): string {
  return `the TensorRT ${VARIANT_NAMES[m.variant] ?? m.variant} engine${m.model.startsWith('base:') ? ' of the baseline model' : ''}`;
}

/** One line for a failed row: the problem (TensorRT's lines joined) and the fix. */
export function failureReason(error: unknown): string {
  const oneLine = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join('; ')
      .replace(/:; /g, ': ');
  if (error instanceof BadInputError) return `${oneLine(error.message)} (fix: ${error.fix})`;
  return oneLine((error as Error).message);
}

function layerRecord(layers: LayerPrecisionReport, variant: VariantId, floatNodes: ReadonlyMap<string, string>): NonNullable<EngineRecord['layers']> {
  return {
    total: layers.layers.length,
    counts: Object.fromEntries(Object.entries(layers.counts).filter(([, n]) => n > 0)),
    computeLayers: layers.computeLayers,
    quantizedComputeLayers: layers.quantizedComputeLayers,
    // Float layers are the point of a float engine; in an INT8 one they are what did not quantize.
    fellBack: variant.startsWith('int8') ? explainFallbacks(layers, floatNodes) : [],
  };
}

/** The build log (and, for the shipped model, the engine) in the output folder; their names there. */
function writeArtifacts(outDir: string, m: PrepareModel, ready: ReadyEngine): string | null {
  if (!ready.record) return null;
  const dir = join(outDir, 'tensorrt');
  mkdirSync(dir, { recursive: true });
  const stem = m.model.replace(':', '-');
  const from = ready.source === 'cache' ? '(this engine came from the runner\'s engine cache; this is the log of the run that built it)\n' : '';
  writeFileSync(join(dir, `${stem}.build.log`), `${from}${ready.record.log}`);
  if (m.variant === ENGINE_ARTIFACT && !m.model.startsWith('base:')) writeFileSync(join(dir, `${stem}.engine`), ready.engine.bytes);
  return `tensorrt/${stem}.build.log`;
}

function writeFailedLog(outDir: string, m: PrepareModel, error: unknown): void {
  const log = error instanceof EngineParseError ? error.log : error instanceof TensorRtError ? error.log : null;
  if (!log) return;
  mkdirSync(join(outDir, 'tensorrt'), { recursive: true });
  writeFileSync(join(outDir, 'tensorrt', `${m.model.replace(':', '-')}.build.log`), log);
}

export function createTensorRtBackend(options: TensorRtBackendOptions = {}): Backend {
  const device = options.device ?? 0;
  let probed: Promise<TensorRtProbe> | undefined;
  const probe = (): Promise<TensorRtProbe> => (probed ??= probeTensorRt((options.load ?? loadTensorRtAddon)(), device, options.findLibrary));
  const cache = () => new EngineCache((options.cacheDir ?? engineCacheDir)());

  async function available(): Promise<Extract<TensorRtProbe, { available: true }>> {
    const p = await probe();
    if (!p.available) throw new TensorRtUnavailableError(`TensorRT cannot run here: ${p.reason}`, p.fix, p.possibleSolutions);
    return p;
  }

  async function availability(): Promise<Availability> {
    const p = await probe();
    return p.available ? { available: true, reason: null, fix: null } : { available: false, reason: p.reason, fix: p.fix };
  }

  return {
    name: 'tensorrt',
    title: 'TensorRT',
    availability,

    async planRows(request: RowRequest): Promise<RowPlan[]> {
      const { reason } = await availability();
      return TENSORRT_VARIANTS.flatMap((variant) => request.batchSizes.map((batch): RowPlan => ({ provider: 'tensorrt', variant, batch, timed: true, skip: reason })));
    },

    async prepare(input: PrepareInput): Promise<Map<string, Prepared>> {
      const p = await available();
      const source = { binding: p.binding, capabilities: p.capabilities, cache: cache() };
      const results = new Map<string, Prepared>();
      for (const m of input.models) {
        const description = describeModel(m);
        try {
          const ready = await ensureEngine(
            source,
            { modelPath: m.file, description, inputShapes: input.inputShapes },
            { log: input.log, ...(input.signal ? { signal: input.signal } : {}) },
          );
          const seconds = ready.record ? `${(ready.record.buildMs / 1000).toFixed(1)} s` : 'an unknown time';
          input.log.info(ready.source === 'cache' ? `${description}: from this runner's engine cache (built in ${seconds})` : `${description}: built in ${seconds}`);
          const engine: EngineRecord = {
            tensorrtVersion: ready.record?.tensorrtVersion ?? p.capabilities.tensorrt.version ?? 'unknown',
            source: ready.source,
            buildMs: ready.record?.buildMs ?? null,
            cacheNote: ready.cacheNote,
            profile: describeProfile(input.inputShapes),
            buildLog: writeArtifacts(input.outDir, m, ready),
            layers: ready.layers ? layerRecord(ready.layers, m.variant, input.floatNodes) : null,
            layersNote: ready.layersNote,
          };
          results.set(m.key, { status: 'ok', fields: { engine } });
        } catch (error) {
          if (error instanceof EngineBuildCancelledError) throw error;
          // TensorRT's own failures and what it says of the model or the GPU: that model's rows
          // fail with the reason; anything else is a bug and stops the run.
          if (!(error instanceof BadInputError || error instanceof TensorRtError)) throw error;
          writeFailedLog(input.outDir, m, error);
          const extra = error instanceof TensorRtUnavailableError ? `\n${error.possibleSolutions}` : '';
          input.log.warn(`${description} could not be built: ${error.message}${error instanceof BadInputError ? `\n  fix: ${error.fix}` : ''}${extra}`);
          results.set(m.key, { status: 'failed', reason: failureReason(error) });
        }
      }
      return results;
    },

    async environment(): Promise<EnvironmentFacts | null> {
      const c = (await probe()).capabilities;
      if (!c) return null;
      const facts: EnvironmentFacts = {};
      if (c.tensorrt.available && c.tensorrt.version) facts.tensorrt = c.tensorrt.version;
      if (c.cuda.runtimeVersion !== null) facts.cudaRuntime = formatCudaVersion(c.cuda.runtimeVersion);
      const driverCuda = c.cuda.driverVersion ?? c.nvml.cudaDriverVersion;
      if (driverCuda !== null) facts.cuda = formatCudaVersion(driverCuda);
      if (c.gpu.available && c.gpu.name) {
        facts.gpu = {
          name: c.gpu.name,
          driver: c.nvml.driverVersion,
          memoryMB: c.gpu.totalMemoryBytes === null ? null : c.gpu.totalMemoryBytes / 2 ** 20,
          computeCapability: c.gpu.computeCapability,
          powerLimitW: c.gpu.powerLimitWatts,
        };
      }
      return facts;
    },

    open(open: OpenOptions) {
      return new TensorRtRunner({ open, probe, cache: cache(), device });
    },

    async prime(_provider: ProviderName) {
      const p = await available();
      // cudaMemGetInfo creates the CUDA context: brought up before the row's memory mark.
      await p.binding.deviceMemory({ device, withCuda: true });
    },

    usesDevice() {
      return true;
    },
  };
}

export const tensorRtBackend: Backend = createTensorRtBackend();
