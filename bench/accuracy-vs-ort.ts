// Issue 4's accuracy targets on trained models with real labels, side by side in one run:
//
// - quantgate's ONNX Runtime model loses no more top-1 than ONNX Runtime's own quantizer with its
//   best recipe for this CPU (bench/reference/ort_quantize.py: reduce_range where there is no
//   VNNI) + 0.2 points, and at most 1 point;
// - quantgate's TensorRT model, run by ONNX Runtime on the CPU with graph optimisations off (the
//   simulation of TensorRT's INT8 numerics), matches FP32 with cosine ≥ 0.99 (and top-1 agreement);
// - the table for choosing the default method: each method's loss on each model;
// - every top-1 cross-checked by an independent evaluator (bench/reference/eval_onnx.py, Python
//   onnxruntime, no code shared with quantgate).
//
//   node --import tsx bench/accuracy-vs-ort.ts [--data bench/.models/glyphs] [--models glyphnet,glyphmobile,demo] (glyphformer where make_all.sh built it) [--methods minmax,entropy,percentile]
//
// Models: bench/.models/<name>.onnx with bench/.models/glyphs/{calib,eval.npy,labels.txt}
// (bench/models/make_all.sh makes them), and the demo in examples/demo.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FidelityScorer } from '../src/accuracy/fidelity.ts';
import { LabelledScorer } from '../src/accuracy/labelled.ts';
import { accuracyLoss } from '../src/accuracy/loss.ts';
import type { Method } from '../src/config/types.ts';
import { openDataSet, readLabels } from '../src/data/index.ts';
import type { DataSet, Labels } from '../src/data/types.ts';
import { MemoryLog } from '../src/log.ts';
import { readModel } from '../src/model/read.ts';
import { modelSignature } from '../src/model/signature.ts';
import { cpuForLayout } from '../src/pipeline/cpu.ts';
import { quantizeModel } from '../src/quantize/quantize.ts';
import { OnnxRuntimeRunner } from '../src/runtime/onnxruntime/runner.ts';
import type { ProviderName } from '../src/runtime/types.ts';
import { benchModels } from './models-dir.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'glyphnet,glyphmobile,demo' },
    methods: { type: 'string', default: 'minmax,entropy,percentile' },
    python: { type: 'string', default: 'python3' },
    // The glyph data folder (make_glyph_data.py's): a larger --eval set narrows the intervals.
    data: { type: 'string', default: join(benchModels, 'glyphs') },
    threads: { type: 'string', default: '2' },
  },
});

interface Subject {
  name: string;
  model: string;
  calibration: string;
  eval: string;
  labels: string;
}

function subject(name: string): Subject {
  if (name === 'demo') {
    const d = join(root, 'examples', 'demo');
    return { name, model: join(d, 'glyphs.onnx'), calibration: join(d, 'calibration.npy'), eval: join(d, 'eval.npy'), labels: join(d, 'labels.txt') };
  }
  const g = values.data!;
  return { name, model: join(benchModels, `${name}.onnx`), calibration: join(g, 'calib'), eval: join(g, 'eval.npy'), labels: join(g, 'labels.txt') };
}

const threads = Number(values.threads);
const work = mkdtempSync(join(tmpdir(), 'qg-bench-accuracy-'));

/** Top-1 outcomes of one model on the evaluation set, and fidelity against FP32 if asked. */
async function score(path: string, provider: ProviderName, data: DataSet, labels: Labels, output: string, fp32?: string) {
  const runner = new OnnxRuntimeRunner({ modelPath: path, provider, threads });
  await runner.load();
  const reference = fp32 ? new OnnxRuntimeRunner({ modelPath: fp32, provider: 'cpu', threads }) : undefined;
  await reference?.load();
  const labelled = new LabelledScorer(labels, { output });
  const fidelity = new FidelityScorer({ output });
  for await (const batch of data.batches(250)) {
    const out = (await runner.run(batch.feeds, [output]))[output]!;
    labelled.add(out, batch);
    if (reference) fidelity.add((await reference.run(batch.feeds, [output]))[output]!, out, batch);
  }
  await runner.dispose();
  await reference?.dispose();
  return { labelled: labelled.result(), fidelity: reference ? fidelity.result() : null };
}

