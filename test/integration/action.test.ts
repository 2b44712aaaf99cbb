// The action entry as GitHub runs it: inputs from INPUT_* variables, outputs and the job summary
// written to the files GitHub names in GITHUB_OUTPUT and GITHUB_STEP_SUMMARY (the real
// @actions/core, no mocks).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeNpy } from '../../src/data/index.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { writeModel } from '../../src/model/write.ts';
import { ROOT } from '../helpers/cli.ts';
import { seeded, smallCnn } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
writeModel(smallCnn(), join(dir, 'cnn.onnx'));
const random = seeded(4);
mkdirSync(join(dir, 'calib'));
writeFileSync(join(dir, 'calib', 'c.npy'), encodeNpy({ dataType: DataType.FLOAT, dims: [8, 3, 16, 16], data: Float32Array.from({ length: 8 * 768 }, () => random() - 0.5) }));

/** Runs the action's entry in its own process, as GitHub does, with the inputs as INPUT_* variables. */
function runAction(inputs: Record<string, string>): { outputs: string; summary: string; exitCode: number | null; stdout: string } {
  const outputs = join(dir, `outputs-${Math.random()}`);
  const summary = join(dir, `summary-${Math.random()}`);
  writeFileSync(outputs, '');
  writeFileSync(summary, '');
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: summary };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'index.ts')], { env, encoding: 'utf8', cwd: dir });
  return { outputs: readFileSync(outputs, 'utf8'), summary: readFileSync(summary, 'utf8'), exitCode: r.status, stdout: r.stdout };
}

const fast = { 'warmup-ms': '10', 'min-iterations': '3', 'min-time-ms': '30', 'batch-sizes': '2' };

describe('the action', () => {
  it('runs the pipeline from its inputs and writes outputs and the job summary', () => {
    const r = runAction({ model: 'cnn.onnx', 'calibration-data': 'calib', out: 'out', 'working-directory': dir, ...fast });
    assert.equal(r.exitCode, 0, r.stdout);
    assert.match(r.outputs, /verdict<<.*\npass\n/);
    assert.match(r.outputs, /results<<.*\n.*out\/results\.json\n/);
    assert.match(r.summary, /^<!-- quantgate:cnn\.onnx -->/);
  });

  it('bad input fails the step with the one message, and the summary explains it', () => {
    const r = runAction({ model: 'cnn.onnx', 'calibration-data': 'calib', out: 'bad', 'working-directory': dir, 'batch-sizes': '0' });
    assert.equal(r.exitCode, 1);
    assert.match(r.stdout, /::error::action input 'batch-sizes' is '0': each batch size must be at least 1%0A {2}fix: give positive whole numbers separated by commas, e.g. 1,32\n/);
    const r2 = runAction({ model: 'cnn.onnx', 'calibration-data': 'calib', out: 'bad2', 'working-directory': dir, output: 'nope', ...fast });
    assert.equal(r2.exitCode, 1);
    // Found deep in the pipeline, named as the workflow names it: the input, and the line to write.
    assert.match(r2.stdout, /::error::action input 'output' is 'nope', but the model has no output of that name; its outputs are 'output' \(float32 batch×10\)%0A {2}fix: pass one of the model's output names with action input 'output' \(or leave it out to score the first\)\n/);
    assert.doesNotMatch(r2.stdout, /--output/);
    assert.match(r2.summary, /the run stopped before it finished: action input 'output' is 'nope'/);
  });

  it('a bad value from quantgate.yml is named by the file and its key', () => {
    const project = join(dir, 'with-file');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'quantgate.yml'), 'output: nope\n');
    const r = runAction({ model: '../cnn.onnx', 'calibration-data': '../calib', out: 'bad3', 'working-directory': project, ...fast });
    assert.equal(r.exitCode, 1);
    assert.match(r.stdout, new RegExp(`::error::${join(project, 'quantgate.yml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: output is 'nope', but the model has no output of that name`));
  });

  it('an invalid action-only input fails before anything runs', () => {
    const r = runAction({ model: 'cnn.onnx', out: 'bad4', 'working-directory': dir, 'retention-days': '0', comment: 'always' });
    assert.equal(r.exitCode, 1);
    assert.match(r.stdout, /::error::action input 'retention-days' is '0': the retention must be at least 1%0A {2}fix: give a whole number of days from 1 to 90\n/);
    assert.equal(r.summary, '');
  });

  it('quantgate.yml cannot set what the workflow decides', () => {
    const project = join(dir, 'forked');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'quantgate.yml'), 'model: ../cnn.onnx\nallow-fork-prs: true\n');
    const r = runAction({ 'working-directory': project });
    assert.equal(r.exitCode, 1);
    assert.match(r.stdout, /::error::.*quantgate\.yml: 'allow-fork-prs' cannot be set in quantgate\.yml: it is an input of the action alone, since a pull request can change this file%0A {2}fix: remove it from the file and set the action's input 'allow-fork-prs' in the workflow's `with:` instead/);
  });
});
