/**
 * `quantgate run`, stage by stage: model → data → quantize → rows (what each backend runs) →
 * accuracy → benchmark → compare → report → gate, everything under --out. Every input is checked
 * before the long stages start; whatever stops the run later (bad input found late, a failure,
 * SIGINT/SIGTERM) still leaves results.json and report.md with what was measured, marked
 * incomplete. The world it runs in (backends, the export command's shell, interruptions, the log)
 * comes from its entry: see host.ts.
 */
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { selectOutput } from '../accuracy/output.js';
import { batchSupport } from '../benchmark/batch-support.js';
import { readResultsFile } from '../compare/read-results.js';
import type { RunConfig } from '../config/types.js';
import { openDataSet, readLabels } from '../data/index.js';
import type { DataSet, Labels } from '../data/types.js';
import { detectEnvironment } from '../environment/detect.js';
import { intraOpThreads } from '../environment/threads.js';
import { BadInputError } from '../errors.js';
import { msg, opt, setting } from '../message.js';
import { runThresholds } from '../gate/thresholds.js';
import type { OnnxModel } from '../model/model.js';
import { checkQuantizable } from '../model/graph-checks.js';
import { readModel } from '../model/read.js';
import { requireRuntimeSupport } from '../model/runtime-support.js';
import { pathInside } from '../paths.js';
import { fixedBatchSize, modelSignature } from '../model/signature.js';
import { quantizeModel } from '../quantize/quantize.js';
import type { Results } from '../results/schema.js';
import type { Backend } from '../runtime/backend.js';
import { calibrationData } from './calibration-data.js';
import { searchBudget } from './budget.js';
import { reproduceCommand } from './command-line.js';
import { cpuForLayout } from './cpu.js';
import { evaluateAccuracy, type AccuracyReference } from './evaluate.js';
import { runExportCommand } from './export.js';
import type { PipelineEnvironment } from './host.js';
import { benchmarkRecord, measureRows } from './measure.js';
import { withOutDir } from './out-lock.js';
import { RunRecorder } from './recorder.js';
import { inputShapes } from './input-shapes.js';
import { prepareRows } from './prepare.js';
import { accuracyRows, askBackends, planRows, type ModelFiles } from './rows.js';

/** Samples a batch of the accuracy stage holds. */
const EVALUATION_BATCH = 32;

export interface RunOutcome {
  results: Results;
  files: { results: string; report: string };
}

async function describeModel(model: OnnxModel, cwd: string): Promise<Results['model']> {
  return { path: pathInside(cwd, model.path) ?? model.path, sha256: await model.sha256(), bytes: model.totalBytes };
}

/**
 * The backends this run uses: all registered under `--runtimes auto` (an unavailable one gives
 * skipped rows), else the ones named, each of which must be available (a GPU runner that silently
 * lost TensorRT must not pass the gate).
 */
async function participatingBackends(config: RunConfig, backends: readonly Backend[]): Promise<Backend[]> {
  if (config.runtimes === 'auto') return [...backends];
  const named = backends.filter((b) => config.runtimes.includes(b.name));
  for (const backend of named) {
    const { available, reason, fix } = await backend.availability();
    if (!available) {
      throw new BadInputError(
        msg`${setting('runtimes', backend.name)}: ${backend.title} is not available: ${reason}`,
        msg`${fix ? msg`${fix}, or ` : ''}leave ${backend.name} out of ${opt('runtimes')} (auto reports it as a skipped row)`,
      );
    }
  }
  return named;
}

/** The first available backend that runs the FP32 accuracy reference; null when none does. */
async function accuracyReference(backends: readonly Backend[]): Promise<AccuracyReference | null> {
  for (const backend of backends) {
    if (backend.referenceProvider && (await backend.availability()).available) return { backend, provider: backend.referenceProvider };
  }
  return null;
}

export async function runPipeline(config: RunConfig, env: PipelineEnvironment): Promise<RunOutcome> {
  // --out is checked and held for this run before anything else (see out-lock.ts).
  return withOutDir(config.out, () => runStages(config, env));
}

