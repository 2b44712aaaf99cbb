// The pipeline's side of the backend interface, with fake backends that record what they are
// asked: rows come from the registered backends (TensorRT's skipped ones from its availability),
// the accuracy stage opens its runners through them, and the stages' keyed results merge into
// results.json runs in one place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataSet, HostTensor } from '../../src/data/types.ts';
import { MemoryLog } from '../../src/log.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { evaluateAccuracy } from '../../src/pipeline/evaluate.ts';
import { mergeRow, NOT_REACHED, type RowAccuracy, type RowTiming } from '../../src/pipeline/merge.ts';
import { accuracyRows, askBackends, planRows, timingGroups, type ModelFiles, type PlannedRow } from '../../src/pipeline/rows.ts';
import { runSchema } from '../../src/results/schema.ts';
import type { Backend, OpenOptions, Prepared, RowPlan } from '../../src/runtime/backend.ts';
import { createTensorRtBackend } from '../../src/runtime/tensorrt/backend.ts';
import type { ProviderName, Runner, RuntimeName } from '../../src/runtime/types.ts';

/** A runner whose output is its input `x` as logits, each sample's changed by `tamper` (an INT8 model's errors). */
class FakeRunner implements Runner {
  readonly settings = { fake: true };
  constructor(
    readonly runtime: RuntimeName,
    readonly options: OpenOptions,
    private readonly tamper: (sample: Float32Array) => void = () => {},
  ) {}
  get provider(): ProviderName {
    return this.options.provider;
  }
  async load() {
    if (this.options.modelPath.includes('broken')) throw new Error('cannot parse broken.onnx\nsecond line');
    return { loadMs: 1, inputNames: ['x'], outputNames: ['logits'] };
  }
  async run(feeds: Record<string, HostTensor>) {
    const x = feeds.x!;
    const logits = Float32Array.from(x.data as Float32Array);
    const width = x.dims[1]!;
    for (let s = 0; s < x.dims[0]!; s++) this.tamper(logits.subarray(s * width, (s + 1) * width));
    return { logits: { dataType: DataType.FLOAT, dims: x.dims, data: logits } };
  }
  bind() {
    return async () => {};
  }
  async dispose() {}
}

function fakeBackend(name: RuntimeName, rows: RowPlan[], options: { reference?: ProviderName; tamper?: (sample: Float32Array) => void } = {}) {
  const opened: OpenOptions[] = [];
  const backend: Backend = {
    name,
    title: `fake ${name}`,
    ...(options.reference ? { referenceProvider: options.reference } : {}),
    availability: async () => ({ available: true, reason: null, fix: null }),
    planRows: async () => rows,
    open: (o) => {
      opened.push(o);
      // The FP32 model is exact; every other file gets the tampering.
      return new FakeRunner(name, o, o.modelPath.endsWith('fp32.onnx') ? () => {} : options.tamper);
    },
    prime: async () => {},
    usesDevice: () => false,
  };
  return { backend, opened };
}

const models: ModelFiles[] = [
  { role: 'current', files: { fp32: '/m/fp32.onnx', 'int8.ort': '/m/int8.ort.onnx', 'int8.trt': '/m/int8.trt.onnx' } },
  { role: 'base', files: { fp32: '/b/fp32.onnx', 'int8.ort': '/b/int8.ort.onnx', 'int8.trt': '/b/int8.trt.onnx' } },
];
const request = { providers: 'auto' as const, batchSizes: [1, 8], evaluationBatch: 4 };
const rowsOf = async (backends: Backend[], batchProblem: (b: number) => string | null = () => null) =>
  planRows(await askBackends(backends, request), { models, batchProblem, displayPath: (f) => f.slice(1) });

