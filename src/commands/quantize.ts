import type { QuantizeConfig } from '../config/types.js';
import type { CommandContext } from './context.js';

/** `quantgate quantize`: the quantize stage is not built yet (issue "INT8 post-training quantization"). */
export async function quantizeCommand(_config: QuantizeConfig, _ctx: CommandContext): Promise<number> {
  throw new Error('quantgate quantize is not implemented in this version yet');
}
