/**
 * Which nodes of a graph run in float16 and which stay in float32, and why. Everything not kept
 * in float32 by a rule below runs in float16, as ModelOpt's `high_precision_dtype=fp16` does:
 *
 *   1. Numerically fragile ops (ops.ts): Softmax, normalisations, reductions, Exp, Log, Pow, Sqrt,
 *      Reciprocal, and Div unless its divisor is a constant of magnitude 1 or more.
 *   2. Ops that turn float values into integer decisions (ArgMax, TopK, comparisons, rounding),
 *      ops that take or produce integer or boolean tensors (Range, NonZero, …) unless they only
 *      move values (Reshape's shape, Gather's indices), ops whose output type an attribute fixes
 *      (Cast, RandomNormal, …), ops ONNX defines no float16 form of, custom-domain ops, nodes
 *      that run a subgraph or hold values in an attribute.
 *   3. Initializer range: a node reading an initializer that float16 cannot hold (values beyond
 *      ±65504, or an epsilon that rounds to zero; values.ts says why the node stays in float32
 *      rather than the value being clamped).
 *   4. Observed range: a node reading or writing a tensor that reached OBSERVED_LIMIT on the
 *      probe's calibration sample (AutoCast's I/O range rule; its default limit, 512, guards
 *      precision, this one guards overflow: 65504 / 16, headroom for samples larger than the one
 *      seen).
 *   5. Q/DQ pairs and the nodes they feed share one precision: a DequantizeLinear runs in its
 *      readers' precision and its QuantizeLinear in its own, so no Cast ever separates a Q from
 *      its DQ or a DQ from the Conv TensorRT fuses it into. One float32 member keeps the group in
 *      float32.
 *   6. A cheap node (not a Conv, Gemm, MatMul or Q/DQ) next to float32 nodes joins them when it
 *      needs fewer Casts in float32 than in float16, until no node does: a LayerNormalization
 *      written out as ReduceMean, Sub, Pow, Add, Sqrt, Div stays in float32 as one piece instead
 *      of a Cast on each side of its Sub and Add.
 */
import type { GraphProto, NodeProto, TensorProto } from 'onnx-buf';
import { DataType, dtypeName, isFloatType } from '../../model/dtypes.js';
import { GraphEditor, nodeReads } from '../graph.js';
import { isDefaultDomain } from '../plan.js';
import { COMPUTE_HEAVY, DECIDES, DIV_REASON, FLOAT32_INPUTS, FRAGILE, MOVES_VALUES, NO_FLOAT16, READS_SHAPE_ONLY, TYPE_FROM_ATTRIBUTE } from './ops.js';
import { float16Fit } from './values.js';

/** Largest magnitude seen on the probe's sample that a tensor may reach and still run in float16. */
export const OBSERVED_LIMIT = 4096;

/**
 * `float16`: the node computes in float16. `float32`: it stays in float32, for `reason`. `any`:
 * the node has no float32 tensor to convert, or reads only its input's shape: it takes its inputs
 * in whatever type they come.
 */
export type Precision = { kind: 'float16' } | { kind: 'float32'; reason: string } | { kind: 'any' };

export interface PrecisionInput {
  graph: GraphProto;
  /** Element type of every tensor before conversion (types.ts). */
  types: ReadonlyMap<string, number>;
  /** Largest finite |value| the probe saw per tensor. */
  magnitudes: ReadonlyMap<string, number>;
  /** An initializer's float32 values. */
  values(tensor: TensorProto): Float32Array;
}

