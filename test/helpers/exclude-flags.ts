// An --exclude flag as a user pastes it: split into argv by `sh`, then parsed by quantgate's own
// command line and option schema into the patterns the quantizer gets.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildProgram, type ParsedCommand } from '../../src/cli/program.ts';
import { OPTIONS } from '../../src/config/options.ts';

/** argv as `sh` reads `source` pasted after a command. */
export function shellWords(source: string): string[] {
  const r = spawnSync('sh', ['-c', `printf '%s\\0' ${source}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

/** The --exclude patterns quantgate's command line makes of `argv`, through its option schema. */
export async function parsedExcludes(argv: string[]): Promise<string[]> {
  let flags: Record<string, unknown> = {};
  const program = buildProgram(async (parsed: ParsedCommand) => {
    flags = parsed.flags;
  });
  program.exitOverride();
  await program.parseAsync(['quantize', '--model', 'm.onnx', ...argv], { from: 'user' });
  return OPTIONS.find((o) => o.key === 'exclude')!.schema.parse(flags.exclude) as string[];
}
