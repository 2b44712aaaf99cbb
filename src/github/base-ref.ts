/**
 * `baseline-from: base-ref`: the base branch's version of the model, taken from git and benchmarked
 * in the same job, interleaved with the pull request's (as `--baseline-model` does).
 *
 * Taken honestly, as a runner's checkout has it:
 * - actions/checkout clones one commit by default, so the base commit is fetched
 *   (`git fetch --no-tags --depth=1 origin <sha>`) when the clone does not hold it;
 * - the model's blob is written raw (`git cat-file blob`: no textconv, no filters), and a Git LFS
 *   pointer is turned into the real file by `git lfs smudge`, which downloads it;
 * - the model's external-data files (the `location` of its external tensors, read from the base
 *   model itself) are taken from the same commit into the same relative places; a location that
 *   would leave the model's folder is refused, as the model reader refuses it.
 *
 * Whatever keeps the base model from being had (a model the base branch does not have yet, a
 * pointer without git-lfs, a fetch that fails) is one line for the report and the log, and the run
 * goes on without the base model: a pull request that adds a model has nothing to compare with.
 *
 * Git runs through the pipeline's Exec, so in the action its output lands grouped in the log
 * (src/github/exec.ts) and the CLI's tests run it through node:child_process.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { shellWord } from '../message.js';
import { externalRef, isExternal } from '../model/external-data.js';
import { forEachTensor } from '../model/walk.js';
import type { Log } from '../log.js';
import type { Exec } from '../pipeline/host.js';

export interface BaseRefRequest {
  /** The pull request's model, absolute or relative to `cwd`. */
  modelPath: string;
  /** The base commit (the pull request event's `pull_request.base.sha`). */
  baseSha: string;
  /** A folder inside the repository's checkout. */
  cwd: string;
  exec: Exec;
  /** Where the base model's folder is made; default the runner's temp folder. */
  tempRoot?: string;
  /** Each line git prints, for the log. */
  onLine?: (line: string) => void;
}

/** The base model on disk, or the one line that says why there is none. */
export type BaseRefOutcome = { path: string; commit: string; problem: null } | { path: null; commit: string; problem: string };

const LFS_POINTER = 'version https://git-lfs.github.com/spec/';
/** Git LFS pointers are small text files; anything larger is the real content. */
const LFS_POINTER_MAX_BYTES = 1024;

/** A reason the base model cannot be had: ends the attempt with one line. */
class Unavailable extends Error {}

interface Git {
  /** Runs git with these arguments (quoted here) and an optional shell redirection; the exit code and what it printed. */
  run(args: string[], redirect?: string): Promise<{ code: number | null; lines: string[] }>;
}

function gitIn(cwd: string, exec: Exec, onLine: (line: string) => void): Git {
  return {
    async run(args, redirect) {
      const lines: string[] = [];
      const command = `git ${args.map(shellWord).join(' ')}${redirect ? ` ${redirect}` : ''}`;
      const { code } = await exec(command, {
        cwd,
        onLine: (line) => {
          lines.push(line);
          onLine(line);
        },
      });
      return { code, lines };
    },
  };
}

/**
 * The line of git's output that says what went wrong: git-lfs ends a failed download with where
 * its log is and how to read it, after the line that names the cause, so the last line that is not
 * such a pointer is taken.
 */
function failureLine(result: { code: number | null; lines: string[] }): string {
  const said = result.lines.map((l) => l.trim()).filter((l) => l && !/^Errors logged to |git lfs logs last/.test(l));
  return said.at(-1) ?? `exit status ${result.code}`;
}

function startsWithPointer(path: string): boolean {
  if (statSync(path).size > LFS_POINTER_MAX_BYTES) return false;
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(LFS_POINTER.length);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).toString('latin1') === LFS_POINTER;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the blob at `repoPath` in `commit` to `dest`, smudging a Git LFS pointer. `what` names the
 * file in the line that says why it could not be had.
 */
