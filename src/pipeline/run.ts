/**
 * `quantgate run`, stage by stage: model → data → quantize → (engine) → accuracy → benchmark →
 * compare → report → gate, everything under --out. Every input is checked before the long stages
 * start; whatever stops the run later (bad input found late, a failure, SIGINT/SIGTERM) still
 * leaves results.json and report.md with what was measured, marked incomplete.
 */
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { selectOutput } from '../accuracy/output.js';
import { batchSupport } from '../benchmark/batch-support.js';
import type { CommandContext } from '../commands/context.js';
import { readResultsFile } from '../compare/read-results.js';
import type { RunConfig } from '../config/types.js';
import { openDataSet, readLabels } from '../data/index.js';
import type { DataSet, Labels } from '../data/types.js';
import { tensorRtAvailability } from '../engine/availability.js';
import { detectEnvironment } from '../environment/detect.js';
import { BadInputError } from '../errors.js';
import { runThresholds } from '../gate/thresholds.js';
import type { OnnxModel } from '../model/model.js';
import { readModel } from '../model/read.js';
import { requireRuntimeSupport } from '../model/runtime-support.js';
import { pathInside } from '../paths.js';
import { fixedBatchSize, modelSignature } from '../model/signature.js';
import { quantizeModel } from '../quantize/quantize.js';
import type { Results } from '../results/schema.js';
import { selectProviders } from '../runtime/providers.js';
import { calibrationData } from './calibration-data.js';
import { reproduceCommand } from './command-line.js';
import { cpuForLayout } from './cpu.js';
import { evaluateAccuracy } from './evaluate.js';
import { runExportCommand } from './export.js';
import { measureRows } from './measure.js';
import { withOutDir } from './out-lock.js';
import { RunRecorder } from './recorder.js';
import { accuracyRows, planRows, type ModelFiles } from './runs.js';

/** Samples a batch of the accuracy stage holds. */
const EVALUATION_BATCH = 32;

export interface RunOutcome {
  results: Results;
  files: { results: string; report: string };
}

async function describeModel(model: OnnxModel, cwd: string): Promise<Results['model']> {
  return { path: pathInside(cwd, model.path) ?? model.path, sha256: await model.sha256(), bytes: model.totalBytes };
}

export async function runPipeline(config: RunConfig, ctx: CommandContext): Promise<RunOutcome> {
  // --out is checked and held for this run before anything else (see out-lock.ts).
  return withOutDir(config.out, () => runStages(config, ctx));
}

