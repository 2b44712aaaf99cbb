// report.md as GitHub would render it, by a real CommonMark + GFM parser (micromark with the GFM
// extensions, raw HTML passed through as GitHub passes its allowed tags), and the questions the
// hostile-input tests ask of the result: which elements and links exist, what the code spans hold,
// what text a reader sees outside them.
import { spawnSync } from 'node:child_process';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/** The elements quantgate's own report uses; anything else came from somebody's text. */
export const REPORT_ELEMENTS = new Set(['h3', 'h4', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'pre', 'strong', 'ul', 'li', 'blockquote', 'details', 'summary', 'sub', 'br', 'a']);

export function renderGfm(markdown: string): string {
  return micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

function decode(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** HTML comments are inert (the report's marker is one); what is inside them is no element. */
function withoutComments(html: string): string {
  return html.replace(/<!--[\s\S]*?-->/g, ' ');
}

/** Every element name that opens in the HTML. */
export function elements(html: string): string[] {
  return [...withoutComments(html).matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());
}

/** How many times `tag` closes (outside comments). */
export function closings(html: string, tag: string): number {
  return (withoutComments(html).match(new RegExp(`</${tag}>`, 'g')) ?? []).length;
}

/** The href of every link. */
export function links(html: string): string[] {
  return [...html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map((m) => decode(m[1]!));
}

/** What each code span (inline code, not code blocks) shows, decoded. */
export function codeSpans(html: string): string[] {
  return [...html.replace(/<pre>[\s\S]*?<\/pre>/g, '').matchAll(/<code>([\s\S]*?)<\/code>/g)].map((m) => decode(m[1]!));
}

/** The text a reader sees outside code (spans and blocks), tags removed, entities decoded. */
export function proseText(html: string): string {
  return decode(withoutComments(html).replace(/<pre>[\s\S]*?<\/pre>/g, ' ').replace(/<code>[\s\S]*?<\/code>/g, ' ').replace(/<[^>]+>/g, ' '));
}

/** GitHub turns these into notifications or links in rendered text; none may come from a name. */
export const MENTION = /(?<![\w`])@[A-Za-z0-9]/;
export const URL_TEXT = /[a-z]+:\/\/|www\./i;

/**
 * report.md through cmark-gfm, the C library GitHub renders comments with (Python's `cmarkgfm`
 * binding, where it is installed; .ci/run installs it), raw HTML passed through. It and micromark
 * part ways on one case the report can meet: a backslash right before an escaped pipe in a table
 * cell (`a\\|b`), where GitHub keeps the cell whole. Returns the reason where it cannot run.
 */
export function renderCmarkGfm(markdown: string): { html: string } | { skip: string } {
  const script = 'import sys, cmarkgfm\nfrom cmarkgfm.cmark import Options\nsys.stdout.write(cmarkgfm.github_flavored_markdown_to_html(sys.stdin.read(), options=Options.CMARK_OPT_UNSAFE))';
  const r = spawnSync('python3', ['-c', script], { input: markdown, encoding: 'utf8' });
  if (r.error) return { skip: `python3 could not be started (${r.error.message})` };
  if (r.status !== 0) return { skip: /No module named/.test(r.stderr) ? 'Python cmarkgfm is not installed (python3 -m pip install cmarkgfm)' : `cmarkgfm failed: ${r.stderr.trim().split('\n').pop()}` };
  return { html: r.stdout };
}
