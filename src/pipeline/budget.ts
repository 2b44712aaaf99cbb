/**
 * `--accuracy-budget PP` in `quantgate run`: split the evaluation set into a search part (the
 * first half) and a gate part (the rest), search the fewest most sensitive nodes to keep in float
 * until the ONNX Runtime INT8 model's loss on the search part (top-1 accuracy against FP32's with
 * labels, top-1 disagreement with FP32 without) is within the budget, write the models again with
 * them excluded, and hand the gate part to the accuracy stage, so the gate does not pass by
 * construction. Each candidate is written from the first calibration's ranges (no recalibration).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuantizeSettings } from '../config/types.js';
import { classLayout } from '../accuracy/layout.js';
import { predictClasses } from '../accuracy/predict.js';
import { sampleRange } from '../data/sample-range.js';
import type { DataSet, Labels } from '../data/types.js';
import { BadInputError } from '../errors.js';
import { MemoryLog, type Log } from '../log.js';
import { msg, opt } from '../message.js';
import type { OnnxModel } from '../model/model.js';
import type { AccuracyBudget } from '../results/schema.js';
import { loadOrt } from '../runtime/onnxruntime/load.js';
import { hostToOrt } from '../runtime/onnxruntime/tensor.js';
import { searchAccuracyBudget } from '../quantize/budget/search.js';
import { readCalibrationFile } from '../quantize/calibration-file.js';
import type { CpuInt8 } from '../quantize/cpu-layout.js';
import { quantizeModel, type QuantizeOutcome } from '../quantize/quantize.js';
import { excludeFlag } from '../quantize/sensitivity.js';

export interface BudgetInput {
  budgetPp: number;
  model: OnnxModel;
  first: QuantizeOutcome;
  calibration: DataSet;
  evaluation: DataSet;
  labels: Labels | null;
  output: string;
  batchSize: number;
  settings: QuantizeSettings;
  cpu: CpuInt8;
  outDir: string;
  log: Log;
}

export interface BudgetOutcome {
  outcome: QuantizeOutcome;
  gate: DataSet;
  gateLabels: Labels | null;
  record: AccuracyBudget;
}

/** An --exclude pattern that matches exactly this node name. */
export function exactPattern(name: string): string {
  return name.startsWith('op:') || name.startsWith('re:') ? `re:^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` : name;
}

/** Top-1 class per position of `output` over the data, in sample order (bench/int8-*.ts use it too). */
export async function predictions(path: string, data: DataSet, output: string, batchSize: number, threads: number | undefined): Promise<Int32Array[]> {
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(path, { logSeverityLevel: 3, ...(threads ? { intraOpNumThreads: threads } : {}) });
  try {
    const out: Int32Array[] = [];
    for await (const batch of data.batches(batchSize)) {
      const feeds = Object.fromEntries(Object.entries(batch.feeds).map(([k, v]) => [k, hostToOrt(ort, v)]));
      const tensor = (await session.run(feeds, [output]))[output]!;
      if (tensor.type !== 'float32') {
        throw new BadInputError(msg`${opt('accuracy-budget')}: output '${output}' holds ${tensor.type} values, not float scores to rank classes by`, msg`score an output of float logits or probabilities with ${opt('output')}`);
      }
      const values = tensor.data as Float32Array;
      const dims = tensor.dims.map(Number);
      out.push(predictClasses(values, classLayout(output, dims, batch.size)));
    }
    return out;
  } finally {
    await session.release();
  }
}

function agreementPp(a: Int32Array[], b: Int32Array[]): number {
  let same = 0;
  let total = 0;
  a.forEach((x, i) => x.forEach((v, j) => ((same += v === b[i]![j] ? 1 : 0), total++)));
  return total === 0 ? 0 : (100 * same) / total;
}

function accuracyPct(predicted: Int32Array[], labels: Int32Array): number {
  const flat = predicted.flatMap((p) => [...p]);
  let right = 0;
  flat.forEach((p, i) => (right += p === labels[i] ? 1 : 0));
  return flat.length === 0 ? 0 : (100 * right) / flat.length;
}

