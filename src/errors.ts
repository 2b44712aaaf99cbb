/**
 * The error types every stage throws. The two entries (CLI and action) have one failure funnel
 * each that maps these to an exit status; nothing below the entries catches them to print.
 *
 * Callers branch on `instanceof`, never on message text.
 */
import { FLAG_NAMING, toMessage, type Message, type OptionNaming, type Text } from './message.js';

/** Exit status of the CLI, as the README's contracts define it. */
export const ExitCode = {
  passed: 0,
  gateFailed: 1,
  badInput: 2,
  internal: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Something the user gave us is wrong: a missing or corrupt file, a bad flag value, a model
 * newer than the installed runtime. Always carries the fix. Exit status 2.
 *
 * Problem and fix may name options (`msg` in src/message.ts): they stay data until an entry
 * renders them in its own words. `message` and `fix` are the command line's rendering.
 */
export class BadInputError extends Error {
  override readonly name = 'BadInputError';
  readonly problem: Message;
  /** What to do about it, one sentence, imperative. */
  readonly remedy: Message;

  constructor(problem: Text, fix: Text, options?: { cause?: unknown }) {
    super(toMessage(problem).render(FLAG_NAMING), options);
    this.problem = toMessage(problem);
    this.remedy = toMessage(fix);
  }

  /** The fix in the command line's words. */
  get fix(): string {
    return this.remedy.render(FLAG_NAMING);
  }

  /** The one message a person reads: the problem, then the fix, options named as `naming` says. */
  describe(naming: OptionNaming = FLAG_NAMING): string {
    return `${this.problem.render(naming)}\n  fix: ${this.remedy.render(naming)}`;
  }
}

/** A gate (accuracy, disagreement, latency) failed. Exit status 1. */
export class GateFailedError extends Error {
  override readonly name = 'GateFailedError';
  constructor(readonly reasons: string[]) {
    super(reasons.join('; '));
  }
}

/** The run was interrupted (SIGINT/SIGTERM); results measured so far were written. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
  }
}

export const ISSUES_URL = 'https://github.com/quantgate/quantgate/issues';

/** Maps any thrown value to the exit status of the contracts. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof BadInputError) return ExitCode.badInput;
  if (error instanceof GateFailedError) return ExitCode.gateFailed;
  return ExitCode.internal;
}

/**
 * The text a person sees for an error. Bad input gets its problem and fix, nothing else, with
 * options named in the entry's words (`naming`); anything else is a bug in quantgate and says
 * where to report it. `verbose` adds the stack.
 */
export function describeError(error: unknown, verbose: boolean, naming: OptionNaming = FLAG_NAMING): string {
  const stack = verbose && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  if (error instanceof BadInputError) return `${error.describe(naming)}${stack}`;
  if (error instanceof GateFailedError) return `gate failed: ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  return (
    `internal error: ${message}\n` +
    `  this is a bug in quantgate; please report it at ${ISSUES_URL} with the command you ran` +
    (verbose ? stack : ' (run again with --verbose for the stack trace)')
  );
}
