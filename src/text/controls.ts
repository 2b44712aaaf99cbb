/**
 * Characters that must never reach a terminal, a runner's log or a rendered comment as
 * themselves, because they act instead of showing: C0 controls (ESC starts terminal sequences,
 * CR overwrites a line, a newline starts a new log line or markdown block), DEL, the C1 controls
 * (U+009B is a one-byte CSI, U+009D an OSC), line and paragraph separators, and the bidirectional
 * overrides and isolates that make text read in another order than it is stored ("Trojan
 * Source"). Names from a model and messages that echo them carry them as data; we show them.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One control character as something a person can see: ␛ for ESC, ␊ for a newline, U+202E for a bidi override. */
function picture(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Every control character replaced by a visible stand-in; newlines and tabs too. */
export function visibleControls(text: string): string {
  return text.replace(CONTROL, picture);
}

/** The same, but newlines and tabs kept: for log lines, which the caller splits itself. */
export function visibleControlsKeepLines(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL_BUT_LINES, picture);
}

/** True if `text` holds any character that visibleControls replaces. */
export function hasControls(text: string): boolean {
  CONTROL.lastIndex = 0;
  const found = CONTROL.test(text);
  CONTROL.lastIndex = 0;
  return found;
}
