/**
 * Which placement the ONNX Runtime flavour is written with: replayed from calibration.json
 * (`--ranges`), as asked (`--placement rules|auto`), or, by default, rules unless the rules model
 * is slower than FP32 on this CPU (one short interleaved timing), then auto. What is recorded
 * (mode, why, the nodes kept in float) holds no timings, so calibration.json stays deterministic
 * for a recorded placement.
 */
import type { ModelProto, NodeProto } from 'onnx-buf';
import type { Placement } from '../../config/types.js';
import type { Batch, DataSet } from '../../data/types.js';
import type { Log } from '../../log.js';
import type { OnnxModel } from '../../model/model.js';
import { choosePlacement } from './auto.js';
import { pairedTimeRatio, type TimingBudget } from './timing.js';

export interface PlacementRecord {
  mode: Placement;
  /** Why this mode: the option, the default's timing, or a replay. */
  reason: string;
  /** Optional nodes kept in float (what auto chose). */
  float: string[];
}

export interface DecideInput {
  asked: Placement | undefined;
  recorded: PlacementRecord | undefined;
  build(floatChoices: ReadonlySet<string>): { proto: ModelProto; optional: NodeProto[] };
  prepared: ModelProto;
  source: OnnxModel;
  data: DataSet;
  fixedBatch: number | undefined;
  threads: number | undefined;
  log: Log;
}

/** Short on purpose: it runs on every quantize that leaves --placement unset. */
const DEFAULT_CHECK: TimingBudget = { rounds: 6, iterations: 5 };
const AUTO_BUDGET: TimingBudget = { rounds: 8, iterations: 5 };

async function firstBatch(data: DataSet, size: number): Promise<Batch | undefined> {
  for await (const batch of data.batches(size)) return batch;
  return undefined;
}

export async function decidePlacement(input: DecideInput): Promise<PlacementRecord> {
  // Replayed as recorded, reason included, so calibration.json comes out byte-identical.
  if (input.recorded) return input.recorded;
  if (input.asked === 'rules') return { mode: 'rules', reason: 'asked for', float: [] };
  const batch = await firstBatch(input.data, input.fixedBatch ?? 1);
  if (!batch) return { mode: 'rules', reason: 'no data to time candidates on', float: [] };
  const threads = input.threads ? { threads: input.threads } : {};
  let reason = 'asked for';
  if (input.asked === undefined) {
    const rules = input.build(new Set());
    if (rules.optional.length === 0) return { mode: 'rules', reason: 'default: the rules left no choice to time', float: [] };
    const ratio = await pairedTimeRatio(rules.proto, input.prepared, input.source, batch, { ...DEFAULT_CHECK, ...threads });
    input.log.info(`placement: the rules model ran at ${(1 / ratio.median).toFixed(2)}x the speed of FP32 on this CPU`);
    if (ratio.median <= 1) return { mode: 'rules', reason: 'default: the rules model was not slower than FP32 on this CPU', float: [] };
    reason = 'default: the rules model was slower than FP32 on this CPU';
  }
  const choice = await choosePlacement({ build: input.build, source: input.source, batch, budget: { ...AUTO_BUDGET, ...threads }, log: input.log });
  input.log.info(`placement auto: ${choice.regions} region(s) timed, ${choice.float.length} node(s) kept in float`);
  return { mode: 'auto', reason, float: choice.float };
}
