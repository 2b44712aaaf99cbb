/**
 * The CLI's one failure funnel: parse, dispatch, and map whatever is thrown to an exit status
 * (0 passed, 1 gate failed, 2 bad input, 3 internal error) and one message on stderr.
 */
import { CommanderError } from 'commander';
import { compareCommand } from '../commands/compare.js';
import { demoCommand } from '../commands/demo.js';
import { inspectCommand } from '../commands/inspect.js';
import { quantizeCommand } from '../commands/quantize.js';
import { runCommand } from '../commands/run.js';
import type { CommandContext } from '../commands/context.js';
import { resolveConfig } from '../config/resolve.js';
import { processHost } from '../pipeline/process-host.js';
import { describeError, ExitCode, exitCodeOf } from '../errors.js';
import { TerminalLog } from './output.js';
import { buildProgram, type ParsedCommand } from './program.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { write(s: string): boolean };
  stderr: NodeJS.WriteStream;
  cwd: string;
}

export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  let exitCode: number = ExitCode.passed;
  let verbose = argv.includes('--verbose');
  const log = () => new TerminalLog({ quiet: argv.includes('--quiet'), verbose }, io.stderr);

  const dispatch = async (parsed: ParsedCommand): Promise<void> => {
    verbose = parsed.globals.verbose;
    const ctx: CommandContext = {
      log: new TerminalLog({ quiet: parsed.globals.quiet, verbose }, io.stderr),
      stdout: io.stdout,
      cwd: io.cwd,
      host: processHost(),
    };
    const input = { given: parsed.flags, givenKind: 'flag' as const, cwd: io.cwd, ...(parsed.globals.config ? { configPath: parsed.globals.config } : {}) };
    switch (parsed.command) {
      case 'inspect':
        exitCode = await inspectCommand(resolveConfig('inspect', input), ctx);
        return;
      case 'quantize':
        exitCode = await quantizeCommand(resolveConfig('quantize', input), ctx);
        return;
      case 'run':
        exitCode = await runCommand(resolveConfig('run', input), ctx);
        return;
      case 'compare':
        exitCode = await compareCommand(parsed.operands[0]!, parsed.operands[1]!, resolveConfig('compare', input), ctx);
        return;
      case 'demo':
        exitCode = await demoCommand(resolveConfig('demo', input), ctx);
        return;
    }
  };

  const program = buildProgram(dispatch)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every parse error (unknown flag, missing argument) is usage: 2.
      return error.exitCode === 0 ? ExitCode.passed : ExitCode.badInput;
    }
    log().error(describeError(error, verbose));
    return exitCodeOf(error);
  }
}
