/**
 * The tool-cache key of the native parts. Everything that changes what gets installed or compiled
 * is in it: quantgate's version (its pins), the Node ABI (the addon), the package versions, the
 * platform, CUDA (which ONNX Runtime provider is fetched) and TensorRT (what the addon compiled
 * against). @actions/tool-cache wants a semver version, so the key is hashed into a prerelease
 * tag; the readable key is logged and stored beside the files.
 */
import { createHash } from 'node:crypto';
import type { SetupFacts } from './facts.js';

export const TOOL_NAME = 'quantgate-native';

export function cacheKeyParts(facts: SetupFacts): Record<string, string> {
  return {
    quantgate: facts.quantgateVersion,
    node_abi: facts.nodeAbi,
    platform: `${facts.platform}-${facts.arch}`,
    ...Object.fromEntries(Object.entries(facts.pinned).map(([name, version]) => [name, version])),
    cuda: facts.cuda ? `${facts.cuda.version} (${facts.cuda.from})` : 'none',
    tensorrt: facts.tensorrt ?? 'none',
  };
}

export function readableKey(facts: SetupFacts): string {
  return Object.entries(cacheKeyParts(facts))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** e.g. 0.1.0-k3f09a1c2d4e5b6a7: valid semver, so tc.find looks it up exactly. */
export function cacheVersion(facts: SetupFacts): string {
  const hash = createHash('sha256').update(JSON.stringify(cacheKeyParts(facts))).digest('hex').slice(0, 16);
  return `${facts.quantgateVersion}-k${hash}`;
}