async function takeBlob(git: Git, commit: string, repoPath: string, dest: string, what: string, lfs: () => Promise<boolean>): Promise<void> {
  // ls-tree tells absent from present, and a file from a symlink or a folder, in one call.
  const listed = await git.run(['ls-tree', commit, '--', repoPath]);
  const entry = listed.lines.find((l) => l.endsWith(`\t${repoPath}`));
  if (listed.code !== 0 || !entry) throw new Unavailable(`${what} ${repoPath} does not exist on the base commit ${commit.slice(0, 12)} (a new file has nothing to compare with)`);
  const [mode, type] = entry.split(/\s+/);
  if (type !== 'blob') throw new Unavailable(`${what} ${repoPath} is a ${type === 'tree' ? 'folder' : type} on the base commit ${commit.slice(0, 12)}, not a file`);
  if (mode === '120000') throw new Unavailable(`${what} ${repoPath} is a symbolic link on the base commit ${commit.slice(0, 12)}; quantgate takes only regular files from git`);
  mkdirSync(dirname(dest), { recursive: true });
  // The raw blob: `git show` could apply a textconv driver; cat-file never does.
  const written = await git.run(['cat-file', 'blob', `${commit}:${repoPath}`], `> ${shellWord(dest)}`);
  if (written.code !== 0) throw new Unavailable(`git could not read ${what} ${repoPath} from the base commit: ${failureLine(written)}`);
  if (!startsWithPointer(dest)) return;
  if (!(await lfs())) {
    throw new Unavailable(`${what} ${repoPath} is a Git LFS pointer on the base commit and git-lfs is not installed on this runner (install git-lfs, e.g. apt-get install git-lfs, to compare with the base model)`);
  }
  const pointer = `${dest}.lfs-pointer`;
  const kept = await git.run(['cat-file', 'blob', `${commit}:${repoPath}`], `> ${shellWord(pointer)}`);
  const smudged = kept.code === 0 ? await git.run(['lfs', 'smudge', '--', repoPath], `< ${shellWord(pointer)} > ${shellWord(dest)}`) : kept;
  if (smudged.code !== 0 || startsWithPointer(dest)) {
    throw new Unavailable(`git lfs smudge could not download ${what} ${repoPath} of the base commit: ${failureLine(smudged)}`);
  }
}

/** The external-data locations the model at `path` names, each checked to stay in its folder. */
function externalLocations(path: string, repoPath: string): string[] {
  let proto;
  try {
    proto = fromBinary(ModelProtoSchema, readFileSync(path), { readUnknownFields: true });
  } catch (error) {
    throw new Unavailable(`the base commit's ${repoPath} is not a readable ONNX model (${(error as Error).message})`);
  }
  const locations = new Set<string>();
  try {
    forEachTensor(proto, (tensor) => {
      if (isExternal(tensor)) locations.add(externalRef(tensor, repoPath).location);
    });
  } catch (error) {
    throw new Unavailable((error as Error).message);
  }
  for (const location of locations) {
    // The same refusals as the model reader's (model/external-data.ts), before git is asked for it.
    const parts = location.split(/[\\/]/);
    if (location.includes('\0') || /[\r\n]/.test(location) || isAbsolute(location) || /^[A-Za-z]:/.test(location) || parts.includes('..') || location.startsWith('/')) {
      throw new Unavailable(`the base commit's ${repoPath} points at external data '${location.replace(/[\0\r\n]/g, '?')}', outside the model's folder; quantgate only reads external data inside it`);
    }
  }
  return [...locations];
}

/**
 * Takes the base commit's version of the model (and its external data) into a folder of its own.
 * Never throws for a model that cannot be had: the outcome's `problem` says why in one line.
 */
