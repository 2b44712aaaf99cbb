// --accuracy-budget end to end with the real ONNX Runtime: on a chain of Gemms whose near-tied
// outputs flip under INT8 noise, the search keeps the most sensitive nodes in float until the
// disagreement on the search half is within budget, counts its evaluations, and the gate scores
// only the other half; the report lists the nodes and their exact --exclude flags.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeNpy } from '../../src/data/index.ts';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { readModel } from '../../src/model/read.ts';
import { makeTensor } from '../../src/model/tensor.ts';
import { writeModel } from '../../src/model/write.ts';
import { resultsSchema } from '../../src/results/schema.ts';
import { cli } from '../helpers/cli.ts';
import { seeded } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const random = seeded(21);
const width = 64;
const layers = 4;
const init = [];
const nodes = [];
for (let l = 0; l < layers; l++) {
  // Near-identity mixing: the output keeps the input's order up to small changes, so top-1 is
  // decided by close calls that INT8 noise flips.
  init.push(makeTensor(`w${l}`, DataType.FLOAT, [width, width], Float32Array.from({ length: width * width }, (_, i) => (i % (width + 1) === 0 ? 1 : 0) + (random() - 0.5) * 0.08)));
  nodes.push(node('Gemm', [l === 0 ? 'input' : `h${l}`, `w${l}`], [l === layers - 1 ? 'output' : `h${l + 1}`], { name: `/layer${l}/Gemm` }));
}
const modelPath = join(dir, 'chain.onnx');
writeModel(
  model(graph({ name: 'chain', nodes, inputs: [valueInfo('input', DataType.FLOAT, ['batch', width])], outputs: [valueInfo('output', DataType.FLOAT, ['batch', width])], initializers: init }), { irVersion: 8, opsets: { '': 17 } }),
  modelPath,
);
mkdirSync(join(dir, 'data'));
// Values close together: many near ties.
writeFileSync(join(dir, 'data', 'x.npy'), encodeNpy({ dataType: DataType.FLOAT, dims: [200, width], data: Float32Array.from({ length: 200 * width }, () => random() * 0.6 - 0.3) }));
const fast = ['--batch-sizes', '1', '--warmup-ms', '10', '--min-iterations', '3', '--min-time-ms', '30', '--placement', 'rules'];

describe('accuracy budget', () => {
  it('meets a budget with few nodes in float and few evaluations, and gates on the samples it did not search', async () => {
    const run = async (out: string, budgetPp: number) => {
      const r = await cli(['run', '--model', modelPath, '--calibration-data', join(dir, 'data'), '--eval-data', join(dir, 'data'), '--out', join(dir, out), '--accuracy-budget', String(budgetPp), ...fast]);
      assert.equal(r.code, 0, r.stderr);
      return resultsSchema.parse(JSON.parse(readFileSync(join(dir, out, 'results.json'), 'utf8')));
    };
    // A budget nothing exceeds: one evaluation, the plain INT8 disagreement.
    const plain = (await run('plain', 100)).quantization!.accuracyBudget!;
    assert.equal(plain.evaluations, 1);
    assert.deepEqual(plain.keptFloat, []);
    assert.ok(plain.lossBeforePp >= 2, `plain INT8 disagrees on ${plain.lossBeforePp} pp: the search has work to do`);
    // Half the plain loss, as issue 11's target sets it.
    const half = plain.lossBeforePp / 2;
    const out = join(dir, 'half');
    const res = await run('half', half);
    const budget = res.quantization!.accuracyBudget!;
    assert.equal(budget.metric, 'disagreement');
    assert.equal(budget.lossBeforePp, plain.lossBeforePp, 'the same plain model on the same search part');
    assert.equal(budget.met, true, JSON.stringify(budget));
    assert.ok(budget.lossAfterPp <= half);
    assert.ok(budget.keptFloat.length >= 1 && budget.keptFloat.length <= layers);
    // Doubling then bisecting over 4 candidates: at most 1 + 3 + 1 evaluations, fewer than one per node and the plain model.
    assert.ok(budget.evaluations <= 5, `${budget.evaluations} evaluations`);
    // Disjoint parts: the gate scored only the samples the search never saw.
    assert.deepEqual(budget.searchSamples, [0, 100]);
    assert.deepEqual(budget.gateSamples, [100, 200]);
    assert.equal(res.evaluation!.samples, 100);
    assert.match(res.evaluation!.source, /samples 100–199 \(gate part\)/);
    // The models were written again with those nodes in float.
    const ort = readModel(join(out, 'chain.int8.ort.onnx')).proto.graph!.node;
    for (const kept of budget.keptFloat) {
      assert.equal(kept.exclude, `--exclude ${kept.node}`);
      const gemm = ort.find((n) => n.name === kept.node)!;
      assert.ok(!gemm.input.some((i) => ort.some((n) => n.opType === 'DequantizeLinear' && n.output[0] === i)), `${kept.node} reads float inputs`);
    }
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    for (const kept of budget.keptFloat) assert.ok(report.includes(kept.exclude), `the report gives ${kept.exclude}`);
    assert.match(report, /Accuracy budget/);
  });

  it('bad input, one message each, results still written: a negative budget, and a budget with dynamic mode', async () => {
    const negative = await cli(['run', '--model', modelPath, '--out', join(dir, 'neg'), '--accuracy-budget', '-1', ...fast]);
    assert.equal(negative.code, 2);
    assert.equal(negative.stderr.trim().split('\n').filter((l) => /accuracy-budget/.test(l)).length, 1, negative.stderr);
    assert.match(negative.stderr, /--accuracy-budget.*above 0/);
    const dynamic = await cli(['run', '--model', modelPath, '--out', join(dir, 'dyn'), '--accuracy-budget', '1', '--mode', 'dynamic', ...fast]);
    assert.equal(dynamic.code, 2);
    assert.match(dynamic.stderr, /--accuracy-budget 1 with --mode dynamic: the budget searches the sensitivity ranking/);
    assert.ok(readFileSync(join(dir, 'dyn', 'results.json'), 'utf8').length > 0, 'results.json written');
  });
});
