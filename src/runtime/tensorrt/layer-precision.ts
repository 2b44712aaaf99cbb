/**
 * Which precision each layer of a built engine runs in, from TensorRT's engine inspector
 * (IEngineInspector, LayerInformationFormat::kJSON, built with ProfilingVerbosity::kDETAILED):
 * so the report can say how many layers run in INT8 and which compute layers fell back to a
 * float type. Pure; tested on inspector JSON of the shape TensorRT documents (the real output is
 * UNRUN here: no TensorRT).
 *
 * A layer's precision is that of its inputs' data types, the narrowest one (a Conv reading Int8
 * and a bias in float computes in INT8); tensors that are indices or shapes (int32, int64, bool)
 * do not count. Without a usable input format the outputs decide; otherwise "unknown" (TensorRT
 * writes "N/A due to dynamic shapes" when no shapes were set).
 */
import { z } from 'zod';
import { excludeFlag } from '../../text/exclude-flag.js';

export type LayerPrecisionName = 'int4' | 'fp4' | 'int8' | 'fp8' | 'fp16' | 'bf16' | 'fp32' | 'unknown';

export interface LayerPrecision {
  name: string;
  type: string;
  precision: LayerPrecisionName;
  /** A convolution, matrix multiply or fused (Myelin) subgraph: where INT8 pays. */
  compute: boolean;
}

export interface LayerPrecisionReport {
  layers: LayerPrecision[];
  counts: Record<LayerPrecisionName, number>;
  computeLayers: number;
  /** Compute layers running in INT8 (or narrower). */
  quantizedComputeLayers: number;
  /** Compute layers running in a float type: where quantization did not take. */
  fellBack: LayerPrecision[];
}

const Tensor = z.looseObject({ 'Format/Datatype': z.string().optional() });
const Layer = z.union([
  z.string(),
  z.looseObject({
    Name: z.string().optional(),
    LayerType: z.string().optional(),
    Inputs: z.array(Tensor).optional(),
    Outputs: z.array(Tensor).optional(),
  }),
]);
const EngineInformation = z.looseObject({ Layers: z.array(Layer) });

/** The data type a "Format/Datatype" string names ("Thirty-two wide channel vectorized row major Int8 format." → int8). */
export function formatPrecision(format: string): LayerPrecisionName | 'index' {
  const f = format.toLowerCase();
  if (/\bint4\b/.test(f)) return 'int4';
  if (/\bfp4\b|e2m1/.test(f)) return 'fp4';
  if (/\bint8\b/.test(f)) return 'int8';
  if (/\bfp8\b|e4m3|float8/.test(f)) return 'fp8';
  if (/bf16|bfloat16/.test(f)) return 'bf16';
  if (/\bhalf\b|fp16|float16/.test(f)) return 'fp16';
  if (/\bint32\b|\bint64\b|\bbool\b|\buint8\b/.test(f)) return 'index';
  if (/\bfloat\b|fp32|float32/.test(f)) return 'fp32';
  return 'unknown';
}

const NARROWEST_FIRST: LayerPrecisionName[] = ['int4', 'fp4', 'int8', 'fp8', 'fp16', 'bf16', 'fp32'];

function narrowest(formats: (string | undefined)[]): LayerPrecisionName | null {
  const found = formats.filter((f): f is string => f !== undefined).map(formatPrecision);
  return NARROWEST_FIRST.find((p) => found.includes(p)) ?? null;
}

const COMPUTE = /conv|gemm|matrixmultiply|matmul|fullyconnected|myelin/i;

/** Parses the inspector's JSON; throws a plain Error naming what is wrong when it is not that shape. */
export function layerPrecisions(inspectorJson: string): LayerPrecisionReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(inspectorJson);
  } catch (error) {
    throw new Error(`the engine inspector's output is not JSON: ${(error as Error).message}`);
  }
  const info = EngineInformation.safeParse(parsed);
  if (!info.success) throw new Error(`the engine inspector's JSON has no Layers array: ${info.error.issues[0]?.message ?? 'unexpected shape'}`);
  const layers: LayerPrecision[] = info.data.Layers.map((layer) => {
    if (typeof layer === 'string') return { name: layer, type: 'unknown', precision: 'unknown', compute: false };
    const type = layer.LayerType ?? 'unknown';
    const precision =
      narrowest((layer.Inputs ?? []).map((t) => t['Format/Datatype'])) ?? narrowest((layer.Outputs ?? []).map((t) => t['Format/Datatype'])) ?? 'unknown';
    return { name: layer.Name ?? '(unnamed)', type, precision, compute: COMPUTE.test(type) };
  });
  const counts = Object.fromEntries([...NARROWEST_FIRST, 'unknown'].map((p) => [p, 0])) as Record<LayerPrecisionName, number>;
  for (const layer of layers) counts[layer.precision]++;
  const compute = layers.filter((l) => l.compute);
  const quantized = compute.filter((l) => ['int4', 'fp4', 'int8', 'fp8'].includes(l.precision));
  return {
    layers,
    counts,
    computeLayers: compute.length,
    quantizedComputeLayers: quantized.length,
    fellBack: compute.filter((l) => ['fp16', 'bf16', 'fp32'].includes(l.precision)),
  };
}

/** The ONNX node names a TensorRT layer name covers: "a + b" for fused layers, "{ForeignNode[a...b]}" for a Myelin region's ends. */
export function layerNodes(name: string): string[] {
  const foreign = /^\{ForeignNode\[(.*)\]\}$/.exec(name.trim());
  const parts = foreign ? foreign[1]!.split('...') : name.split(' + ');
  return parts.map((p) => p.trim()).filter(Boolean);
}

export interface FellBackLayer {
  name: string;
  type: string;
  precision: string;
  /** Why the layer is in float, and what changes that. */
  fix: string;
}

/**
 * The compute layers of an INT8 engine that run in a float type, each with why and the fix: the
 * quantizer's reason where it kept one of the layer's nodes in float (`floatNodes`: node name →
 * reason), else TensorRT's choice although the model quantizes the layer.
 */
export function explainFallbacks(report: LayerPrecisionReport, floatNodes: ReadonlyMap<string, string>): FellBackLayer[] {
  return report.fellBack.map((layer) => {
    const nodes = layerNodes(layer.name);
    const kept = nodes.find((n) => floatNodes.has(n));
    const fix =
      kept !== undefined
        ? `the quantizer kept node '${kept}' in float: ${floatNodes.get(kept)}`
        : `TensorRT runs it in ${layer.precision.toUpperCase()} although the model quantizes it: TensorRT fuses Q/DQ into an INT8 kernel only where the layer's activation and weight are both quantized and an INT8 kernel fits its shape; check its Q/DQ with \`quantgate inspect --nodes\`, or keep it in float on purpose with \`${excludeFlag(nodes[0] ?? layer.name)}\``;
    return { name: layer.name, type: layer.type, precision: layer.precision, fix };
  });
}
