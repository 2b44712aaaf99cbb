/**
 * Carrying out a precision choice (precision.ts) on a graph, in place:
 *   - A float16 node's float32 outputs become float16. Its float32 initializers are read in
 *     float16: converted where only float16 nodes read them, otherwise through a float16 twin.
 *     Its activations come in float16, through a Cast where their producer stays in float32.
 *   - A float32 node reads float32: a Cast to float32 in front of each float16 activation,
 *     subgraph captures included.
 *   - The graph's inputs and outputs keep their declared types: a float32 input is cast where a
 *     float16 node reads it, and a float16 result is cast back to float32 under the output's own
 *     name. The same evaluation data and output scoring then apply to every variant.
 * One Cast per tensor and target type, shared by all its readers.
 */
import type { GraphProto, NodeProto, TensorProto } from 'onnx-buf';
import { node as makeNode } from '../../model/build.js';
import { DataType } from '../../model/dtypes.js';
import { GraphEditor, nodeReads, renameInNode } from '../graph.js';
import { FLOAT32_INPUTS } from './ops.js';
import type { Precision } from './precision.js';
import { float16Fit, float16Tensor } from './values.js';

export interface ConversionInput {
  graph: GraphProto;
  precision: ReadonlyMap<NodeProto, Precision>;
  /** Element types before conversion (types.ts). */
  types: ReadonlyMap<string, number>;
  values(tensor: TensorProto): Float32Array;
}

export interface ConversionCounts {
  casts: number;
  /** Initializers converted in place or given a float16 twin. */
  initializers: number;
}

type FloatType = typeof DataType.FLOAT | typeof DataType.FLOAT16;

const suffix = (to: FloatType) => (to === DataType.FLOAT16 ? 'float16' : 'float32');

export function convertToFloat16(input: ConversionInput): ConversionCounts {
  const { graph, types } = input;
  const precision = new Map(input.precision);
  const editor = new GraphEditor(graph);
  const nodes = [...graph.node];
  const isFloat32 = (t: string) => types.get(t) === DataType.FLOAT;
  const kind = (n: NodeProto | undefined) => (n ? precision.get(n)?.kind : undefined);
  /** The type a float32 tensor of the original graph has after conversion. */
  const home = (t: string): FloatType => (kind(editor.producer(t)) === 'float16' ? DataType.FLOAT16 : DataType.FLOAT);

  const casts: NodeProto[] = [];
  const renamedOutputs = new Map<string, string>();
  // Outputs first: a float16 result is renamed, and a Cast writes the declared name in float32.
  for (const output of graph.output) {
    const o = output.name;
    const producer = editor.producer(o);
    if (!isFloat32(o) || kind(producer) !== 'float16') continue;
    const inner = editor.uniqueName(`${o}_float16`);
    producer!.output = producer!.output.map((x) => (x === o ? inner : x));
    editor.redirect(o, inner);
    renamedOutputs.set(inner, o);
    const cast = makeNode('Cast', [inner], [o], { name: editor.uniqueName(`${o}_Cast_float32`), attributes: { to: DataType.FLOAT } });
    // It reads the float16 value as it comes.
    precision.set(cast, { kind: 'any' });
    casts.push(cast);
  }
  const typeOf = (t: string) => types.get(renamedOutputs.get(t) ?? t);
  const floatTensor = (t: string) => typeOf(t) === DataType.FLOAT;

  const castNames = new Map<string, string>();
  const castOf = (t: string, to: FloatType): string => {
    const key = `${t}|${to}`;
    let out = castNames.get(key);
    if (!out) {
      out = editor.uniqueName(`${t}_${suffix(to)}`);
      casts.push(makeNode('Cast', [t], [out], { name: editor.uniqueName(`${t}_Cast_${suffix(to)}`), attributes: { to } }));
      castNames.set(key, out);
    }
    return out;
  };

  // Initializers a float16 node reads in float16: (node, input index, whether it is a Q/DQ scale).
  const float16Reads = new Map<string, { node: NodeProto; index: number; scale: boolean }[]>();
  for (const n of nodes) {
    const p = kind(n);
    if (p === 'float16') {
      const float32Inputs = FLOAT32_INPUTS.get(n.opType) ?? [];
      n.input.forEach((t, i) => {
        if (t === '' || !floatTensor(t)) return;
        const want = float32Inputs.includes(i) ? DataType.FLOAT : DataType.FLOAT16;
        if (editor.initializer(t)) {
          if (want === DataType.FLOAT16) {
            const reads = float16Reads.get(t) ?? [];
            reads.push({ node: n, index: i, scale: (n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear') && i === 1 });
            float16Reads.set(t, reads);
          }
        } else if (home(t) !== want) {
          n.input[i] = castOf(t, want);
        }
      });
    } else if (p === 'float32') {
      for (const t of new Set(nodeReads(n))) {
        if (floatTensor(t) && !editor.initializer(t) && home(t) === DataType.FLOAT16) renameInNode(n, t, castOf(t, DataType.FLOAT));
      }
    }
  }

  let initializers = 0;
  for (const [name, reads] of float16Reads) {
    const t = editor.initializer(name)!;
    const values = input.values(t);
    const scale = reads.some((r) => r.scale);
    const fit = float16Fit(name, values, { scale });
    // precision.ts keeps the readers of such an initializer in float32.
    if (!fit.fits) throw new Error(`float16 conversion: ${fit.why}, yet a float16 node reads it`);
    const readers = new Set(reads.map((r) => r.node));
    const keptFloat32 = editor.consumers(name).some((c) => !readers.has(c)) || reads.length < countReads(readers, name) || editor.isGraphOutput(name) || graph.input.some((i) => i.name === name);
    if (!keptFloat32) {
      graph.initializer[graph.initializer.indexOf(t)] = float16Tensor(name, t.dims, values, { scale });
    } else {
      const twin = editor.uniqueName(`${name}_float16`);
      editor.addInitializer(float16Tensor(twin, t.dims, values, { scale }));
      for (const r of reads) r.node.input[r.index] = twin;
    }
    initializers++;
  }

  for (const v of graph.valueInfo) {
    const elem = v.type?.value.case === 'tensorType' ? v.type.value.value : undefined;
    if (elem && isFloat32(v.name) && home(v.name) === DataType.FLOAT16) elem.elemType = DataType.FLOAT16;
  }
  graph.node.push(...casts);
  editor.invalidate();
  editor.dropUnusedInitializers();
  editor.sortTopologically();
  return { casts: casts.length, initializers };
}

/** How many of `readers`' inputs name `tensor` (a node may read one tensor at two inputs). */
function countReads(readers: ReadonlySet<NodeProto>, tensor: string): number {
  let n = 0;
  for (const r of readers) n += r.input.filter((i) => i === tensor).length;
  return n;
}
