// Messages from deep in the pipeline keep the option as data; each entry names it in its own
// words: the CLI as a flag, the action as an input, a value from quantgate.yml by file and key.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectOutput } from '../../src/accuracy/output.ts';
import { edgeNaming, namingFor } from '../../src/config/naming.ts';
import { BadInputError, describeError } from '../../src/errors.ts';
import { KEY_NAMING, msg, opt, setting } from '../../src/message.ts';

/** The error selectOutput throws for an output the model does not have. */
function unknownOutput(requested: string): BadInputError {
  try {
    selectOutput(['logits', 'features'], requested);
  } catch (error) {
    assert.ok(error instanceof BadInputError);
    return error;
  }
  assert.fail('selectOutput accepted an unknown output');
}

describe('options named in messages', () => {
  it('the CLI names the flag', () => {
    assert.equal(
      describeError(unknownOutput('logit'), false, edgeNaming('flag')),
      "--output is 'logit', but the model has no output of that name; its outputs are 'logits', 'features'\n  fix: did you mean --output logits? Pass one of the model's output names",
    );
  });

  it('the action names the input, and the line to write under with:', () => {
    assert.equal(
      describeError(unknownOutput('logit'), false, edgeNaming('input')),
      "action input 'output' is 'logit', but the model has no output of that name; its outputs are 'logits', 'features'\n  fix: did you mean 'output: logits'? Pass one of the model's output names",
    );
  });

  it('a value from quantgate.yml is named by its file and key, in either entry', () => {
    const sources = { output: '/repo/quantgate.yml: output', model: "action input 'model'" };
    for (const edge of ['flag', 'input'] as const) {
      const text = describeError(unknownOutput('nope'), false, namingFor(edge, sources));
      assert.match(text, /^\/repo\/quantgate\.yml: output is 'nope', but the model has no output of that name/);
    }
    // Options given at the edge or left to their default keep the edge's words.
    assert.equal(namingFor('input', sources).name('model'), "action input 'model'");
    assert.equal(namingFor('input', { ...sources, threads: 'default' }).name('threads'), "action input 'threads'");
    assert.equal(namingFor('flag', sources).name('eval-data'), '--eval-data');
  });

  it('message and fix read as the command line where no entry renders them', () => {
    const error = unknownOutput('logit');
    assert.match(error.message, /^--output is 'logit'/);
    assert.equal(error.fix, "did you mean --output logits? Pass one of the model's output names");
    assert.equal(String(msg`leave it to ${setting('providers', 'auto')}`), 'leave it to --providers auto');
  });

  it('keeps the options as data: the same message in three namings', () => {
    const m = msg`${opt('labels')} is given without ${opt('eval-data')}; try ${setting('exclude', "re:^/head/ x")}`;
    assert.deepEqual(m.options(), ['labels', 'eval-data', 'exclude']);
    assert.equal(m.render(edgeNaming('flag')), "--labels is given without --eval-data; try --exclude 're:^/head/ x'");
    assert.equal(m.render(edgeNaming('input')), "action input 'labels' is given without action input 'eval-data'; try 'exclude: re:^/head/ x'");
    assert.equal(m.render(KEY_NAMING), "'labels' is given without 'eval-data'; try 'exclude: re:^/head/ x'");
  });

  it('messages nest: a label made of an option and a path stays structured inside another message', () => {
    const label = msg`${opt('eval-data')} data/val`;
    const error = new BadInputError(msg`${label}: no samples`, msg`give ${opt('eval-data')} a folder with samples`);
    assert.equal(error.describe(edgeNaming('input')), "action input 'eval-data' data/val: no samples\n  fix: give action input 'eval-data' a folder with samples");
  });

  it('internal errors read the same in every entry', () => {
    const bug = new Error('boom');
    assert.equal(describeError(bug, false, edgeNaming('input')), describeError(bug, false, edgeNaming('flag')));
  });
});
