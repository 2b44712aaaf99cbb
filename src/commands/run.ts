import type { RunConfig } from '../config/types.js';
import type { CommandContext } from './context.js';

/** `quantgate run`: the benchmark and report stages are not built yet. */
export async function runCommand(_config: RunConfig, _ctx: CommandContext): Promise<number> {
  throw new Error('quantgate run is not implemented in this version yet');
}