export async function searchBudget(input: BudgetInput): Promise<BudgetOutcome> {
  const { evaluation, log } = input;
  if (evaluation.count < 2) {
    throw new BadInputError(msg`${opt('accuracy-budget')}: needs at least 2 evaluation samples to search on one part and gate on the other (there are ${evaluation.count})`, msg`give more samples with ${opt('eval-data')}`);
  }
  const ranked = (input.first.sensitivity ?? [])
    .filter((s) => Number.isFinite(s.localSqnrDb))
    .sort((a, b) => a.localSqnrDb - b.localSqnrDb)
    .map((s) => s.node);
  const split = Math.floor(evaluation.count / 2);
  const search = sampleRange(evaluation, 0, split, 'accuracy budget search part');
  const gate = sampleRange(evaluation, split, evaluation.count, 'gate part');
  const searchLabels = input.labels ? input.labels.values.subarray(0, split) : null;
  const gateLabels = input.labels ? { source: `${input.labels.source}, labels ${split}–${evaluation.count - 1}`, values: input.labels.values.slice(split) } : null;
  const threads = input.settings.threads;
  const reference = await predictions(input.model.path, search, input.output, input.batchSize, threads);
  const referenceAccuracy = searchLabels ? accuracyPct(reference, searchLabels) : 100;
  const reuse = readCalibrationFile(input.first.files.calibration);
  const scratch = mkdtempSync(join(tmpdir(), 'quantgate-budget-'));
  const quiet = new MemoryLog();
  try {
    // At least one weighted node stays in INT8: a model all in float is not an INT8 model.
    const quantized = Object.values(input.first.summary.models.find((m) => m.flavour === 'ort')?.quantized ?? {}).reduce((s, [q]) => s + q, 0);
    const result = await searchAccuracyBudget({
      ranked,
      maxNodes: Math.max(0, Math.min(ranked.length, quantized - 1)),
      budgetPp: input.budgetPp,
      evaluate: async (nodes) => {
        const candidate = await quantizeModel({
          model: input.model,
          data: input.calibration,
          settings: { ...input.settings, exclude: [...input.settings.exclude, ...nodes.map(exactPattern)] },
          cpu: input.cpu,
          reuse,
          outDir: join(scratch, String(nodes.length)),
          log: quiet,
          sensitivitySamples: 0,
        });
        const predicted = await predictions(candidate.files.ort, search, input.output, input.batchSize, threads);
        const loss = searchLabels ? referenceAccuracy - accuracyPct(predicted, searchLabels) : 100 - agreementPp(reference, predicted);
        log.info(`accuracy budget: ${nodes.length} node(s) in float → ${searchLabels ? 'loss' : 'disagreement'} ${loss.toFixed(2)} pp on the search part`);
        return loss;
      },
    });
    const exclude = [...input.settings.exclude, ...result.keptFloat.map(exactPattern)];
    const outcome =
      result.keptFloat.length === 0
        ? input.first
        : await quantizeModel({ model: input.model, data: input.calibration, settings: { ...input.settings, exclude }, cpu: input.cpu, reuse, outDir: input.outDir, log });
    const record: AccuracyBudget = {
      budgetPp: input.budgetPp,
      metric: searchLabels ? 'loss' : 'disagreement',
      searchSamples: [0, split],
      gateSamples: [split, evaluation.count],
      keptFloat: result.keptFloat.map((node) => ({ node, exclude: excludeFlag(node) })),
      lossBeforePp: result.lossBeforePp,
      lossAfterPp: result.lossAfterPp,
      met: result.met,
      evaluations: result.evaluations,
      candidates: ranked.length,
    };
    log.info(
      `accuracy budget ${input.budgetPp} pp ${result.met ? 'met' : 'NOT met'}: ${result.keptFloat.length} node(s) kept in float, ${record.metric} ${result.lossBeforePp.toFixed(2)} → ${result.lossAfterPp.toFixed(2)} pp on samples 0–${split - 1}, ${result.evaluations} evaluations; the gate scores samples ${split}–${evaluation.count - 1}`,
    );
    return { outcome, gate, gateLabels, record };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
