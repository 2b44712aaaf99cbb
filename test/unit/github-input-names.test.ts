// Messages that name CLI flags, shown in a workflow: each flag gets the action input it came from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withInputNames } from '../../src/github/inputs.ts';

describe('withInputNames', () => {
  it('names the input of each run flag in the message, once each', () => {
    assert.equal(
      withInputNames("--output 'nope': the model has no output of that name\n  fix: pass one of the model's output names with --output or --eval-data"),
      "--output 'nope': the model has no output of that name\n  fix: pass one of the model's output names with --output or --eval-data\n  in the workflow: --output is the input 'output', --eval-data is the input 'eval-data'",
    );
  });

  it('leaves messages without run flags as they are', () => {
    for (const message of ['input \'batch-sizes\' is \'0\'', 'run again with --verbose for the stack trace', 'see --nodes of quantgate inspect', 'a-b--model-c']) {
      assert.equal(withInputNames(message), message);
    }
  });
});