async function runStages(given: RunConfig, env: PipelineEnvironment): Promise<RunOutcome> {
  const { log } = env;
  // Chosen once for every stage (calibration, placement timing, accuracy, benchmark) and recorded.
  const threads = intraOpThreads(given.threads, log);
  const config: RunConfig = threads === undefined ? given : { ...given, threads };
  // The files in --out must describe this run: a runner's workspace keeps the last run's.
  for (const stale of ['results.json', 'report.md']) rmSync(join(config.out, stale), { force: true });

  const benchmarkSettings = { warmupMs: config.warmupMs, minIterations: config.minIterations, minMs: config.minTimeMs };
  const environment = await detectEnvironment({ cwd: env.cwd, ...(threads ? { threads } : {}) });
  const recorderFor = (described: Results['model'], baselineDescribed: Results['model'] | null) =>
    new RunRecorder({
      outDir: config.out,
      shownOutDir: pathInside(env.cwd, config.out) ?? config.out,
      model: described,
      baselineModel: baselineDescribed,
      environment,
      benchmark: benchmarkRecord(benchmarkSettings),
      thresholds: runThresholds(config),
      requested: { runtimes: config.runtimes, providers: config.providers },
      command: reproduceCommand('run', config as unknown as Record<string, unknown> & { sources: Record<string, string> }, env.cwd),
      ...(!config.baseline && env.storedBaseline ? { baselineLabel: env.storedBaseline.label } : {}),
    });
  // Until the model is read (--export-command may still be writing it), it is known by its path only.
  let recorder = recorderFor({ path: pathInside(env.cwd, config.model) ?? config.model, sha256: '', bytes: 0 }, null);

  // From here on, whatever stops the run, results.json and report.md say what was measured and why
  // it stopped: a pull request's comment then explains a bad input instead of going missing.
  // Long native work (an engine build) stops at its next step when the run is interrupted.
  const interrupted = new AbortController();
  const stopListening = env.interrupts.onInterrupt((signal) => {
    interrupted.abort();
    recorder.write(`interrupted by ${signal}`);
    log.warn(`interrupted by ${signal}: wrote what was measured to ${recorder.resultsPath} and ${recorder.reportPath}`);
  });
  let model: OnnxModel | undefined;
  let baseModel: OnnxModel | null = null;
  try {
    if (config.exportCommand) await log.group('export', () => runExportCommand(config.exportCommand!, config.model, env.cwd, log, env.exec));
    model = readModel(config.model);
    checkQuantizable(model.proto, msg`${opt('model')} ${config.model}`);
    baseModel = config.baselineModel ? readModel(config.baselineModel, opt('baseline-model')) : null;
    recorder = recorderFor(await describeModel(model, env.cwd), baseModel ? await describeModel(baseModel, env.cwd) : null);

    // Inputs first: every bad input is found before anything long runs.
    if (config.accuracyBudget !== undefined && config.mode === 'dynamic') {
      throw new BadInputError(
        msg`${opt('accuracy-budget')} ${config.accuracyBudget} with ${opt('mode')} dynamic: the budget searches the sensitivity ranking of calibrated (static) INT8, which dynamic mode does not have`,
        msg`use ${opt('mode')} static with calibration data for the budget, or leave ${opt('accuracy-budget')} out`,
      );
    }
    const signature = modelSignature(model.proto);
    await requireRuntimeSupport(signature, config.model, model.path);
    if (baseModel) await requireRuntimeSupport(modelSignature(baseModel.proto), config.baselineModel!, baseModel.path);
    const output = selectOutput(signature.outputs, config.output);

    const backends = await participatingBackends(config, env.backends);
    for (const backend of backends) {
      const facts = await backend.environment?.();
      if (facts) recorder.addEnvironment(facts);
    }
    const data = await log.group('data', async () => {
      const calibration = await calibrationData(config, signature.inputs, log);
      const evaluation: DataSet | null = config.evalData
        ? await openDataSet(config.evalData, { what: opt('eval-data'), inputs: signature.inputs, ...(config.preprocess ? { preprocess: config.preprocess } : {}), inputShapes: config.inputShapes })
        : null;
      const labels: Labels | null =
        config.labels && evaluation
          ? await readLabels(config.labels, { what: opt('labels'), count: evaluation.count, samplesFrom: msg`${opt('eval-data')} ${config.evalData}` })
          : null;
      log.info(`calibration: ${calibration.description}`);
      log.info(
        evaluation
          ? `evaluation: ${evaluation.description}${labels ? ` with ${labels.values.length} labels` : ' (no labels: fidelity against FP32)'}`
          : 'evaluation: none given: the calibration data is scored for fidelity against FP32',
      );
      return { calibration, evaluation: evaluation ?? calibration, labels };
    });
    if (config.baseline) recorder.baseline = readResultsFile(config.baseline, opt('baseline'));
    else if (env.storedBaseline) recorder.baseline = env.storedBaseline.results;
    const fixedBatch = fixedBatchSize(signature);
    const evaluationBatch = fixedBatch ?? Math.min(EVALUATION_BATCH, Math.max(1, data.evaluation.count));
    // What each backend runs; a provider named in --providers that is missing is bad input, found
    // before anything long runs.
    const plans = await askBackends(backends, { providers: config.providers, batchSizes: config.batchSizes, evaluationBatch });

    const cpu = await cpuForLayout(config.targetCpu, log);
    const models: ModelFiles[] = [];
    // The data the gate scores: the whole evaluation set, or the part the accuracy budget left.
    let gateData = data.evaluation;
    let gateLabels = data.labels;
    for (const [role, m, outDir] of [['current', model, config.out], ...(baseModel ? [['base', baseModel, join(config.out, 'baseline')] as const] : [])] as const) {
      let outcome = await log.group(role === 'current' ? 'quantize' : 'quantize the baseline model', () =>
        quantizeModel({ model: m, data: data.calibration, settings: config, cpu, outDir, log }),
      );
      if (role === 'current' && config.accuracyBudget !== undefined) {
        const first = outcome;
        const budget = await log.group('accuracy budget', () =>
          searchBudget({ budgetPp: config.accuracyBudget!, model: m, first: outcome, calibration: data.calibration, evaluation: data.evaluation, labels: data.labels, output, batchSize: evaluationBatch, settings: config, cpu, outDir, log }),
        );
        outcome = { ...budget.outcome, summary: { ...budget.outcome.summary, reusedRanges: first.summary.reusedRanges, calibrationMs: first.summary.calibrationMs, mostSensitive: first.summary.mostSensitive, accuracyBudget: budget.record } };
        gateData = budget.gate;
        gateLabels = budget.gateLabels;
      }
      if (role === 'current') recorder.quantization = outcome.summary;
      models.push({
        role,
        files: {
          fp32: m.path,
          'int8.ort': outcome.files.ort,
          ...(outcome.files.trt ? { 'int8.trt': outcome.files.trt } : {}),
          ...(outcome.files.fp16 ? { fp16: outcome.files.fp16 } : {}),
          ...(outcome.files.trtFp16 ? { 'int8.trt.fp16': outcome.files.trtFp16 } : {}),
        },
        ...(outcome.trtSkipped ? { notWritten: { 'int8.trt': outcome.trtSkipped, 'int8.trt.fp16': outcome.trtSkipped } } : {}),
      });
    }

    recorder.rows = planRows(plans, {
      models,
      batchProblem: (batch) => batchSupport(signature, batch).reason,
      displayPath: (file) => pathInside(config.out, file) ?? (relative(env.cwd, file) || file),
    });
    const partial = () => recorder.write('the run has not finished yet');
    const shapes = inputShapes(signature.inputs, data.evaluation.inputs, { batchSizes: config.batchSizes, evaluationBatch, ...(fixedBatch !== undefined ? { fixedBatch } : {}) });
    // The engine stage: what the backends build once per run (TensorRT's engines), before
    // anything is scored or timed; a model that cannot be built fails its rows, the rest go on.
    recorder.addPrepared(
      await prepareRows({
        rows: recorder.rows,
        backends,
        inputShapes: shapes,
        outDir: config.out,
        floatNodes: new Map((recorder.quantization?.keptFloat ?? []).map((k) => [k.node, k.reason])),
        log,
        signal: interrupted.signal,
      }),
    );
    partial();
    const reference = await accuracyReference(backends);
    if (reference) {
      const failed = recorder.failedRows();
      const scored = await log.group('accuracy', () =>
        evaluateAccuracy({
          rows: accuracyRows(recorder.rows).filter((r) => !failed.has(r.id)),
          inputShapes: shapes,
          models,
          backends,
          reference,
          data: gateData,
          labels: gateLabels,
          output,
          batchSize: evaluationBatch,
          ...(fixedBatch !== undefined ? { fixedBatch } : {}),
          ...(threads ? { threads } : {}),
          outDir: config.out,
          seed: config.seed,
          log,
        }),
      );
      recorder.addAccuracy(scored.rows);
      recorder.evaluation = scored.evaluation;
      partial();
    } else {
      log.warn(`--runtimes ${config.runtimes === 'auto' ? 'auto' : config.runtimes.join(',')}: no runtime here runs the FP32 reference, so accuracy cannot be scored`);
    }
    await log.group('benchmark', () =>
      measureRows({
        rows: recorder.rows,
        exclude: recorder.failedRows(),
        data: data.evaluation,
        settings: benchmarkSettings,
        ...(threads ? { threads } : {}),
        outDir: config.out,
        inputShapes: shapes,
        log,
        onTimings: (timings) => {
          recorder.addTimings(timings);
          partial();
        },
      }),
    );
    const results = recorder.write();
    return { results, files: { results: recorder.resultsPath, report: recorder.reportPath } };
  } catch (error) {
    const problem = error instanceof BadInputError ? error.problem.render(env.naming) : `internal error: ${(error as Error).message}`;
    try {
      recorder.write(problem);
      log.warn(`the run stopped early; what was measured is in ${recorder.resultsPath} and ${recorder.reportPath}`);
    } catch (writeError) {
      log.debug(`could not write the partial results: ${(writeError as Error).message}`);
    }
    throw error;
  } finally {
    stopListening();
    model?.close();
    baseModel?.close();
  }
}
