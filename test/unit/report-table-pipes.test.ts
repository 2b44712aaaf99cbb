// Names with pipes and backslashes in the report's tables: each cell stays one cell and each code
// span shows the name exactly, as GitHub renders it (cmark-gfm, through Python's cmarkgfm). The
// report escapes a pipe as `\|` whatever precedes it, which is what cmark-gfm's table extension
// undoes (it splits only on unescaped pipes and removes the backslash of `\|`, even after another
// backslash); micromark reads `\\|` as an escaped backslash and an open pipe, so its split differs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { code, table, text } from '../../src/report/markdown.ts';
import { codeSpans, renderCmarkGfm } from '../helpers/rendered.ts';

const NAMES = ['a|b', 'a\\|b', 'a\\\\|b', '|', '\\', '\\|', 'x||y', 'end\\'];

describe('pipes and backslashes in table cells', () => {
  const markdown = table(['name', 'note'], NAMES.map((name) => [code(name), text(`kept ${name}`)]), ['l', 'l']);
  const rendered = renderCmarkGfm(markdown);

  it('GitHub (cmark-gfm) shows every name exactly, one row of two cells each', (t) => {
    if ('skip' in rendered) return t.skip(rendered.skip);
    assert.deepEqual(codeSpans(rendered.html), NAMES);
    const rows = rendered.html.split('<tr>').slice(2);
    assert.equal(rows.length, NAMES.length);
    for (const row of rows) assert.equal(row.match(/<td[ >]/g)?.length, 2, row);
    // The prose cell shows the name after "kept " as typed.
    const notes = rows.map((row) => /<td[^>]*>kept ([\s\S]*?)<\/td>/.exec(row)?.[1]?.replace(/&amp;/g, '&'));
    assert.deepEqual(notes, NAMES);
  });
});
