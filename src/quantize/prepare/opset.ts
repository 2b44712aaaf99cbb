/**
 * Raising a model's default-domain opset: to 13, where QuantizeLinear/DequantizeLinear gained the
 * `axis` attribute that per-channel weights need, and to 19 for the float16 TensorRT variant,
 * where they take float16 scales. Exports from other converters come at opset 11 or 12; the ops
 * whose form changed on the way get adapters:
 *   - Softmax, LogSoftmax, Hardmax: before 13 they flatten to 2-D at `axis`; at 13 they work on
 *     one axis. Same result when the axis is the last one; otherwise Flatten → op → Reshape.
 *   - Split, Squeeze, Unsqueeze, ReduceSum: attributes `split`/`axes` become inputs at 13; the
 *     other reductions' `axes` at 18.
 *   - Dropout (inference): its ratio became an input at 12; in inference it is an Identity.
 * Any other op whose meaning changed between the model's opset and the target blocks the upgrade
 * with a message naming it. Between 13 and 19 that is RoiAlign (its default coordinate mode changed
 * at 16); the other changes only add attributes or inputs whose defaults keep the old meaning
 * (Pad, Resize, Split, AveragePool, Reshape, Cast, …).
 */
import { create } from '@bufbuild/protobuf';
import { OperatorSetIdProtoSchema, type GraphProto, type ModelProto, type NodeProto } from 'onnx-buf';
import { BadInputError } from '../../errors.js';
import { DataType } from '../../model/dtypes.js';
import { node as makeNode } from '../../model/build.js';
import { makeTensor } from '../../model/tensor.js';
import { findAttribute, intAttribute } from '../attributes.js';
import { GraphEditor } from '../graph.js';

export const QDQ_OPSET = 13;
/** Q/DQ with float16 scales (DequantizeLinear and QuantizeLinear from opset 19). */
export const FLOAT16_QDQ_OPSET = 19;

/** Reductions whose `axes` attribute became an input at opset 18 (ReduceSum's did at 13). */
const AXES_INPUT_AT_18 = new Set(['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare']);

/** Ops whose semantics changed incompatibly at the given opset, with no adapter here. */
const BREAKING: Record<string, number[]> = {
  Upsample: [9, 10],
  Resize: [11],
  Clip: [11],
  Pad: [11],
  Slice: [10],
  TopK: [10],
  Scatter: [11],
  Scan: [9],
  // Its default coordinate_transformation_mode became half_pixel at 16 (output_half_pixel before).
  RoiAlign: [16],
};

function isDefaultDomain(node: NodeProto): boolean {
  return node.domain === '' || node.domain === 'ai.onnx';
}

function forEachGraphIn(model: ModelProto, visit: (g: GraphProto) => void): void {
  const walk = (g: GraphProto) => {
    visit(g);
    for (const n of g.node) for (const a of n.attribute) for (const sub of [a.g, ...a.graphs]) if (sub) walk(sub);
  };
  if (model.graph) walk(model.graph);
}

export interface UpgradeReport {
  from: number;
  to: number;
  adapted: Record<string, number>;
}

/**
 * Upgrades `model` in place to opset `target` (13 unless given) if it is older. `label` names the
 * model in messages, `purpose` says why the target is needed. Returns null when no upgrade was
 * needed.
 */