describe('rows from backends', () => {
  it('each backend’s plan, for each model, with ids, files and the model’s own limits', async () => {
    const { backend } = fakeBackend('onnxruntime', [
      { provider: 'cpu', variant: 'fp32', batch: 1, timed: true, skip: null },
      { provider: 'cpu', variant: 'fp32', batch: 8, timed: true, skip: null },
      { provider: 'cuda', variant: 'int8.trt', batch: 1, timed: true, skip: 'no GPU' },
      { provider: 'reference', variant: 'int8.trt', batch: 4, timed: false, skip: null },
      { provider: 'cpu', variant: 'fp16', batch: 1, timed: true, skip: null },
    ]);
    const rows = await rowsOf([backend], (b) => (b === 8 ? 'fixed batch 1' : null));
    assert.deepEqual(
      rows.map((r) => [r.id, r.skip, r.shownFile]),
      [
        ['onnxruntime/cpu/fp32/1', null, 'm/fp32.onnx'],
        ['onnxruntime/cpu/fp32/8', 'fixed batch 1', 'm/fp32.onnx'],
        // The backend's reason (what the machine lacks) wins over the model's.
        ['onnxruntime/cuda/int8.trt/1', 'no GPU', 'm/int8.trt.onnx'],
        // Accuracy-only rows are not refused for the batch size.
        ['onnxruntime/reference/int8.trt/4', null, 'm/int8.trt.onnx'],
        ['onnxruntime/cpu/fp16/1', 'no fp16 model was written for this run', null],
        ['onnxruntime/cpu/base:fp32/1', null, 'b/fp32.onnx'],
        ['onnxruntime/cpu/base:fp32/8', 'fixed batch 1', 'b/fp32.onnx'],
        ['onnxruntime/cuda/base:int8.trt/1', 'no GPU', 'b/int8.trt.onnx'],
        ['onnxruntime/reference/base:int8.trt/4', null, 'b/int8.trt.onnx'],
        ['onnxruntime/cpu/base:fp16/1', 'no fp16 model was written for this run', null],
      ],
    );
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
    assert.deepEqual(accuracyRows(rows).map((r) => r.id), ['onnxruntime/cpu/fp32/1', 'onnxruntime/reference/int8.trt/4', 'onnxruntime/cpu/base:fp32/1', 'onnxruntime/reference/base:int8.trt/4']);
    assert.deepEqual(
      timingGroups(rows).map((g) => [g.group, g.rows.map((r) => r.id)]),
      [['onnxruntime/cpu/1', ['onnxruntime/cpu/fp32/1', 'onnxruntime/cpu/base:fp32/1']]],
    );
  });

  it('TensorRT’s rows are skipped rows its registration produces, with its availability’s reason', async () => {
    const notBuilt = { kind: 'not-built' as const, tried: ['/q/quantgate_trt.node'], message: 'the TensorRT addon is not built (no /q/quantgate_trt.node)', fix: 'build it' };
    const backend = createTensorRtBackend({ load: () => ({ ok: false, reason: notBuilt }), findLibrary: async () => null });
    const { reason, available } = await backend.availability();
    assert.equal(available, false);
    assert.equal(reason, 'no TensorRT on this runner (libnvinfer not found)');
    const rows = await rowsOf([backend]);
    const variants = ['int8.trt', 'int8.trt.fp16', 'fp16', 'fp32'];
    assert.deepEqual(
      rows.map((r) => [r.id, r.skip]),
      ['', 'base:'].flatMap((role) => variants.flatMap((v) => [1, 8].map((b) => [`tensorrt/tensorrt/${role}${v}/${b}`, reason]))),
    );
    assert.ok(rows.every((r) => mergeRow(r, { accuracy: new Map(), timing: new Map() }).status === 'skipped'));
  });
});

