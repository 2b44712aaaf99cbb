/**
 * calibration.json: the calibrated ranges and every decision made from them (method, CPU layout
 * and why, exclusions, sensitivity), enough to write the models again without calibrating
 * (`quantize --ranges calibration.json`). Deterministic: the same inputs, seed and recorded placement give the same
 * bytes (no timings in it; keys in a fixed order). Also a TensorRT calibration cache.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { BadInputError } from '../errors.js';
import { msg, opt } from '../message.js';
import { METHODS, PLACEMENTS } from '../config/options.js';
import type { PlacementRecord } from './placement/decide.js';
import type { CpuLayout } from './cpu-layout.js';
import type { Float16Outcome } from './float16/variants.js';
import type { TensorRange } from './ranges.js';
import type { NodeSensitivity } from './sensitivity.js';

export const CALIBRATION_FORMAT = 'quantgate-calibration';

const finiteOrNull = z.number().nullable();

const calibrationFileSchema = z.object({
  format: z.literal(CALIBRATION_FORMAT),
  version: z.literal(1),
  quantgate: z.string(),
  model: z.object({ file: z.string(), sha256: z.string() }),
  method: z.enum(METHODS),
  percentile: z.number().nullable(),
  samples: z.number().int(),
  randomData: z.boolean(),
  cpuLayout: z.object({ target: z.string(), activations: z.string(), weights: z.string(), weightQmax: z.number(), reason: z.string() }),
  exclude: z.array(z.string()),
  tensors: z.record(z.string(), z.object({ min: z.number(), max: z.number(), threshold: z.number() })),
  nonFinite: z.record(z.string(), z.number()),
  sensitivity: z
    .array(z.object({ node: z.string(), opType: z.string(), output: z.string(), localSqnrDb: finiteOrNull, cumulativeSqnrDb: finiteOrNull, exclude: z.string() }))
    .nullable(),
  /** The ONNX Runtime flavour's placement (absent in files from before it: rules). */
  placement: z.object({ mode: z.enum(PLACEMENTS), reason: z.string(), float: z.array(z.string()) }).optional(),
  /** The float16 variants and the nodes each keeps in float32 (absent in files from before them). */
  float16: z
    .object({
      observedLimit: z.number(),
      models: z.array(z.object({ file: z.string(), flavour: z.string(), keptFloat32: z.array(z.object({ node: z.string(), opType: z.string(), reason: z.string() })) })),
      skipped: z.array(z.object({ flavour: z.string(), reason: z.string() })),
    })
    .optional(),
});

export type CalibrationFile = z.infer<typeof calibrationFileSchema>;

export interface CalibrationFileInput {
  version: string;
  model: { file: string; sha256: string };
  method: CalibrationFile['method'];
  percentile: number | null;
  samples: number;
  randomData: boolean;
  cpuLayout: CpuLayout;
  exclude: string[];
  ranges: ReadonlyMap<string, TensorRange>;
  nonFinite: Record<string, number>;
  sensitivity: (NodeSensitivity & { exclude: string })[] | null;
  float16?: Float16Outcome;
  placement?: PlacementRecord;
}

/** JSON has no Infinity: an exact node (no error at all) is written as null. */
const finite = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);

export function calibrationJson(input: CalibrationFileInput): string {
  const tensors: CalibrationFile['tensors'] = {};
  for (const name of [...input.ranges.keys()].sort()) tensors[name] = input.ranges.get(name)!;
  const file: CalibrationFile = {
    format: CALIBRATION_FORMAT,
    version: 1,
    quantgate: input.version,
    model: input.model,
    method: input.method,
    percentile: input.percentile,
    samples: input.samples,
    randomData: input.randomData,
    cpuLayout: input.cpuLayout,
    exclude: input.exclude,
    tensors,
    nonFinite: input.nonFinite,
    sensitivity: input.sensitivity?.map((s) => ({ ...s, localSqnrDb: finite(s.localSqnrDb), cumulativeSqnrDb: finite(s.cumulativeSqnrDb) })) ?? null,
    ...(input.placement ? { placement: input.placement } : {}),
    ...(input.float16 ? { float16: float16Section(input.float16) } : {}),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function float16Section(outcome: Float16Outcome): NonNullable<CalibrationFile['float16']> {
  const models = [outcome.trtFp16, outcome.fp16].flatMap((v) => (v ? [{ file: basename(v.path), flavour: v.flavour, keptFloat32: v.keptFloat32 }] : []));
  return { observedLimit: outcome.observedLimit, models, skipped: outcome.skipped };
}

export function readCalibrationFile(path: string): CalibrationFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new BadInputError(
      missing ? msg`${opt('ranges')} ${path}: no such file` : msg`${opt('ranges')} ${path}: is not JSON (${(error as Error).message})`,
      'pass the calibration.json that an earlier `quantgate quantize` or `run` wrote',
    );
  }
  const parsed = calibrationFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadInputError(
      msg`${opt('ranges')} ${path}: is not a quantgate calibration.json (${issue.path.join('.') || 'the file'}: ${issue.message})`,
      'pass the calibration.json that an earlier `quantgate quantize` or `run` wrote',
    );
  }
  return parsed.data;
}

/**
 * A TensorRT calibration cache (implicit quantization): a header line, then one line per tensor,
 * `name: <scale as the big-endian hex of a float32>`, scale = threshold / 127. TensorRT 10
 * deprecates implicit quantization and 11 removes it; the explicit Q/DQ model is what quantgate
 * builds engines from. Not read back by a real TensorRT here (none is available): unverified.
 */
export function tensorRtCalibrationCache(ranges: ReadonlyMap<string, TensorRange>): string {
  const lines = ['TRT-100000-EntropyCalibration2'];
  const view = new DataView(new ArrayBuffer(4));
  for (const name of [...ranges.keys()].sort()) {
    view.setFloat32(0, ranges.get(name)!.threshold / 127, false);
    lines.push(`${name}: ${view.getUint32(0, false).toString(16).padStart(8, '0')}`);
  }
  return `${lines.join('\n')}\n`;
}
