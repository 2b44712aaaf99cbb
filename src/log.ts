import { visibleControlsKeepLines } from './text/controls.js';

/**
 * A message made safe to write as log lines. Messages echo names from the model and the data, so
 * a node named `::error::x`, `::add-mask::…` or `::stop-commands::…` would be obeyed by the Actions
 * runner as a workflow command (it reads any line that starts with `::` after spaces, and the old
 * `##[` form anywhere), and ESC, CSI, OSC, C1 and bidi characters would drive the terminal. Every
 * Log writes its lines through this, the one place they are neutralised: controls become visible
 * stand-ins (newlines stay: the message's own lines), and a zero-width space splits `::` at a
 * line's start and `##[` anywhere, so the runner sees no command and a person sees the same text.
 */
export function logSafe(message: string): string {
  return visibleControlsKeepLines(message)
    .split('\n')
    .map((line) => line.replace(/^(\s*):(?=:)/u, '$1:\u200b').replace(/#(?=#\[)/g, '#\u200b'))
    .join('\n');
}

/**
 * The logging interface stages use. The CLI prints to stderr (stdout is for results and --json);
 * the action maps it to @actions/core groups, warnings and notices. Stages never print directly.
 */
export interface Log {
  /** Progress and facts a person follows along with. Hidden by --quiet. */
  info(message: string): void;
  /** Something the user should act on (a skipped runtime, random calibration data). */
  warn(message: string): void;
  /** Detail for --verbose. */
  debug(message: string): void;
  /** One named stage: a folded group in the action log, a heading on a terminal. */
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
}

/** A Log that keeps everything, for tests and for callers that want the lines. */
export class MemoryLog implements Log {
  readonly lines: { level: 'info' | 'warn' | 'debug' | 'group'; message: string }[] = [];
  info(message: string): void {
    this.lines.push({ level: 'info', message: logSafe(message) });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message: logSafe(message) });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message: logSafe(message) });
  }
  async group<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.lines.push({ level: 'group', message: logSafe(title) });
    return work();
  }
}
