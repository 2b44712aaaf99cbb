/**
 * The report's text layer: the one place where text that is not ours becomes markdown.
 *
 * Everything the model, the data or a results file says is untrusted: output, input and node
 * names, op types, file names, error messages that echo them, provider and GPU names, reasons and
 * notes read back from a results.json (a baseline is someone else's file). The report is a
 * pull-request comment, so such text could otherwise inject HTML (`<img onerror>`, `<h1>`, an
 * unbalanced `</details>`), links, @mentions that notify people, or workflow-looking lines.
 * Sections put such text through exactly one of:
 *
 * - `code(name)`: a name, shown as itself in a code span it cannot break out of (the fence is
 *   longer than any backtick run inside; no entity escaping, which GitHub would show literally);
 * - `text(prose)`: a message inside a sentence, with markdown, HTML, mentions and links neutralised;
 * - `html(text)`: plain text inside HTML (a `<summary>`), entity-escaped and neutralised.
 *
 * Control characters (newlines, ESC, bidi overrides) become visible stand-ins in all three
 * (text/controls.ts). `table` and `details` take cells and bodies that are already markdown.
 */
import { markdownTable } from 'markdown-table';
import { visibleControls } from '../text/controls.js';

/** A zero-width joiner: invisible, but no mention, autolink or reference matches across it. */
const ZWJ = '\u200d';

/**
 * Breaks what GitHub turns into a notification or a link in rendered text: @mentions (and team
 * mentions), #123 references, URLs (`scheme://`, `www.`) and e-mail addresses.
 */
function defuse(text: string): string {
  return text
    .replace(/@(?=[\p{L}\p{N}_])/gu, `@${ZWJ}`)
    .replace(/#(?=\d)/g, `#${ZWJ}`)
    .replace(/:(?=\/\/)/g, `:${ZWJ}`)
    .replace(/(www)(?=\.)/gi, `$1${ZWJ}`);
}

/** Untrusted prose inside our own sentences: shows as the characters it is, and does nothing. */
export function text(raw: string): string {
  // Every character that opens something inline is backslash-escaped: code, emphasis, links and
  // images (`[`), HTML and autolinks (`<`), entities (`&#64;` would be an @), strikethrough, and
  // GitHub's math (`$`). Closers alone open nothing. An underscore inside a word
  // (efficientnet_b0) cannot emphasise and stays as it is. Pipes are the table's business (cell).
  const escaped = visibleControls(raw)
    .replace(/[\\`*[<&~$]/g, '\\$&')
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_');
  return defuse(escaped);
}

/** Untrusted text inside HTML (a <summary>, where GitHub renders no markdown). */
export function html(raw: string): string {
  return defuse(visibleControls(raw).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/**
 * A name as itself, in a code span nothing inside can end: the fence is one backtick longer than
 * the longest run inside, and a space pads content that starts or ends with a backtick (or with
 * spaces on both sides, which GitHub would strip). Code spans render no HTML, links or mentions.
 */
export function code(raw: string): string {
  const content = visibleControls(raw);
  if (content === '') return '(empty)';
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const spaced = content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '';
  const pad = content.startsWith('`') || content.endsWith('`') || spaced ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run inside; control characters shown (newlines kept). */
export function codeBlock(raw: string, language = ''): string {
  const content = raw
    .split('\n')
    .map((line) => visibleControls(line))
    .join('\n');
  const longest = Math.max(2, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${content}\n${fence}`;
}

/** Markdown of ours in a table cell: no pipe ends the cell, no newline ends the row. */
export function cell(markdown: string): string {
  return markdown.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** A folded section; `summary` is plain text (escaped here), the blank lines let GitHub render the markdown inside. */
export function details(summary: string, body: string): string {
  return `<details><summary>${html(summary)}</summary>\n\n${body.trim()}\n</details>`;
}

export type Align = 'l' | 'r' | 'c';

/** A GFM table of markdown cells (pipes escaped here). Compact delimiters: the comment has a size limit. */
export function table(header: string[], rows: string[][], align: Align[]): string {
  return markdownTable([header.map(cell), ...rows.map((row) => row.map(cell))], { align, alignDelimiters: false });
}
