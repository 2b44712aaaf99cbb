/** The Log of the action: @actions/core groups, warnings and debug lines. */
import * as core from '@actions/core';
import type { Log } from '../log.js';

export class ActionLog implements Log {
  info(message: string): void {
    core.info(message);
  }
  warn(message: string): void {
    core.warning(message);
  }
  debug(message: string): void {
    core.debug(message);
  }
  group<T>(title: string, work: () => Promise<T>): Promise<T> {
    return core.group(title, work);
  }
}
