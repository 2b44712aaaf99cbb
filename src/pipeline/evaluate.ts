/**
 * The accuracy stage: every model scored once per runtime and provider over the evaluation set,
 * in lockstep with the FP32 model (run by the reference backend) on the same batches. Runners are
 * opened through their backends. With labels, top-1/top-5 and the loss against FP32
 * with its paired bootstrap interval; without, fidelity against FP32's outputs (agreement,
 * cosine, SNR). Per-sample outcomes are kept, never outputs, so memory stays at one batch.
 */
import { accuracyLoss } from '../accuracy/loss.js';
import { FidelityScorer } from '../accuracy/fidelity.js';
import { LabelledScorer } from '../accuracy/labelled.js';
import { NanOutputCount, requireNumericReference } from '../accuracy/nan-outputs.js';
import type { DataSet, HostTensor, Labels } from '../data/types.js';
import { BadInputError } from '../errors.js';
import type { Log } from '../log.js';
import type { Evaluation } from '../results/schema.js';
import type { Backend, InputShapes } from '../runtime/backend.js';
import { backendNamed } from '../runtime/registry.js';
import type { ProviderName, Runner } from '../runtime/types.js';
import type { RowAccuracy } from './merge.js';
import type { ModelFiles, PlannedRow, RowId } from './rows.js';

/** Where the FP32 model runs as the reference every row is scored against. */
export interface AccuracyReference {
  backend: Backend;
  provider: ProviderName;
}

export interface EvaluationInput {
  /** The rows to score (accuracyRows: one per runtime, provider and model). */
  rows: PlannedRow[];
  models: ModelFiles[];
  /** The participating backends, which open the rows' runners. */
  backends: readonly Backend[];
  reference: AccuracyReference;
  data: DataSet;
  labels: Labels | null;
  output: string;
  classAxis?: number;
  batchSize: number;
  /** A model whose batch dimension is fixed runs only full batches of that size. */
  fixedBatch?: number;
  threads?: number;
  outDir?: string;
  /** The shapes the runners will be given (backend.ts InputShapes). */
  inputShapes?: InputShapes;
  seed: number;
  log: Log;
}

export interface EvaluationOutcome {
  evaluation: Evaluation;
  /** Each scored row's accuracy, or why it failed. */
  rows: Map<RowId, RowAccuracy>;
}

/** A percentage of `samples` as the exact fraction results.json stores (counts, not rounded percents). */
function fraction(percent: number, samples: number): number {
  return Math.round((percent * samples) / 100) / samples;
}

interface Candidate {
  row: PlannedRow;
  runner: Runner;
  labelled?: LabelledScorer;
  fidelity?: FidelityScorer;
  failure?: string;
  nan: NanOutputCount;
}

interface RoleState {
  reference: Runner;
  /** The FP32 model's file, for messages. */
  fp32: string;
  referenceScore?: LabelledScorer;
  /** The row that runs the FP32 model where the reference does, if the user asked for it: the reference is it. */
  referenceRow?: PlannedRow;
  candidates: Candidate[];
}

/** The error's first line, and the fix where it is bad input (TensorRT's parser, out of GPU memory). */
function firstLine(error: unknown): string {
  const line = (error as Error).message.split('\n')[0] ?? '';
  return error instanceof BadInputError ? `${line} (fix: ${error.fix})` : line;
}

export async function evaluateAccuracy(input: EvaluationInput): Promise<EvaluationOutcome> {
  const { log, output } = input;
  const scoring = { output, ...(input.classAxis !== undefined ? { classAxis: input.classAxis } : {}) };
  const common = {
    ...(input.threads ? { threads: input.threads } : {}),
    ...(input.outDir ? { outDir: input.outDir } : {}),
    ...(input.inputShapes ? { inputShapes: input.inputShapes } : {}),
  };
  const results = new Map<RowId, RowAccuracy>();
  const roles: RoleState[] = [];
  for (const files of input.models) {
    const reference = input.reference.backend.open({ modelPath: files.files.fp32!, provider: input.reference.provider, ...common });
    await reference.load();
    const state: RoleState = { reference, fp32: files.files.fp32!, candidates: [] };
    if (input.labels) state.referenceScore = new LabelledScorer(input.labels, scoring);
    for (const p of input.rows.filter((r) => r.role === files.role)) {
      if (p.variant === 'fp32' && p.runtime === input.reference.backend.name && p.provider === input.reference.provider) {
        state.referenceRow = p;
        continue;
      }
      const backend = backendNamed(p.runtime, input.backends);
      const runner = backend.open({ modelPath: p.file!, provider: p.provider, ...common });
      try {
        await runner.load();
      } catch (error) {
        results.set(p.id, { status: 'failed', reason: `${backend.title} could not load ${p.model} on ${p.provider}: ${firstLine(error)}` });
        continue;
      }
      const candidate: Candidate = { row: p, runner, nan: new NanOutputCount() };
      if (input.labels) candidate.labelled = new LabelledScorer(input.labels, scoring);
      else candidate.fidelity = new FidelityScorer({ ...scoring, candidate: `${p.model} on ${p.provider}` });
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
          if (c.failure !== undefined) continue;
          try {
            const out = (await c.runner.run(batch.feeds, [output]))[output]!;
            c.nan.add(out, batch.size);
            if (c.labelled) c.labelled.add(out, where);
            else c.fidelity!.add(reference, out, where);
          } catch (error) {
            c.failure = `${c.row.model} failed on ${c.row.provider} at sample ${batch.start}: ${firstLine(error)}`;
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
        results.set(role.referenceRow.id, {
          status: 'ok',
          accuracy: { top1: fraction(reference.top1, reference.samples), top5: reference.top5 === null ? null : fraction(reference.top5, reference.samples) },
          accuracyLossPp: null,
          accuracyLossCi: null,
        });
      }
    }
    for (const c of role.candidates) {
      const row = c.row;
      const nan = c.failure === undefined ? c.nan.reason(`${row.model} on ${row.provider}`, output, scored) : null;
      if (c.failure !== undefined) {
        results.set(row.id, { status: 'failed', reason: c.failure });
      } else if (c.labelled && reference) {
        const score = c.labelled.result();
        const accuracy = { top1: fraction(score.top1, score.samples), top5: score.top5 === null ? null : fraction(score.top5, score.samples) };
        if (row.precision === 'fp32') {
          results.set(row.id, { status: 'ok', accuracy, accuracyLossPp: null, accuracyLossCi: null });
        } else {
          const loss = accuracyLoss(reference.outcomes, score.outcomes, { seed: input.seed });
          results.set(row.id, {
            status: 'ok',
            accuracy,
            accuracyLossPp: loss.lossPp,
            accuracyLossCi: loss.ci,
            accuracyFlips: { toWrong: loss.flippedToWrong, toRight: loss.flippedToRight },
          });
        }
      } else if (c.fidelity) {
        const f = c.fidelity.result();
        classAxis = f.classAxis;
        results.set(row.id, { status: 'ok', accuracy: { agreement: fraction(f.agreement, f.positions), cosine: f.cosine, snrDb: f.snrDb }, accuracyLossPp: null, accuracyLossCi: null });
      }
      // Its accuracy stays on record; the gate fails a failed run whatever the numbers say.
      const scoredRow = results.get(row.id);
      if (nan && scoredRow?.status === 'ok') {
        const { status: _ok, ...kept } = scoredRow;
        results.set(row.id, { ...kept, status: 'failed', reason: nan });
      }
    }
  }
  return {
    evaluation: {
      labelled: input.labels !== null,
      samples: scored,
      output,
      classAxis,
      source: input.data.description,
    },
    rows: results,
  };
}
