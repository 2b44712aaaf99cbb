/**
 * The accuracy stage: every model scored once per provider over the evaluation set, in lockstep
 * with the FP32 model on the same batches. With labels, top-1/top-5 and the loss against FP32
 * with its paired bootstrap interval; without, fidelity against FP32's outputs (agreement,
 * cosine, SNR). Per-sample outcomes are kept, never outputs, so memory stays at one batch.
 */
import { accuracyLoss } from '../accuracy/loss.js';
import { FidelityScorer } from '../accuracy/fidelity.js';
import { LabelledScorer } from '../accuracy/labelled.js';
import { NanOutputCount, requireNumericReference } from '../accuracy/nan-outputs.js';
import type { DataSet, HostTensor, Labels } from '../data/types.js';
import type { Log } from '../log.js';
import type { Evaluation } from '../results/schema.js';
import { OnnxRuntimeRunner } from '../runtime/onnxruntime-runner.js';
import type { ModelFiles, PlannedRow } from './runs.js';

export interface EvaluationInput {
  rows: PlannedRow[];
  models: ModelFiles[];
  data: DataSet;
  labels: Labels | null;
  output: string;
  classAxis?: number;
  batchSize: number;
  /** A model whose batch dimension is fixed runs only full batches of that size. */
  fixedBatch?: number;
  threads?: number;
  seed: number;
  log: Log;
  /** Called after each row's accuracy is known, so partial results can be written. */
  onRow?: () => void;
}

/** A percentage of `samples` as the exact fraction results.json stores (counts, not rounded percents). */
function fraction(percent: number, samples: number): number {
  return Math.round((percent * samples) / 100) / samples;
}

interface Candidate {
  row: PlannedRow;
  runner: OnnxRuntimeRunner;
  labelled?: LabelledScorer;
  fidelity?: FidelityScorer;
  nan: NanOutputCount;
}

interface RoleState {
  reference: OnnxRuntimeRunner;
  /** The FP32 model's file, for messages. */
  fp32: string;
  referenceScore?: LabelledScorer;
  /** The FP32 CPU row of this role, if the user asked for the CPU provider: the reference is it. */
  referenceRow?: PlannedRow;
  candidates: Candidate[];
}

export async function evaluateAccuracy(input: EvaluationInput): Promise<Evaluation> {
  const { log, output } = input;
  const scoring = { output, ...(input.classAxis !== undefined ? { classAxis: input.classAxis } : {}) };
  const settings = input.threads ? { threads: input.threads } : {};
  const roles: RoleState[] = [];
  for (const files of input.models) {
    const reference = new OnnxRuntimeRunner({ modelPath: files.fp32, provider: 'cpu', ...settings });
    await reference.load();
    const state: RoleState = { reference, fp32: files.fp32, candidates: [] };
    if (input.labels) state.referenceScore = new LabelledScorer(input.labels, scoring);
    for (const p of input.rows.filter((r) => r.role === files.role)) {
      if (p.variant === 'fp32' && p.row.provider === 'cpu') {
        state.referenceRow = p;
        continue;
      }
      const runner = new OnnxRuntimeRunner({ modelPath: p.file, provider: p.row.provider, ...settings });
      try {
        await runner.load();
      } catch (error) {
        p.row.status = 'failed';
        p.row.reason = `ONNX Runtime could not load ${p.row.model} on ${p.row.provider}: ${(error as Error).message.split('\n')[0]}`;
        continue;
      }
      const candidate: Candidate = { row: p, runner, nan: new NanOutputCount() };
      if (input.labels) candidate.labelled = new LabelledScorer(input.labels, scoring);
      else candidate.fidelity = new FidelityScorer({ ...scoring, candidate: `${p.row.model} on ${p.row.provider}` });
      state.candidates.push(candidate);
    }
    roles.push(state);
  }

  let scored = 0;
  let skipped = 0;
  let nextReport = 0;
  try {
    for await (const batch of input.data.batches(input.fixedBatch ?? input.batchSize)) {
      if (input.fixedBatch !== undefined && batch.size !== input.fixedBatch) {
        skipped += batch.size;
        continue;
      }
      const where = { start: batch.start, size: batch.size };
      for (const role of roles) {
        const reference: HostTensor = (await role.reference.run(batch.feeds, [output]))[output]!;
        requireNumericReference(reference, output, where, role.fp32);
        role.referenceScore?.add(reference, where);
        for (const c of role.candidates) {
          if (c.row.row.status === 'failed') continue;
          try {
            const out = (await c.runner.run(batch.feeds, [output]))[output]!;
            c.nan.add(out, batch.size);
            if (c.labelled) c.labelled.add(out, where);
            else c.fidelity!.add(reference, out, where);
          } catch (error) {
            c.row.row.status = 'failed';
            c.row.row.reason = `${c.row.row.model} failed on ${c.row.row.provider} at sample ${batch.start}: ${(error as Error).message.split('\n')[0]}`;
          }
        }
      }
      scored += batch.size;
      if (scored >= nextReport) {
        log.info(`accuracy: ${scored}/${input.data.count} samples`);
        nextReport = scored + Math.max(input.batchSize, Math.ceil(input.data.count / 5));
      }
    }
  } finally {
    for (const role of roles) {
      await role.reference.dispose();
      for (const c of role.candidates) await c.runner.dispose();
    }
  }
  if (skipped > 0) log.warn(`accuracy: the model's batch dimension is fixed at ${input.fixedBatch}: the last ${skipped} samples (not a full batch) were not scored`);

  let classAxis = input.classAxis ?? -1;
  for (const role of roles) {
    const reference = role.referenceScore?.result();
    if (reference) {
      classAxis = reference.classAxis;
      if (role.referenceRow) {
        role.referenceRow.row.accuracy = { top1: fraction(reference.top1, reference.samples), top5: reference.top5 === null ? null : fraction(reference.top5, reference.samples) };
      }
    }
    for (const c of role.candidates) {
      const row = c.row.row;
      if (row.status === 'failed') continue;
      const nan = c.nan.reason(`${row.model} on ${row.provider}`, output, scored);
      if (c.labelled && reference) {
        const score = c.labelled.result();
        row.accuracy = { top1: fraction(score.top1, score.samples), top5: score.top5 === null ? null : fraction(score.top5, score.samples) };
        if (row.precision !== 'fp32') {
          const loss = accuracyLoss(reference.outcomes, score.outcomes, { seed: input.seed });
          row.accuracyLossPp = loss.lossPp;
          row.accuracyLossCi = loss.ci;
          row.accuracyFlips = { toWrong: loss.flippedToWrong, toRight: loss.flippedToRight };
        }
      } else if (c.fidelity) {
        const f = c.fidelity.result();
        classAxis = f.classAxis;
        row.accuracy = { agreement: fraction(f.agreement, f.positions), cosine: f.cosine, snrDb: f.snrDb };
      }
      // The simulation row exists for its accuracy: scoring it is all it does.
      if (!c.row.benchmark) {
        row.status = 'ok';
        row.reason = null;
      }
      // Its accuracy stays on record; the gate fails a failed run whatever the numbers say.
      if (nan) {
        row.status = 'failed';
        row.reason = nan;
      }
    }
  }
  input.onRow?.();
  return {
    labelled: input.labels !== null,
    samples: scored,
    output,
    classAxis,
    source: input.data.description,
  };
}
