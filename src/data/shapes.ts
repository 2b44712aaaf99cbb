/**
 * The rules that match data to a model's inputs, checked before anything runs. Axis 0 is the
 * batch axis. An array whose rank is the input's is a batch of samples along axis 0; one rank
 * lower, it is a single sample. Fixed dims must match exactly, symbolic and unknown non-batch
 * dims take the data's size (every sample must agree, and a symbol shared by several inputs must
 * take one size), `--input-shapes` must agree with both, and the element type must be the
 * input's own. Exporters' placeholder names (`?`, `-1`, `unk__N`...) arrive here as unknown dims
 * (null, see `readDim`), never as a symbol that would tie height to width. The batch dim is never checked against the data: the benchmark decides which
 * batch sizes run.
 */
import { dirname } from 'node:path';
import { BadInputError } from '../errors.js';
import { msg, opt, setting, type Label } from '../message.js';
import { dataTypeFromName, dtypeName } from '../model/dtypes.js';
import { formatShape, type Dim, type TensorSignature } from '../model/signature.js';
import { describeLocation, rewriteCommand, rewriteFolderCommand, type ArrayLocation } from './location.js';
import { itemSize, itemSizeOf, numpyType } from './npy-dtype.js';

/** A model input as the data stage needs it: element type number and dims. */
export interface ModelInput {
  name: string;
  dataType: number;
  shape: Dim[] | null;
}

/** An array found in the data, before it is matched to an input. */
export interface FoundArray {
  location: ArrayLocation;
  dataType: number;
  dims: number[];
}

export interface FittedInput {
  /** One sample's shape, every dim resolved. */
  sampleDims: number[];
  /** Samples in each array, in the order given. */
  counts: number[];
}

export interface FitContext {
  /** The flag the data came from, for messages: `--calibration-data`. */
  what: Label;
  inputShapes: Record<string, number[]>;
  /** Sizes taken by symbolic dims so far, shared by all inputs: symbol → size and where. */
  symbols: Map<string, { size: number; where: string }>;
}

export function newFitContext(what: Label, inputShapes: Record<string, number[]> = {}): FitContext {
  return { what, inputShapes, symbols: new Map() };
}

/** The model's inputs with element type numbers; refuses inputs no data can feed. */
export function modelInputs(signatures: readonly TensorSignature[]): ModelInput[] {
  if (signatures.length === 0) {
    throw new BadInputError('the model has no inputs to feed data to', 'check that the model file is the one you meant');
  }
  return signatures.map((s) => {
    const dataType = dataTypeFromName(s.dtype);
    if (dataType === undefined || itemSizeOf(dataType) === undefined) {
      throw new BadInputError(
        `the model's input '${s.name}' is ${s.dtype}; quantgate feeds numeric tensors only (float16/32/64, bfloat16, int8-64, uint8-64, bool)`,
        'export the model with numeric tensor inputs (tokenize strings, split sequences into tensors) before quantizing it',
      );
    }
    if (s.shape !== null && s.shape.length === 0) {
      throw new BadInputError(
        `the model's input '${s.name}' is a scalar, so it has no batch axis for samples`,
        `export the model with a batch axis first in '${s.name}' (shape [batch, ...])`,
      );
    }
    return { name: s.name, dataType, shape: s.shape };
  });
}

function inputNames(inputs: readonly ModelInput[]): string {
  return inputs.map((i) => `'${i.name}'`).join(', ');
}

/** An `--input-shapes` entry for an input, from its model shape with placeholders. */
export function inputShapesExample(input: ModelInput): string {
  const shape = input.shape ?? ['batch', 'D1'];
  const dims = shape.map((d, axis) => (typeof d === 'number' ? String(d) : axis === 0 ? '1' : d === null ? `D${axis}` : d.toUpperCase().replace(/[^A-Z0-9_]/g, '_')));
  return `${input.name}:${dims.join('x')}`;
}

/**
 * `--input-shapes` against the model: known input names, the input's rank, its fixed dims
 * (the batch dim included: a fixed batch dim is never rewritten).
 */