describe('mergeRow', () => {
  const row = (timed: boolean, skip: string | null = null): PlannedRow => ({
    id: 'x',
    runtime: 'onnxruntime',
    provider: 'cpu',
    variant: 'int8.ort',
    role: 'current',
    model: 'int8.ort',
    precision: 'int8',
    batch: 1,
    file: '/m/int8.ort.onnx',
    shownFile: 'm/int8.ort.onnx',
    timed,
    skip,
  });
  const scored: RowAccuracy = { status: 'ok', accuracy: { top1: 0.5, top5: null }, accuracyLossPp: 1, accuracyLossCi: [0, 2], accuracyFlips: { toWrong: 2, toRight: 1 } };
  const timed: RowTiming = { status: 'ok', reason: null, latencyMs: { p50: 1, p90: 1, p99: 1, mean: 1, min: 1, max: 1, std: 0, cv: 0, iterations: 3 }, throughput: 1000, memory: { rssMB: 1, deviceMB: null, processDeviceMB: null }, loadMs: 2 };
  const merge = (r: PlannedRow, a?: RowAccuracy, t?: RowTiming) => mergeRow(r, { accuracy: new Map(a ? [['x', a]] : []), timing: new Map(t ? [['x', t]] : []) });

  const cases: [string, () => ReturnType<typeof merge>, string, string | null][] = [
    ['skipped stays skipped whatever a stage says', () => merge(row(true, 'no GPU'), scored, timed), 'skipped', 'no GPU'],
    ['nothing reached it', () => merge(row(true)), 'skipped', NOT_REACHED],
    ['scored but not yet timed', () => merge(row(true), scored), 'skipped', NOT_REACHED],
    ['scored and timed', () => merge(row(true), scored, timed), 'ok', null],
    ['accuracy-only row, scored', () => merge(row(false), scored), 'ok', null],
    ['accuracy failed', () => merge(row(true), { status: 'failed', reason: 'would not load' }), 'failed', 'would not load'],
    ['benchmark failed', () => merge(row(true), scored, { ...timed, status: 'failed', reason: 'worker killed' }), 'failed', 'worker killed'],
  ];
  for (const [what, run, status, reason] of cases) {
    it(what, () => {
      const merged = run();
      assert.deepEqual([merged.status, merged.reason], [status, reason]);
      runSchema.parse(merged);
    });
  }

  it('carries both stages’ fields', () => {
    const merged = merge(row(true), scored, timed);
    assert.deepEqual([merged.accuracy, merged.accuracyLossPp, merged.accuracyFlips, merged.latencyMs?.p50, merged.modelFile], [scored.accuracy, 1, { toWrong: 2, toRight: 1 }, 1, 'm/int8.ort.onnx']);
  });

  it('the engine stage: a model that could not be prepared fails its row; a prepared one carries its fields through', () => {
    const engine = { tensorrtVersion: '10.13.0', source: 'built' as const, buildMs: 1000, cacheNote: null, profile: null, buildLog: null, layers: null, layersNote: 'none' };
    const prepared = (p: Prepared) => new Map([['x', p]]);
    const failed = mergeRow(row(true), { prepared: prepared({ status: 'failed', reason: 'parser rejected node n' }), accuracy: new Map([['x', scored]]), timing: new Map([['x', timed]]) });
    assert.deepEqual([failed.status, failed.reason, failed.latencyMs], ['failed', 'parser rejected node n', null]);
    const ok = mergeRow(row(true), { prepared: prepared({ status: 'ok', fields: { engine } }), accuracy: new Map([['x', scored]]), timing: new Map([['x', timed]]) });
    assert.deepEqual([ok.status, ok.engine], ['ok', engine]);
    runSchema.parse(ok);
    const notReached = mergeRow(row(true), { prepared: prepared({ status: 'ok', fields: { engine } }), accuracy: new Map(), timing: new Map() });
    assert.deepEqual([notReached.status, notReached.engine], ['skipped', engine]);
  });
});

