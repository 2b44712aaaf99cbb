import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths.js';

/** quantgate's version, from package.json. */
export const VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Which quantgate ran: its version, and the commit or ref it came from where that can be known. */
export interface QuantgateBuild {
  version: string;
  /** The full commit of quantgate's own sources, or null. */
  commit: string | null;
  /** The ref a workflow named it by (`uses: owner/quantgate@v0`), or null. */
  ref: string | null;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Read at run time, never stamped into dist/ (which must stay byte-for-byte what `npm run build`
 * gives on a clean clone, so check-dist passes on every commit, the tagged one included):
 * - a git checkout of quantgate (a clone, `uses: ./`): its HEAD;
 * - the action as a runner downloads it (a tarball, no .git): GITHUB_ACTION_REF, the ref the
 *   workflow wrote; a commit when pinned by SHA, else a tag such as v0.2.0, which names one commit;
 * - otherwise only the version (an npm install: the version's tag names the commit).
 */
export function quantgateBuild(env: NodeJS.ProcessEnv = process.env, root: string = PACKAGE_ROOT): QuantgateBuild {
  let commit: string | null = null;
  if (existsSync(join(root, '.git'))) {
    const head = spawnSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8', timeout: 5000 });
    const text = head.status === 0 ? head.stdout.trim() : '';
    if (SHA.test(text)) commit = text;
  }
  const actionRef = env.GITHUB_ACTION_REF?.trim() || null;
  // GITHUB_ACTION_REF is quantgate's only while quantgate is the running action (GITHUB_ACTION_PATH is this package).
  const ours = actionRef !== null && env.GITHUB_ACTION_PATH !== undefined && existsSync(join(env.GITHUB_ACTION_PATH, 'package.json')) && samePath(env.GITHUB_ACTION_PATH, root);
  const ref = ours ? actionRef : null;
  if (commit === null && ref !== null && SHA.test(ref)) commit = ref;
  return { version: VERSION, commit, ref };
}

function samePath(a: string, b: string): boolean {
  return join(a, '.') === join(b, '.');
}

/** `quantgate --version`: "0.1.0 (commit 0123abcd…)" or "0.1.0 (ref v0)" or "0.1.0". */
let cached: QuantgateBuild | undefined;
/** quantgateBuild() of this process, read once. */
export function thisBuild(): QuantgateBuild {
  cached ??= quantgateBuild();
  return cached;
}

export function versionText(build: QuantgateBuild = thisBuild()): string {
  const parts = [build.commit ? `commit ${build.commit}` : null, build.ref && build.ref !== build.commit ? `ref ${build.ref}` : null].filter(Boolean);
  return parts.length > 0 ? `${build.version} (${parts.join(', ')})` : build.version;
}
