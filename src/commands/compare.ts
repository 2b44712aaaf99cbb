import type { CompareConfig } from '../config/types.js';
import type { CommandContext } from './context.js';

/** `quantgate compare`: results.json comparison is not built yet. */
export async function compareCommand(_current: string, _baseline: string, _config: CompareConfig, _ctx: CommandContext): Promise<number> {
  throw new Error('quantgate compare is not implemented in this version yet');
}
