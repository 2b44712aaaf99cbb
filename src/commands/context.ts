import type { Log } from '../log.js';
import type { PipelineHost } from '../pipeline/host.js';

/** What every command gets from its entry (CLI or action): where to log, where results go. */
export interface CommandContext {
  log: Log;
  /** Results a person or script reads (text or --json); logs never go here. */
  stdout: { write(s: string): boolean };
  cwd: string;
  /** What the pipeline runs in: backends, the export command's shell, interruptions (pipeline/process-host.ts). */
  host: PipelineHost;
}