export async function baseModelFromRef(request: BaseRefRequest): Promise<BaseRefOutcome> {
  const commit = request.baseSha.trim().toLowerCase();
  const onLine = request.onLine ?? (() => {});
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) {
    return { path: null, commit, problem: `the base commit '${request.baseSha}' is not a full commit hash, so the base model cannot be taken from git` };
  }
  try {
    const top = await gitIn(request.cwd, request.exec, onLine).run(['rev-parse', '--show-toplevel']);
    if (top.code !== 0 || !top.lines[0]) throw new Unavailable(`${request.cwd} is not inside a git checkout, so the base model cannot be taken from git (check out the repository with actions/checkout first)`);
    const root = top.lines[0];
    // git names the top level by its real path; so is the model's (a symlinked temp folder).
    const model = resolve(realpathSync(request.cwd), request.modelPath);
    const inRepo = relative(root, model);
    if (inRepo.startsWith('..') || isAbsolute(inRepo)) throw new Unavailable(`the model ${request.modelPath} is outside the repository's checkout (${root}), so it has no base version in git`);
    const repoPath = inRepo.split(sep).join(posix.sep);
    // From the top level on: git reads the paths of ls-tree relative to where it runs.
    const git = gitIn(root, request.exec, onLine);

    // A shallow checkout (actions/checkout's default) holds only the pull request's merge commit.
    if ((await git.run(['cat-file', '-e', `${commit}^{commit}`])).code !== 0) {
      const fetched = await git.run(['fetch', '--no-tags', '--depth=1', 'origin', commit]);
      if (fetched.code !== 0) throw new Unavailable(`git could not fetch the base commit ${commit.slice(0, 12)} from origin: ${failureLine(fetched)}`);
    }

    let lfsInstalled: boolean | undefined;
    const lfs = async () => (lfsInstalled ??= (await git.run(['lfs', 'version'])).code === 0);
    const folder = mkdtempSync(join(request.tempRoot ?? process.env.RUNNER_TEMP ?? tmpdir(), `quantgate-base-${commit.slice(0, 12)}-`));
    const dest = join(folder, ...repoPath.split('/'));
    await takeBlob(git, commit, repoPath, dest, 'the model', lfs);
    const repoDir = posix.dirname(repoPath);
    for (const location of externalLocations(dest, repoPath)) {
      const normal = posix.normalize(location.replace(/\\/g, '/'));
      await takeBlob(git, commit, repoDir === '.' ? normal : `${repoDir}/${normal}`, join(dirname(dest), ...normal.split('/')), 'its external data file', lfs);
    }
    return { path: dest, commit, problem: null };
  } catch (error) {
    if (error instanceof Unavailable) return { path: null, commit, problem: `no base model: ${error.message}` };
    return { path: null, commit, problem: `no base model: ${(error as Error).message}` };
  }
}

/** What `withBaseRefModel` needs of the action: its own inputs and where it runs. */
export interface BaseRefContext {
  baselineFrom: string | undefined;
  /** The pull request event's base commit; undefined on other events. */
  baseSha: string | undefined;
  cwd: string;
  exec: Exec;
  log: Log;
}

/**
 * The action's `baseline-from: base-ref`: `config` with the base commit's model as its baseline
 * model, or `config` unchanged (and one warning line) when there is none to be had. An explicit
 * `baseline` or `baseline-model` wins, as it does over every baseline source.
 */
export async function withBaseRefModel<C extends { baseline?: string; baselineModel?: string; model: string; sources: Record<string, string> }>(config: C, context: BaseRefContext): Promise<C> {
  if (context.baselineFrom !== 'base-ref' || config.baseline || config.baselineModel) return config;
  if (!context.baseSha) {
    context.log.warn('no base model: baseline-from base-ref compares with the base of a pull request, and this run is not one; it goes on without a baseline');
    return config;
  }
  const outcome = await context.log.group('base model (baseline-from: base-ref)', () =>
    baseModelFromRef({ modelPath: config.model, baseSha: context.baseSha!, cwd: context.cwd, exec: context.exec }),
  );
  if (outcome.problem !== null) {
    context.log.warn(`${outcome.problem}; the run goes on without it`);
    return config;
  }
  context.log.info(`base model: ${config.model} at ${outcome.commit.slice(0, 12)} → ${outcome.path}`);
  return { ...config, baselineModel: outcome.path, sources: { ...config.sources, baselineModel: `the base model (baseline-from: base-ref, commit ${outcome.commit.slice(0, 12)})` } };
}

/**
 * The base commit of the pull request this run is for (its event's `pull_request.base.sha`);
 * undefined on other events. Read from GITHUB_EVENT_PATH when asked (@actions/github's context
 * reads it once, at import).
 */
export function pullRequestBaseSha(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { base?: { sha?: unknown } } };
    const sha = payload.pull_request?.base?.sha;
    return typeof sha === 'string' ? sha : undefined;
  } catch {
    return undefined;
  }
}
