/**
 * The --out folder of a run: made sure of before anything runs (a file in its place, a folder
 * that cannot be created or written are bad input, not an internal error at the first write) and
 * claimed for the run with a lock file, so that a second run on the same folder is refused
 * instead of mixing its files with the first's (one report describing the other's model).
 *
 * The lock file holds the owner's pid, host and process start time. A lock whose process is gone
 * (or whose pid now belongs to a process that started later) is stale and taken over: a run that
 * was killed outright must not block the folder forever. Two runs taking over the same stale lock
 * within the same instant could both proceed; nothing short of a lock server closes that window.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BadInputError } from '../errors.js';
import { msg, opt, type Label } from '../message.js';

export const LOCK_FILE = '.quantgate.lock';

/** A lock file being written is empty for an instant; one that stays unreadable longer is debris. */
const UNREADABLE_GRACE_MS = 10_000;

interface LockOwner {
  pid: number;
  host: string;
  /** The process's start as the system records it (`linux:<clock ticks after boot>`, `ps:<lstart>`), null where unknown. */
  started: string | null;
  /** When the run started, for messages. */
  startedAt: string;
}

export interface OutClaim {
  /** Removes the lock (if it is still this run's). Also done when the process exits. */
  release(): void;
}

/** The start time the system records for `pid`, which a reused pid does not share; null if unknown. */
export function processStart(pid: number): string | null {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Field 22 (starttime); the command name before it is in parentheses and may hold spaces.
      return `linux:${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`;
    } catch {
      return null;
    }
  }
  try {
    const lstart = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return lstart ? `ps:${lstart}` : null;
  } catch {
    return null;
  }
}

function isRunning(owner: LockOwner): boolean {
  // Another machine's process (a shared file system) cannot be checked from here.
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const started = processStart(owner.pid);
  return owner.started === null || started === null || started === owner.started;
}

/** The lock's owner; 'unreadable' for a file that is not one (being written, or debris). */
function readOwner(path: string): LockOwner | 'unreadable' | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return 'unreadable';
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function errnoText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'a read-only file system';
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
  if (code === 'ENOSPC') return 'no space left on the device';
  return (error as Error).message;
}

const FIX = msg`give ${opt('out')} a folder quantgate can create and write into (the default is quantgate-out in the working directory)`;

/** Creates `out` if needed and checks it is a folder. */
function prepareFolder(out: string, what: Label): void {
  try {
    mkdirSync(out, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new BadInputError(msg`${what} ${out}: cannot create the folder (${errnoText(error)})`, FIX, { cause: error });
    }
  }
  if (!statSync(out).isDirectory()) throw new BadInputError(msg`${what} ${out}: is a file, not a folder`, msg`remove the file or ${FIX}`);
}

/** Checks and claims the output folder of a run; throws BadInputError when it cannot be used. */
export function claimOutDir(out: string, what: Label = opt('out')): OutClaim {
  prepareFolder(out, what);
  const path = join(out, LOCK_FILE);
  const mine: LockOwner = { pid: process.pid, host: hostname(), started: processStart(process.pid), startedAt: new Date().toISOString() };
  const busy = (owner: LockOwner | null) =>
    new BadInputError(
      msg`${what} ${out}: another quantgate run (${owner ? `pid ${owner.pid}${owner.host !== mine.host ? ` on ${owner.host}` : ''}, started ${owner.startedAt}` : 'its lock is being written'}) is using it`,
      msg`wait for that run to finish, or give this run another ${opt('out')} (if no run is using it, delete ${path})`,
    );
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new BadInputError(msg`${what} ${out}: cannot write into the folder (${errnoText(error)})`, FIX, { cause: error });
      }
      const owner = readOwner(path);
      if (owner === 'unreadable') {
        const young = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0) < UNREADABLE_GRACE_MS;
        if (young) throw busy(null);
      } else if (owner !== 'gone' && isRunning(owner)) {
        throw busy(owner);
      }
      // Stale: its run is gone. One takeover; a second EEXIST means another run took it first.
      if (attempt > 0) throw busy(owner === 'gone' || owner === 'unreadable' ? null : owner);
      rmSync(path, { force: true });
    }
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    const owner = readOwner(path);
    if (typeof owner === 'object' && owner.pid === mine.pid && owner.started === mine.started && owner.startedAt === mine.startedAt) rmSync(path, { force: true });
  };
  // A run ended by a signal exits from its handler, past any finally.
  process.on('exit', release);
  return { release };
}

/** Runs `work` with `out` checked and claimed for it, and released after, whatever happens. */
export async function withOutDir<T>(out: string, work: () => Promise<T>): Promise<T> {
  const claim = claimOutDir(out);
  try {
    return await work();
  } finally {
    claim.release();
  }
}
