// The float16 variants against FP32, on the CPU (issue 9): `<name>.fp16.onnx` and
// `<name>.int8.trt.fp16.onnx` beside `<name>.int8.trt.onnx`, each run by ONNX Runtime with graph
// optimisations off (the `reference` provider: Q/DQ pairs computed as written), scored against
// FP32 for top-1 agreement and cosine, and for top-1 against labels where there are labels. Lists
// the nodes each float16 variant keeps in float32, and checks every model written with ONNX's own
// checker (`onnx.checker.check_model(full_check=True)`, Python `onnx`, 1.17 pinned: IR ≤ 10).
//
//   node --import tsx bench/float16-fidelity.ts [--models demo,cnn,transformer,glyphformer] [--python python3]
//
// demo: examples/demo (a trained CNN, labelled); cnn and transformer: test/helpers/models.ts's
// smallCnn (with a Softmax) and smallTransformer (LayerNorm, attention, a -1e9 mask, GELU), random
// weights, 256 random calibration and 512 random evaluation samples; glyph models from
// bench/.models (bench/models/make_all.sh) with bench/.models/glyphs' data, where they exist.
// Accuracy figures only: no timing is taken here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FidelityScorer } from '../src/accuracy/fidelity.ts';
import { LabelledScorer } from '../src/accuracy/labelled.ts';
import { openDataSet, readLabels } from '../src/data/index.ts';
import type { DataSet, Labels } from '../src/data/types.ts';
import { MemoryLog } from '../src/log.ts';
import { readModel } from '../src/model/read.ts';
import { modelSignature } from '../src/model/signature.ts';
import { writeModel } from '../src/model/write.ts';
import { cpuForLayout } from '../src/pipeline/cpu.ts';
import { quantizeModel } from '../src/quantize/quantize.ts';
import { OnnxRuntimeRunner } from '../src/runtime/onnxruntime/runner.ts';
import { randomFloatDataSet } from '../test/helpers/data.ts';
import { smallCnn, smallTransformer } from '../test/helpers/models.ts';
import { benchModels } from './models-dir.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'demo,cnn,transformer,glyphnet,glyphmobile,glyphformer' },
    python: { type: 'string', default: 'python3' },
    threads: { type: 'string', default: '2' },
  },
});
const threads = Number(values.threads);
const work = mkdtempSync(join(tmpdir(), 'qg-bench-float16-'));

interface Subject {
  model: string;
  calibration: DataSet;
  eval: DataSet;
  labels: Labels | null;
}

async function subject(name: string): Promise<Subject | string> {
  if (name === 'cnn' || name === 'transformer') {
    const model = join(work, `${name}.onnx`);
    writeModel(name === 'cnn' ? smallCnn({ withSoftmax: true }) : smallTransformer(), model);
    const dims = name === 'cnn' ? [3, 16, 16] : [1, 16, 16];
    const input = name === 'cnn' ? 'input' : 'image';
    return { model, calibration: randomFloatDataSet(input, dims, 256, { seed: 3 }), eval: randomFloatDataSet(input, dims, 512, { seed: 4 }), labels: null };
  }
  const demo = name === 'demo';
  const folder = demo ? join(root, 'examples', 'demo') : join(benchModels, 'glyphs');
  const model = demo ? join(folder, 'glyphs.onnx') : join(benchModels, `${name}.onnx`);
  if (!existsSync(model)) return `${model} is missing (bench/models/make_all.sh makes it)`;
  const inputs = modelSignature(readModel(model).proto).inputs;
  const evalData = await openDataSet(join(folder, 'eval.npy'), { what: '--eval-data', inputs });
  return {
    model,
    calibration: await openDataSet(join(folder, demo ? 'calibration.npy' : 'calib'), { what: '--calibration-data', inputs }),
    eval: evalData,
    labels: await readLabels(join(folder, 'labels.txt'), { what: '--labels', count: evalData.count }),
  };
}

