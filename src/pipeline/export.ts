/**
 * --export-command: the user's own script writes the ONNX model (a PyTorch export, say) before
 * anything else runs. quantgate never unpickles a checkpoint itself; what the script loads is the
 * script's business, on the user's runner, under the user's control.
 */
import { existsSync } from 'node:fs';
import { BadInputError } from '../errors.js';
import type { Log } from '../log.js';
import { msg, opt } from '../message.js';
import type { Exec } from './host.js';

/** Runs `command` through `exec` in `cwd`; throws BadInputError when it fails or writes no model. */
export async function runExportCommand(command: string, modelPath: string, cwd: string, log: Log, exec: Exec): Promise<void> {
  log.info(`export: ${command}`);
  const tail: string[] = [];
  const { code, signal } = await exec(command, {
    cwd,
    onLine: (line) => {
      log.debug(`export: ${line}`);
      tail.push(line);
      if (tail.length > 10) tail.shift();
    },
  });
  if (code !== 0) {
    throw new BadInputError(
      msg`${opt('export-command')} ${signal ? `was killed by ${signal}` : `exited with status ${code}`}${tail.length ? `; its last output:\n    ${tail.join('\n    ')}` : ''}`,
      msg`run the command yourself in the same folder and fix it; it must write the model at ${opt('model')}`,
    );
  }
  if (!existsSync(modelPath)) {
    throw new BadInputError(msg`${opt('export-command')} finished but wrote no model at ${modelPath}`, msg`make the command write the ONNX file at the path given with ${opt('model')}`);
  }
}
