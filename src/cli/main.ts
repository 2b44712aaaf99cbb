/**
 * The CLI's one failure funnel: parse, dispatch, and map whatever is thrown to an exit status
 * (0 passed, 1 gate failed, 2 bad input, 3 internal error) and one message on stderr.
 */
import { CommanderError } from 'commander';
import { aggregateCommand } from '../commands/aggregate.js';
import { commentCommand } from '../commands/comment.js';
import { compareCommand } from '../commands/compare.js';
import { demoCommand } from '../commands/demo.js';
import { doctorCommand } from '../commands/doctor.js';
import { inspectCommand } from '../commands/inspect.js';
import { quantizeCommand } from '../commands/quantize.js';
import { runCommand } from '../commands/run.js';
import type { CommandContext } from '../commands/context.js';
import { edgeNaming, namingFor } from '../config/naming.js';
import { resolveConfig, type ResolveInput } from '../config/resolve.js';
import type { CommandName } from '../config/options.js';
import type { ConfigByCommand } from '../config/types.js';
import { processHost } from '../pipeline/process-host.js';
import { postComment } from '../github/post-comment.js';
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
  // Messages name options as flags, or by file and key where quantgate.yml gave the value.
  let naming = edgeNaming('flag');
  const log = () => new TerminalLog({ quiet: argv.includes('--quiet'), verbose }, io.stderr);

  const dispatch = async (parsed: ParsedCommand): Promise<void> => {
    verbose = parsed.globals.verbose;
    const ctx: CommandContext = {
      log: new TerminalLog({ quiet: parsed.globals.quiet, verbose }, io.stderr),
      stdout: io.stdout,
      cwd: io.cwd,
      host: processHost(),
    };
    const posting = parsed.command === 'comment' || parsed.command === 'aggregate';
    const input: ResolveInput = {
      given: parsed.flags,
      givenKind: 'flag',
      cwd: io.cwd,
      ...(parsed.globals.config ? { configPath: parsed.globals.config } : {}),
      // The posting commands run none of the pipeline: a repository's quantgate.yml is not theirs.
      ...(posting ? { readFile: false } : {}),
    };
    const configFor = <C extends CommandName>(command: C): ConfigByCommand[C] => {
      const config = resolveConfig(command, input);
      naming = namingFor('flag', config.sources);
      ctx.naming = naming;
      return config;
    };
    switch (parsed.command) {
      case 'inspect':
        exitCode = await inspectCommand(configFor('inspect'), ctx);
        return;
      case 'quantize':
        exitCode = await quantizeCommand(configFor('quantize'), ctx);
        return;
      case 'run':
        exitCode = await runCommand(configFor('run'), ctx);
        return;
      case 'compare':
        exitCode = await compareCommand(parsed.operands[0]!, parsed.operands[1]!, configFor('compare'), ctx);
        return;
      case 'demo':
        exitCode = await demoCommand(configFor('demo'), ctx);
        return;
      case 'doctor':
        exitCode = await doctorCommand(configFor('doctor'), ctx);
        return;
      case 'comment':
        exitCode = await commentCommand(parsed.operands[0]!, configFor('comment'), ctx, postComment);
        return;
      case 'aggregate':
        exitCode = await aggregateCommand(parsed.operands, configFor('aggregate'), ctx, postComment);
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
    log().error(describeError(error, verbose, naming));
    return exitCodeOf(error);
  }
}
