/**
 * --export-command: the user's own script writes the ONNX model (a PyTorch export, say) before
 * anything else runs. quantgate never unpickles a checkpoint itself; what the script loads is the
 * script's business, on the user's runner, under the user's control.
 *
 * It is arbitrary code, and `quantgate.yml` at the repository's root (which a pull request
 * controls) can set it, so:
 * - it runs without the GitHub and Actions credentials of the job (`withoutCredentials`): a
 *   script that needs a token of its own gets it under a name of its own;
 * - it runs in a process group of its own, and nothing of it outlives its part of the run: what it
 *   leaves running when `sh` exits is ended, and when the run ends (a SIGTERM from a cancelled job
 *   included) the whole group is killed, not only `sh`.
 */
import { existsSync } from 'node:fs';
import { BadInputError } from '../errors.js';
import type { Log } from '../log.js';
import { msg, opt } from '../message.js';
import type { Exec } from './host.js';

/**
 * Whether an environment variable carries a credential of the job: the GitHub token under its
 * usual names, anything token-like of GitHub's, and every variable of the Actions runtime
 * (`ACTIONS_RUNTIME_TOKEN`, `ACTIONS_ID_TOKEN_REQUEST_*`, `ACTIONS_RESULTS_URL`, …) and of the
 * action's inputs (`INPUT_GITHUB-TOKEN`), which the script has no use for.
 */
export function isCredential(name: string): boolean {
  const upper = name.toUpperCase();
  if (upper.startsWith('ACTIONS_') || upper.startsWith('INPUT_')) return true;
  return /^(GITHUB|GH)_/.test(upper) && /TOKEN|SECRET|PASSWORD|PRIVATE_KEY|_PAT$/.test(upper);
}

/** A copy of `env` without the job's credentials. */
export function withoutCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !isCredential(name)));
}

/** Runs `command` through `exec` in `cwd`; throws BadInputError when it fails or writes no model. */
export async function runExportCommand(command: string, modelPath: string, cwd: string, log: Log, exec: Exec): Promise<void> {
  log.info(`export: ${command}`);
  const tail: string[] = [];
  const { code, signal } = await exec(command, {
    cwd,
    env: withoutCredentials(process.env),
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
