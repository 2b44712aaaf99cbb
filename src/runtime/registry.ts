/**
 * The registered backends, in the order the pipeline asks them (see backend.ts for what one
 * implements). The entries pass this list to the pipeline; the benchmark worker looks a request's
 * backend up here by name.
 */
import type { Backend } from './backend.js';
import { onnxRuntimeBackend } from './onnxruntime/backend.js';
import { tensorRtBackend } from './tensorrt/backend.js';
import type { RuntimeName } from './types.js';

export const BACKENDS: readonly Backend[] = [onnxRuntimeBackend, tensorRtBackend];

/** The registered backend called `name`; an unknown name is a bug of the caller. */
export function backendNamed(name: RuntimeName, backends: readonly Backend[] = BACKENDS): Backend {
  const backend = backends.find((b) => b.name === name);
  if (!backend) throw new Error(`no backend named '${name}' is registered (registered: ${backends.map((b) => b.name).join(', ')})`);
  return backend;
}
