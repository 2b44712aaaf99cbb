// The option table's own rules: defaults that round-trip through their schemas, action.yml
// defaults only where quantgate.yml cannot be overridden by them, descriptions that name real
// options, and no message in src/ that spells a flag instead of naming the option.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { actionInputs } from '../../src/config/action-spec.ts';
import { camelKey, defaultText, isFileKey, OPTIONS, optionText } from '../../src/config/options.ts';
import { toMessage } from '../../src/message.ts';
import { ROOT } from '../helpers/cli.ts';

describe('the option table', () => {
  it('has one entry per key, and camelKey keeps them apart', () => {
    const keys = OPTIONS.map((o) => o.key);
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(new Set(keys.map(camelKey)).size, keys.length);
  });

  // A default written out (in --help, action.yml, the README) must read back as the same value.
  for (const spec of OPTIONS.filter((o) => o.default !== undefined)) {
    it(`${spec.key}: its default, written as text, parses back to itself`, () => {
      const text = optionText(spec, spec.default);
      if (text === '' ) return assert.deepEqual(spec.default, Array.isArray(spec.default) ? [] : {});
      const parsed = spec.schema.safeParse(spec.repeatable ? text.split('\n') : text);
      assert.ok(parsed.success, `${spec.key}: '${text}' does not parse`);
      assert.deepEqual(parsed.data, spec.default);
    });
  }

  it('writes a range as LO:HI, lists with commas, shapes as NAME:DIMS', () => {
    const spec = (key: string) => OPTIONS.find((o) => o.key === key)!;
    assert.equal(optionText(spec('random-int-range'), [0, 100]), '0:100');
    assert.equal(optionText(spec('batch-sizes'), [1, 32]), '1,32');
    assert.equal(optionText(spec('input-shapes'), { input: [1, 3, 224, 224], mask: [1, 128] }), 'input:1x3x224x224,mask:1x128');
    assert.equal(defaultText(spec('input-shapes')), undefined);
    assert.equal(defaultText(spec('github-token')), "the workflow's token, ${{ github.token }}");
  });

  it('action-only options belong to no command but the posting ones, and cannot be set in quantgate.yml', () => {
    for (const spec of OPTIONS.filter((o) => o.scope === 'action')) {
      assert.deepEqual(spec.commands.filter((c) => c !== 'comment' && c !== 'aggregate'), [], spec.key);
      assert.equal(isFileKey(spec), false, spec.key);
    }
  });

  it('descriptions name only options of the table', () => {
    const keys = new Set(OPTIONS.map((o) => o.key));
    for (const spec of OPTIONS) for (const named of toMessage(spec.description).options()) assert.ok(keys.has(named), `${spec.key} names '${named}'`);
  });
});

describe('action.yml', () => {
  it('gives a default only to the action\'s own inputs: a default GitHub fills in would beat quantgate.yml', () => {
    const withDefault = actionInputs().filter((i) => i.default !== undefined).map((i) => i.name);
    assert.deepEqual(withDefault, ['working-directory', 'github-token', 'comment', 'upload-engines', 'allow-fork-prs', 'comment-author']);
    const byName = new Map(actionInputs().map((i) => [i.name, i]));
    assert.equal(byName.get('github-token')!.default, '${{ github.token }}');
    assert.equal(byName.get('allow-fork-prs')!.default, 'false');
    // The others say their default in words, and the README's table shows it.
    assert.match(byName.get('batch-sizes')!.description, / Default: 1,32\.$/);
    assert.deepEqual(byName.get('batch-sizes')!.shownDefault, { text: '1,32', computed: false });
    assert.deepEqual(byName.get('comment-key')!.shownDefault, { text: 'the model path', computed: true });
    assert.equal(byName.get('batch-sizes')!.summary, 'Batch sizes to benchmark. A model with a fixed batch dimension runs only its own; others become skipped rows.');
    assert.match(byName.get('baseline-from')!.description, /Default: artifact on pull requests, none otherwise\.$/);
  });

  it('names options in descriptions by their input names, not as flags', () => {
    for (const input of actionInputs()) {
      const flags = withoutCommandLines(input.description).match(/--[a-z][a-z-]*/g) ?? [];
      assert.deepEqual(flags, [], `${input.name}: ${input.description}`);
    }
    assert.match(actionInputs().find((i) => i.name === 'eval-data')!.description, /in the same forms as 'calibration-data'/);
  });

  it('has no input for the CLI\'s own flags', () => {
    const names = actionInputs().map((i) => i.name);
    assert.ok(!names.includes('json') && !names.includes('nodes'));
  });
});

/** Text less the command lines it quotes (`quantgate inspect --nodes`): those are flags by design. */
function withoutCommandLines(text: string): string {
  return text.replace(/quantgate (run|quantize|inspect|compare|demo)( --?[\w-]+( [A-Z]+)?)*/g, '');
}

/** Every .ts file under src/. */
function sources(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The text of each `new BadInputError(...)` call: up to its closing parenthesis. */
function badInputCalls(text: string): string[] {
  const calls: string[] = [];
  for (let at = text.indexOf('new BadInputError('); at >= 0; at = text.indexOf('new BadInputError(', at + 1)) {
    let depth = 0;
    let end = at + 'new BadInputError'.length;
    for (; end < text.length; end++) {
      if (text[end] === '(') depth++;
      else if (text[end] === ')' && --depth === 0) break;
    }
    calls.push(text.slice(at, end + 1));
  }
  return calls;
}

describe('messages in src/', () => {
  // The table's options that are flags somewhere, spelled as flags.
  const flag = new RegExp(`--(${OPTIONS.filter((o) => o.scope !== 'action').map((o) => o.key).join('|')})\\b`);

  it('no BadInputError spells an option as a flag: the entry names it (msg and opt in src/message.ts)', () => {
    const found: string[] = [];
    for (const file of sources()) {
      for (const call of badInputCalls(readFileSync(file, 'utf8'))) if (flag.test(withoutCommandLines(call))) found.push(`${relative(ROOT, file)}: ${call.split('\n')[0]}`);
    }
    assert.deepEqual(found, []);
  });

  it('no label passed down for messages is a flag written as a string', () => {
    const found: string[] = [];
    for (const file of sources()) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/^\s*(\/\/|\*|\/\*)/.test(line)) return;
          const m = line.match(new RegExp(`(what|label|flag|role|samplesFrom)\\s*[:=]\\s*['\`]${flag.source}`));
          if (m) found.push(`${relative(ROOT, file)}:${i + 1}`);
        });
    }
    assert.deepEqual(found, []);
  });
});
