// results.json is untrusted (a baseline is someone else's file, an aggregate reads other jobs'):
// every string in it that the schema lets be anything is replaced by an attack on the comment,
// and the rendered report (parsed by a real GFM parser) must still hold no element, link or
// mention of theirs. Then a model of thousands of hostile node names fills every list the report
// has: the report stays under GitHub's limit, says what it folded, and still escapes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GITHUB_COMMENT_LIMIT } from '../../src/report/report.ts';
import { resultsSchema, type Results } from '../../src/results/schema.ts';
import { FIXTURES, fixture, type FixtureName } from '../fixtures/results/index.ts';
import { namedChain } from '../helpers/models.ts';
import { report } from '../helpers/report.ts';
import { closings, codeSpans, elements, links, MENTION, proseText, renderGfm, REPORT_ELEMENTS, URL_TEXT } from '../helpers/rendered.ts';

const ATTACK = '<img src=x onerror=alert(1)> [l](http://evil.example) @octocat </details> <h1>x</h1> &#64;y $x$ ~~s~~ ``` *e* www.evil.example\n::error::x\u001b[31m';

/** Every string of `value` that can be replaced by ATTACK with the file still valid, replaced. */
function poison(results: Results): { results: Results; replaced: number } {
  let replaced = 0;
  const walk = (node: unknown, root: Results): void => {
    if (Array.isArray(node)) node.forEach((_, i) => visit(node, i, root));
    else if (node && typeof node === 'object') for (const key of Object.keys(node)) visit(node as Record<string, unknown>, key, root);
  };
  const visit = (parent: Record<string | number, unknown> | unknown[], key: string | number, root: Results): void => {
    const container = parent as Record<string | number, unknown>;
    const value = container[key];
    if (typeof value !== 'string') return walk(value, root);
    container[key] = `${value}${ATTACK}`;
    if (resultsSchema.safeParse(root).success) replaced++;
    else container[key] = value;
  };
  walk(results, results);
  return { results, replaced };
}

function assertInert(md: string): void {
  const html = renderGfm(md);
  const foreign = elements(html).filter((e) => !REPORT_ELEMENTS.has(e));
  assert.deepEqual(foreign, [], 'elements not of the report');
  assert.deepEqual(links(html), [], 'links');
  const opened = elements(html).filter((e) => e === 'details').length;
  assert.equal(opened, closings(html, 'details'), 'folds balanced');
  const prose = proseText(html);
  assert.doesNotMatch(prose, MENTION, 'a mention outside code');
  assert.doesNotMatch(prose, URL_TEXT, 'a URL outside code');
  assert.doesNotMatch(md, /\u001b/, 'an ESC byte');
  for (const line of md.split('\n')) assert.doesNotMatch(line, /^\s*::/, 'a workflow command line');
}

describe('every free string of results.json is an attack', () => {
  for (const name of Object.keys(FIXTURES) as FixtureName[]) {
    it(name, () => {
      const { results, replaced } = poison(fixture(name));
      assert.ok(replaced > 20, `only ${replaced} strings could be replaced`);
      const md = report(results, { baseline: poison(fixture(name === 'cpu' ? 'cpuBaseline' : name)).results, baselineLabel: `main${ATTACK}` });
      assertInert(md);
    });
  }
});

describe('a model of thousands of hostile node names', () => {
  const names = Array.from({ length: 3000 }, (_, i) => `<img src=x onerror=alert(${i})> @user${i} \`\`${i}\`\n::error::${i}\u001b[0m`);
  const proto = namedChain(names);
  const nodes = proto.graph!.node.filter((n) => n.opType === 'MatMul');

  function flooded(): Results {
    // The TensorRT fixture has every list: engines with layers that fell back to float among them.
    const results = fixture('tensorrt');
    const q = results.quantization!;
    q.excluded = nodes.map((n) => n.name);
    q.keptFloat = nodes.map((n) => ({ node: n.name, opType: n.opType, reason: `kept ${n.name} in float` }));
    q.mostSensitive = nodes.map((n, i) => ({ node: n.name, opType: n.opType, sqnrDb: 10 + i / 100, exclude: 'ignored: the report builds the flag' }));
    for (const run of results.runs) if (run.engine?.layers) run.engine.layers.fellBack = nodes.map((n) => ({ name: n.name, type: n.opType, precision: 'fp16', fix: `exclude ${n.name}` }));
    for (const run of results.runs.filter((r) => r.status !== 'ok' || r.runtime === 'tensorrt').slice(0, 2)) {
      Object.assign(run, { status: 'failed', reason: nodes.map((n) => n.name).join(' '), latencyMs: null, throughput: null, memory: null });
    }
    return resultsSchema.parse(results);
  }

  it('stays under the comment limit, counts what its lists leave out, and still escapes', () => {
    const md = report(flooded());
    assert.ok(md.length < GITHUB_COMMENT_LIMIT, `${md.length} characters`);
    assert.match(md, /Kept in float by request: (`[^\n]*` ){19}`[^\n]*`, and 2,980 more patterns \(calibration\.json lists them all\)\./);
    assert.match(md, /^- … and 2,980 more \(calibration\.json lists them all\)$/m);
    assert.match(md, /^- … and [\d,]+ more \(results\.json lists them all\)$/m);
    assert.match(md.split('\n')[1]!, /^### ❌ quantgate · glyphs · /);
    assertInert(md);
    // The names that are shown are shown whole, in code.
    const spans = codeSpans(renderGfm(md));
    assert.ok(spans.some((s) => s.includes('<img src=x onerror=alert(0)> @user0 ``0`␊::error::0␛[0m')), 'a name shown whole');
  });

  it('fits a smaller cap by folding sections, and says so', () => {
    const md = report(flooded(), { maxChars: 8000 });
    assert.ok(md.length <= 8000, `${md.length} characters`);
    assert.match(md, /left out to keep this comment under GitHub's 65,536-character limit/);
    assertInert(md);
  });
});