async function runStages(config: RunConfig, ctx: CommandContext): Promise<RunOutcome> {
  const { log } = ctx;
  const threads = config.threads;
  // The files in --out must describe this run: a runner's workspace keeps the last run's.
  for (const stale of ['results.json', 'report.md']) rmSync(join(config.out, stale), { force: true });

  const environment = await detectEnvironment({ cwd: ctx.cwd, ...(threads ? { threads } : {}) });
  const recorderFor = (described: Results['model'], baselineDescribed: Results['model'] | null) =>
    new RunRecorder({
      outDir: config.out,
      shownOutDir: pathInside(ctx.cwd, config.out) ?? config.out,
      model: described,
      baselineModel: baselineDescribed,
      environment,
      thresholds: runThresholds(config),
      command: reproduceCommand('run', config as unknown as Record<string, unknown> & { sources: Record<string, string> }, ctx.cwd),
    });
  // Until the model is read (--export-command may still be writing it), it is known by its path only.
  let recorder = recorderFor({ path: pathInside(ctx.cwd, config.model) ?? config.model, sha256: '', bytes: 0 }, null);

  // From here on, whatever stops the run, results.json and report.md say what was measured and why
  // it stopped: a pull request's comment then explains a bad input instead of going missing.
  const onSignal = (signal: NodeJS.Signals) => {
    recorder.write(`interrupted by ${signal}`);
    log.warn(`interrupted by ${signal}: wrote what was measured to ${recorder.resultsPath} and ${recorder.reportPath}`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let model: OnnxModel | undefined;
  let baseModel: OnnxModel | null = null;
  try {
    if (config.exportCommand) await log.group('export', () => runExportCommand(config.exportCommand!, config.model, ctx.cwd, log));
    model = readModel(config.model);
    baseModel = config.baselineModel ? readModel(config.baselineModel, '--baseline-model') : null;
    recorder = recorderFor(await describeModel(model, ctx.cwd), baseModel ? await describeModel(baseModel, ctx.cwd) : null);

    // Inputs first: every bad input is found before anything long runs.
    const signature = modelSignature(model.proto);
    await requireRuntimeSupport(signature, config.model, model.path);
    if (baseModel) await requireRuntimeSupport(modelSignature(baseModel.proto), config.baselineModel!, baseModel.path);
    const output = selectOutput(signature.outputs, config.output);

    const tensorrt = await tensorRtAvailability();
    if (config.runtimes !== 'auto' && config.runtimes.includes('tensorrt') && !tensorrt.available) {
      throw new BadInputError(
        `--runtimes tensorrt: TensorRT is not available: ${tensorrt.reason}`,
        'run on a GPU runner with TensorRT installed, or leave tensorrt out of --runtimes (auto reports it as a skipped row)',
      );
    }
    const runOnnxRuntime = config.runtimes === 'auto' || config.runtimes.includes('onnxruntime');
    const providers = runOnnxRuntime ? await selectProviders(config.providers) : { run: [], skipped: [] };

    const data = await log.group('data', async () => {
      const calibration = await calibrationData(config, signature.inputs, log);
      const evaluation: DataSet | null = config.evalData
        ? await openDataSet(config.evalData, { what: '--eval-data', inputs: signature.inputs, ...(config.preprocess ? { preprocess: config.preprocess } : {}), inputShapes: config.inputShapes })
        : null;
      const labels: Labels | null =
        config.labels && evaluation
          ? await readLabels(config.labels, { what: '--labels', count: evaluation.count, samplesFrom: `--eval-data ${config.evalData}` })
          : null;
      log.info(`calibration: ${calibration.description}`);
      log.info(
        evaluation
          ? `evaluation: ${evaluation.description}${labels ? ` with ${labels.values.length} labels` : ' (no labels: fidelity against FP32)'}`
          : 'evaluation: none given: the calibration data is scored for fidelity against FP32',
      );
      return { calibration, evaluation: evaluation ?? calibration, labels };
    });
    if (config.baseline) recorder.baseline = readResultsFile(config.baseline, '--baseline');

    const cpu = await cpuForLayout(config.targetCpu, log);
    const models: ModelFiles[] = [];
    for (const [role, m, outDir] of [['current', model, config.out], ...(baseModel ? [['base', baseModel, join(config.out, 'baseline')] as const] : [])] as const) {
      const outcome = await log.group(role === 'current' ? 'quantize' : 'quantize the baseline model', () =>
        quantizeModel({ model: m, data: data.calibration, settings: config, cpu, outDir, log }),
      );
      if (role === 'current') recorder.quantization = outcome.summary;
      models.push({ role, fp32: m.path, 'int8.ort': outcome.files.ort, 'int8.trt': outcome.files.trt });
    }

    const fixedBatch = fixedBatchSize(signature);
    const evaluationBatch = fixedBatch ?? Math.min(EVALUATION_BATCH, Math.max(1, data.evaluation.count));
    recorder.rows = planRows({
      models,
      providers,
      batchSizes: config.batchSizes,
      batchProblem: (batch) => batchSupport(signature, batch).reason,
      evaluationBatch,
      tensorrt,
      displayPath: (file) => {
        return pathInside(config.out, file) ?? (relative(ctx.cwd, file) || file);
      },
    });
    if (!runOnnxRuntime) log.warn('--runtimes leaves out onnxruntime: accuracy cannot be scored without it');

    if (runOnnxRuntime) {
      recorder.evaluation = await log.group('accuracy', () =>
        evaluateAccuracy({
          rows: accuracyRows(recorder.rows),
          models,
          data: data.evaluation,
          labels: data.labels,
          output,
          batchSize: evaluationBatch,
          ...(fixedBatch !== undefined ? { fixedBatch } : {}),
          ...(threads ? { threads } : {}),
          seed: config.seed,
          log,
          onRow: () => recorder.write('the run has not finished yet'),
        }),
      );
      await log.group('benchmark', () =>
        measureRows({
          rows: recorder.rows,
          data: data.evaluation,
          settings: { warmupMs: config.warmupMs, minIterations: config.minIterations, minMs: config.minTimeMs },
          ...(threads ? { threads } : {}),
          log,
          onRow: () => recorder.write('the run has not finished yet'),
        }),
      );
    }
    const results = recorder.write();
    return { results, files: { results: recorder.resultsPath, report: recorder.reportPath } };
  } catch (error) {
    const problem = error instanceof BadInputError ? error.message : `internal error: ${(error as Error).message}`;
    try {
      recorder.write(problem);
      log.warn(`the run stopped early; what was measured is in ${recorder.resultsPath} and ${recorder.reportPath}`);
    } catch (writeError) {
      log.debug(`could not write the partial results: ${(writeError as Error).message}`);
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    model?.close();
    baseModel?.close();
  }
}
