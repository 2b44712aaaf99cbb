/**
 * Terminal output of the CLI: logs go to stderr (stdout carries results and --json), colour only
 * on a terminal and never with NO_COLOR (https://no-color.org), --quiet hides progress,
 * --verbose adds debug lines and stack traces.
 */
import { logSafe, type Log } from '../log.js';

export interface OutputOptions {
  quiet: boolean;
  verbose: boolean;
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  return stream.isTTY === true && process.env.TERM !== 'dumb';
}

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

export function paint(enabled: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39) };
}

export class TerminalLog implements Log {
  private readonly colors: Paint;

  constructor(
    private readonly options: OutputOptions,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.colors = paint(useColor(stream));
  }

  info(message: string): void {
    if (!this.options.quiet) this.stream.write(`${logSafe(message)}\n`);
  }

  warn(message: string): void {
    this.stream.write(`${this.colors.yellow('warning:')} ${logSafe(message)}\n`);
  }

  debug(message: string): void {
    if (this.options.verbose) this.stream.write(`${this.colors.dim(logSafe(message))}\n`);
  }

  async group<T>(title: string, work: () => Promise<T>): Promise<T> {
    if (!this.options.quiet) this.stream.write(`${this.colors.bold(`▸ ${logSafe(title)}`)}\n`);
    return work();
  }

  error(message: string): void {
    this.stream.write(`${this.colors.red('error:')} ${logSafe(message)}\n`);
  }
}
