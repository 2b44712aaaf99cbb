// Issue 11's placement targets on every bench model: quantgate's ONNX Runtime INT8 model (rules,
// auto) against FP32 and against ONNX Runtime's own quantizer's model (quantize_static, QDQ, its
// CPU recipe: bench/reference/ort_quantize.py), all timed interleaved in one group, speed as the
// paired median of per-round ratios with its 95% interval (target: lower bound ≥ 0.97 against
// both); Conv/MatMul/Gemm in int8 against ONNX Runtime's count (target: at least as many); top-1
// loss against labels, or agreement with FP32 without (target: loss ≤ ONNX Runtime's + 0.2 pp,
// agreement ≥ its − 0.5 pp).
//
//   node --import tsx bench/int8-placement.ts [--models glyphnet,glyphmobile,glyphformer,resnet50,ppocr-rec]
//     [--rapidocr bench/.models/rapidocr] [--batches 1,32] [--min-time-ms 6000] [--rounds 100] [--threads 2] [--eval-limit 10000] [--python python3]
//   node --import tsx bench/int8-placement.ts --small [--models ppocr-rec]    # glyphnet (or the models named), short timings: proves the script runs
//
// Models: bench/.models/<name>.onnx with bench/.models/glyphs (bench/models/make_all.sh), ResNet50
// with bench/.models/imagenet-like/calib, PP-OCRv4's recognizer from the rapidocr wheel
// (bench/models/fetch_rapidocr.sh). A model whose files are missing is skipped with a line.
import { existsSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Placement } from '../src/config/types.ts';
import { firstSamples, openDataSet, readLabels } from '../src/data/index.ts';
import type { DataSet } from '../src/data/types.ts';
import { MemoryLog } from '../src/log.ts';
import { readModel } from '../src/model/read.ts';
import { modelSignature } from '../src/model/signature.ts';
import { cpuForLayout } from '../src/pipeline/cpu.ts';
import { quantizeModel } from '../src/quantize/quantize.ts';
import { ortQuantize, pairedSpeeds, percentEqual, ratioText, speedRatio, top1, weightedInt8 } from './int8-common.ts';
import { benchModels } from './models-dir.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    // Where fetch_rapidocr.sh wrote the recognizer and its text lines.
    rapidocr: { type: 'string' },
    batches: { type: 'string', default: '1,32' },
    // Time per model and batch, spread over the rounds: 100 rounds of 60 ms pair the models close
    // in time, which this drifting 2-core machine needs (10 rounds of 300 ms gave intervals 3-5x
    // as wide for the same models).
    'min-time-ms': { type: 'string', default: '6000' },
    rounds: { type: 'string', default: '100' },
    threads: { type: 'string', default: '2' },
    'eval-limit': { type: 'string', default: '10000' },
    python: { type: 'string', default: 'python3' },
    small: { type: 'boolean', default: false },
  },
});
const small = values.small!;
const models = values.models ? values.models.split(',') : small ? ['glyphnet'] : ['glyphnet', 'glyphmobile', 'glyphformer', 'resnet50', 'ppocr-rec'];
const batches = small ? [1] : values.batches!.split(',').map(Number);
const speed = { minMs: small ? 200 : Number(values['min-time-ms']), rounds: small ? 6 : Number(values.rounds), threads: Number(values.threads) };
const evalLimit = small ? 256 : Number(values['eval-limit']);
const M = benchModels;
const R = values.rapidocr ?? join(M, 'rapidocr');

interface Subject {
  model: string;
  calibration: string;
  eval: string;
  labels: string | null;
  inputShapes?: Record<string, number[]>;
}
const glyph = (name: string): Subject => ({ model: join(M, `${name}.onnx`), calibration: join(M, 'glyphs', 'calib'), eval: join(M, 'glyphs', 'eval.npy'), labels: join(M, 'glyphs', 'labels.txt') });
const SUBJECTS: Record<string, Subject> = {
  glyphnet: glyph('glyphnet'),
  glyphmobile: glyph('glyphmobile'),
  glyphformer: glyph('glyphformer'),
  // Agreement on 512 held-out images (imagenet-like-eval), not on the 64 calibration images: one
  // sample of 64 is 1.6 pp, coarser than the 0.5 pp the target compares.
  resnet50: { model: join(M, 'resnet50.onnx'), calibration: join(M, 'imagenet-like', 'calib'), eval: join(M, 'imagenet-like-eval', 'calib.npy'), labels: null },
  'ppocr-rec': { model: join(R, 'rec.onnx'), calibration: join(R, 'lines', 'calib.npy'), eval: join(R, 'lines', 'eval.npy'), labels: null, inputShapes: { x: [1, 3, 48, 320] } },
};

