// The CLI as a user meets it: help for every command, exit statuses, one message per bad input
// (no stack trace unless --verbose), --json, NO_COLOR.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeModel } from '../../src/model/write.ts';
import { cli, cliProcess, ROOT } from '../helpers/cli.ts';
import { gemmModel, modelWithExternalWeight } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const modelPath = join(dir, 'gemm.onnx');
writeModel(gemmModel(), modelPath);

describe('help and version', () => {
  for (const command of ['run', 'quantize', 'inspect', 'compare', 'demo', 'doctor']) {
    it(`${command} --help lists its flags and exits 0`, async () => {
      const r = await cli([command, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`Usage: quantgate ${command}`));
      assert.match(r.stdout, /--quiet/);
    });
  }

  it('run --help shows every flag of the contracts, with defaults', async () => {
    const r = await cli(['run', '--help']);
    for (const flag of [
      '--model', '--calibration-data', '--eval-data', '--labels', '--preprocess', '--input-shapes', '--runtimes', '--providers',
      '--batch-sizes', '--threads', '--method', '--exclude', '--target-cpu', '--output', '--baseline', '--baseline-model',
      '--max-accuracy-drop', '--max-disagreement', '--max-latency-regression', '--export-command', '--out', '--config', '--json',
    ]) {
      assert.ok(r.stdout.includes(flag), `run --help lacks ${flag}`);
    }
    assert.match(r.stdout, /default: "?1,32"?/);
  });

  it('--version prints the package version and, in this git checkout, the commit', async () => {
    const r = await cli(['--version']);
    assert.equal(r.code, 0);
    const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
    assert.equal(r.stdout.trim(), `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version} (commit ${head})`);
  });
});

describe('exit statuses and messages', () => {
  it('an unknown flag is usage (2) with a suggestion', async () => {
    const r = await cli(['inspect', '--modle', modelPath]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--modle'/);
    assert.match(r.stderr, /Did you mean --model\?/);
  });

  it('an unknown command is usage (2)', async () => {
    assert.equal((await cli(['benchmark'])).code, 2);
  });

  it('a missing model is bad input (2): one message with the fix, no stack trace', () => {
    const r = cliProcess(['inspect', '--model', 'nowhere.onnx'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 2, r.stderr);
    assert.match(r.stderr, /^error: --model \S*nowhere\.onnx: no such file\n {2}fix: check the path/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
    assert.equal(r.stdout, '');
  });

  it('--verbose adds the stack trace', () => {
    const r = cliProcess(['inspect', '--model', 'nowhere.onnx', '--verbose'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /BadInputError/);
    assert.match(r.stderr, /at .*read\.ts:\d+/);
  });

  it('a truncated model is bad input (2)', async () => {
    const bytes = (await import('node:fs')).readFileSync(modelPath);
    const cut = join(dir, 'cut.onnx');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
    const r = await cli(['inspect', '--model', cut]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cut\.onnx: is not a readable ONNX model/);
  });

  it('an external-data path that escapes the model folder is bad input (2)', async () => {
    writeFileSync(join(dir, 'secret.bin'), new Uint8Array(128));
    const escaping = modelWithExternalWeight(join(dir, 'escape'), '../secret.bin');
    const r = await cli(['inspect', '--model', escaping]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /points at external data '\.\.\/secret\.bin', which has a '\.\.' segment/);
    assert.equal(r.stdout, '');
  });

  it('a model newer than the installed ONNX Runtime is inspected, with the limits and the fix', async () => {
    const r = await cli(['inspect', '--model', join(ROOT, 'test/fixtures/default_onnx_1_23.onnx')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /cannot run this model: it has IR version 14 \(it runs IR ≤ \d+\) and opset 28/);
    assert.match(r.stdout, /fix: save the model at IR \d+ and opset \d+/);
  });

  it('a bad flag value is bad input (2) naming the flag and what is allowed', async () => {
    const r = await cli(['run', '--model', modelPath, '--batch-sizes', '1,x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--batch-sizes is '1,x': each batch size must be a whole number/);
    assert.match(r.stderr, /fix: give positive whole numbers separated by commas/);
  });

  it('colour only on a terminal, and never with NO_COLOR', () => {
    const plain = cliProcess(['inspect', '--model', 'nowhere.onnx'], { cwd: dir, env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    assert.doesNotMatch(plain.stderr, /\u001b\[/);
    const forced = cliProcess(['inspect', '--model', 'nowhere.onnx'], { cwd: dir, env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    assert.match(forced.stderr, /\u001b\[31merror:/);
    const piped = cliProcess(['inspect', '--model', 'nowhere.onnx'], { cwd: dir, env: { NO_COLOR: '', FORCE_COLOR: '' } });
    assert.doesNotMatch(piped.stderr, /\u001b\[/, 'stderr is a pipe here, not a terminal');
  });
});

describe('inspect', () => {
  it('prints the signature', async () => {
    const r = await cli(['inspect', '--model', modelPath]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /inputs\n {2}x {2}float32 {2}batch×8/);
    assert.match(r.stdout, /outputs\n {2}y {2}float32 {2}batch×4/);
    assert.match(r.stdout, /nodes 1: Gemm 1/);
    assert.match(r.stdout, /parameters 36 \(144 B\) in 2 initializers/);
    assert.match(r.stdout, /quantizable Gemm 1/);
    assert.match(r.stdout, /ONNX Runtime \d+\.\d+\.\d+ runs it/);
  });

  it('--nodes --json gives names and op types as --exclude matches them', async () => {
    const r = await cli(['inspect', '--model', modelPath, '--nodes', '--json']);
    assert.equal(r.code, 0);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.nodes, [{ name: 'fc', opType: 'Gemm', domain: '', inputs: ['x', 'w', 'b'], outputs: ['y'], scope: 'graph' }]);
    assert.equal(json.signature.opset, 17);
    assert.match(json.sha256, /^[0-9a-f]{64}$/);
    assert.equal(json.runtime.runs, true);
  });

  it('reads --model from quantgate.yml at the working directory', async () => {
    writeFileSync(join(dir, 'quantgate.yml'), 'model: gemm.onnx\n');
    const r = await cli(['inspect'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith(modelPath));
  });
});
