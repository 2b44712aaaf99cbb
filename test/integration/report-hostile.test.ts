// A model whose names are attacks on the pull-request comment and on the runner's log, through the
// real pipeline (quantize, score, benchmark, report): report.md is parsed by a real GFM parser and
// must hold no element or link of theirs, no @mention, every name intact inside a code span, and
// --exclude flags that a shell and quantgate's own parser turn back into exactly that node. The
// log must carry no workflow command and no terminal escape from a name.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { compileExclusions } from '../../src/quantize/exclusions.ts';
import { visibleControls } from '../../src/text/controls.ts';
import { cli } from '../helpers/cli.ts';
import { parsedExcludes, shellWords } from '../helpers/exclude-flags.ts';
import { namedChain } from '../helpers/models.ts';
import { closings, codeSpans, elements, links, MENTION, proseText, renderGfm, REPORT_ELEMENTS, URL_TEXT } from '../helpers/rendered.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Ten node names (the report lists the ten most sensitive nodes, so each one shows). */
const NODES = [
  '<img src=x onerror=alert(1)>',
  '[link](http://evil.example) www.evil.example',
  '<h1>big</h1>',
  '@octocat and @github/security #1',
  '</details><details open><summary>x',
  'a``b```c` end`',
  '::error::pwned',
  '\u001b[31mred\u001b]0;title\u0007\u009b2J',
  "it's\n::add-mask::secret\r\n::stop-commands::tok",
  '\u202Eevil\u2066 $x$ &#64;octocat',
];
const OUTPUT = '@octocat <img src=x> out\n::warning::x';
const INPUT = '<b>in</b>';

const dir = tempDir();
// The file name is the model's too: it names the report's headline and the files written.
const FILE = '<img src=x onerror=alert(2)> @octocat www.evil.example\n::error::file\u001b[31m';
const modelPath = join(dir, `${FILE}.onnx`);
const proto = namedChain(NODES, { input: INPUT, output: OUTPUT });
writeFileSync(modelPath, toBinary(ModelProtoSchema, proto));
const fast = ['--warmup-ms', '0', '--min-iterations', '2', '--min-time-ms', '0', '--batch-sizes', '1'];

describe('a model whose names are hostile, through the whole pipeline', async () => {
  const out = join(dir, 'out');
  const run = await cli(['run', '--model', modelPath, '--out', out, '--verbose', ...fast]);
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  const html = renderGfm(md);

  it('runs to the end', () => {
    assert.equal(run.code, 0, run.stderr);
  });

  it('renders no element and no link of theirs', () => {
    const foreign = elements(html).filter((e) => !REPORT_ELEMENTS.has(e));
    assert.deepEqual(foreign, [], 'elements not of the report');
    assert.deepEqual(links(html), [], 'links (a local run has no artifact link)');
    assert.equal(elements(html).filter((e) => e === 'details').length, closings(html, 'details'), 'details balanced');
    assert.equal(elements(html).filter((e) => e === 'details').length, (md.match(/^<details><summary>/gm) ?? []).length, 'only our own folds');
  });

  it('mentions nobody and shows no URL outside code', () => {
    const prose = proseText(html);
    assert.doesNotMatch(prose, MENTION);
    assert.doesNotMatch(prose, URL_TEXT);
  });

  it('shows every node name and the output name intact inside a code span', () => {
    const spans = codeSpans(html);
    for (const name of [...NODES, OUTPUT, `${FILE}.int8.ort.onnx`]) {
      const shown = visibleControls(name);
      assert.ok(spans.some((s) => s.includes(shown)), `${JSON.stringify(name)} is not in any code span`);
    }
    assert.ok(!spans.some((s) => /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s)), 'a control character reached a code span');
  });

  it('gives --exclude flags that a shell and quantgate turn back into exactly that node', async () => {
    // The bare `--exclude` of the slower-than-FP32 note names the flag, not a node.
    const flags = codeSpans(html).filter((s) => s.startsWith('--exclude') && s.trim() !== '--exclude');
    assert.equal(flags.length, NODES.length);
    const nodes = proto.graph!.node;
    const kept = new Set<string>();
    for (const flag of flags) {
      const argv = shellWords(flag);
      const patterns = await parsedExcludes(argv);
      assert.equal(patterns.length, 1, flag);
      const matched = nodes.filter((n) => compileExclusions(patterns, nodes, nodes).has(n));
      assert.equal(matched.length, 1, `${flag} matches ${matched.length} nodes`);
      kept.add(matched[0]!.name);
      // Where the name could be given as it is, it is: the flag reads as the node's name.
      if (!/^\s|\s$|[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(matched[0]!.name)) assert.equal(patterns[0], matched[0]!.name, flag);
    }
    assert.deepEqual([...kept].sort(), [...NODES].sort());
  });

  it('writes no workflow command and no terminal escape from a name into the log', () => {
    for (const line of run.stderr.split('\n')) assert.doesNotMatch(line, /^\s*::/, `workflow command in the log: ${JSON.stringify(line)}`);
    assert.doesNotMatch(run.stderr, /[\u001b\u009b\u009d\u202e]|##\[/);
  });
});

describe('names in the log and in the CLI output', () => {
  it('a bad --output that lists the model names, and inspect --nodes, neutralise commands and escapes', async () => {
    const bad = await cli(['run', '--model', modelPath, '--out', join(dir, 'bad'), '--output', 'nope', ...fast]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /add-mask|warning|octocat/, 'the message names the model outputs');
    const inspect = await cli(['inspect', '--model', modelPath, '--nodes']);
    assert.equal(inspect.code, 0, inspect.stderr);
    for (const text of [bad.stderr, inspect.stdout]) {
      for (const line of text.split('\n')) assert.doesNotMatch(line, /^\s*::/, `workflow command: ${JSON.stringify(line)}`);
      assert.doesNotMatch(text, /[\u001b\u009b\u009d\u202e]|##\[/);
    }
    assert.match(inspect.stdout, /:\u200b:error::pwned/, 'the name is still there for a person to read');
  });
});
