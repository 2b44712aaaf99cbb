// quantgate.yml is read from the working directory's root, which a pull request controls: a hostile
// file must end as bad input (exit 2), never as an internal error or a process out of memory.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../src/config/resolve.ts';
import { BadInputError, exitCodeOf } from '../../src/errors.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();

/** A "billion laughs": nine anchors, each a list of nine aliases to the one before (9^9 strings). */
function aliasBomb(): string {
  const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i < 9; i++) {
    const name = String.fromCharCode(97 + i);
    const previous = `*${String.fromCharCode(96 + i)}`;
    lines.push(`${name}: &${name} [${Array(9).fill(previous).join(', ')}]`);
  }
  return `${lines.join('\n')}\nmodel: m.onnx\n`;
}

describe('a hostile quantgate.yml', () => {
  it('a YAML alias bomb is bad input naming the file and the aliases', () => {
    writeFileSync(join(dir, 'quantgate.yml'), aliasBomb());
    let caught: unknown;
    try {
      resolveConfig('run', { given: {}, givenKind: 'flag', cwd: dir });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof BadInputError, `expected bad input, got ${String(caught)}`);
    assert.equal(exitCodeOf(caught), 2);
    assert.match(caught.message, /quantgate\.yml: .*alias/);
    assert.match(caught.fix, /alias/);
  });

  it('a few aliases, as people use them to share a value, still work', () => {
    writeFileSync(join(dir, 'shared.yml'), 'model: &m m.onnx\nbaseline-model: *m\n');
    const c = resolveConfig('run', { given: {}, givenKind: 'flag', cwd: dir, configPath: 'shared.yml' });
    assert.equal(c.baselineModel, join(dir, 'm.onnx'));
  });
});
