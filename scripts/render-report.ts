// Renders report.md files the way a reviewer sees them on a pull request, to check them by eye:
// markdown → HTML with `marked` (GitHub-flavoured), GitHub-like styles, then a screenshot with
// Chromium. GitHub's own renderer and mermaid cannot be reached offline, so mermaid blocks show as
// code, and GitHub's alert blocks ([!CAUTION]) are styled here the way GitHub styles them.
//
//   node --import tsx scripts/render-report.ts REPORT.md... [--out DIR] [--open] [--width PX] [--height PX]
//
// Writes DIR/<name>.html and DIR/<name>.png (folded, as a reviewer first sees it) and, with
// --open, DIR/<name>.open.png with every <details> unfolded.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { marked } from 'marked';

const CHROMIUM = '/usr/bin/chromium';

// GitHub's look, approximately: its font stack, sizes, table and code styles, the width of a
// comment in a pull request's conversation (912 px wide, 880 px of text, on a wide screen), and its
// alert colours.
const CSS = `
body { margin: 0; background: #ffffff; }
.comment { box-sizing: border-box; width: var(--width); margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
.comment-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; font: 14px -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #59636e; }
.markdown-body { padding: 16px; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; font-size: 14px; line-height: 1.5; color: #1f2328; word-wrap: break-word; }
.markdown-body > *:first-child { margin-top: 0 !important; }
.markdown-body h3 { font-size: 1.25em; font-weight: 600; line-height: 1.25; margin: 24px 0 16px; }
.markdown-body h4 { font-size: 1em; font-weight: 600; margin: 24px 0 16px; }
.markdown-body p, .markdown-body ul, .markdown-body table, .markdown-body pre, .markdown-body details, .markdown-body .markdown-alert { margin: 0 0 16px; }
.markdown-body ul { padding-left: 2em; }
.markdown-body code { padding: .2em .4em; font-size: 85%; background: rgba(129,139,152,.12); border-radius: 6px; font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
.markdown-body pre { padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; background: #f6f8fa; border-radius: 6px; }
.markdown-body pre code { padding: 0; background: transparent; font-size: 100%; }
.markdown-body table { border-spacing: 0; border-collapse: collapse; display: block; width: max-content; max-width: 100%; overflow: auto; font-variant: tabular-nums; }
.markdown-body th { font-weight: 600; }
.markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body tr { background: #ffffff; border-top: 1px solid #d1d9e0b3; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body summary { cursor: pointer; display: list-item; }
.markdown-body details > *:not(summary) { margin-top: 16px; }
.markdown-body sub { font-size: 75%; color: #59636e; }
.markdown-body .markdown-alert { padding: .5rem 1rem; border-left: .25em solid; }
.markdown-body .markdown-alert-title { display: flex; font-weight: 500; align-items: center; line-height: 1; margin-bottom: 8px; }
.markdown-body .markdown-alert > :last-child { margin-bottom: 0; }
.markdown-alert-note { border-color: #0969da; } .markdown-alert-note .markdown-alert-title { color: #0969da; }
.markdown-alert-tip { border-color: #1a7f37; } .markdown-alert-tip .markdown-alert-title { color: #1a7f37; }
.markdown-alert-important { border-color: #8250df; } .markdown-alert-important .markdown-alert-title { color: #8250df; }
.markdown-alert-warning { border-color: #9a6700; } .markdown-alert-warning .markdown-alert-title { color: #9a6700; }
.markdown-alert-caution { border-color: #d1242f; } .markdown-alert-caution .markdown-alert-title { color: #d1242f; }
.mermaid-note { font-size: 12px; color: #59636e; margin: -12px 0 16px; }
`;

/** GitHub's alerts: a blockquote whose first line is [!KIND]. */
function alerts(html: string): string {
  return html.replace(/<blockquote>\s*<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*([\s\S]*?)<\/blockquote>/g, (_, kind: string, rest: string) => {
    const title = kind[0] + kind.slice(1).toLowerCase();
    return `<div class="markdown-alert markdown-alert-${kind.toLowerCase()}"><p class="markdown-alert-title">${title}</p><p>${rest}</div>`;
  });
}

function mermaidNotes(html: string): string {
  return html.replace(/(<pre><code class="language-mermaid">[\s\S]*?<\/code><\/pre>)/g, '$1<p class="mermaid-note">(GitHub draws this mermaid block as a chart)</p>');
}

export function reportHtml(markdown: string, options: { open: boolean; width: number; title: string }): string {
  let body = marked.parse(markdown, { gfm: true, async: false });
  body = mermaidNotes(alerts(body));
  if (options.open) body = body.replace(/<details>/g, '<details open>');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${options.title}</title><style>:root { --width: ${options.width}px; }${CSS}</style></head>
<body><div class="comment"><div class="comment-header"><b>quantgate</b> bot commented</div><div class="markdown-body">${body}</div></div></body></html>`;
}

function screenshot(htmlPath: string, pngPath: string, width: number, height: number): void {
  const profile = mkdtempSync(join(tmpdir(), 'quantgate-chromium-'));
  try {
    const result = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--window-size=${width + 32},${height}`,
        `--screenshot=${pngPath}`,
        `file://${htmlPath}`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (result.status !== 0 || !existsSync(pngPath)) throw new Error(`chromium failed (${result.status}): ${result.stderr}`);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

function main(argv: string[]): void {
  const files: string[] = [];
  let out = 'report-render';
  let open = false;
  let width = 912;
  let height = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--out') out = argv[++i]!;
    else if (arg === '--open') open = true;
    else if (arg === '--width') width = Number(argv[++i]);
    else if (arg === '--height') height = Number(argv[++i]);
    else files.push(arg);
  }
  if (files.length === 0) {
    console.error('usage: node --import tsx scripts/render-report.ts REPORT.md... [--out DIR] [--open] [--width PX] [--height PX]');
    process.exit(2);
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to take screenshots`);
    process.exit(2);
  }
  mkdirSync(out, { recursive: true });
  for (const file of files) {
    const markdown = readFileSync(file, 'utf8');
    const name = basename(file).replace(/\.md$/, '');
    // Tall enough for the folded view; the unfolded one is taller than any report (white below).
    const folded = height || 1400;
    const unfolded = height || 9000;
    for (const [suffix, isOpen, h] of [['', false, folded], ...(open ? [['.open', true, unfolded]] : [])] as [string, boolean, number][]) {
      const htmlPath = resolve(out, `${name}${suffix}.html`);
      writeFileSync(htmlPath, reportHtml(markdown, { open: isOpen, width, title: name }));
      const pngPath = resolve(out, `${name}${suffix}.png`);
      screenshot(htmlPath, pngPath, width, h);
      console.log(pngPath);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('render-report.ts')) main(process.argv.slice(2));
