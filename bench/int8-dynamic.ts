// Issue 11's dynamic INT8 target: quantgate --mode dynamic against ONNX Runtime's
// quantize_dynamic (bench/reference/ort_quantize_dynamic.py: int8 per-channel weights, reduce_range
// where the CPU has no VNNI, as quantgate's 7-bit layout) on a BERT-style encoder exported from
// PyTorch (bench/models/export_bert_encoder.py, random weights). Speed: paired median of
// interleaved rounds with its 95% interval (target: lower bound ≥ 0.97 against FP32 and against
// quantize_dynamic's model); fidelity to FP32: cosine of the logits and top-1 agreement (target:
// ≥ quantize_dynamic's).
//
//   node --import tsx bench/int8-dynamic.ts [--dir bench/.models/bert] [--batches 1,8] [--min-time-ms 3000] [--rounds 10] [--threads 2]
//   node --import tsx bench/int8-dynamic.ts --small     # 2 layers, width 128, 64 tokens: proves the script runs
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDataSet } from '../src/data/index.ts';
import { MemoryLog } from '../src/log.ts';
import { readModel } from '../src/model/read.ts';
import { modelSignature } from '../src/model/signature.ts';
import { cpuForLayout } from '../src/pipeline/cpu.ts';
import { quantizeModel } from '../src/quantize/quantize.ts';
import { loadOrt } from '../src/runtime/onnxruntime/load.ts';
import { hostToOrt } from '../src/runtime/onnxruntime/tensor.ts';
import { here, pairedSpeeds, percentEqual, ratioText, speedRatio, top1 } from './int8-common.ts';
import { benchModels } from './models-dir.ts';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '1,8' },
    'min-time-ms': { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '10' },
    threads: { type: 'string', default: '2' },
    python: { type: 'string', default: 'python3' },
    small: { type: 'boolean', default: false },
    // Where the encoder and its token ids are written (made on first use).
    dir: { type: 'string' },
  },
});
const small = values.small!;
const speed = { minMs: small ? 200 : Number(values['min-time-ms']), rounds: small ? 6 : Number(values.rounds), threads: Number(values.threads) };
const dir = values.dir ?? join(benchModels, small ? 'bert-small' : 'bert');
const shape = small ? ['--layers', '2', '--hidden', '128', '--seq', '64', '--eval', '64'] : [];
if (!existsSync(join(dir, 'bert.onnx'))) execFileSync('/usr/bin/python3', [join(here, 'models', 'export_bert_encoder.py'), dir, ...shape], { stdio: 'inherit' });
const modelPath = join(dir, 'bert.onnx');
const work = mkdtempSync(join(tmpdir(), 'qg-bench-dynamic-'));
const cpu = await cpuForLayout('auto', new MemoryLog());
console.log(`load average before: ${loadavg()[0]!.toFixed(2)}; ${modelPath}; ${speed.threads} threads${small ? ' (--small: proves the script runs; not figures to report)' : ''}`);

const model = readModel(modelPath);
const signature = modelSignature(model.proto);
const calibration = await openDataSet(join(dir, 'calib.npy'), { what: 'calibration', inputs: signature.inputs });
const evaluation = await openDataSet(join(dir, 'eval.npy'), { what: 'evaluation', inputs: signature.inputs });
const ours = await quantizeModel({
  model,
  data: calibration,
  settings: { method: 'percentile', percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: {}, threads: speed.threads, seed: 0, randomIntRange: [0, 100], mode: 'dynamic' },
  cpu,
  outDir: join(work, 'quantgate'),
  log: new MemoryLog(),
  sensitivitySamples: 0,
});
const refOut = join(work, 'ort-dynamic.onnx');
const r = spawnSync(values.python!, [join(here, 'reference', 'ort_quantize_dynamic.py'), modelPath, refOut, '--per-channel', ...(cpu.vnni ? [] : ['--reduce-range'])], { encoding: 'utf8' });
if (r.status !== 0) throw new Error(`quantize_dynamic failed: ${r.stderr.slice(-2000)}`);
const reference = JSON.parse(r.stdout.trim().split('\n').pop()!);
const counts = ours.summary.models.find((m) => m.flavour === 'ort')!.quantized;
console.log(`MatMul/Gemm in int8: quantgate ${(counts.MatMul?.[0] ?? 0) + (counts.Gemm?.[0] ?? 0)} of ${(counts.MatMul?.[1] ?? 0) + (counts.Gemm?.[1] ?? 0)}; quantize_dynamic ${reference.matMulInteger} MatMulInteger (${reference.floatMatMul} MatMul and ${reference.floatGemm} Gemm left float)`);

// Fidelity: cosine of all logits and top-1 agreement with FP32.
const ort = await loadOrt();
async function logits(path: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: speed.threads, logSeverityLevel: 3 });
  const parts: number[] = [];
  for await (const batch of evaluation.batches(16)) {
    const out = await session.run(Object.fromEntries(Object.entries(batch.feeds).map(([k, v]) => [k, hostToOrt(ort, v)])));
    parts.push(...(out[session.outputNames[0]!]!.data as Float32Array));
  }
  await session.release();
  return Float32Array.from(parts);
}
const cosine = (a: Float32Array, b: Float32Array) => {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) (dot += a[i]! * b[i]!), (na += a[i]! ** 2), (nb += b[i]! ** 2);
  return dot / Math.sqrt(na * nb);
};
const output = signature.outputs[0]!.name;
const fp32Logits = await logits(modelPath);
const fp32Top1 = await top1(modelPath, evaluation, output, 16, speed.threads);
for (const [label, path] of [['quantgate', ours.files.ort], ['quantize_dynamic', refOut]] as const) {
  const agreement = percentEqual(await top1(path, evaluation, output, 16, speed.threads), fp32Top1);
  console.log(`${label.padEnd(16)} fidelity on ${evaluation.count} sequences: cosine ${cosine(fp32Logits, await logits(path)).toFixed(5)}, top-1 agreement ${agreement.toFixed(2)}% (target: ≥ quantize_dynamic's)`);
}

for (const b of small ? [1] : values.batches!.split(',').map(Number)) {
  const results = await pairedSpeeds({ fp32: modelPath, quantgate: ours.files.ort, quantize_dynamic: refOut }, evaluation, b, speed);
  console.log(`batch ${b}: speed, paired median [95% interval] (target: lower bound ≥ 0.97)`);
  console.log(`   quantgate vs FP32 ${ratioText(speedRatio(results, 'quantgate', 'fp32'))}   vs quantize_dynamic ${ratioText(speedRatio(results, 'quantgate', 'quantize_dynamic'))}`);
  console.log(`   quantize_dynamic vs FP32 ${ratioText(speedRatio(results, 'quantize_dynamic', 'fp32'))}`);
}
console.log(`load average after: ${loadavg()[0]!.toFixed(2)}`);
