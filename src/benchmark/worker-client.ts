/**
 * The parent's handle on one benchmark worker process: starts it, sends one request at a time,
 * and turns the worker's death (a crash, the OOM killer, a signal) into a rejected request that
 * says so, with the end of its output, instead of a request that never returns.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerReplies, WorkerReply, WorkerRequests, WorkerRequestType } from './protocol.js';

/** The file the bundle's build writes next to dist/cli.js and dist/index.js. */
export const WORKER_BUNDLE = 'benchmark-worker.js';

/**
 * Where the worker is and how to start it. From source (this module is a .ts file run through
 * tsx) it is worker.ts beside this file, started with tsx's loader resolved from here (a bare
 * `--import tsx` would resolve against the working directory). From the bundle it is
 * benchmark-worker.js beside the bundle that contains this code.
 */
export function workerEntry(moduleUrl: string = import.meta.url): { path: string; execArgv: string[] } {
  const here = fileURLToPath(moduleUrl);
  if (here.endsWith('.ts')) return { path: join(dirname(here), 'worker.ts'), execArgv: ['--import', import.meta.resolve('tsx')] };
  return { path: join(dirname(here), WORKER_BUNDLE), execArgv: [] };
}

/** The worker died or could not start; the message says how and what it printed last. */
export class WorkerExitedError extends Error {
  override readonly name = 'WorkerExitedError';
}

const TAIL_BYTES = 2000;

/**
 * How long one request may take before the worker is stopped: generous (a large model's load or
 * a round at batch 64 on a CPU takes minutes), but a worker that hangs must not hang the job.
 */
export const REQUEST_TIMEOUT_MS = 20 * 60 * 1000;

/** How long a failed send waits for the worker's exit to explain it: the exit settles after 'close' or 250 ms. */
const SEND_FAILURE_GRACE_MS = 2000;

export class BenchmarkWorker {
  private readonly child: ChildProcess;
  private nextId = 1;
  private pending: { id: number; type: string; resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined;
  private output = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  constructor(entry = workerEntry()) {
    if (!existsSync(entry.path)) {
      throw new Error(`the benchmark worker ${entry.path} is missing: the bundle was built without it (npm run build writes dist/${WORKER_BUNDLE})`);
    }
    this.child = fork(entry.path, [], {
      execArgv: entry.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-TAIL_BYTES);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.child.on('message', (reply: WorkerReply) => this.settle(reply));
    this.exited = new Promise((resolve) => {
      const settle = () => {
        this.pending?.reject(new WorkerExitedError(this.describeExit(this.pending.type)));
        this.pending = undefined;
        resolve();
      };
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        // 'close' follows once the output pipes are drained, so the tail holds the last words;
        // but a grandchild that inherited them (tsx's esbuild service) can hold them open.
        const timer = setTimeout(settle, 250);
        this.child.once('close', () => {
          clearTimeout(timer);
          settle();
        });
      });
    });
    this.child.on('error', (error) => {
      this.output += `\n${error.message}`;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  request<K extends WorkerRequestType>(type: K, body: WorkerRequests[K], timeoutMs = REQUEST_TIMEOUT_MS): Promise<WorkerReplies[K]> {
    if (this.pending) return Promise.reject(new Error(`benchmark worker is busy with '${this.pending.type}'`));
    if (this.exit) return Promise.reject(new WorkerExitedError(this.describeExit(type)));
    const id = this.nextId++;
    return new Promise<WorkerReplies[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = undefined;
        reject(new WorkerExitedError(`the benchmark worker did not answer '${type}' within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`} and was stopped`));
        this.child.kill('SIGKILL');
      }, timeoutMs);
      timer.unref();
      const done = <T>(settle: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        settle(value);
      };
      this.pending = { id, type, resolve: done(resolve as (value: unknown) => void), reject: done(reject) };
      this.child.send({ id, type, ...body }, (error) => {
        if (!error || this.pending?.id !== id) return;
        // A pipe that breaks (EPIPE) usually means the worker is dying: its exit, which follows,
        // says how (a signal, an exit code, its last output), and settles this request when it
        // comes. Only a worker still there after a grace period gets the send error itself.
        setTimeout(() => {
          if (this.pending?.id !== id) return;
          this.pending = undefined;
          reject(new WorkerExitedError(`could not send '${type}' to the benchmark worker: ${error.message}`));
        }, SEND_FAILURE_GRACE_MS);
      });
    });
  }

  /** Ends the worker: politely if it is idle and alive, by SIGKILL after `graceMs` otherwise. */
  async close(graceMs = 5000): Promise<void> {
    if (this.exit) return;
    if (!this.pending && this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), this.pending ? 0 : graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private settle(reply: WorkerReply): void {
    const pending = this.pending;
    if (!pending || pending.id !== reply.id) return;
    this.pending = undefined;
    if (reply.ok) pending.resolve(reply.result);
    else pending.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
  }

  private describeExit(during: string): string {
    const how = this.exit?.signal ? `was killed by ${this.exit.signal}` : `exited with code ${this.exit?.code}`;
    const hint = this.exit?.signal === 'SIGKILL' ? ' (the out-of-memory killer sends SIGKILL)' : '';
    const tail = this.output.trim();
    return `the benchmark worker ${how} during '${during}'${hint}${tail ? `; its last output: ${tail}` : ''}`;
  }
}
