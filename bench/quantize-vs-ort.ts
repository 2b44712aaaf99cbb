// Issue 4's targets against ONNX Runtime's own Python quantizer (bench/reference/ort_quantize.py:
// quant_pre_process, then quantize_static, QDQ, per channel, U8S8, reduce_range where the CPU has
// no VNNI), side by side in one run on ResNet50 with 64 calibration samples:
//
// 1. Quantization time (pre-processing included on its side; everything but sensitivity on ours)
//    and peak RSS, each in a fresh process, per method.
// 2. Speed of the two ONNX Runtime models in onnxruntime-node, interleaved round by round with
//    FP32 in one run, at batch 1 and 32 on 2 threads (≥ 0.97x counts as equal).
// 3. A raw export (opset 11, BatchNormalization kept, Identity-routed weights) quantized as is:
//    ours against FP32, and ONNX Runtime's quantizer given the same file without pre-processing.
//
//   node --import tsx bench/quantize-vs-ort.ts [--methods minmax,entropy,percentile] [--python python3]
//     [--model bench/.models/resnet50.onnx] [--raw bench/.models/resnet50.raw11.onnx]
//     [--calibration bench/.models/imagenet-like/calib] [--min-time-ms 10000]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { benchmarkInterleaved, type BenchmarkResult } from '../src/benchmark/index.ts';
import { benchmarkBatch } from '../src/pipeline/measure.ts';
import { openDataSet } from '../src/data/index.ts';
import { readModel } from '../src/model/read.ts';
import { modelSignature } from '../src/model/signature.ts';
import { benchModels } from './models-dir.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    methods: { type: 'string', default: 'minmax,entropy,percentile' },
    python: { type: 'string', default: 'python3' },
    model: { type: 'string', default: join(benchModels, 'resnet50.onnx') },
    raw: { type: 'string', default: join(benchModels, 'resnet50.raw11.onnx') },
    calibration: { type: 'string', default: join(benchModels, 'imagenet-like', 'calib') },
    'min-time-ms': { type: 'string', default: '10000' },
    'skip-speed': { type: 'boolean', default: false },
  },
});
const methods = values.methods!.split(',');
const work = mkdtempSync(join(tmpdir(), 'qg-bench-quantize-'));

// Inputs, made where missing (Debian's python3-torch exports; numpy draws the images).
if (!existsSync(values.model!)) execFileSync('/usr/bin/python3', [join(here, 'export_resnet50.py'), values.model!], { stdio: 'inherit' });
if (!existsSync(values.raw!)) execFileSync('/usr/bin/python3', [join(here, 'models', 'export_resnet50_raw.py'), values.raw!], { stdio: 'inherit' });
if (!existsSync(values.calibration!)) {
  execFileSync(values.python!, [join(here, 'models', 'make_imagenet_like.py'), dirname(values.calibration!), '--count', '64'], { stdio: 'inherit' });
}

