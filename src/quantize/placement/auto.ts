/**
 * `--placement auto` (ONNX Runtime flavour): where the rules leave a choice (a QLinear or
 * pass-through op quantized between int8 neighbours, a MatMul/Gemm output Q), time both on this
 * CPU and keep the faster, region by region, as ModelOpt's autotune does with trtexec on the GPU.
 * A region is a connected group of optional nodes (Sigmoid → Mul → GlobalAveragePool → Flatten
 * goes in int8 together or not at all). Each region is tried in float against the best model so
 * far, interleaved; it stays float only when that is clearly faster (median ratio below
 * 1 − MARGIN), so a tie keeps the rules' int8 placement.
 *
 * The outcome is a list of node names kept in float, recorded in calibration.json and replayed by
 * `--ranges` without timing: the same inputs, seed and recorded placement give the same bytes.
 */
import type { ModelProto, NodeProto } from 'onnx-buf';
import type { Batch } from '../../data/types.js';
import type { Log } from '../../log.js';
import type { OnnxModel } from '../../model/model.js';
import { pairedTimeRatio, type TimingBudget } from './timing.js';

/** A float candidate must be this much faster to win (timing noise on a busy CPU). */
export const MARGIN = 0.02;
/** Regions tried, at most (the largest first): bounds the cost on big models. */
export const MAX_REGIONS = 12;

export interface AutoChoice {
  /** Node names kept in float by the timing. */
  float: string[];
  /** Regions timed. */
  regions: number;
  /** Per region tried: its nodes and time(float) / time(int8). */
  tried: { nodes: string[]; ratio: number; kept: 'int8' | 'float' }[];
}

/** Connected groups of optional nodes (linked when one reads the other's output), in graph order. */
export function optionalRegions(optional: readonly NodeProto[]): string[][] {
  const index = new Map(optional.map((n, i) => [n, i]));
  const parent = optional.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const byOutput = new Map<string, number>();
  optional.forEach((n, i) => n.output.forEach((o) => o && byOutput.set(o, i)));
  for (const n of optional) {
    for (const input of n.input) {
      const j = byOutput.get(input);
      if (j !== undefined) parent[find(index.get(n)!)] = find(j);
    }
  }
  const groups = new Map<number, string[]>();
  optional.forEach((n, i) => {
    const root = find(i);
    if (!groups.has(root)) groups.set(root, []);
    const names = groups.get(root)!;
    if (!names.includes(n.name)) names.push(n.name);
  });
  return [...groups.values()];
}

export interface AutoInput {
  /** The ORT-flavour model for a set of float choices, and the optional nodes its plan left. */
  build(floatChoices: ReadonlySet<string>): { proto: ModelProto; optional: NodeProto[] };
  source: OnnxModel;
  batch: Batch;
  budget: TimingBudget;
  log: Log;
}

export async function choosePlacement(input: AutoInput): Promise<AutoChoice> {
  const chosen = new Set<string>();
  let best = input.build(chosen);
  const regions = optionalRegions(best.optional)
    .filter((r) => r.every((name) => name !== ''))
    .sort((a, b) => b.length - a.length)
    .slice(0, MAX_REGIONS);
  const tried: AutoChoice['tried'] = [];
  for (const region of regions) {
    const candidateChoices = new Set([...chosen, ...region]);
    const candidate = input.build(candidateChoices);
    const ratio = await pairedTimeRatio(candidate.proto, best.proto, input.source, input.batch, input.budget);
    const float = ratio.median < 1 - MARGIN;
    tried.push({ nodes: region, ratio: ratio.median, kept: float ? 'float' : 'int8' });
    input.log.debug(`placement auto: ${region.length} node(s) from '${region[0]}': float/int8 time ${ratio.median.toFixed(3)} → ${float ? 'float' : 'int8'}`);
    if (float) {
      region.forEach((n) => chosen.add(n));
      best = candidate;
    }
  }
  return { float: [...chosen].sort(), regions: regions.length, tried };
}