export function upgradeOpset(model: ModelProto, label: string, target = QDQ_OPSET, purpose = 'per-channel INT8 needs opset 13'): UpgradeReport | null {
  const entry = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  const from = entry ? Number(entry.version) : target;
  if (from >= target) return null;

  const blockers = new Map<string, string[]>();
  forEachGraphIn(model, (g) => {
    const editor = new GraphEditor(g);
    for (const n of g.node) {
      if (!isDefaultDomain(n)) continue;
      const changed = (BREAKING[n.opType] ?? []).some((v) => v > from && v <= target);
      // A Dropout whose mask is used cannot become an Identity.
      const maskUsed = n.opType === 'Dropout' && from < QDQ_OPSET && !!n.output[1] && editor.consumers(n.output[1]).length > 0;
      if (changed || maskUsed) {
        const list = blockers.get(n.opType) ?? [];
        list.push(n.name || n.output[0]!);
        blockers.set(n.opType, list);
      }
    }
  });
  if (blockers.size > 0) {
    const what = [...blockers].map(([op, nodes]) => `${op} (${nodes.slice(0, 3).join(', ')}${nodes.length > 3 ? ', …' : ''})`).join(', ');
    throw new BadInputError(
      `${label}: is at opset ${from}; ${purpose}, and these ops changed meaning on the way without an adapter here: ${what}`,
      `export the model at opset ${target} or newer (torch.onnx.export(..., opset_version=17)), or convert it with onnx.version_converter.convert_model_to_version(model, ${target}) and check the result`,
    );
  }

  const adapted: Record<string, number> = {};
  const count = (op: string) => (adapted[op] = (adapted[op] ?? 0) + 1);
  forEachGraphIn(model, (g) => {
    const editor = new GraphEditor(g);
    const replaced = new Map<NodeProto, NodeProto[]>();
    for (const n of g.node) {
      if (!isDefaultDomain(n)) continue;
      const result = adapt(n, editor, from, target);
      if (result) {
        replaced.set(n, result);
        count(n.opType);
      }
    }
    if (replaced.size > 0) {
      g.node = g.node.flatMap((n) => replaced.get(n) ?? [n]);
      editor.invalidate();
    }
  });
  if (entry) entry.version = BigInt(target);
  else model.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(target) }));
  return { from, to: target, adapted };
}

/** The nodes that replace `n` on the way from opset `from` to `target`, or undefined when `n` is unchanged. */
function adapt(n: NodeProto, editor: GraphEditor, from: number, target: number): NodeProto[] | undefined {
  const crosses = (version: number) => from < version && target >= version;
  const withoutAttribute = (name: string) => n.attribute.filter((a) => a.name !== name);
  const axesToInput = (attribute: string): NodeProto[] | undefined => {
    const attr = findAttribute(n, attribute);
    if (!attr) return undefined;
    const tensorName = editor.uniqueName(`${n.name || n.output[0]}_${attribute}`);
    editor.addInitializer(makeTensor(tensorName, DataType.INT64, [attr.ints.length], BigInt64Array.from(attr.ints)));
    n.attribute = withoutAttribute(attribute);
    // Split's `split` is its second input; the others' `axes` too.
    n.input = [n.input[0]!, tensorName];
    return [n];
  };
  if (AXES_INPUT_AT_18.has(n.opType)) return crosses(18) ? axesToInput('axes') : undefined;
  switch (n.opType) {
    case 'Split':
      return crosses(13) ? axesToInput('split') : undefined;
    case 'Squeeze':
    case 'Unsqueeze':
    case 'ReduceSum':
      return crosses(13) ? axesToInput('axes') : undefined;
    case 'Dropout': {
      if (!crosses(13)) return undefined;
      // Inference: Dropout passes its input through (a used mask blocked the upgrade above).
      return [makeNode('Identity', [n.input[0]!], [n.output[0]!], { name: n.name })];
    }
    case 'Softmax':
    case 'LogSoftmax':
    case 'Hardmax': {
      if (!crosses(13)) return undefined;
      const axis = intAttribute(n, 'axis', 1);
      // At the last axis both definitions agree; -1 is the last axis by definition.
      if (axis === -1) return undefined;
      const base = n.name || n.output[0]!;
      const flat = editor.uniqueName(`${base}_flat`);
      const shape = editor.uniqueName(`${base}_shape`);
      const inner = editor.uniqueName(`${base}_2d`);
      return [
        makeNode('Shape', [n.input[0]!], [shape], { name: editor.uniqueName(`${base}_Shape`) }),
        makeNode('Flatten', [n.input[0]!], [flat], { name: editor.uniqueName(`${base}_Flatten`), attributes: { axis } }),
        makeNode(n.opType, [flat], [inner], { name: n.name, attributes: { axis: -1 } }),
        makeNode('Reshape', [inner, shape], [n.output[0]!], { name: editor.uniqueName(`${base}_Reshape`) }),
      ];
    }
    default:
      return undefined;
  }
}
