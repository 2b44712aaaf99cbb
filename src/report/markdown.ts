/**
 * Markdown building blocks for GitHub's renderer: table cells that cannot break the table, folded
 * sections, inline code that survives backticks. Tables go through `markdown-table`.
 */
import { markdownTable } from 'markdown-table';

/** Text for a table cell: no pipe ends the cell, no newline ends the row, no tag opens. */
export function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;');
}

/** Plain text inside HTML (a <summary>): GitHub renders markdown there only partly. */
export function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code that survives backticks inside it. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run inside. */
export function codeBlock(text: string, language = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** A folded section; the blank lines let GitHub render the markdown inside. */
export function details(summary: string, body: string): string {
  return `<details><summary>${html(summary)}</summary>\n\n${body.trim()}\n</details>`;
}

export type Align = 'l' | 'r' | 'c';

/** A GFM table; cells are escaped here. Compact delimiters: the comment has a size limit. */
export function table(header: string[], rows: string[][], align: Align[]): string {
  return markdownTable([header.map(cell), ...rows.map((row) => row.map(cell))], { align, alignDelimiters: false });
}
