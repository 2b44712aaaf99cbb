/** The JSON Schema of quantgate.yml, generated from the option table (published as schema/quantgate.schema.json). */
import { z } from 'zod';
import { KEY_NAMING, toMessage } from '../message.js';
import { isFileKey, OPTIONS } from './options.js';

export function configJsonSchema(): Record<string, unknown> {
  const shape: Record<string, z.ZodType> = {};
  for (const spec of OPTIONS) {
    if (!isFileKey(spec)) continue;
    // The input side: what may be written in the file (a string, or the YAML form).
    shape[spec.key] = spec.schema.optional().meta({ description: `${toMessage(spec.description).render(KEY_NAMING)} Allowed: ${spec.allowed}.` });
  }
  const schema = z.toJSONSchema(z.object(shape).strict(), { io: 'input', unrepresentable: 'any' });
  return { ...schema, $id: 'https://github.com/quantgate/quantgate/schema/quantgate.schema.json', title: 'quantgate.yml' };
}
