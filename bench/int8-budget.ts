// Issue 11's accuracy-budget target: on glyphformer, with the budget set to half its plain INT8
// loss, `quantgate run --accuracy-budget` meets it with at most 5 nodes in float and at most 2x
// the evaluations of one sensitivity pass (one evaluation per ranked node, as an accuracy-aware
// tuner that tries each node alone would spend). Two runs of the real CLI: the first with a
// budget nothing exceeds gives the plain loss on the search half; the second searches at half.
//
//   node --import tsx bench/int8-budget.ts [--model bench/.models/glyphformer.onnx] [--data bench/.models/glyphs]
//   node --import tsx bench/int8-budget.ts --small     # glyphmobile, 512 samples, disagreement with FP32 (no labels): proves the script runs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resultsSchema } from '../src/results/schema.ts';
import { cli } from '../test/helpers/cli.ts';
import { benchModels } from './models-dir.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: join(benchModels, 'glyphformer.onnx') },
    data: { type: 'string', default: join(benchModels, 'glyphs') },
    'eval-limit': { type: 'string', default: '10000' },
    small: { type: 'boolean', default: false },
  },
});
const model = values.small ? join(benchModels, 'glyphmobile.onnx') : values.model!;
const limit = values.small ? 512 : Number(values['eval-limit']);
if (!existsSync(model)) throw new Error(`${model} is missing: bash bench/models/make_all.sh makes it`);
const work = mkdtempSync(join(tmpdir(), 'qg-bench-budget-'));

// The evaluation set cut to `limit` samples (the search takes the first half, the gate the rest).
const python = `import numpy as np, sys; x = np.load(sys.argv[1])[:int(sys.argv[3])]; np.save(sys.argv[2], x)`;
mkdirSync(join(work, 'eval'));
spawnSync('python3', ['-c', python, join(values.data!, 'eval.npy'), join(work, 'eval', 'eval.npy'), String(limit)], { stdio: 'inherit' });
const labels = readFileSync(join(values.data!, 'labels.txt'), 'utf8').trim().split('\n').slice(0, limit);
writeFileSync(join(work, 'labels.txt'), `${labels.join('\n')}\n`);

async function run(out: string, budget: number) {
  const r = await cli(['run', '--model', model, '--calibration-data', join(values.data!, 'calib'), '--eval-data', join(work, 'eval'), ...(values.small ? [] : ['--labels', join(work, 'labels.txt')]), '--out', join(work, out), '--accuracy-budget', String(budget), '--batch-sizes', '1', '--runtimes', 'onnxruntime', '--min-time-ms', '100', '--warmup-ms', '10', '--placement', 'rules']);
  if (r.code !== 0) throw new Error(`quantgate run failed (${r.code}): ${r.stderr.slice(-2000)}`);
  return resultsSchema.parse(JSON.parse(readFileSync(join(work, out, 'results.json'), 'utf8'))).quantization!.accuracyBudget!;
}

const plain = await run('plain', 100);
console.log(`${model}: plain INT8 top-1 ${plain.metric} ${plain.lossBeforePp.toFixed(2)} pp on samples ${plain.searchSamples.join('–')} (${plain.candidates} ranked nodes)`);
if (plain.lossBeforePp <= 0) {
  console.log('no loss to halve: the budget target does not apply to this model/data (try more samples)');
} else {
  const half = plain.lossBeforePp / 2;
  const b = await run('half', half);
  const ok = (x: boolean) => (x ? 'yes' : 'NO');
  console.log(`budget ${half.toFixed(2)} pp: ${b.met ? 'met' : 'NOT met'}, ${b.metric} ${b.lossBeforePp.toFixed(2)} → ${b.lossAfterPp.toFixed(2)} pp, ${b.keptFloat.length} node(s) in float (≤ 5: ${ok(b.keptFloat.length <= 5)}), ${b.evaluations} evaluations vs ${b.candidates} for one per-node sensitivity pass (≤ 2x: ${ok(b.evaluations <= 2 * b.candidates)})`);
  for (const k of b.keptFloat) console.log(`   ${k.exclude}`);
  console.log(`gate part: samples ${b.gateSamples.join('–')}`);
}
