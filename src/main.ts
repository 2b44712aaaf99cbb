/**
 * The action: read the inputs once, run the same pipeline as `quantgate run`, and funnel every
 * failure into one `core.setFailed` (bad input and gate failures with their message, bugs with
 * where to report them).
 */
import { resolve } from 'node:path';
import * as core from '@actions/core';
import { runCommand } from './commands/run.js';
import { resolveConfig } from './config/resolve.js';
import { describeError, ExitCode } from './errors.js';
import { readActionInputs } from './github/inputs.js';
import { ActionLog } from './github/log.js';

export async function run(): Promise<void> {
  try {
    const inputs = readActionInputs();
    const cwd = resolve(inputs.workingDirectory);
    const config = resolveConfig('run', {
      given: inputs.given,
      givenKind: 'input',
      cwd,
      ...(inputs.config ? { configPath: inputs.config } : {}),
    });
    const exitCode = await runCommand(config, { log: new ActionLog(), stdout: process.stdout, cwd });
    if (exitCode === ExitCode.gateFailed) core.setFailed('quantgate: the gate failed (see the report)');
  } catch (error) {
    core.setFailed(describeError(error, core.isDebug()));
  }
}
