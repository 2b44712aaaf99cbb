// What the ONNX Runtime flavour's rewrites onto faster int8 kernels (src/quantize/ort-kernels.ts)
// are worth: each model's ORT-flavour INT8 written with them ("fitted") and without ("plain"),
// timed interleaved with FP32 in one group; speed as the paired median of per-round ratios with
// its 95% interval, and the largest output difference between fitted and plain on the evaluation
// samples (the rewrites are exact, so it should be 0 or float rounding).
//
//   node --import tsx bench/ort-kernels.ts [--models glyphmobile,demo] [--batches 1,32] [--min-time-ms 3000] [--rounds 10] [--threads 2]
//   node --import tsx bench/ort-kernels.ts --small     # the demo only, short timings: proves the script runs
//
// Models: the demo (examples/demo, always there) and bench/.models/<name>.onnx with
// bench/.models/glyphs (bench/models/make_all.sh). A model whose files are missing is skipped.
import { existsSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { firstSamples, openDataSet } from '../src/data/index.ts';
import { MemoryLog } from '../src/log.ts';
import { readModel } from '../src/model/read.ts';
import { modelSignature } from '../src/model/signature.ts';
import { cpuForLayout } from '../src/pipeline/cpu.ts';
import { quantizeModel } from '../src/quantize/quantize.ts';
import { loadOrt } from '../src/runtime/onnxruntime/load.ts';
import { hostToOrt } from '../src/runtime/onnxruntime/tensor.ts';
import { here, pairedSpeeds, ratioText, speedRatio } from './int8-common.ts';
import { benchModels } from './models-dir.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    batches: { type: 'string', default: '1,32' },
    'min-time-ms': { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '10' },
    threads: { type: 'string', default: '2' },
    small: { type: 'boolean', default: false },
  },
});
const small = values.small!;
const names = values.models ? values.models.split(',') : small ? ['demo'] : ['demo', 'glyphnet', 'glyphmobile', 'glyphformer'];
const batches = small ? [1] : values.batches!.split(',').map(Number);
const speed = { minMs: small ? 200 : Number(values['min-time-ms']), rounds: small ? 6 : Number(values.rounds), threads: Number(values.threads) };

const demo = join(here, '..', 'examples', 'demo');
const subjects: Record<string, { model: string; calibration: string; eval: string }> = {
  demo: { model: join(demo, 'glyphs.onnx'), calibration: join(demo, 'calibration.npy'), eval: join(demo, 'eval.npy') },
};
for (const n of ['glyphnet', 'glyphmobile', 'glyphformer']) {
  subjects[n] = { model: join(benchModels, `${n}.onnx`), calibration: join(benchModels, 'glyphs', 'calib'), eval: join(benchModels, 'glyphs', 'eval.npy') };
}

const work = mkdtempSync(join(tmpdir(), 'qg-bench-kernels-'));
const cpu = await cpuForLayout('auto', new MemoryLog());
console.log(`load average before: ${loadavg()[0]!.toFixed(2)}; ${speed.threads} threads, ≥ ${speed.minMs} ms per model and batch in ${speed.rounds} interleaved rounds${small ? ' (--small: proves the script runs; not figures to report)' : ''}`);

/** The largest |fitted − plain| over the first samples of `data`. */
async function largestDifference(fitted: string, plain: string, data: Awaited<ReturnType<typeof openDataSet>>, batchSize: number): Promise<number> {
  const ort = await loadOrt();
  const a = await ort.InferenceSession.create(fitted);
  const b = await ort.InferenceSession.create(plain);
  let largest = 0;
  try {
    for await (const batch of data.batches(batchSize)) {
      const feeds = Object.fromEntries(Object.entries(batch.feeds).map(([k, v]) => [k, hostToOrt(ort, v)]));
      const [x, y] = [await a.run(feeds), await b.run(feeds)];
      for (const name of a.outputNames) {
        const u = x[name]!.data as Float32Array;
        const v = y[name]!.data as Float32Array;
        for (let i = 0; i < u.length; i++) largest = Math.max(largest, Math.abs(u[i]! - v[i]!));
      }
    }
  } finally {
    await a.release();
    await b.release();
  }
  return largest;
}

for (const name of names) {
  const s = subjects[name];
  if (!s || !existsSync(s.model) || !existsSync(s.calibration)) {
    console.log(`\n${name}: skipped (missing ${s ? s.model : 'subject'}; see bench/README.md)`);
    continue;
  }
  const model = readModel(s.model);
  const signature = modelSignature(model.proto);
  const open = (path: string, what: string) => openDataSet(path, { what, inputs: signature.inputs, inputShapes: {} });
  const calibration = await open(s.calibration, 'calibration');
  const evaluation = firstSamples(await open(s.eval, 'evaluation'), small ? 64 : 1024);
  const write = async (fitOrtKernels: boolean) => {
    const log = new MemoryLog();
    const outcome = await quantizeModel({
      model,
      data: calibration,
      settings: { method: 'percentile', percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: {}, threads: speed.threads, seed: 0, randomIntRange: [0, 100], mode: 'static', placement: 'rules' },
      cpu,
      outDir: join(work, `${name}-${fitOrtKernels ? 'fitted' : 'plain'}`),
      log,
      sensitivitySamples: 0,
      fitOrtKernels,
    });
    return { path: outcome.files.ort, rewritten: log.lines.find((l) => l.message.startsWith('ONNX Runtime kernels:'))?.message ?? 'ONNX Runtime kernels: nothing to rewrite' };
  };
  const fitted = await write(true);
  const plain = await write(false);
  console.log(`\n${name}: ${s.model}\n   ${fitted.rewritten}`);
  console.log(`   largest |fitted − plain| output on ${evaluation.count} samples: ${await largestDifference(fitted.path, plain.path, evaluation, 64)}`);
  for (const b of batches) {
    const results = await pairedSpeeds({ fp32: s.model, fitted: fitted.path, plain: plain.path }, evaluation, b, speed);
    console.log(`   batch ${b}: fitted vs plain ${ratioText(speedRatio(results, 'fitted', 'plain'))}; vs FP32: fitted ${ratioText(speedRatio(results, 'fitted', 'fp32'))}, plain ${ratioText(speedRatio(results, 'plain', 'fp32'))}`);
  }
}
console.log(`\nload average after: ${loadavg()[0]!.toFixed(2)}`);
