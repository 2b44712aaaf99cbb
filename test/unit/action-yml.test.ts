// action.yml as GitHub reads it: a JavaScript action on Node 24 whose entry exists, with exactly
// the inputs and outputs of the option table, and nothing left of the composite design.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { parse } from 'yaml';
import { ACTION_OUTPUTS, actionInputs } from '../../src/config/action-spec.ts';
import { ROOT } from '../helpers/cli.ts';

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  runs: Record<string, unknown>;
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { description: string; value?: string }>;
};

it('runs on node24 from dist/index.js, which the build wrote beside dist/main.js', () => {
  assert.deepEqual(action.runs, { using: 'node24', main: 'dist/index.js' });
  assert.ok(existsSync(join(ROOT, 'dist', 'index.js')));
  assert.ok(existsSync(join(ROOT, 'dist', 'main.js')), 'the bootstrap imports dist/main.js');
});

it('declares every input of the option table and no node-version (the runner\'s Node 24 runs it)', () => {
  assert.deepEqual(Object.keys(action.inputs), actionInputs().map((i) => i.name));
  assert.ok(!('node-version' in action.inputs));
});

it('declares the outputs without composite step references', () => {
  assert.deepEqual(Object.keys(action.outputs), ACTION_OUTPUTS.map((o) => o.name));
  for (const output of Object.values(action.outputs)) assert.equal(output.value, undefined);
});