describe('accuracy through backends', () => {
  // Eight samples of four classes; logits are the inputs, labels the argmax, so FP32 is always right.
  const samples = Array.from({ length: 8 }, (_, i) => Array.from({ length: 4 }, (_, j) => (j === i % 4 ? 10 + i : 0)));
  const data: DataSet = {
    description: 'eight samples',
    count: 8,
    inputs: [{ name: 'x', dataType: DataType.FLOAT, sampleDims: [4] }],
    random: false,
    async *batches(size: number) {
      for (let start = 0; start < 8; start += size) {
        const rows = samples.slice(start, start + size);
        yield { start, size: rows.length, feeds: { x: { dataType: DataType.FLOAT, dims: [rows.length, 4], data: Float32Array.from(rows.flat()) } } };
      }
    },
  };
  const labels = { source: 'labels', values: Int32Array.from(samples.map((_, i) => i % 4)) };

  it('opens every runner through its backend; the reference is the backend that offers one', async () => {
    // The "TensorRT" fake gets samples 0 and 5 wrong (their largest inputs are 10 and 15).
    const trt = fakeBackend('tensorrt', [{ provider: 'tensorrt', variant: 'int8.trt', batch: 1, timed: true, skip: null }], {
      tamper: (sample) => {
        const top = Math.max(...sample);
        if (top === 10 || top === 15) sample.set([0, 0, 99, 0]);
      },
    });
    const ort = fakeBackend('onnxruntime', [{ provider: 'cpu', variant: 'fp32', batch: 1, timed: true, skip: null }], { reference: 'cpu' });
    const backends = [ort.backend, trt.backend];
    const rows = planRows(await askBackends(backends, request), { models: [models[0]!], batchProblem: () => null, displayPath: (f) => f });
    const outcome = await evaluateAccuracy({
      rows: accuracyRows(rows),
      models: [models[0]!],
      backends,
      reference: { backend: ort.backend, provider: 'cpu' },
      data,
      labels,
      output: 'logits',
      batchSize: 4,
      threads: 2,
      seed: 1,
      log: new MemoryLog(),
    });
    assert.deepEqual(ort.opened, [{ modelPath: '/m/fp32.onnx', provider: 'cpu', threads: 2 }]);
    assert.deepEqual(trt.opened, [{ modelPath: '/m/int8.trt.onnx', provider: 'tensorrt', threads: 2 }]);
    assert.equal(outcome.evaluation.samples, 8);
    // The reference's own row gets the reference's score, without a second runner.
    assert.deepEqual(outcome.rows.get('onnxruntime/cpu/fp32/1'), { status: 'ok', accuracy: { top1: 1, top5: null }, accuracyLossPp: null, accuracyLossCi: null });
    const int8 = outcome.rows.get('tensorrt/tensorrt/int8.trt/1')!;
    assert.equal(int8.status, 'ok');
    assert.deepEqual(int8.status === 'ok' && [int8.accuracy, int8.accuracyLossPp, int8.accuracyFlips], [{ top1: 0.75, top5: null }, 25, { toWrong: 2, toRight: 0 }]);
  });

  it('a runner its backend cannot load is that row’s failure, named by the backend; the rest is scored', async () => {
    const trt = fakeBackend('tensorrt', [{ provider: 'tensorrt', variant: 'int8.trt', batch: 1, timed: true, skip: null }]);
    const ort = fakeBackend('onnxruntime', [{ provider: 'cpu', variant: 'int8.ort', batch: 1, timed: true, skip: null }], { reference: 'cpu' });
    const broken: ModelFiles = { role: 'current', files: { fp32: '/m/fp32.onnx', 'int8.ort': '/m/int8.ort.onnx', 'int8.trt': '/m/broken.onnx' } };
    const backends = [ort.backend, trt.backend];
    const rows = planRows(await askBackends(backends, request), { models: [broken], batchProblem: () => null, displayPath: (f) => f });
    const outcome = await evaluateAccuracy({ rows: accuracyRows(rows), models: [broken], backends, reference: { backend: ort.backend, provider: 'cpu' }, data, labels: null, output: 'logits', batchSize: 8, seed: 1, log: new MemoryLog() });
    assert.deepEqual(outcome.rows.get('tensorrt/tensorrt/int8.trt/1'), { status: 'failed', reason: 'fake tensorrt could not load int8.trt on tensorrt: cannot parse broken.onnx' });
    assert.equal(outcome.rows.get('onnxruntime/cpu/int8.ort/1')?.status, 'ok');
  });
});
