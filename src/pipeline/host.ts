/**
 * What the pipeline needs from the world it runs in, passed in by its entry (the CLI, the action)
 * instead of reached for: the runtime backends, a way to run the user's export command, and the
 * interruptions (SIGINT, SIGTERM) it must answer by writing what it measured. process-host.ts is
 * the real one; a test can hand the pipeline its own.
 */
import type { OptionNaming } from '../message.js';
import type { Log } from '../log.js';
import type { Backend } from '../runtime/backend.js';
import type { Results } from '../results/schema.js';

/** How a shell command ended. */
export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs `command` in a shell in `cwd` with `env` (the whole environment when absent), handing each
 * line it prints (stdout and stderr) to `onLine`. Nothing the command starts may outlive the run:
 * an implementation ends the command's whole process group when it exits or the run ends.
 */
export type Exec = (command: string, options: { cwd: string; env?: NodeJS.ProcessEnv; onLine: (line: string) => void }) => Promise<ExecResult>;

export interface Interrupts {
  /**
   * Calls `handler` synchronously when the run is interrupted; the host ends the process once its
   * handlers have run. Returns the function that stops listening.
   */
  onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void;
}

export interface PipelineHost {
  /** The runtimes the pipeline may run, in the order it asks them. */
  backends: readonly Backend[];
  exec: Exec;
  interrupts: Interrupts;
}

/** Everything `runPipeline` is given besides its config. */
export interface PipelineEnvironment extends PipelineHost {
  log: Log;
  cwd: string;
  /** How the entry names options in what a person reads (the report of a run that stopped); flags if absent. */
  naming?: OptionNaming;
  /**
   * A baseline the entry fetched and validated itself (the action's stored baseline artifact),
   * with the words the report names it by; an explicit --baseline file wins over it.
   */
  storedBaseline?: { results: Results; label: string };
}
