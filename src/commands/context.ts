import type { Log } from '../log.js';
import type { OptionNaming } from '../message.js';
import type { PipelineHost } from '../pipeline/host.js';

/** What every command gets from its entry (CLI or action): where to log, where results go. */
export interface CommandContext {
  log: Log;
  /** Results a person or script reads (text or --json); logs never go here. */
  stdout: { write(s: string): boolean };
  cwd: string;
  /** How the entry names options in what it writes for a person (the report of a run that stopped); flags if absent. */
  naming?: OptionNaming;
  /** What the pipeline runs in: backends, the export command's shell, interruptions (pipeline/process-host.ts). */
  host: PipelineHost;
}