async function score(path: string, fp32: string, s: Subject, output: string) {
  const runner = new OnnxRuntimeRunner({ modelPath: path, provider: 'reference', threads });
  const reference = new OnnxRuntimeRunner({ modelPath: fp32, provider: 'cpu', threads });
  await runner.load();
  await reference.load();
  const fidelity = new FidelityScorer({ output });
  const labelled = s.labels ? new LabelledScorer(s.labels, { output }) : null;
  for await (const batch of s.eval.batches(128)) {
    const out = (await runner.run(batch.feeds, [output]))[output]!;
    fidelity.add((await reference.run(batch.feeds, [output]))[output]!, out, batch);
    labelled?.add(out, batch);
  }
  await runner.dispose();
  await reference.dispose();
  return { fidelity: fidelity.result(), top1: labelled ? labelled.result().top1 : null };
}

function checkOnnx(paths: string[]): string {
  const code = 'import sys, onnx\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(p, full_check=True)\nprint(onnx.__version__)';
  const r = spawnSync(values.python!, ['-c', code, ...paths], { encoding: 'utf8' });
  if (r.error || (r.status !== 0 && /No module named 'onnx'/.test(r.stderr))) return `not run (${values.python} has no onnx: pip install onnx==1.17.0)`;
  return r.status === 0 ? `onnx ${r.stdout.trim()} check_model(full_check=True): all pass` : `FAILED: ${r.stderr.trim().split('\n').pop()}`;
}

const cpu = await cpuForLayout('auto', new MemoryLog());
for (const name of values.models!.split(',')) {
  const s = await subject(name);
  if (typeof s === 'string') {
    console.log(`${name}: ${s}; skipped\n`);
    continue;
  }
  const model = readModel(s.model);
  const output = modelSignature(model.proto).outputs[0]!.name;
  const q = await quantizeModel({
    model,
    data: s.calibration,
    settings: { method: 'percentile', percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: {}, threads, seed: 0, randomIntRange: [0, 100], mode: 'static' },
    cpu,
    outDir: join(work, name),
    log: new MemoryLog(),
    sensitivitySamples: 0,
  });
  console.log(`${name}: ${s.eval.count} evaluation samples${s.labels ? ', labelled' : ', random (fidelity only)'}`);
  const fp32 = s.labels ? await score(s.model, s.model, s, output) : null;
  if (fp32) console.log(`  ${'FP32'.padEnd(34)} top-1 ${fp32.top1!.toFixed(2)}%`);
  const rows: [string, string | null][] = [
    ['INT8 for TensorRT (int8.trt)', q.files.trt],
    ['FP16 (fp16)', q.files.fp16],
    ['INT8 + FP16 (int8.trt.fp16)', q.files.trtFp16],
  ];
  for (const [label, path] of rows) {
    if (!path) {
      console.log(`  ${label.padEnd(34)} not written: ${q.float16.skipped.map((k) => k.reason).join('; ')}`);
      continue;
    }
    const r = await score(path, s.model, s, output);
    const top1 = r.top1 === null ? '' : `top-1 ${r.top1.toFixed(2)}% (${(fp32!.top1! - r.top1).toFixed(2)} pp)  `;
    console.log(`  ${label.padEnd(34)} ${top1}agreement ${r.fidelity.agreement.toFixed(2)}%  cosine ${r.fidelity.cosine.toFixed(6)}  SNR ${r.fidelity.snrDb.toFixed(1)} dB`);
  }
  for (const v of [q.float16.fp16, q.float16.trtFp16]) {
    if (!v) continue;
    const byOp = new Map<string, number>();
    for (const k of v.keptFloat32) byOp.set(k.opType, (byOp.get(k.opType) ?? 0) + 1);
    console.log(`  ${v.flavour}: ${v.nodes.float16} nodes in float16, ${v.nodes.float32} in float32 (${[...byOp].map(([op, n]) => `${op} ${n}`).join(', ') || 'none'}), ${v.casts} Casts`);
  }
  console.log(`  ONNX checker: ${checkOnnx([q.files.trt, q.files.ort, q.files.fp16, q.files.trtFp16].filter((p): p is string => p !== null))}\n`);
  model.close();
}