// One folder below the repository's root, as dist/ is: the bundle resolves onnxruntime-node from
// the repository's node_modules and finds package.json one level up.
const child = join(here, '..', '.bench-build', 'quantize-child.mjs');
await build({ entryPoints: [join(here, 'quantize-child.ts')], bundle: true, platform: 'node', format: 'esm', outfile: child, external: ['onnxruntime-node', 'sharp'], logLevel: 'warning', banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" } });

interface Ours {
  seconds: number;
  peakRssBytes: number;
  files: { ort: string; trt: string };
}
interface Reference {
  preprocessSeconds?: number;
  quantizeSeconds?: number;
  peakRssBytes: number;
  output: string;
  loads?: boolean;
  loadError?: string | null;
  error?: string;
  reduceRange: boolean;
}

function ours(model: string, method: string, tag: string): Ours {
  const out = join(work, `ours-${tag}-${method}`);
  const r = spawnSync(process.execPath, [child, model, values.calibration!, out, method, '2'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`quantgate failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function reference(model: string, method: string, tag: string, extra: string[] = []): Reference {
  const out = join(work, `ref-${tag}-${method}.onnx`);
  const r = spawnSync(values.python!, [join(here, 'reference', 'ort_quantize.py'), model, values.calibration!, '--method', method, '--out', out, ...extra], { encoding: 'utf8' });
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GB`;
const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
console.log(`load average before: ${loadavg()[0]!.toFixed(2)}; model ${values.model}; calibration ${values.calibration}`);

// 1. Time and memory, per method.
const rows: string[] = [];
const produced: Record<string, { ours: Ours; reference: Reference }> = {};
for (const method of methods) {
  const r = reference(values.model!, method, 'resnet50');
  const o = ours(values.model!, method, 'resnet50');
  produced[method] = { ours: o, reference: r };
  const refSeconds = (r.preprocessSeconds ?? 0) + (r.quantizeSeconds ?? 0);
  rows.push(
    `${method.padEnd(10)} quantgate ${o.seconds.toFixed(1).padStart(6)} s ${gib(o.peakRssBytes).padStart(8)}   ` +
      `onnxruntime ${refSeconds.toFixed(1).padStart(6)} s (${(r.preprocessSeconds ?? 0).toFixed(1)} s pre-processing) ${gib(r.peakRssBytes).padStart(8)}   ` +
      `time ${(o.seconds / refSeconds).toFixed(2)}x, memory ${(o.peakRssBytes / r.peakRssBytes).toFixed(2)}x${r.error ? `  (reference failed: ${r.error})` : ''}`,
  );
}
const calibrationCount = readdirSync(values.calibration!).filter((f) => f.endsWith('.npy')).length;
console.log(`\n1. Quantizing ${basename(values.model!)}, ${calibrationCount} samples, fresh process each (reduce_range for the reference: ${produced[methods[0]!]!.reference.reduceRange})`);
for (const row of rows) console.log(`   ${row}`);

// 2. Speed of the ONNX Runtime models, interleaved with FP32.
if (!values['skip-speed']) {
  const signature = modelSignature(readModel(values.model!).proto);
  const data = await openDataSet(values.calibration!, { what: '--calibration-data', inputs: signature.inputs });
  const method = methods[0]!;
  const models = { quantgate: produced[method]!.ours.files.ort, onnxruntime: produced[method]!.reference.output, fp32: values.model! };
  console.log(`\n2. Speed in onnxruntime-node 2 threads, interleaved (${method} models): p50 and throughput`);
  for (const batchSize of [1, 32]) {
    const batch = await benchmarkBatch(data, batchSize);
    const outcomes = await benchmarkInterleaved(
      Object.entries(models).map(([label, modelPath]) => ({ label, runtime: 'onnxruntime' as const, modelPath, provider: 'cpu' as const, batch, threads: 2 })),
      { minMs: Number(values['min-time-ms']), rounds: 10 },
    );
    const [q, ref, fp32] = outcomes as BenchmarkResult[];
    for (const o of outcomes) if (o.status !== 'ok') throw new Error(`${o.label}: ${o.reason}`);
    console.log(
      `   batch ${String(batchSize).padStart(2)}: quantgate ${q!.latencyMs.p50.toFixed(1)} ms, onnxruntime ${ref!.latencyMs.p50.toFixed(1)} ms, FP32 ${fp32!.latencyMs.p50.toFixed(1)} ms` +
        `  → quantgate / onnxruntime speed ${(q!.throughput / ref!.throughput).toFixed(3)}x (≥ 0.97 is equal); vs FP32 ${(q!.throughput / fp32!.throughput).toFixed(2)}x, onnxruntime vs FP32 ${(ref!.throughput / fp32!.throughput).toFixed(2)}x` +
        `  (CV ${(q!.latencyMs.cv * 100).toFixed(1)}%, ${(ref!.latencyMs.cv * 100).toFixed(1)}%, ${(fp32!.latencyMs.cv * 100).toFixed(1)}%)`,
    );
  }

  // 3. The raw export, quantized without a separate pre-processing step.
  const rawOurs = ours(values.raw!, 'minmax', 'raw');
  const rawReference = reference(values.raw!, 'minmax', 'raw', ['--no-preprocess']);
  const batch = await benchmarkBatch(data, 1);
  const entries: [string, string][] = [
    ['quantgate (raw)', rawOurs.files.ort],
    ['FP32 (raw)', values.raw!],
    ...(rawReference.loads ? ([['onnxruntime, no pre-processing (raw)', rawReference.output]] as [string, string][]) : []),
  ];
  const outcomes = await benchmarkInterleaved(entries.map(([label, modelPath]) => ({ label, runtime: 'onnxruntime' as const, modelPath, provider: 'cpu' as const, batch, threads: 2 })), { minMs: Number(values['min-time-ms']), rounds: 10 });
  const byLabel = Object.fromEntries(outcomes.map((o) => [o.label, o]));
  const fp32 = byLabel['FP32 (raw)'] as BenchmarkResult;
  console.log('\n3. Raw export (opset 11, BatchNormalization and Identity-routed weights), batch 1, 2 threads');
  for (const [label] of entries) {
    const o = byLabel[label]!;
    if (o.status !== 'ok') console.log(`   ${label}: failed: ${o.reason}`);
    else console.log(`   ${label.padEnd(40)} p50 ${o.latencyMs.p50.toFixed(1)} ms  speed vs FP32 ${(o.throughput / fp32.throughput).toFixed(2)}x`);
  }
  if (!rawReference.loads) console.log(`   onnxruntime, no pre-processing: ${rawReference.error ?? rawReference.loadError}`);
  console.log(`   quantgate on the raw file: ${rawOurs.seconds.toFixed(1)} s, ${mb(rawOurs.peakRssBytes)}`);
}
console.log(`\nload average after: ${loadavg()[0]!.toFixed(2)}`);
