// Inputs `quantgate run` takes beyond a single model: a PyTorch-style export command, and models
// with several inputs calibrated from an .npz keyed by input name.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { makeTensor } from '../../src/model/tensor.ts';
import { writeModel } from '../../src/model/write.ts';
import { resultsSchema } from '../../src/results/schema.ts';
import { writeNpz } from '../helpers/npz.ts';
import { cli } from '../helpers/cli.ts';
import { seeded, smallCnn } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const fast = ['--warmup-ms', '10', '--min-iterations', '3', '--min-time-ms', '30', '--batch-sizes', '2', '--quiet'];
const random = seeded(12);

describe('quantgate run inputs', () => {
  it('--export-command writes the model before anything else runs', async () => {
    const script = join(dir, 'export.mjs');
    // The "export script": writes the model file, as a PyTorch export would.
    writeFileSync(script, `import { copyFileSync } from 'node:fs'; copyFileSync(${JSON.stringify(join(dir, 'source.onnx'))}, process.argv[2]);\n`);
    writeModel(smallCnn(), join(dir, 'source.onnx'));
    const target = join(dir, 'exported.onnx');
    const r = await cli(['run', '--model', target, '--export-command', `node ${script} ${target}`, '--out', join(dir, 'exported-out'), ...fast]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(target));
    assert.ok(existsSync(join(dir, 'exported-out', 'exported.int8.ort.onnx')));
  });

  it('a failing export command is bad input with its last output', async () => {
    const r = await cli(['run', '--model', join(dir, 'never.onnx'), '--export-command', 'echo "ModuleNotFoundError: torch" >&2; exit 4', '--out', join(dir, 'failed-export'), ...fast]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--export-command exited with status 4; its last output:\n {4}ModuleNotFoundError: torch/);
  });

  it('an export command that writes nothing is bad input', async () => {
    const r = await cli(['run', '--model', join(dir, 'missing.onnx'), '--export-command', 'true', '--out', join(dir, 'no-model'), ...fast]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /wrote no model at \S*missing\.onnx/);
  });

  it('a model with two inputs, calibrated from an .npz keyed by input name', async () => {
    const w = (n: number) => Float32Array.from({ length: n }, () => random() - 0.5);
    const path = join(dir, 'two-inputs.onnx');
    writeModel(
      model(
        graph({
          nodes: [
            node('Gemm', ['image', 'wi'], ['a'], { name: '/image/Gemm', attributes: { transB: 1 } }),
            node('Gemm', ['meta', 'wm'], ['b'], { name: '/meta/Gemm', attributes: { transB: 1 } }),
            node('Add', ['a', 'b'], ['sum'], { name: '/add/Add' }),
            node('Relu', ['sum'], ['h'], { name: '/relu/Relu' }),
            node('Gemm', ['h', 'wo'], ['logits'], { name: '/head/Gemm', attributes: { transB: 1 } }),
          ],
          inputs: [valueInfo('image', DataType.FLOAT, ['batch', 16]), valueInfo('meta', DataType.FLOAT, ['batch', 4])],
          outputs: [valueInfo('logits', DataType.FLOAT, ['batch', 5])],
          initializers: [makeTensor('wi', DataType.FLOAT, [8, 16], w(128)), makeTensor('wm', DataType.FLOAT, [8, 4], w(32)), makeTensor('wo', DataType.FLOAT, [5, 8], w(40))],
        }),
      ),
      path,
    );
    const data = join(dir, 'two.npz');
    writeNpz(data, { image: { dims: [20, 16], data: w(320) }, meta: { dims: [20, 4], data: w(80) } });
    const r = await cli(['run', '--model', path, '--calibration-data', data, '--out', join(dir, 'two-out'), ...fast]);
    assert.equal(r.code, 0, r.stderr);
    const res = resultsSchema.parse(JSON.parse(readFileSync(join(dir, 'two-out', 'results.json'), 'utf8')));
    assert.deepEqual(res.quantization!.models[0]!.quantized.Gemm, [3, 3]);
    assert.ok(res.runs.some((x) => x.model === 'int8.ort' && x.status === 'ok' && x.accuracy && 'agreement' in x.accuracy));
  });
});

describe('a model with a fixed batch dimension', () => {
  it('runs only its own batch size; the others are skipped rows with the reason, never rewritten', async () => {
    const fixed = smallCnn();
    const dim = fixed.graph!.input[0]!.type!.value;
    if (dim.case !== 'tensorType') throw new Error('fixture');
    dim.value.shape!.dim[0]!.value = { case: 'dimValue', value: 2n };
    const path = join(dir, 'fixed.onnx');
    writeModel(fixed, path);
    const calib = join(dir, 'fixed-calib.npz');
    writeNpz(calib, { input: { dims: [6, 3, 16, 16], data: Float32Array.from({ length: 6 * 768 }, () => random() - 0.5) } });
    const r = await cli(['run', '--model', path, '--calibration-data', calib, '--out', join(dir, 'fixed-out'), ...fast.slice(0, -3), '--batch-sizes', '1,2', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const res = resultsSchema.parse(JSON.parse(readFileSync(join(dir, 'fixed-out', 'results.json'), 'utf8')));
    const cpu = res.runs.filter((x) => x.provider === 'cpu');
    assert.ok(cpu.filter((x) => x.batch === 2).every((x) => x.status === 'ok'));
    const skipped = cpu.filter((x) => x.batch === 1);
    assert.ok(skipped.length > 0 && skipped.every((x) => x.status === 'skipped' && /fixed batch dimension of 2/.test(x.reason!)));
    assert.ok(res.quantization!.mostSensitive.length > 0, 'sensitivity ran at the fixed batch size');
  });
});
