/**
 * --exclude patterns: an exact node name, `op:TYPE`, or `re:REGEX` over node names (the names
 * `quantgate inspect --nodes` prints). A pattern that matches nothing is bad input: a typo would
 * otherwise silently leave the node quantized.
 */
import type { NodeProto } from 'onnx-buf';
import { BadInputError } from '../errors.js';
import { msg, opt } from '../message.js';

export interface Exclusions {
  patterns: string[];
  /** True if `node` is to stay in float. */
  has(node: NodeProto): boolean;
}

function matcher(pattern: string): (node: NodeProto) => boolean {
  if (pattern.startsWith('op:')) {
    const op = pattern.slice(3);
    return (n) => n.opType === op;
  }
  if (pattern.startsWith('re:')) {
    const re = new RegExp(pattern.slice(3));
    return (n) => re.test(n.name);
  }
  return (n) => n.name === pattern;
}

/**
 * Compiles the patterns against the nodes of the graph being quantized. `originalNodes` (the model
 * as given, before preparation folded nodes away) makes the message precise when a pattern names
 * a node that preparation removed.
 */
export function compileExclusions(patterns: readonly string[], nodes: readonly NodeProto[], originalNodes: readonly NodeProto[]): Exclusions {
  const matchers = patterns.map((p) => ({ pattern: p, test: matcher(p) }));
  for (const { pattern, test } of matchers) {
    if (nodes.some(test)) continue;
    const folded = originalNodes.find(test);
    throw new BadInputError(
      folded
        ? msg`${opt('exclude')} ${pattern}: matches only '${folded.name || folded.opType}' (${folded.opType}), which quantgate folds away before quantizing`
        : msg`${opt('exclude')} ${pattern}: matches no node of the model`,
      folded
        ? 'exclude the Conv or Gemm it is folded into instead (quantgate inspect --nodes lists the names)'
        : 'use a node name, op:TYPE or re:REGEX as `quantgate inspect --model MODEL --nodes` lists them',
    );
  }
  return { patterns: [...patterns], has: (node) => matchers.some((m) => m.test(node)) };
}
