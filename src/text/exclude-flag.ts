/**
 * The `--exclude` flag that keeps one node in float, exactly as it works when pasted into a POSIX
 * shell. Built from the node's name where it is shown (never taken from results.json, which is
 * untrusted), because a name can be anything a model says: quotes, spaces, a leading dash, an
 * `op:` or `re:` prefix that --exclude would read as a pattern, surrounding spaces it would trim,
 * control characters a code span cannot show. Names --exclude cannot take as they are become an
 * anchored `re:` pattern that matches that name alone, written in printable ASCII.
 */
import { FLAG_NAMING, shellWord } from '../message.js';
import { hasControls } from './controls.js';

/** A character of a regular expression that matches itself; `[|]` keeps a backslash from standing before a pipe in a table. */
function literal(c: string): string {
  if (c === '|') return '[|]';
  if (/[\\^$.*+?()[\]{}/]/.test(c)) return `\\${c}`;
  const code = c.charCodeAt(0);
  if (code < 0x20 || code > 0x7e) return `\\u${code.toString(16).padStart(4, '0')}`;
  return c;
}

/** `re:^…$` matching `name` and nothing else (no flags: `$` is the end of the name). */
export function exactPattern(name: string): string {
  // By UTF-16 code unit, as a pattern without the `u` flag matches: a character outside the BMP becomes its two surrogates.
  return `re:^${name.split('').map(literal).join('')}$`;
}

/** The pattern --exclude needs to keep exactly `name` in float. */
export function excludePatternFor(name: string): string {
  const asIs = name !== '' && name === name.trim() && !/^(op|re):/.test(name) && !hasControls(name) && !/\\\|/.test(name);
  return asIs ? name : exactPattern(name);
}

/** "--exclude /fc/Gemm", "--exclude 'a b'", "--exclude='-x'": one shell word for the value. */
export function excludeFlag(name: string): string {
  const pattern = excludePatternFor(name);
  // A value that starts with a dash is joined with `=`, so no parser can take it for a flag.
  return pattern.startsWith('-') ? `${FLAG_NAMING.name('exclude')}=${shellWord(pattern)}` : FLAG_NAMING.setting('exclude', pattern);
}
