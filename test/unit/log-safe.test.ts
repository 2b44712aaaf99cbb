// logSafe, the one place a Log's lines are neutralised: a name in a message must not become a
// workflow command for the Actions runner or a terminal escape, and must still read as itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TerminalLog } from '../../src/cli/output.ts';
import { logSafe, MemoryLog } from '../../src/log.ts';
import { PassThrough } from 'node:stream';

const CASES: [string, string, RegExp][] = [
  ['a workflow command at the start', '::error::pwned', /^:\u200b:error::pwned$/],
  ['one after spaces', '   ::add-mask::secret', /^ {3}:\u200b:add-mask::secret$/],
  ['one on a later line of the message', "node 'a'\n::stop-commands::tok\nafter", /^node 'a'\n:\u200b:stop-commands::tok\nafter$/],
  ['the old ##[ form anywhere', 'x ##[set-env name=A;]1', /^x #\u200b#\[set-env name=A;\]1$/],
  ['ESC and CSI/OSC sequences', '\u001b[31mred\u001b]0;title\u0007', /^␛\[31mred␛\]0;title␇$/],
  ['C1 controls and a carriage return', 'a\u009b2Jb\rc', /^aU\+009B2Jb␍c$/],
  ['bidi overrides', 'x\u202Eevil\u2066', /^xU\+202EevilU\+2066$/],
];

describe('logSafe', () => {
  for (const [name, input, expected] of CASES) {
    it(name, () => {
      assert.match(logSafe(input), expected);
    });
  }

  it('leaves ordinary text, tabs and "::" inside a line alone', () => {
    assert.equal(logSafe('calibration: 32/32 samples\tnode a::b'), 'calibration: 32/32 samples\tnode a::b');
  });

  it('is what the terminal log and the memory log write', () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d.toString()));
    const terminal = new TerminalLog({ quiet: false, verbose: true }, stream as unknown as NodeJS.WriteStream);
    const memory = new MemoryLog();
    for (const log of [terminal, memory]) {
      log.info('::error::a');
      log.warn('\u001b[2Jb');
      log.debug('x\n::warning::c');
    }
    terminal.error('::error::d');
    const written = chunks.join('');
    for (const text of [written, memory.lines.map((l) => l.message).join('\n')]) {
      for (const line of text.split('\n')) assert.doesNotMatch(line, /^\s*::/, JSON.stringify(line));
      assert.doesNotMatch(text, /\u001b/);
    }
  });
});
