/**
 * The error types every stage throws. The two entries (CLI and action) have one failure funnel
 * each that maps these to an exit status; nothing below the entries catches them to print.
 *
 * Callers branch on `instanceof`, never on message text.
 */

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
 */
export class BadInputError extends Error {
  override readonly name = 'BadInputError';
  /** What to do about it, one sentence, imperative. */
  readonly fix: string;

  constructor(problem: string, fix: string, options?: { cause?: unknown }) {
    super(problem, options);
    this.fix = fix;
  }

  /** The one message a person reads: the problem, then the fix. */
  describe(): string {
    return `${this.message}\n  fix: ${this.fix}`;
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
 * The text a person sees for an error. Bad input gets its problem and fix, nothing else;
 * anything else is a bug in quantgate and says where to report it. `verbose` adds the stack.
 */
export function describeError(error: unknown, verbose: boolean): string {
  const stack = verbose && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  if (error instanceof BadInputError) return `${error.describe()}${stack}`;
  if (error instanceof GateFailedError) return `gate failed: ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  return (
    `internal error: ${message}\n` +
    `  this is a bug in quantgate; please report it at ${ISSUES_URL} with the command you ran` +
    (verbose ? stack : ' (run again with --verbose for the stack trace)')
  );
}
