import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { edgeNaming } from '../../src/config/naming.ts';
import { OPTIONS } from '../../src/config/options.ts';
import { resolveConfig } from '../../src/config/resolve.ts';
import { BadInputError } from '../../src/errors.ts';
import { tempDir } from '../helpers/tmp.ts';

const cwd = tempDir();
const flags = (given: Record<string, unknown>) => ({ given, givenKind: 'flag' as const, cwd });

function badInput(fn: () => unknown, problem: RegExp, fix?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BadInputError, `expected BadInputError, got ${String(e)}`);
    assert.match(e.message, problem);
    if (fix) assert.match(e.fix, fix);
    return true;
  });
}

describe('option values', () => {
  // Each bad value names the flag, echoes the value and says what is allowed.
  const bad: [string, unknown, RegExp][] = [
    ['batch-sizes', '1,x', /--batch-sizes is '1,x': each batch size must be a whole number/],
    ['batch-sizes', '0', /at least 1/],
    ['batch-sizes', '1.5', /whole number/],
    ['batch-sizes', ',', /at least one batch size/],
    ['threads', '-2', /--threads is '-2'/],
    ['threads', 'many', /--threads is 'many'/],
    ['method', 'kl', /--method is 'kl': the method must be one of entropy, minmax, percentile/],
    ['max-accuracy-drop', '101', /at most 100/],
    ['max-accuracy-drop', '-1', /at least 0/],
    ['max-accuracy-drop', 'one', /must be a number/],
    ['max-latency-regression', '0', /must be above 0/],
    ['max-disagreement', '150', /at most 100/],
    ['percentile', '80', /must be above 90/],
    ['runtimes', 'onnxruntime,tensorflow', /each runtime must be one of onnxruntime, tensorrt/],
    ['providers', 'rocm', /each provider must be one of cpu, cuda, tensorrt/],
    ['target-cpu', 'avx512', /must be one of auto, avx2, vnni, arm64/],
    ['preprocess', 'cifar', /must be one of imagenet/],
    ['input-shapes', 'input:1x3xAx224', /not NAME:DIMS/],
    ['input-shapes', '1x3x224x224', /not NAME:DIMS/],
    ['exclude', ['re:([unclosed'], /not a valid regular expression/],
    ['exclude', ['op:'], /needs an op type/],
  ];
  for (const [key, value, problem] of bad) {
    it(`--${key} ${JSON.stringify(value)} is refused`, () => {
      const spec = OPTIONS.find((o) => o.key === key)!;
      badInput(() => resolveConfig('run', flags({ model: 'm.onnx', [key]: value })), problem, new RegExp(spec.allowed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    });
  }

  it('parses good values into typed ones', () => {
    const c = resolveConfig(
      'run',
      flags({
        model: 'm.onnx',
        'batch-sizes': '32, 1,32',
        'input-shapes': 'input:0:1x3x224x224,mask:1x128',
        runtimes: 'onnxruntime',
        'max-accuracy-drop': '0.5',
        exclude: ['op:Softmax', 're:^/head/', '/fc/Gemm'],
      }),
    );
    assert.deepEqual(c.batchSizes, [1, 32]);
    assert.deepEqual(c.inputShapes, { 'input:0': [1, 3, 224, 224], mask: [1, 128] });
    assert.deepEqual(c.runtimes, ['onnxruntime']);
    assert.equal(c.maxAccuracyDrop, 0.5);
    assert.deepEqual(c.exclude, ['op:Softmax', 're:^/head/', '/fc/Gemm']);
    assert.equal(c.model, join(cwd, 'm.onnx'));
    assert.equal(c.providers, 'auto');
    assert.equal(c.sources.batchSizes, '--batch-sizes');
    assert.equal(c.sources.method, 'default');
  });

  it('applies the documented defaults', () => {
    const c = resolveConfig('run', flags({ model: 'm.onnx' }));
    assert.deepEqual(c.batchSizes, [1, 32]);
    assert.equal(c.maxAccuracyDrop, 1.0);
    assert.equal(c.runtimes, 'auto');
    assert.equal(c.out, join(cwd, 'quantgate-out'));
    assert.equal(c.maxLatencyRegression, undefined);
  });
});

describe('quantgate.yml', () => {
  const project = join(cwd, 'project');
  mkdirSync(join(project, 'conf'), { recursive: true });

  it('is read from the working directory root; flags win; paths are relative to the file', () => {
    writeFileSync(join(project, 'conf', 'qg.yml'), 'model: ../models/a.onnx\nbatch-sizes: [4, 8]\nmethod: minmax\nmax-accuracy-drop: 0.25\n');
    const c = resolveConfig('run', { given: { method: 'entropy' }, givenKind: 'flag', cwd: project, configPath: 'conf/qg.yml' });
    assert.equal(c.model, join(project, 'models', 'a.onnx'));
    assert.deepEqual(c.batchSizes, [4, 8]);
    assert.equal(c.method, 'entropy');
    assert.equal(c.maxAccuracyDrop, 0.25);
    assert.match(c.sources.batchSizes!, /qg\.yml: batch-sizes$/);
    assert.equal(c.sources.method, '--method');
  });

  it('is found at the root without --config', () => {
    const root = join(cwd, 'rooted');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'quantgate.yml'), 'model: m.onnx\n');
    assert.equal(resolveConfig('inspect', { given: {}, givenKind: 'flag', cwd: root }).model, join(root, 'm.onnx'));
  });

  it('names the key and the file for a bad value', () => {
    writeFileSync(join(project, 'bad.yml'), 'model: m.onnx\nthreads: 0\n');
    badInput(() => resolveConfig('run', { given: {}, givenKind: 'flag', cwd: project, configPath: 'bad.yml' }), /bad\.yml: threads is '0': each thread count must be at least 1/);
  });

  it('suggests the right key for a misspelled one', () => {
    writeFileSync(join(project, 'typo.yml'), 'model: m.onnx\nbatch-size: [1]\n');
    badInput(() => resolveConfig('run', { given: {}, givenKind: 'flag', cwd: project, configPath: 'typo.yml' }), /unknown key 'batch-size'/, /did you mean 'batch-sizes'/);
  });

  it('reports YAML syntax errors', () => {
    writeFileSync(join(project, 'syntax.yml'), 'model: [unclosed\n');
    badInput(() => resolveConfig('run', { given: {}, givenKind: 'flag', cwd: project, configPath: 'syntax.yml' }), /is not valid YAML/);
  });

  it('refuses a file that is not a mapping', () => {
    writeFileSync(join(project, 'list.yml'), '- model\n');
    badInput(() => resolveConfig('run', { given: {}, givenKind: 'flag', cwd: project, configPath: 'list.yml' }), /must be a mapping/);
  });

  it('says when the named file is missing', () => {
    badInput(() => resolveConfig('run', { given: {}, givenKind: 'flag', cwd: project, configPath: 'nope.yml' }), /--config nope\.yml: no such file/);
  });
});

