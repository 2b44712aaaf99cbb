/**
 * The quantize stage: prepare the FP32 graph, plan both flavours, calibrate once (or reuse
 * ranges), write `<name>.int8.trt.onnx` and `<name>.int8.ort.onnx` from the same ranges, check the
 * TensorRT one against TensorRT's rules, write the float16 variants TensorRT's strongly typed
 * networks need (`<name>.int8.trt.fp16.onnx`, `<name>.fp16.onnx`), measure sensitivity, write
 * calibration.json and a TensorRT calibration cache.
 */
import { cloneModel } from '../model/clone.js';
import { create } from '@bufbuild/protobuf';
import { writeFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StringStringEntryProtoSchema, type ModelProto } from 'onnx-buf';
import type { QuantizeSettings } from '../config/types.js';
import type { DataSet } from '../data/types.js';
import { BadInputError } from '../errors.js';
import { msg, opt } from '../message.js';
import type { Log } from '../log.js';
import type { OnnxModel } from '../model/model.js';
import { fixedBatchSize, fixedSizesPastBatch, modelSignature } from '../model/signature.js';
import { writeModel } from '../model/write.js';
import type { Quantization } from '../results/schema.js';
import { VERSION } from '../version.js';
import { applyPlan } from './apply.js';
import { calibrate, probeTensors } from './calibrate.js';
import { calibrationJson, tensorRtCalibrationCache, type CalibrationFile } from './calibration-file.js';
import { chooseCpuLayout, type CpuInt8, type CpuLayout } from './cpu-layout.js';
import { compileExclusions } from './exclusions.js';
import { GraphEditor } from './graph.js';
import { quantizedCounts, tensorsToCalibrate, type KeptFloat } from './plan.js';
import { planOnnxRuntime } from './plan-ort.js';
import { writeDynamicModel } from './dynamic.js';
import { floatAfterDequantize } from './placement/float-ops.js';
import { decidePlacement } from './placement/decide.js';
import { planTensorRt } from './plan-trt.js';
import { prepareModel, type PrepareReport } from './prepare/index.js';
import type { TensorRange } from './ranges.js';
import { excludeFlag, measureSensitivity, type NodeSensitivity } from './sensitivity.js';
import { validateTensorRtModel } from './validate-trt.js';
import { writeFloat16Variants, type Float16Outcome } from './float16/variants.js';

export interface QuantizeRequest {
  model: OnnxModel;
  /** Calibration samples (or random ones, `data.random`); also used for the probe and sensitivity. */
  data: DataSet;
  settings: QuantizeSettings;
  cpu: CpuInt8;
  /** Ranges from an earlier calibration.json (`--ranges`): calibration is skipped. */
  reuse?: CalibrationFile;
  outDir: string;
  log: Log;
  /** Samples for the sensitivity analysis; 0 skips it. */
  sensitivitySamples?: number;
  /**
   * false writes the ONNX Runtime flavour without the rewrites onto faster int8 kernels
   * (ort-kernels.ts), so a bench or test can set the two side by side; default true.
   */
  fitOrtKernels?: boolean;
}

export interface QuantizeOutcome {
  /** `trtFp16` and `fp16`: the float16 variants, null where one could not be written (float16.skipped says why). */
  /** `trt` is null where the TensorRT flavour was not written (dynamic mode without calibration data: float16.skipped says why). */
  files: { trt: string | null; ort: string; calibration: string; cache: string; trtFp16: string | null; fp16: string | null };
  summary: Quantization;
  float16: Float16Outcome;
  prepare: PrepareReport;
  cpuLayout: CpuLayout;
  sensitivity: NodeSensitivity[] | null;
  /** Why the TensorRT flavour was not written, or null. */
  trtSkipped: string | null;
}

const MOST_SENSITIVE = 10;

function withMetadata(proto: ModelProto, flavour: string, method: string | null): void {
  const entries = { 'quantgate.version': VERSION, 'quantgate.flavour': flavour, ...(method ? { 'quantgate.method': method } : {}) };
  proto.metadataProps = proto.metadataProps.filter((p) => !p.key.startsWith('quantgate.'));
  for (const [key, value] of Object.entries(entries)) proto.metadataProps.push(create(StringStringEntryProtoSchema, { key, value }));
}

/** Heavy ops quantgate does not quantize: listed as kept in float, never silently left out. */
const UNHANDLED_COMPUTE = new Set(['LSTM', 'GRU', 'RNN', 'Einsum', 'Attention', 'MultiHeadAttention', 'DeformConv', 'ConvInteger', 'MatMulInteger']);