const work = mkdtempSync(join(tmpdir(), 'qg-bench-int8-'));
const cpu = await cpuForLayout('auto', new MemoryLog());
console.log(`load average before: ${loadavg()[0]!.toFixed(2)}; ${speed.threads} threads, ≥ ${speed.minMs} ms per model and batch in ${speed.rounds} interleaved rounds${small ? ' (--small: proves the script runs; not figures to report)' : ''}`);

for (const name of models) {
  const s = SUBJECTS[name];
  if (!s || !existsSync(s.model) || !existsSync(s.calibration)) {
    console.log(`\n${name}: skipped (missing ${s ? s.model : 'subject'}; see bench/README.md)`);
    continue;
  }
  const model = readModel(s.model);
  const signature = modelSignature(model.proto);
  const open = (path: string, what: string) => openDataSet(path, { what, inputs: signature.inputs, inputShapes: s.inputShapes ?? {} });
  const calibration = await open(s.calibration, 'calibration');
  const evaluation: DataSet = firstSamples(await open(s.eval, 'evaluation'), evalLimit);
  const labels = s.labels ? (await readLabels(s.labels, { what: 'labels', count: (await open(s.eval, 'evaluation')).count })).values.subarray(0, evaluation.count) : null;
  const output = signature.outputs[0]!.name;

  const ours = async (placement: Placement) => {
    const outcome = await quantizeModel({
      model,
      data: calibration,
      settings: { method: 'percentile', percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: s.inputShapes ?? {}, threads: speed.threads, seed: 0, randomIntRange: [0, 100], mode: 'static', placement },
      cpu,
      outDir: join(work, `${name}-${placement}`),
      log: new MemoryLog(),
      sensitivitySamples: 0,
    });
    return { path: outcome.files.ort, counts: outcome.summary.models.find((m) => m.flavour === 'ort')!.quantized, floatOps: outcome.summary.floatAfterDequantize ?? {} };
  };
  const rules = await ours('rules');
  const auto = await ours('auto');
  const reference = ortQuantize(values.python!, s.model, s.calibration, join(work, `${name}-ort.onnx`));
  console.log(`\n${name}: ${s.model}`);
  if (reference.error) {
    console.log(`   ONNX Runtime's quantizer failed: ${reference.error}`);
    continue;
  }
  if (reference.withoutPreprocess) console.log(`   ONNX Runtime's pre-processing failed (${reference.withoutPreprocess}): its quantizer ran on the model as given`);
  console.log(`   Conv/MatMul/Gemm in int8: quantgate rules ${weightedInt8(rules.counts)}, auto ${weightedInt8(auto.counts)}, ONNX Runtime ${weightedInt8(reference.quantized)} (target: ≥ ONNX Runtime's)`);
  console.log(`   ops in float after a DequantizeLinear: rules ${JSON.stringify(rules.floatOps)}, auto ${JSON.stringify(auto.floatOps)}`);

  // Accuracy: top-1 against labels, or agreement with FP32 per output position.
  const batchSize = s.inputShapes ? s.inputShapes[signature.inputs[0]!.name]![0]! : 64;
  const fp32 = await top1(s.model, evaluation, output, batchSize, speed.threads);
  const scores: Record<string, number> = {};
  for (const [label, path] of [['rules', rules.path], ['auto', auto.path], ['onnxruntime', reference.output]] as const) {
    const predicted = await top1(path, evaluation, output, batchSize, speed.threads);
    scores[label] = labels ? percentEqual(fp32, labels) - percentEqual(predicted, labels) : percentEqual(predicted, fp32);
  }
  const what = labels ? 'top-1 loss, pp' : 'agreement with FP32, %';
  console.log(`   ${what} on ${evaluation.count} samples: rules ${scores.rules!.toFixed(2)}, auto ${scores.auto!.toFixed(2)}, ONNX Runtime ${scores.onnxruntime!.toFixed(2)} (target: ${labels ? '≤ ONNX Runtime + 0.2' : '≥ ONNX Runtime − 0.5'})`);

  for (const b of s.inputShapes ? [batchSize] : batches) {
    const results = await pairedSpeeds({ fp32: s.model, rules: rules.path, auto: auto.path, onnxruntime: reference.output }, evaluation, b, speed);
    console.log(`   batch ${b}: speed, paired median [95% interval] (target: lower bound ≥ 0.97)`);
    for (const candidate of ['rules', 'auto']) {
      console.log(`      ${candidate.padEnd(6)} vs FP32 ${ratioText(speedRatio(results, candidate, 'fp32'))}   vs ONNX Runtime's ${ratioText(speedRatio(results, candidate, 'onnxruntime'))}`);
    }
    console.log(`      ONNX Runtime's vs FP32 ${ratioText(speedRatio(results, 'onnxruntime', 'fp32'))}`);
  }
}
console.log(`\nload average after: ${loadavg()[0]!.toFixed(2)}`);
