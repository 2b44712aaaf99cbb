// The action's inputs, read once from INPUT_* variables by the real @actions/core: the pipeline's
// options raw (resolveConfig validates them with quantgate.yml), the action's own validated here.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { edgeNaming } from '../../src/config/naming.ts';
import { actionOnlyOptions } from '../../src/config/options.ts';
import { BadInputError } from '../../src/errors.ts';
import { readActionInputs } from '../../src/github/inputs.ts';
import { tempDir } from '../helpers/tmp.ts';

const cwd = tempDir();
mkdirSync(join(cwd, 'models'));

/** Sets INPUT_* as the runner does (name upper-cased, hyphens kept) for one read. */
function withInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
}

afterEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name];
});

describe('readActionInputs', () => {
  it('reads the pipeline options raw and the action options typed, with defaults', () => {
    withInputs({ model: 'm.onnx', 'batch-sizes': '1,8', exclude: 'op:Softmax\nre:^/head/', 'retention-days': '30', 'allow-fork-prs': 'true', 'baseline-from': 'base-ref' });
    const inputs = readActionInputs(cwd);
    assert.deepEqual(inputs.given, { model: 'm.onnx', 'batch-sizes': '1,8', exclude: ['op:Softmax', 're:^/head/'] });
    assert.deepEqual(inputs.action, {
      workingDirectory: cwd,
      comment: 'always',
      baselineFrom: 'base-ref',
      retentionDays: 30,
      uploadEngines: false,
      allowForkPrs: true,
      commentAuthor: 'github-actions[bot]',
    });
  });

  it('resolves the working directory against the workspace and the config file against it', () => {
    withInputs({ 'working-directory': 'models', config: 'qg.yml', 'github-token': 'ghs_x', comment: 'on-change', 'comment-key': 'resnet (GPU)' });
    const { action } = readActionInputs(cwd);
    assert.equal(action.workingDirectory, join(cwd, 'models'));
    assert.equal(action.config, join(cwd, 'models', 'qg.yml'));
    assert.equal(action.githubToken, 'ghs_x');
    assert.equal(action.comment, 'on-change');
    assert.equal(action.commentKey, 'resnet (GPU)');
  });

  it('every action-only input is read (none is left to a getInput below the edge)', () => {
    const keys = actionOnlyOptions().map((o) => o.key);
    assert.deepEqual(keys.sort(), [
      'allow-fork-prs',
      'artifact-name',
      'baseline-from',
      'baseline-workflow',
      'comment',
      'comment-author',
      'comment-key',
      'config',
      'github-token',
      'retention-days',
      'upload-engines',
      'working-directory',
    ]);
  });
});

describe('invalid action inputs', () => {
  // Each names the input, echoes the value (never a token's) and says what is allowed.
  const bad: [string, string, string, string][] = [
    ['retention-days', '0', 'the retention must be at least 1', 'give a whole number of days from 1 to 90'],
    ['retention-days', '91', 'the retention must be at most 90', 'give a whole number of days from 1 to 90'],
    ['retention-days', 'a week', 'the retention must be a whole number', 'give a whole number of days from 1 to 90'],
    ['comment', 'sometimes', 'the comment mode must be one of always, on-change, never', 'give always, on-change, never'],
    ['baseline-from', 'main', 'the baseline source must be one of artifact, base-ref, none', 'give artifact, base-ref, none'],
    ['allow-fork-prs', 'yes', 'expected true or false', 'give true or false'],
    ['comment-author', 'not a login', "a GitHub login holds letters, digits and inner hyphens, with [bot] after an app's", 'give a GitHub login, e.g. github-actions[bot] or my-app[bot]'],
    [
      'baseline-workflow',
      '.github/workflows/ci.yml',
      'the workflow must be a file name like quantgate.yml (no folder) or a numeric ID',
      'give a workflow file name in .github/workflows (e.g. quantgate.yml) or a workflow ID',
    ],
    ['artifact-name', 'out/model', 'an artifact name cannot hold " : < > | * ? \\ / or line breaks', 'give a name without " : < > | * ? \\ / or line breaks'],
  ];
  for (const [name, value, why, fix] of bad) {
    it(`${name}: ${JSON.stringify(value)}`, () => {
      withInputs({ [name]: value });
      assert.throws(
        () => readActionInputs(cwd),
        (e: unknown) => {
          assert.ok(e instanceof BadInputError, String(e));
          assert.equal(e.describe(edgeNaming('input')), `action input '${name}' is '${value}': ${why}\n  fix: ${fix}`);
          return true;
        },
      );
    });
  }

  it('a comment key of two lines', () => {
    withInputs({ 'comment-key': 'a\nb' });
    assert.throws(() => readActionInputs(cwd), (e: unknown) => e instanceof BadInputError && /^action input 'comment-key' is 'a\nb': the comment key must be one line/.test(e.describe(edgeNaming('input'))));
  });

  it('a token is never echoed', () => {
    withInputs({ 'github-token': 'ghs_first\nghs_second' });
    assert.throws(
      () => readActionInputs(cwd),
      (e: unknown) =>
        e instanceof BadInputError &&
        e.describe(edgeNaming('input')) === "action input 'github-token' is '(hidden)': a token is one word, without spaces or line breaks\n  fix: give a GitHub token" &&
        !/ghs_/.test(e.describe()),
    );
  });

  it('a working directory that does not exist', () => {
    withInputs({ 'working-directory': 'nowhere' });
    assert.throws(
      () => readActionInputs(cwd),
      (e: unknown) => e instanceof BadInputError && e.describe(edgeNaming('input')) === `action input 'working-directory' is '${join(cwd, 'nowhere')}': no such folder\n  fix: give a folder of the checked-out repository; it is resolved against ${cwd}`,
    );
  });
});