const isQdq = (n: NodeProto) => isDefaultDomain(n) && (n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear');

export function choosePrecision(input: PrecisionInput): Map<NodeProto, Precision> {
  const { graph, types } = input;
  const editor = new GraphEditor(graph);
  const precision = new Map<NodeProto, Precision>();
  for (const n of graph.node) precision.set(n, ownPrecision(n, input, editor));
  shareWithinQdqGroups(graph, editor, precision);
  joinFloat32Neighbours(graph, editor, types, precision);
  return precision;
}

/** Rules 1 to 4: what the node itself, its tensors and its initializers decide. */
function ownPrecision(n: NodeProto, input: PrecisionInput, editor: GraphEditor): Precision {
  const { types, magnitudes } = input;
  const float32 = (reason: string): Precision => ({ kind: 'float32', reason });
  const reads = [...new Set(nodeReads(n))];
  const outputs = n.output.filter((o) => o !== '');
  const tensors = [...reads, ...outputs];
  if (!tensors.some((t) => types.get(t) === DataType.FLOAT)) return { kind: 'any' };
  if (!isDefaultDomain(n)) return float32(`a ${n.domain} op: its float16 support is unknown`);
  if (n.attribute.some((a) => a.g || a.graphs.length > 0)) return float32('runs a subgraph, which stays in float32');
  if (n.attribute.some((a) => a.t || a.tensors.length > 0)) return float32('holds values in an attribute');
  if (READS_SHAPE_ONLY.has(n.opType)) return { kind: 'any' };
  const untyped = outputs.find((o) => !types.has(o));
  if (untyped !== undefined) return float32(`the type of '${untyped}' is unknown`);
  if (TYPE_FROM_ATTRIBUTE.has(n.opType)) return float32('writes the type its attribute names');

  const fragile = FRAGILE.get(n.opType);
  if (fragile) return float32(fragile);
  if (n.opType === 'Div' && !safeDivisor(n.input[1], input, editor)) return float32(DIV_REASON);
  if (DECIDES.has(n.opType)) return float32('turns float values into an integer decision, which float16 rounding would change');
  if (NO_FLOAT16.has(n.opType)) return float32('ONNX defines no float16 form of it');
  const others = tensors.filter((t) => types.get(t) !== DataType.FLOAT);
  const otherFloat = others.find((t) => isFloatType(types.get(t) ?? 0));
  if (otherFloat !== undefined) return float32(`mixes float32 with ${dtypeName(types.get(otherFloat)!)} ('${otherFloat}')`);
  // Q/DQ write and read the integers they exist for; from opset 19 their float side is float16 too.
  if (others.length > 0 && !MOVES_VALUES.has(n.opType) && !isQdq(n)) {
    return float32(`takes or produces ${dtypeName(types.get(others[0]!) ?? 0)} tensors ('${others[0]}'), computed from or into float values`);
  }

  const float32Inputs = FLOAT32_INPUTS.get(n.opType) ?? [];
  for (let i = 0; i < n.input.length; i++) {
    const t = editor.initializer(n.input[i]!);
    if (!t || t.dataType !== DataType.FLOAT || float32Inputs.includes(i)) continue;
    // A Q/DQ scale keeps a positive value however small (values.ts); only overflow stops it.
    const fit = float16Fit(t.name, input.values(t), { scale: isQdq(n) && i === 1 });
    if (!fit.fits) return float32(fit.why);
  }
  for (const t of tensors) {
    const m = magnitudes.get(t);
    if (m !== undefined && m > OBSERVED_LIMIT && types.get(t) === DataType.FLOAT) {
      return float32(`'${t}' reached ${m.toPrecision(3)} on a calibration sample; float16 ends at 65504`);
    }
  }
  return { kind: 'float16' };
}

/** A constant divisor of magnitude 1 or more never makes the quotient larger than the dividend. */
function safeDivisor(name: string | undefined, input: PrecisionInput, editor: GraphEditor): boolean {
  const t = name ? editor.initializer(name) : undefined;
  if (!t || t.dataType !== DataType.FLOAT) return false;
  return input.values(t).every((v) => Math.abs(v) >= 1 && Number.isFinite(v));
}

/** Rule 5: Q, DQ and the nodes reading a DQ share one precision; one float32 member keeps them all. */
function shareWithinQdqGroups(graph: GraphProto, editor: GraphEditor, precision: Map<NodeProto, Precision>): void {
  const parent = new Map<NodeProto, NodeProto>();
  const find = (n: NodeProto): NodeProto => {
    let root = n;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(n, root);
    return root;
  };
  const union = (a: NodeProto, b: NodeProto) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  for (const n of graph.node) {
    if (!isQdq(n)) continue;
    for (const reader of editor.consumers(n.output[0]!)) if (precision.get(reader)?.kind !== 'any') union(n, reader);
  }
  const reasonOf = new Map<NodeProto, string>();
  for (const n of graph.node) {
    const p = precision.get(n)!;
    if (p.kind !== 'float32' || !parent.has(n)) continue;
    const root = find(n);
    if (!reasonOf.has(root)) reasonOf.set(root, `shares Q/DQ pairs with ${n.opType} '${n.name || n.output[0]}', which stays in float32 (${p.reason})`);
  }
  for (const n of graph.node) {
    if (!parent.has(n) || precision.get(n)!.kind !== 'float16') continue;
    const reason = reasonOf.get(find(n));
    if (reason) precision.set(n, { kind: 'float32', reason });
  }
}

/** Rule 6: cheap nodes move to float32 while that saves Casts. Nodes only ever move one way: it ends. */
function joinFloat32Neighbours(graph: GraphProto, editor: GraphEditor, types: ReadonlyMap<string, number>, precision: Map<NodeProto, Precision>): void {
  type Side = 'float16' | 'float32';
  const isFloat = (t: string) => t !== '' && types.get(t) === DataType.FLOAT;
  const kind = (n: NodeProto) => precision.get(n)!.kind;
  const arrivesIn = (t: string): Side => {
    const producer = editor.producer(t);
    return producer !== undefined && kind(producer) === 'float16' ? 'float16' : 'float32';
  };
  /** Casts the node needs in `side`: one per input arriving in the other type (unless a reader in `side` shares it), one per output read in the other. */
  const castsIn = (n: NodeProto, side: Side): number => {
    let casts = 0;
    for (const t of new Set(n.input.filter((i) => isFloat(i) && !editor.initializer(i)))) {
      if (arrivesIn(t) !== side && !editor.consumers(t).some((r) => r !== n && kind(r) === side)) casts++;
    }
    for (const o of n.output.filter(isFloat)) {
      const other = side === 'float16' ? 'float32' : 'float16';
      if (editor.consumers(o).some((r) => kind(r) === other) || (side === 'float16' && editor.isGraphOutput(o))) casts++;
    }
    return casts;
  };
  const readsDq = (n: NodeProto) => n.input.some((i) => i !== '' && editor.producer(i)?.opType === 'DequantizeLinear');
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of graph.node) {
      if (kind(n) !== 'float16' || COMPUTE_HEAVY.has(n.opType) || isQdq(n) || readsDq(n)) continue;
      if (castsIn(n, 'float32') >= castsIn(n, 'float16')) continue;
      precision.set(n, { kind: 'float32', reason: 'next to float32 nodes: it needs fewer Casts in float32 than in float16' });
      changed = true;
    }
  }
}
