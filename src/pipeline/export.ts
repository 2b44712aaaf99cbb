/**
 * --export-command: the user's own script writes the ONNX model (a PyTorch export, say) before
 * anything else runs. quantgate never unpickles a checkpoint itself; what the script loads is the
 * script's business, on the user's runner, under the user's control.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BadInputError } from '../errors.js';
import type { Log } from '../log.js';
import { msg, opt } from '../message.js';

/** Runs `command` in a shell in `cwd`; throws BadInputError when it fails or writes no model. */
export async function runExportCommand(command: string, modelPath: string, cwd: string, log: Log): Promise<void> {
  log.info(`export: ${command}`);
  const tail: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, { cwd, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        log.debug(`export: ${line}`);
        tail.push(line);
        if (tail.length > 10) tail.shift();
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    throw new BadInputError(
      msg`${opt('export-command')} exited with status ${code}${tail.length ? `; its last output:\n    ${tail.join('\n    ')}` : ''}`,
      msg`run the command yourself in the same folder and fix it; it must write the model at ${opt('model')}`,
    );
  }
  if (!existsSync(modelPath)) {
    throw new BadInputError(msg`${opt('export-command')} finished but wrote no model at ${modelPath}`, msg`make the command write the ONNX file at the path given with ${opt('model')}`);
  }
}
