/**
 * ONNX Runtime as a backend (see ../backend.ts): its execution providers are its rows' providers,
 * each running the models laid out for it; the CPU also runs the FP32 accuracy reference, and the
 * `reference` provider (the CPU, graph optimisations off) scores TensorRT's INT8 numerics without
 * a GPU. Thread spinning goes off for a runner timed in turn with others: ONNX Runtime's idle
 * intra-op threads otherwise keep busy-waiting in one worker while the next one runs (measured:
 * two byte-identical models timed 0.89x to 1.73x apart with it on, 0.99-1.01x with it off).
 */
import type { Availability, Backend, OpenOptions, RowPlan, RowRequest } from '../backend.js';
import type { ProviderName, VariantId } from '../types.js';
import { loadOrt } from './load.js';
import { probeModelBytes, selectProviders } from './providers.js';
import { OnnxRuntimeRunner } from './runner.js';
import { executionProviders } from './session-options.js';

/**
 * Which models each provider runs: the CPU the ONNX Runtime layout, GPUs TensorRT's. The CUDA
 * provider also runs the FP16 model: its kernels run float16 natively (the usual way to deploy
 * ONNX Runtime on a GPU), and INT8 against FP16 is the comparison that matters there. The CPU does
 * not (most of its kernels lack float16: the row would time Casts), nor does ONNX Runtime's
 * TensorRT provider, whose precision comes from its own `trt_fp16_enable` flag rather than the
 * model's types (TensorRT's own FP16 engine is the FP16 row for TensorRT).
 */
export const VARIANTS_BY_PROVIDER: Record<ProviderName, VariantId[]> = {
  cpu: ['fp32', 'int8.ort'],
  cuda: ['fp32', 'fp16', 'int8.trt'],
  tensorrt: ['fp32', 'int8.trt'],
  reference: ['int8.trt'],
};

const GPU_PROVIDERS: ReadonlySet<ProviderName> = new Set(['cuda', 'tensorrt']);

let available: Promise<Availability> | undefined;

export const onnxRuntimeBackend: Backend = {
  name: 'onnxruntime',
  title: 'ONNX Runtime',
  referenceProvider: 'cpu',

  availability() {
    available ??= loadOrt().then(
      (): Availability => ({ available: true, reason: null, fix: null }),
      (error: unknown): Availability => ({
        available: false,
        reason: (error as Error).message,
        fix: 'install onnxruntime-node where quantgate runs (npm ci)',
      }),
    );
    return available;
  },

  async planRows(request: RowRequest): Promise<RowPlan[]> {
    const providers = await selectProviders(request.providers);
    const rows: RowPlan[] = [];
    const grid = (provider: ProviderName, skip: string | null) => {
      for (const variant of VARIANTS_BY_PROVIDER[provider]) for (const batch of request.batchSizes) rows.push({ provider, variant, batch, timed: true, skip });
    };
    for (const provider of providers.run) grid(provider, null);
    for (const { provider, reason } of providers.skipped) grid(provider, reason);
    // TensorRT's INT8 numerics, simulated on the CPU: scored on every runner, never timed.
    rows.push({ provider: 'reference', variant: 'int8.trt', batch: request.evaluationBatch, timed: false, skip: null });
    return rows;
  },

  open(options: OpenOptions) {
    return new OnnxRuntimeRunner({
      modelPath: options.modelPath,
      provider: options.provider,
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      // Interleaved sessions take turns. Their threads spin within a run, as ONNX Runtime's default
      // has them, and park the moment a run returns, so that a session waiting for its turn does
      // not spin on the cores the other is timed on. bench/spin-policy.ts compares the policies:
      // on the demo this one gives INT8/FP32 ratios closer to ONNX Runtime's defaults than
      // spinning off (what this did before) does.
      ...(options.interleaved ? { allowSpinning: true, stopSpinningAfterRun: true } : {}),
    });
  },

  async prime(provider: ProviderName) {
    // The library's pages, its environment and thread pools, and for a GPU provider the CUDA
    // context: a one-node session on the provider, created and released.
    const ort = await loadOrt();
    const session = await ort.InferenceSession.create(probeModelBytes(), { executionProviders: executionProviders(provider) });
    await session.run({ x: new ort.Tensor('float32', new Float32Array(1), [1]) });
    await session.release();
  },

  usesDevice(provider: ProviderName) {
    return GPU_PROVIDERS.has(provider);
  },
};