function unhandledNodes(proto: ModelProto): KeptFloat[] {
  return proto.graph!.node
    .filter((n) => UNHANDLED_COMPUTE.has(n.opType))
    .map((n) => ({ node: n.name, opType: n.opType, reason: `quantgate does not quantize ${n.opType}; it runs in float` }));
}

export async function quantizeModel(request: QuantizeRequest): Promise<QuantizeOutcome> {
  const { model, data, settings, log } = request;
  const label = model.path;
  const started = performance.now();
  const { proto: prepared, report } = prepareModel(model, label);
  if (report.opset) log.info(`prepared: opset ${report.opset.from} → ${report.opset.to}${Object.keys(report.opset.adapted).length ? ` (adapted ${Object.entries(report.opset.adapted).map(([op, n]) => `${n} ${op}`).join(', ')})` : ''}`);
  log.info(`prepared: ${report.batchNormsFolded} BatchNormalization folded, ${report.constantsFolded} Constant and ${report.identitiesFolded} Identity nodes folded`);

  const exclusions = compileExclusions(settings.exclude, prepared.graph!.node, model.proto.graph!.node);
  const cpuLayout = chooseCpuLayout(settings.targetCpu, request.cpu);
  log.info(`CPU layout: ${cpuLayout.reason}`);

  const probe = await probeTensors(prepared, model, data, settings.threads);
  const trtProto = cloneModel(prepared);
  const trtEditor = new GraphEditor(trtProto.graph!);
  const trtPlan = planTensorRt(trtEditor, probe.types, exclusions);
  // The rules plan (no float choices) needs every range any placement can need.
  const rulesPlan = planOnnxRuntime(new GraphEditor(cloneModel(prepared).graph!), probe.types, exclusions, model);
  if (trtPlan.quantized.length === 0 && rulesPlan.quantized.length === 0) {
    const reasons = [...new Set(trtPlan.keptFloat.map((k) => `${k.opType} '${k.node}': ${k.reason}`))].slice(0, 3);
    throw new BadInputError(
      `${label}: has nothing to quantize: no Conv, ConvTranspose, Gemm or MatMul that quantgate can put in INT8${reasons.length ? ` (${reasons.join('; ')})` : ''}`,
      settings.exclude.length ? 'exclude fewer nodes' : 'quantize a model with convolutions or matrix multiplications, or run it in float',
    );
  }

  // Dynamic mode: the ONNX Runtime flavour needs no ranges; TensorRT still does, so without
  // calibration data (random inputs) its flavour is not written.
  const dynamicMode = settings.mode === 'dynamic';
  const trtSkipped = dynamicMode && data.random && !request.reuse ? 'dynamic mode without calibration data: TensorRT needs calibrated activation ranges (give calibration data to have this model)' : null;
  if (trtSkipped) log.info(`no ${model.name}.int8.trt.onnx: ${trtSkipped}`);

  // One calibration for both flavours.
  const needed = tensorsToCalibrate(trtSkipped ? [] : dynamicMode ? [trtPlan] : [trtPlan, rulesPlan]);
  // A pass-through output shares its input's parameters in the rules plan; where auto keeps the
  // chain above it in float, it gets its own Q, hoisted or in front of its int8 reader.
  if (!dynamicMode) for (const [tensor, source] of rulesPlan.activations) if (source.kind === 'same-as') needed.add(tensor);
  let ranges: Map<string, TensorRange>;
  let samples: number;
  let nonFinite: Record<string, number> = {};
  let calibrationMs: number | null = null;
  if (request.reuse) {
    ranges = new Map(Object.entries(request.reuse.tensors));
    samples = request.reuse.samples;
    const missing = [...needed].filter((t) => !ranges.has(t));
    if (missing.length > 0) {
      throw new BadInputError(
        msg`${opt('ranges')}: the calibration.json has no range for ${missing.length} tensor(s) this model needs (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}); it was made for another model or other exclusions`,
        msg`calibrate again with ${opt('calibration-data')} instead of ${opt('ranges')}`,
      );
    }
  } else if (needed.size === 0) {
    ranges = new Map();
    samples = 0;
  } else {
    const t = performance.now();
    const result = await calibrate(prepared, model, data, needed, probe, { method: settings.method, percentile: settings.percentile, log, ...(settings.threads ? { threads: settings.threads } : {}) });
    calibrationMs = performance.now() - t;
    ranges = result.ranges;
    samples = result.samples;
    nonFinite = result.nonFinite;
    for (const [tensor, n] of Object.entries(nonFinite)) log.warn(`calibration: '${tensor}' held ${n} NaN or infinite values; its range ignores them`);
  }

  // The ONNX Runtime flavour for a set of optional nodes kept in float (what auto times).
  const preparedSignature = modelSignature(prepared);
  const fixedBatch = fixedBatchSize(preparedSignature);
  const fixedSpatial = fixedSizesPastBatch(preparedSignature);
  const buildOrt = (floatChoices: ReadonlySet<string>) => {
    const proto = cloneModel(prepared);
    const editor = new GraphEditor(proto.graph!);
    const plan = planOnnxRuntime(editor, probe.types, exclusions, model, floatChoices);
    const rewrites = applyPlan(editor, model, plan, ranges, { weightQmax: cpuLayout.weightQmax, ...(request.fitOrtKernels === false ? {} : { ortKernels: { dims: probe.dims, fixedSpatial } }) });
    return { proto, plan, optional: plan.optional, rewrites };
  };
  const placement = dynamicMode ? null : await decidePlacement({
    asked: settings.placement,
    recorded: request.reuse?.placement,
    build: buildOrt,
    prepared,
    source: model,
    data,
    fixedBatch,
    threads: settings.threads,
    log,
  });
  if (placement) log.info(`placement: ${placement.mode} (${placement.reason})${placement.float.length ? `, ${placement.float.length} optional node(s) kept in float` : ''}`);
  const ort = placement ? buildOrt(new Set(placement.float)) : null;
  const dynamic = dynamicMode ? writeDynamicModel(prepared, model, probe.types, exclusions, cpuLayout.weightQmax) : null;
  const ortProto = dynamic?.proto ?? ort!.proto;
  if (ort && (ort.rewrites.tiled.length || ort.rewrites.pools.length)) {
    log.info(`ONNX Runtime kernels: ${[...ort.rewrites.tiled.map((n) => `${n} depthwise over its tiled single-channel input`), ...ort.rewrites.pools.map((p) => `${p.name} as a depthwise mean convolution`)].join('; ')} (same numbers, faster int8 kernels)`);
  }
  if (ort && (ort.rewrites.shapeReaders.length || ort.rewrites.foldedScales.length || ort.rewrites.onIntegers.length)) {
    const trims = [
      ...(ort.rewrites.shapeReaders.length ? [`${ort.rewrites.shapeReaders.length} Shape node(s) read the integers, not a DequantizeLinear`] : []),
      ...(ort.rewrites.foldedScales.length ? [`${ort.rewrites.foldedScales.join(', ')} folded into the scale of an int8 MatMul's input`] : []),
      ...(ort.rewrites.onIntegers.length ? [`${ort.rewrites.onIntegers.length} Reshape/Transpose/Gather-like node(s) run on the integers without their Q/DQ pair`] : []),
    ];
    log.info(`ONNX Runtime nodes trimmed: ${trims.join('; ')}`);
  }
  // The pools written as convolutions are the model's GlobalAveragePools, not more quantized Convs.
  const added = new Set(ort?.rewrites.pools);
  const ortCounts = dynamic ? quantizedCounts(dynamic.nodes, dynamic) : quantizedCounts(ortProto.graph!.node.filter((n) => !added.has(n)), ort!.plan);
  if (!trtSkipped) applyPlan(trtEditor, model, trtPlan, ranges, { weightQmax: 127 });
  withMetadata(trtProto, 'trt', settings.method);
  withMetadata(ortProto, 'ort', dynamicMode ? 'dynamic' : settings.method);
  const violations = trtSkipped ? [] : validateTensorRtModel(trtProto, model);
  if (violations.length > 0) {
    throw new Error(`the TensorRT-flavour model breaks TensorRT's rules: ${violations.slice(0, 3).map((v) => `${v.rule} at ${v.node}: ${v.message}`).join('; ')}`);
  }
  mkdirSync(request.outDir, { recursive: true });
  const written = {
    trt: join(request.outDir, `${model.name}.int8.trt.onnx`),
    ort: join(request.outDir, `${model.name}.int8.ort.onnx`),
    calibration: join(request.outDir, 'calibration.json'),
    cache: join(request.outDir, 'calibration.cache'),
  };
  if (!trtSkipped) writeModel(trtProto, written.trt, model);
  writeModel(ortProto, written.ort, model);
  const float16 = writeFloat16Variants({
    prepared,
    trt: trtSkipped ? { skipped: trtSkipped } : trtProto,
    source: model,
    probe,
    outDir: request.outDir,
    log,
    // The FP16 copy is not quantized: no method.
    stamp: (proto, flavour) => withMetadata(proto, flavour, flavour === 'fp16' ? null : settings.method),
  });
  const files = { ...written, trt: trtSkipped ? null : written.trt, trtFp16: float16.trtFp16?.path ?? null, fp16: float16.fp16?.path ?? null };
  // Everything but sensitivity: preparation, probe, calibration and both models written.
  const quantizationMs = performance.now() - started;

  // Sensitivity, timed on its own.
  let sensitivity: NodeSensitivity[] | null = null;
  let sensitivityMs: number | null = null;
  // Reused ranges with generated data: sensitivity on random inputs would mislead; skip it.
  if ((request.sensitivitySamples ?? 4) > 0 && !(request.reuse && data.random) && !trtSkipped) {
    const t = performance.now();
    sensitivity = await measureSensitivity({
      prepared,
      source: model,
      quantized: trtProto,
      targets: trtPlan.quantized.map((n) => ({ node: n.name, opType: n.opType, output: n.output[0]! })),
      ranges,
      types: probe.types,
      data,
      samples: request.sensitivitySamples ?? 4,
      ...(fixedBatch !== undefined ? { fixedBatch } : {}),
      ...(settings.threads ? { threads: settings.threads } : {}),
    });
    sensitivityMs = performance.now() - t;
  }
  const ranked = (sensitivity ?? []).slice().sort((a, b) => a.localSqnrDb - b.localSqnrDb);

  writeFileSync(
    files.calibration,
    calibrationJson({
      version: VERSION,
      model: { file: model.path.split(/[\\/]/).pop()!, sha256: await model.sha256() },
      method: settings.method,
      percentile: settings.method === 'percentile' ? settings.percentile : null,
      samples,
      randomData: request.reuse ? request.reuse.randomData : data.random,
      cpuLayout,
      exclude: settings.exclude,
      ranges,
      nonFinite,
      sensitivity: ranked.length ? ranked.map((s) => ({ ...s, exclude: excludeFlag(s.node) })) : null,
      float16,
      ...(placement ? { placement } : {}),
    }),
  );
  writeFileSync(files.cache, tensorRtCalibrationCache(ranges));

  const summary: Quantization = {
    method: settings.method,
    percentile: settings.method === 'percentile' ? settings.percentile : null,
    samples,
    // Dynamic mode without calibration data took no ranges from the random samples.
    randomData: request.reuse ? request.reuse.randomData : data.random && !trtSkipped,
    reusedRanges: request.reuse !== undefined,
    cpuLayout: { target: cpuLayout.target, activations: cpuLayout.activations, weights: cpuLayout.weights, reason: cpuLayout.reason },
    models: [
      ...(files.trt ? [{ file: `${model.name}.int8.trt.onnx`, flavour: 'trt' as const, bytes: statSync(files.trt).size, quantized: quantizedCounts(trtProto.graph!.node, trtPlan) }] : []),
      { file: `${model.name}.int8.ort.onnx`, flavour: 'ort', bytes: statSync(files.ort).size, quantized: ortCounts },
    ],
    fp32Bytes: model.totalBytes,
    excluded: settings.exclude,
    keptFloat: [...(dynamic ? dynamic.keptFloat : trtPlan.keptFloat), ...unhandledNodes(prepared)],
    calibrationMs,
    quantizationMs,
    sensitivityMs,
    // A node with no error at all (infinite SQNR) is not sensitive: left out.
    mostSensitive: ranked
      .filter((s) => Number.isFinite(s.localSqnrDb))
      .slice(0, MOST_SENSITIVE)
      .map((s) => ({ node: s.node, opType: s.opType, sqnrDb: s.localSqnrDb, exclude: excludeFlag(s.node) })),
    mode: settings.mode,
    ...(placement ? { placement: { mode: placement.mode, reason: placement.reason, floatNodes: placement.float.length } } : {}),
    floatAfterDequantize: floatAfterDequantize(ortProto),
  };
  log.debug(`quantize stage took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { files, summary, float16, prepare: report, cpuLayout, sensitivity, trtSkipped };
}
