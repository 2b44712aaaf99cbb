/**
 * The float16 variants that TensorRT's strongly typed networks build from. TensorRT 10.12
 * deprecates the INT8/FP16 builder flags and TensorRT 11 removes them, so a layer's precision now
 * comes only from the model's types:
 *   `<name>.int8.trt.fp16.onnx`  the TensorRT flavour with its float parts in float16: activations
 *                                between the Q/DQ'd ops, Q/DQ scales, weights not quantized, biases.
 *                                It is what the INT8 and FP16 flags together used to give. Raised to
 *                                opset 19, the first where Q/DQ take float16 scales.
 *   `<name>.fp16.onnx`           the FP32 model (as prepared: BatchNormalization folded in float32
 *                                first) in float16, what the FP16 flag used to give.
 * In both, the fragile ops stay in float32 behind Casts (precision.ts), and the inputs and outputs
 * keep their declared float32 types. Both are written on every run: the conversion is cheap, and
 * ONNX Runtime on the CPU then scores their accuracy on any runner, as it does the INT8 one.
 */
import { join } from 'node:path';
import { statSync } from 'node:fs';
import type { ModelProto, NodeProto, TensorProto } from 'onnx-buf';
import { BadInputError } from '../../errors.js';
import type { Log } from '../../log.js';
import { cloneModel } from '../../model/clone.js';
import { DataType } from '../../model/dtypes.js';
import type { OnnxModel } from '../../model/model.js';
import { toFloat32 } from '../../model/tensor.js';
import { writeModel } from '../../model/write.js';
import type { ProbeResult } from '../calibrate.js';
import type { KeptFloat } from '../plan.js';
import { FLOAT16_QDQ_OPSET, upgradeOpset } from '../prepare/opset.js';
import { validateTensorRtModel } from '../validate-trt.js';
import { convertToFloat16 } from './convert.js';
import { choosePrecision, OBSERVED_LIMIT } from './precision.js';
import { elementTypes } from './types.js';

export type Float16Flavour = 'int8.trt.fp16' | 'fp16';

export interface Float16Variant {
  flavour: Float16Flavour;
  path: string;
  bytes: number;
  /** Nodes of the converted graph (before Casts were added) in each precision. */
  nodes: { float16: number; float32: number };
  casts: number;
  /** The nodes kept in float32, with why. */
  keptFloat32: KeptFloat[];
}

export interface Float16Outcome {
  /** Largest magnitude a tensor may reach on the probe's sample and run in float16. */
  observedLimit: number;
  trtFp16: Float16Variant | null;
  fp16: Float16Variant | null;
  /** Why a variant was not written. */
  skipped: { flavour: Float16Flavour; reason: string }[];
}

export interface Float16Request {
  /** The prepared FP32 graph and the TensorRT flavour; neither is changed. */
  prepared: ModelProto;
  /** The TensorRT flavour, or why it was not written (then no int8.trt.fp16 either). */
  trt: ModelProto | { skipped: string };
  source: OnnxModel;
  probe: ProbeResult;
  outDir: string;
  log: Log;
  /** Writes quantgate's metadata into a model before it is saved. */
  stamp(proto: ModelProto, flavour: Float16Flavour): void;
}

/** Converts a model in place; returns what was decided. */
export function toFloat16(proto: ModelProto, source: OnnxModel, probe: Pick<ProbeResult, 'types' | 'magnitudes'>): Omit<Float16Variant, 'flavour' | 'path' | 'bytes'> {
  const graph = proto.graph!;
  const values = (t: TensorProto) => toFloat32(DataType.FLOAT, source.tensorBytes(t));
  const types = elementTypes(graph, probe.types);
  const precision = choosePrecision({ graph, types, magnitudes: probe.magnitudes, values });
  const kept: KeptFloat[] = [];
  let float16 = 0;
  for (const n of graph.node) {
    const p = precision.get(n)!;
    if (p.kind === 'float32') kept.push({ node: nodeLabel(n), opType: n.opType, reason: p.reason });
    else if (p.kind === 'float16') float16++;
  }
  const { casts } = convertToFloat16({ graph, precision, types, values });
  return { nodes: { float16, float32: kept.length }, casts, keptFloat32: kept };
}

export function writeFloat16Variants(request: Float16Request): Float16Outcome {
  const { source, probe, log } = request;
  const outcome: Float16Outcome = { observedLimit: OBSERVED_LIMIT, trtFp16: null, fp16: null, skipped: [] };

  if ('skipped' in request.trt) {
    outcome.skipped.push({ flavour: 'int8.trt.fp16', reason: request.trt.skipped });
    const fp16 = cloneModel(request.prepared);
    outcome.fp16 = save(fp16, 'fp16', toFloat16(fp16, source, probe), request);
    return outcome;
  }
  const trt = cloneModel(request.trt);
  let upgraded = true;
  try {
    upgradeOpset(trt, source.path, FLOAT16_QDQ_OPSET, 'float16 Q/DQ scales need opset 19');
  } catch (error) {
    if (!(error instanceof BadInputError)) throw error;
    // The INT8 models are written: a model that cannot reach opset 19 loses only this variant.
    upgraded = false;
    outcome.skipped.push({ flavour: 'int8.trt.fp16', reason: `${error.message} (${error.fix})` });
    log.warn(`float16: no ${source.name}.int8.trt.fp16.onnx: ${error.message}; to have it, ${error.fix}`);
  }
  if (upgraded) {
    // Opset 19 came with IR version 9.
    if (trt.irVersion < 9n) trt.irVersion = 9n;
    const decided = toFloat16(trt, source, probe);
    const violations = validateTensorRtModel(trt, source);
    if (violations.length > 0) {
      throw new Error(`the float16 TensorRT variant breaks TensorRT's rules: ${violations.slice(0, 3).map((v) => `${v.rule} at ${v.node}: ${v.message}`).join('; ')}`);
    }
    outcome.trtFp16 = save(trt, 'int8.trt.fp16', decided, request);
  }
  const fp16 = cloneModel(request.prepared);
  outcome.fp16 = save(fp16, 'fp16', toFloat16(fp16, source, probe), request);
  return outcome;
}

type Decided = ReturnType<typeof toFloat16>;

function save(proto: ModelProto, flavour: Float16Flavour, decided: Decided, request: Float16Request): Float16Variant {
  request.stamp(proto, flavour);
  const path = join(request.outDir, `${request.source.name}.${flavour}.onnx`);
  writeModel(proto, path, request.source);
  const byOp = new Map<string, number>();
  for (const k of decided.keptFloat32) byOp.set(k.opType, (byOp.get(k.opType) ?? 0) + 1);
  const kept = [...byOp].map(([op, n]) => `${op} ${n}`).join(', ');
  request.log.info(
    `float16: wrote ${request.source.name}.${flavour}.onnx: ${decided.nodes.float16} nodes in float16, ${decided.nodes.float32} kept in float32${kept ? ` (${kept})` : ''}, ${decided.casts} Casts`,
  );
  return { flavour, path, bytes: statSync(path).size, ...decided };
}

function nodeLabel(n: NodeProto): string {
  return n.name || n.output[0] || n.opType;
}