/** Top-1 by Python onnxruntime, nothing shared with quantgate. */
function independentTop1(path: string, s: Subject, disableOptimizations = false): number {
  const r = spawnSync(values.python!, [join(here, 'reference', 'eval_onnx.py'), path, s.eval, s.labels, '--threads', String(threads), ...(disableOptimizations ? ['--disable-optimizations'] : [])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout).top1 * 100;
}

const cpu = await cpuForLayout('auto', new MemoryLog());
console.log(`CPU: ${cpu.features.join(', ')}${cpu.measuredSaturation === undefined ? '' : `; ONNX Runtime's U8S8 kernel ${cpu.measuredSaturation ? 'saturates' : 'is exact'} here`}`);
console.log('top-1 (%) and loss against FP32 (pp, 95% paired interval); ✓ = the independent evaluator agrees to 0.01 pp\n');
const pp = (x: number) => `${x >= 0 ? ' ' : ''}${x.toFixed(2)}`;
for (const name of values.models!.split(',')) {
  const s = subject(name);
  if (!existsSync(s.model)) {
    console.log(`${name}: ${s.model} is missing (bench/models/make_all.sh makes it); skipped\n`);
    continue;
  }
  const model = readModel(s.model);
  const signature = modelSignature(model.proto);
  const output = signature.outputs[0]!.name;
  const evalData = await openDataSet(s.eval, { what: '--eval-data', inputs: signature.inputs });
  const labels = await readLabels(s.labels, { what: '--labels', count: evalData.count });
  const calibration = await openDataSet(s.calibration, { what: '--calibration-data', inputs: signature.inputs });
  const fp32 = await score(s.model, 'cpu', evalData, labels, output);
  const check = (ours: number, path: string, disable = false) => (Math.abs(independentTop1(path, s, disable) - ours) < 0.01 ? '✓' : `✗ (${independentTop1(path, s, disable).toFixed(2)})`);
  console.log(`${name}: ${evalData.count} evaluation samples, ${calibration.count} calibration samples; FP32 top-1 ${fp32.labelled.top1.toFixed(2)}% ${check(fp32.labelled.top1, s.model)}`);
  for (const method of values.methods!.split(',') as Method[]) {
    const outDir = join(work, `${name}-${method}`);
    const q = await quantizeModel({
      model,
      data: calibration,
      settings: { method, percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: {}, threads, seed: 0, randomIntRange: [0, 100], mode: 'static' },
      cpu,
      outDir,
      log: new MemoryLog(),
      sensitivitySamples: 0,
    });
    const ours = await score(q.files.ort, 'cpu', evalData, labels, output);
    const trt = await score(q.files.trt!, 'reference', evalData, labels, output, s.model);
    const ref = spawnSync(values.python!, [join(here, 'reference', 'ort_quantize.py'), s.model, s.calibration, '--method', method, '--out', join(outDir, 'reference.onnx')], { encoding: 'utf8' });
    const refJson = JSON.parse(ref.stdout.trim().split('\n').pop()!);
    const line = (label: string, r: Awaited<ReturnType<typeof score>>, path: string, disable = false) => {
      const loss = accuracyLoss(fp32.labelled.outcomes, r.labelled.outcomes, { seed: 0 });
      return `    ${label.padEnd(34)} ${r.labelled.top1.toFixed(2)}% ${check(r.labelled.top1, path, disable)}  loss ${pp(loss.lossPp)} pp [${pp(loss.ci[0])}, ${pp(loss.ci[1])}]`;
    };
    console.log(`  ${method}`);
    console.log(line('quantgate, ONNX Runtime model', ours, q.files.ort));
    if (refJson.error) console.log(`    onnxruntime quantizer failed: ${refJson.error}`);
    else {
      const reference = await score(refJson.output, 'cpu', evalData, labels, output);
      console.log(line(`onnxruntime quantizer${refJson.reduceRange ? ' (reduce_range)' : ''}`, reference, refJson.output));
      const a = accuracyLoss(fp32.labelled.outcomes, ours.labelled.outcomes, { seed: 0 }).lossPp;
      const b = accuracyLoss(fp32.labelled.outcomes, reference.labelled.outcomes, { seed: 0 }).lossPp;
      console.log(`    → quantgate − onnxruntime: ${pp(a - b)} pp (target ≤ 0.2), quantgate's loss ${a.toFixed(2)} pp (target ≤ 1)`);
    }
    console.log(`${line('quantgate, TensorRT model simulated', trt, q.files.trt!, true)}  cosine ${trt.fidelity!.cosine.toFixed(4)} (≥ 0.99), agreement ${trt.fidelity!.agreement.toFixed(2)}%`);
  }
  console.log('');
  model.close();
}
