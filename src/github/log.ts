/** The Log of the action: @actions/core groups, warnings and debug lines, each made safe by logSafe (no workflow command or terminal escape from a name). */
import * as core from '@actions/core';
import { logSafe, type Log } from '../log.js';

export class ActionLog implements Log {
  info(message: string): void {
    core.info(logSafe(message));
  }
  warn(message: string): void {
    core.warning(logSafe(message));
  }
  debug(message: string): void {
    core.debug(logSafe(message));
  }
  group<T>(title: string, work: () => Promise<T>): Promise<T> {
    return core.group(logSafe(title), work);
  }
}

/**
 * core.setFailed through logSafe: the final failure echoes paths, names and API errors too, and
 * setFailed's own escaping keeps `::` commands out, not ESC or bidi characters.
 */
export function failSafe(message: string): void {
  core.setFailed(logSafe(message));
}