export function checkInputShapes(inputs: readonly ModelInput[], inputShapes: Record<string, number[]>): void {
  for (const [name, dims] of Object.entries(inputShapes)) {
    const input = inputs.find((i) => i.name === name);
    if (!input) {
      throw new BadInputError(
        msg`${opt('input-shapes')} names '${name}', which is not an input of the model (its inputs: ${inputNames(inputs)})`,
        msg`name the model's inputs, e.g. ${setting('input-shapes', inputs.map(inputShapesExample).join(','))}`,
      );
    }
    if (input.shape === null) continue;
    if (dims.length !== input.shape.length) {
      throw new BadInputError(
        msg`${opt('input-shapes')} gives '${name}' ${dims.length} dims (${formatShape(dims)}), but the model's input is ${formatShape(input.shape)} (${input.shape.length} dims)`,
        msg`give all ${input.shape.length} dims, batch first: ${setting('input-shapes', inputShapesExample(input))}`,
      );
    }
    input.shape.forEach((d, axis) => {
      if (typeof d === 'number' && dims[axis] !== d) {
        throw new BadInputError(
          msg`${opt('input-shapes')} gives '${name}' ${formatShape(dims)}, but the model fixes dim ${axis} of ${formatShape(input.shape)} at ${d}`,
          msg`use the model's fixed sizes: ${setting('input-shapes', inputShapesExample(input))}`,
        );
      }
    });
  }
}

/** What one non-batch axis of a sample must be. */
interface AxisRule {
  /** The model's own dim. */
  model: Dim;
  /** The size `--input-shapes` gives, if any. */
  flag?: number;
}

/** The rank of the input (null when neither the model nor --input-shapes says) and its axis rules. */
function sampleRules(input: ModelInput, inputShapes: Record<string, number[]>): AxisRule[] | null {
  const flag = inputShapes[input.name];
  const shape: Dim[] | undefined = input.shape ?? flag?.map(() => null);
  if (!shape) return null;
  return shape.slice(1).map((model, k) => ({ model, ...(flag ? { flag: flag[k + 1] } : {}) }));
}

/** "N×3×224×224 (a batch) or 3×224×224 (one sample)" for a sample shape. */
function expectedForms(sample: readonly Dim[]): string {
  return sample.length === 0 ? 'a 1-D batch of N values, or a scalar for one sample' : `N×${formatShape([...sample])} (a batch) or ${formatShape([...sample])} (one sample)`;
}

/**
 * Matches the arrays that hold one input's samples to that input. Throws the bad-input error
 * for the first array that does not fit, naming it and the fix.
 */
