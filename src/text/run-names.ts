/**
 * How runs are named for people, in the report, the gate's sentences and the compare output.
 * One place, so that a row of the table and the sentence that fails it say the same thing.
 */
import type { Environment, RunResult } from '../results/schema.js';
import { isBaseRun, modelKey } from '../compare/match.js';

/** "10.13.0.35" → "10.13": the table needs the release, results.json keeps the rest. */
export function shortVersion(version: string | null | undefined): string {
  if (!version) return '';
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${m[2]}` : version;
}

/** The unfused CPU simulation of TensorRT's INT8 numerics: accuracy only, never speed. */
export function isSimulation(run: RunResult): boolean {
  return run.provider === 'reference';
}

/**
 * Each runtime's name, its version in results.json's environment, and how its providers are named
 * after it (a runtime whose rows have one provider names none).
 */
const RUNTIMES: Record<RunResult['runtime'], { name: string; version: (env: Environment) => string | null; providers?: Partial<Record<RunResult['provider'], string>> }> = {
  tensorrt: { name: 'TensorRT', version: (env) => env.tensorrt },
  onnxruntime: { name: 'ONNX Runtime', version: (env) => env.onnxruntime, providers: { cpu: 'CPU', cuda: 'CUDA', tensorrt: 'TensorRT EP' } },
};

/** "TensorRT", "ONNX Runtime CPU", "TensorRT, simulated on CPU". */
export function runtimeName(run: RunResult, env?: Environment): string {
  if (isSimulation(run)) return 'TensorRT, simulated on CPU';
  const runtime = RUNTIMES[run.runtime];
  const version = env ? runtime.version(env) : null;
  const provider = runtime.providers?.[run.provider];
  return [runtime.name, version ? shortVersion(version) : null, provider].filter(Boolean).join(' ');
}

/**
 * "INT8", "FP16", "INT8 + FP16": the precision a person cares about. The TensorRT-flavoured
 * INT8 model run by ONNX Runtime's GPU providers is named as such: it is not the CPU layout.
 */
export function modelName(run: RunResult): string {
  const key = modelKey(run);
  const name: Record<string, string> = { fp32: 'FP32', fp16: 'FP16', 'int8.trt': 'INT8', 'int8.trt.fp16': 'INT8 + FP16', 'int8.ort': 'INT8' };
  const base = name[key] ?? key;
  if (key.startsWith('int8.trt') && run.runtime !== 'tensorrt' && !isSimulation(run)) return `${base} (TensorRT model)`;
  return base;
}

/** "TensorRT INT8", "ONNX Runtime CPU FP32", "TensorRT INT8, simulated on CPU", "base model's TensorRT INT8". */
export function runLabel(run: RunResult): string {
  const label = isSimulation(run) ? `TensorRT ${modelName(run)}, simulated on CPU` : `${runtimeName(run)} ${modelName(run)}`;
  return isBaseRun(run) ? `base model's ${label}` : label;
}

/** "on TensorRT", "on ONNX Runtime CPU", "on TensorRT (simulated on CPU)". */
export function onRuntime(run: RunResult): string {
  return isSimulation(run) ? 'on TensorRT (simulated on CPU)' : `on ${runtimeName(run)}`;
}

/** The model's short name: "models/resnet50.onnx" → "resnet50". */
export function modelShortName(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? path;
  return file.replace(/\.onnx$/i, '');
}

/** "the baseline", "the base model", or the name the caller gave ("main"). */
export function baselineName(label: string): string {
  return label === 'baseline' || label === 'base model' ? `the ${label}` : label;
}