describe('cross-field rules', () => {
  it('requires --model', () => badInput(() => resolveConfig('run', flags({})), /--model is required for run/, /--model models\/resnet50\.onnx/));
  it('requires calibration data or ranges for quantize', () =>
    badInput(() => resolveConfig('quantize', flags({ model: 'm.onnx' })), /needs calibration data or earlier ranges/, /--calibration-data/));
  it('refuses labels without evaluation data', () =>
    badInput(() => resolveConfig('run', flags({ model: 'm.onnx', labels: 'l.txt' })), /--labels is given without --eval-data/));
});

describe('action inputs', () => {
  const inputs = (given: Record<string, unknown>) => ({ given, givenKind: 'input' as const, cwd });

  it('name the input in messages and treat empty strings as unset', () => {
    assert.throws(
      () => resolveConfig('run', inputs({ model: 'm.onnx', 'batch-sizes': 'none' })),
      (e: unknown) =>
        e instanceof BadInputError &&
        e.describe(edgeNaming('input')) === "action input 'batch-sizes' is 'none': each batch size must be a whole number\n  fix: give positive whole numbers separated by commas, e.g. 1,32" &&
        e.problem.options().join() === 'batch-sizes',
    );
    const c = resolveConfig('run', inputs({ model: 'm.onnx', threads: '' }));
    assert.equal(c.threads, undefined);
    assert.equal(resolveConfig('run', inputs({ model: 'm.onnx', threads: '2' })).sources.threads, "action input 'threads'");
  });

  it('a missing model is asked for in the workflow\'s words', () => {
    assert.throws(
      () => resolveConfig('run', inputs({})),
      (e: unknown) =>
        e instanceof BadInputError &&
        e.describe(edgeNaming('input')) ===
          "action input 'model' is required for run\n  fix: give a path to an .onnx file, e.g. 'model: models/resnet50.onnx' (or set it in quantgate.yml)",
    );
  });
});

describe('quantgate.yml and the action\'s own inputs', () => {
  const project = join(cwd, 'action-only');
  mkdirSync(project, { recursive: true });
  // A pull request can change quantgate.yml, so what decides safety or identity is refused there.
  for (const [key, value] of [['github-token', 'ghp_x'], ['allow-fork-prs', 'true'], ['comment', 'never'], ['comment-key', 'x'], ['working-directory', '.']] as const) {
    it(`refuses ${key}, saying why and where it belongs`, () => {
      writeFileSync(join(project, 'quantgate.yml'), `model: m.onnx\n${key}: ${value}\n`);
      assert.throws(
        () => resolveConfig('run', { given: {}, givenKind: 'input', cwd: project }),
        (e: unknown) =>
          e instanceof BadInputError &&
          e.message === `${join(project, 'quantgate.yml')}: '${key}' cannot be set in quantgate.yml: it is an input of the action alone, since a pull request can change this file` &&
          e.fix === `remove it from the file and set the action's input '${key}' in the workflow's \`with:\` instead`,
      );
    });
  }

  it('still calls the CLI\'s own flags unknown keys', () => {
    writeFileSync(join(project, 'quantgate.yml'), 'model: m.onnx\njson: true\n');
    badInput(() => resolveConfig('run', { given: {}, givenKind: 'flag', cwd: project }), /unknown key 'json'/);
  });
});
