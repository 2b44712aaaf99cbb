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
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  async group<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.lines.push({ level: 'group', message: title });
    return work();
  }
}
