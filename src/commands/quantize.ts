/**
 * `quantgate quantize`: calibrate once and write the INT8 models for TensorRT and ONNX Runtime,
 * their float16 variants, calibration.json and the TensorRT calibration cache.
 */
import { relative } from 'node:path';
import type { QuantizeConfig } from '../config/types.js';
import { intraOpThreads } from '../environment/threads.js';
import { ExitCode } from '../errors.js';
import { formatBytes } from '../format.js';
import { msg, opt } from '../message.js';
import { checkQuantizable } from '../model/graph-checks.js';
import { readModel } from '../model/read.js';
import { requireRuntimeSupport } from '../model/runtime-support.js';
import { modelSignature } from '../model/signature.js';
import { calibrationData } from '../pipeline/calibration-data.js';
import { cpuForLayout } from '../pipeline/cpu.js';
import { withOutDir } from '../pipeline/out-lock.js';
import { readCalibrationFile } from '../quantize/calibration-file.js';
import { quantizeModel, type QuantizeOutcome } from '../quantize/quantize.js';
import type { CommandContext } from './context.js';
import { logSafe } from '../log.js';

export async function quantizeCommand(config: QuantizeConfig, ctx: CommandContext): Promise<number> {
  // --out is checked and held before anything else (see out-lock.ts).
  return withOutDir(config.out, () => quantizeInto(config, ctx));
}

async function quantizeInto(config: QuantizeConfig, ctx: CommandContext): Promise<number> {
  const model = readModel(config.model);
  checkQuantizable(model.proto, msg`${opt('model')} ${config.model}`);
  try {
    const signature = modelSignature(model.proto);
    await requireRuntimeSupport(signature, config.model, model.path);
    const reuse = config.ranges ? readCalibrationFile(config.ranges) : undefined;
    const data = await ctx.log.group('data', () => calibrationData(config, signature.inputs, ctx.log));
    const cpu = await cpuForLayout(config.targetCpu, ctx.log);
    const threads = intraOpThreads(config.threads, ctx.log);
    const settings = threads === undefined ? config : { ...config, threads };
    const outcome = await ctx.log.group('quantize', () =>
      quantizeModel({ model, data, settings, cpu, outDir: config.out, log: ctx.log, ...(reuse ? { reuse } : {}) }),
    );
    ctx.stdout.write(config.json ? `${JSON.stringify({ files: outcome.files, quantization: outcome.summary }, null, 2)}\n` : `${logSafe(formatQuantize(outcome, ctx.cwd))}\n`);
    return ExitCode.passed;
  } finally {
    model.close();
  }
}

export function formatQuantize(outcome: QuantizeOutcome, cwd: string): string {
  const s = outcome.summary;
  const show = (path: string) => relative(cwd, path) || path;
  const lines: string[] = [];
  for (const m of s.models) {
    const counts = Object.entries(m.quantized)
      .filter(([, [, total]]) => total > 0)
      .map(([op, [q, total]]) => `${op} ${q}/${total}`)
      .join(', ');
    const path = m.flavour === 'trt' ? outcome.files.trt! : outcome.files.ort;
    lines.push(`wrote ${show(path)} (${formatBytes(m.bytes)}, FP32 ${formatBytes(s.fp32Bytes)}): ${counts} in INT8`);
  }
  for (const v of [outcome.float16.trtFp16, outcome.float16.fp16]) {
    if (v) lines.push(`wrote ${show(v.path)} (${formatBytes(v.bytes)}): float16, ${v.nodes.float32} ${v.nodes.float32 === 1 ? 'node' : 'nodes'} kept in float32 (calibration.json says why)`);
  }
  if (outcome.trtSkipped) lines.push(`no int8.trt model: ${outcome.trtSkipped}`);
  for (const k of outcome.float16.skipped) lines.push(`no ${k.flavour} model: ${k.reason}`);
  const method = s.method === 'percentile' ? `percentile ${s.percentile}` : s.method;
  const timing = s.calibrationMs === null ? 'ranges reused' : `calibration ${(s.calibrationMs / 1000).toFixed(1)} s`;
  lines.push(`ranges: ${method} over ${s.samples} samples${s.randomData ? ' of RANDOM data' : ''} (${timing}; quantization ${((s.quantizationMs ?? 0) / 1000).toFixed(1)} s) → ${show(outcome.files.calibration)}`);
  lines.push(`ONNX Runtime layout: ${s.cpuLayout.reason}`);
  if (s.keptFloat.length > 0) lines.push(`kept in float: ${s.keptFloat.map((k) => `${k.node || k.opType} (${k.reason})`).join('; ')}`);
  if (s.mostSensitive.length > 0) {
    lines.push(`most sensitive layers (SQNR alone; ${((s.sensitivityMs ?? 0) / 1000).toFixed(1)} s):`);
    for (const m of s.mostSensitive.slice(0, 5)) lines.push(`  ${m.sqnrDb.toFixed(1).padStart(6)} dB  ${m.node}  (${m.exclude})`);
  }
  return lines.join('\n');
}