export function fitInput(input: ModelInput, arrays: readonly FoundArray[], context: FitContext): FittedInput {
  const { what } = context;
  if (arrays.length === 0) throw new Error(`fitInput('${input.name}') called with no arrays`);
  const wrongType = arrays.filter((a) => a.dataType !== input.dataType);
  if (wrongType.length > 0) throw dataTypeError(input, wrongType, what);

  const rules = sampleRules(input, context.inputShapes);
  const resolved: (number | undefined)[] = rules?.map((r) => (typeof r.model === 'number' ? r.model : r.flag)) ?? [];
  const firstSeen: (string | undefined)[] = [];
  const counts: number[] = [];
  let sampleRank = rules?.length;
  const expected = (): Dim[] => rules?.map((r) => r.flag ?? r.model) ?? resolved.map((d) => d ?? null);

  for (const array of arrays) {
    const where = msg`${what} ${describeLocation(array.location)}`;
    const rank = array.dims.length;
    let batch: boolean;
    if (sampleRank === undefined) {
      // Neither the model nor --input-shapes gives a rank: axis 0 is the batch.
      if (rank === 0) {
        throw new BadInputError(
          msg`${where}: a scalar, but the model gives input '${input.name}' no shape, so quantgate reads axis 0 as the batch`,
          msg`save a batch (N, ...) or give the input's shape with ${setting('input-shapes', inputShapesExample(input))}`,
        );
      }
      batch = true;
      sampleRank = rank - 1;
    } else if (rank === sampleRank + 1) {
      batch = true;
    } else if (rank === sampleRank) {
      batch = false;
    } else {
      throw new BadInputError(
        msg`${where}: shape ${formatShape(array.dims)} does not fit input '${input.name}' (${formatShape(input.shape)}), which takes ${expectedForms(expected())}`,
        `save arrays of ${expectedForms(expected())}`,
      );
    }
    const sample = batch ? array.dims.slice(1) : array.dims;
    counts.push(batch ? array.dims[0]! : 1);

    sample.forEach((size, k) => {
      const rule = rules?.[k];
      const axisName = rule && typeof rule.model === 'string' ? ` ('${rule.model}')` : '';
      const want = resolved[k];
      if (want !== undefined && size !== want) {
        if (rule && typeof rule.model === 'number') {
          throw new BadInputError(
            msg`${where}: shape ${formatShape(array.dims)} does not fit input '${input.name}' (${formatShape(input.shape)}): sample dim ${k + 1} is ${size}, the model fixes it at ${rule.model}`,
            `save samples of ${formatShape(expected())} (resize or crop them to the model's input size)`,
          );
        }
        if (rule?.flag !== undefined) {
          throw new BadInputError(
            msg`${where}: sample dim ${k + 1}${axisName} of input '${input.name}' is ${size}, but ${opt('input-shapes')} says ${rule.flag}`,
            msg`make ${opt('input-shapes')} match the data (${input.name}:${[1, ...sample].join('x')}) or the data match it`,
          );
        }
        throw new BadInputError(
          msg`${where}: sample dim ${k + 1}${axisName} of input '${input.name}' is ${size}, but it is ${want} in ${firstSeen[k]}; quantgate batches samples, so they must all have one size`,
          `make every sample of '${input.name}' the same size along dim ${k + 1} (resize, crop or pad them)`,
        );
      }
      if (want === undefined) {
        resolved[k] = size;
        firstSeen[k] = describeLocation(array.location);
      }
    });
  }
  const sampleDims = resolved.map((d) => d!);
  bindSymbols(input, rules ?? [], sampleDims, context);
  return { sampleDims, counts };
}

/** A symbol shared by several inputs (seq_len in input_ids and attention_mask) takes one size. */
function bindSymbols(input: ModelInput, rules: AxisRule[], sampleDims: number[], context: FitContext): void {
  rules.forEach((rule, k) => {
    if (typeof rule.model !== 'string') return;
    const size = sampleDims[k]!;
    const seen = context.symbols.get(rule.model);
    if (!seen) {
      context.symbols.set(rule.model, { size, where: `input '${input.name}'` });
    } else if (seen.size !== size) {
      throw new BadInputError(
        msg`${context.what}: the model's dim '${rule.model}' is ${seen.size} in ${seen.where} but ${size} in input '${input.name}'; one symbol takes one size in a run`,
        `give every input sharing '${rule.model}' the same size along it`,
      );
    }
  });
}

function dataTypeError(input: ModelInput, wrong: readonly FoundArray[], what: Label): BadInputError {
  const first = wrong[0]!;
  const want = dtypeName(input.dataType);
  const have = dtypeName(first.dataType);
  const noun = first.location.kind === 'npy' ? 'file' : 'array';
  const others = wrong.length > 1 ? ` (and ${wrong.length - 1} more ${wrong.length === 2 ? noun : `${noun}s`})` : '';
  const problem = msg`${what} ${describeLocation(first.location)}${others} holds ${have} values, but the model's input '${input.name}' takes ${want}`;
  const target = numpyType(input.dataType);
  if (!target) return new BadInputError(problem, `numpy has no ${want} type: feed ${want} through another form, or re-export the model with a ${have} input`);
  const transform = `a.astype(${target})`;
  const folders = new Set(wrong.map((a) => (a.location.kind === 'npy' ? dirname(a.location.path) : '')));
  const folder = [...folders][0];
  const command = wrong.length > 1 && folders.size === 1 && folder ? rewriteFolderCommand(folder, transform) : rewriteCommand(first.location, transform);
  return new BadInputError(problem, `convert it to ${want} (${'.astype(' + target + ')'}): ${command}`);
}

/** Bytes one sample of an input takes. */
export function sampleBytes(dataType: number, sampleDims: readonly number[]): number {
  return sampleDims.reduce((a, b) => a * b, 1) * itemSize(dataType);
}
