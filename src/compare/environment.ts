/**
 * What differs between the machines and the setups of two results files: the first thing to check
 * when numbers move between runs that were not benchmarked side by side in one job.
 */
import type { Environment, Results } from '../results/schema.js';
import type { Difference } from './types.js';

const none = (value: string | null | undefined): string => (value === null || value === undefined || value === '' ? 'none' : value);

function cpu(env: Environment): string {
  return `${env.cpu.model} (${env.cpu.cores} cores)`;
}

function int8(env: Environment): string {
  return env.cpu.int8Features.length > 0 ? [...env.cpu.int8Features].sort().join(', ') : 'none';
}

const ENVIRONMENT_FIELDS: [string, (env: Environment) => string][] = [
  ['OS', (e) => `${e.os} ${e.arch}`],
  ['CPU', cpu],
  ['CPU int8 features', int8],
  ['threads', (e) => (e.threads === null ? 'runtime default' : String(e.threads))],
  ['GPU', (e) => none(e.gpu?.name)],
  ['GPU driver', (e) => none(e.gpu?.driver)],
  ['CUDA', (e) => none(e.cuda)],
  ['TensorRT', (e) => none(e.tensorrt)],
  ['ONNX Runtime', (e) => e.onnxruntime],
  ['Node', (e) => e.node],
  ['quantgate', (e) => e.quantgate],
];

export function environmentDifferences(current: Environment, baseline: Environment): Difference[] {
  const out: Difference[] = [];
  for (const [what, read] of ENVIRONMENT_FIELDS) {
    const a = read(current);
    const b = read(baseline);
    if (a !== b) out.push({ what, current: a, baseline: b });
  }
  return out;
}

function quantizationLabel(results: Results): string {
  const q = results.quantization;
  if (!q) return 'none';
  const method = q.method === 'percentile' && q.percentile !== null ? `percentile ${q.percentile}` : q.method;
  return `${method}, ${q.samples} ${q.randomData ? 'random' : 'calibration'} samples${q.excluded.length > 0 ? `, excluding ${q.excluded.join(' ')}` : ''}`;
}

function evaluationLabel(results: Results): string {
  const e = results.evaluation;
  if (!e) return 'not scored';
  return `${e.samples} samples of ${e.source}, ${e.labelled ? 'labelled' : 'no labels'}, output ${e.output}`;
}

/**
 * Setup that changes what the numbers mean: accuracy on another evaluation set is not comparable,
 * and a model calibrated another way is a different INT8 model even when the FP32 file is the same.
 */
export function setupDifferences(current: Results, baseline: Results): Difference[] {
  const out: Difference[] = [];
  const fields: [string, (r: Results) => string][] = [
    ['quantization', quantizationLabel],
    ['evaluation', evaluationLabel],
  ];
  for (const [what, read] of fields) {
    const a = read(current);
    const b = read(baseline);
    if (a !== b) out.push({ what, current: a, baseline: b });
  }
  return out;
}
