/** The JSON Schema of results.json, generated from the zod definition (schema/results.schema.json). */
import { z } from 'zod';
import { resultsSchema } from './schema.js';

export function resultsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(resultsSchema, { io: 'output' });
  return { ...schema, $id: 'https://github.com/quantgate/quantgate/schema/results.schema.json', title: 'quantgate results.json, schemaVersion 1' };
}
