/**
 * Generated samples for a model given no calibration data: floats N(0, 1) (float16 and bfloat16
 * inputs get their own bits), integers uniform in a range, bools random. Each input draws from its
 * own stream of one seed, in sample order, so sample i is the same whatever the batch size and
 * the same seed gives the same bytes. Reports say loudly that such data was used (`random`).
 */
import { BadInputError } from '../errors.js';
import { msg, setting } from '../message.js';
import { DataType, dtypeName } from '../model/dtypes.js';
import { floatToHalf } from '../model/tensor.js';
import { formatShape, type TensorSignature } from '../model/signature.js';
import { columnDataSet, type Column, type Cursor } from './column.js';
import { Rng } from '../random.js';
import { checkInputShapes, inputShapesExample, modelInputs, type ModelInput } from './shapes.js';
import type { DataSet } from './types.js';

export interface RandomDataOptions {
  count: number;
  seed: number;
  /** `--input-shapes`: sizes for symbolic dims (the model's inputs by name, batch first). */
  inputShapes?: Record<string, number[]>;
  /** Integers are drawn from [low, high); default [0, 100). */
  intRange?: [number, number];
}

export const DEFAULT_INT_RANGE: [number, number] = [0, 100];

const INT_LIMITS: Partial<Record<number, [number, number]>> = {
  [DataType.INT8]: [-(2 ** 7), 2 ** 7 - 1],
  [DataType.UINT8]: [0, 2 ** 8 - 1],
  [DataType.INT16]: [-(2 ** 15), 2 ** 15 - 1],
  [DataType.UINT16]: [0, 2 ** 16 - 1],
  [DataType.INT32]: [-(2 ** 31), 2 ** 31 - 1],
  [DataType.UINT32]: [0, 2 ** 32 - 1],
  [DataType.INT64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  [DataType.UINT64]: [0, Number.MAX_SAFE_INTEGER],
};

export function randomDataSet(signatures: readonly TensorSignature[], options: RandomDataOptions): DataSet {
  const { count, seed } = options;
  const inputShapes = options.inputShapes ?? {};
  const intRange = options.intRange ?? DEFAULT_INT_RANGE;
  if (!Number.isInteger(count) || count < 1) throw new BadInputError(`random data needs at least one sample; ${count} were asked for`, 'ask for one or more samples');
  const [low, high] = intRange;
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || low >= high) {
    throw new BadInputError(`the integer range for random data [${low}, ${high}) is not a range of whole numbers`, 'give two whole numbers, low < high (high excluded)');
  }
  const inputs = modelInputs(signatures);
  checkInputShapes(inputs, inputShapes);

  const unsized = inputs.filter((input) => randomSampleDims(input, inputShapes) === undefined);
  if (unsized.length > 0) {
    const first = unsized[0]!;
    const flag = setting('input-shapes', unsized.map(inputShapesExample).join(','));
    throw new BadInputError(
      `input '${first.name}' (${formatShape(first.shape)}) has ${first.shape === null ? 'no shape in the model' : 'symbolic dims other than batch'}, and there is no data to size ${unsized.length > 1 ? `it and ${unsized.length - 1} more` : 'it'}`,
      msg`give the sizes: ${flag} (replace the capitalized names by sizes), or give calibration data`,
    );
  }

  const columns = inputs.map((input, stream): Column => {
    const sampleDims = randomSampleDims(input, inputShapes)!;
    checkIntRange(input, intRange);
    return { name: input.name, dataType: input.dataType, sampleDims, open: () => randomCursor(input.dataType, seed, stream, intRange) };
  });
  const integers = inputs.some((i) => INT_LIMITS[i.dataType]) ? `, integers in [${low}, ${high})` : '';
  return columnDataSet(`random data: ${count} samples (seed ${seed}): floats N(0,1)${integers}`, count, columns, true);
}

/** A sample's dims from the model's fixed dims and --input-shapes; undefined where some are unknown. */
function randomSampleDims(input: ModelInput, inputShapes: Record<string, number[]>): number[] | undefined {
  const flag = inputShapes[input.name];
  if (flag) return flag.slice(1);
  if (input.shape === null) return undefined;
  const dims = input.shape.slice(1);
  return dims.every((d): d is number => typeof d === 'number') ? dims : undefined;
}

function checkIntRange(input: ModelInput, [low, high]: [number, number]): void {
  const limits = INT_LIMITS[input.dataType];
  if (limits && (low < limits[0] || high - 1 > limits[1])) {
    throw new BadInputError(
      `the integer range for random data [${low}, ${high}) does not fit input '${input.name}', which is ${dtypeName(input.dataType)} ([${limits[0]}, ${limits[1]}])`,
      `give a range within ${dtypeName(input.dataType)}, e.g. [0, ${Math.min(100, limits[1] + 1)})`,
    );
  }
}

function randomCursor(dataType: number, seed: number, stream: number, [low, high]: [number, number]): Cursor {
  const rng = new Rng(seed, stream);
  return {
    async read(_first, _count, target) {
      fill(dataType, rng, target, low, high);
    },
    async close() {},
  };
}

/** Fills `target` with the next values of `rng` for a tensor of `dataType`. */
function fill(dataType: number, rng: Rng, target: Uint8Array, low: number, high: number): void {
  const view = <T>(ctor: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number }) =>
    new ctor(target.buffer as ArrayBuffer, target.byteOffset, target.byteLength / ctor.BYTES_PER_ELEMENT);
  switch (dataType) {
    case DataType.FLOAT:
      return fillWith(view(Float32Array), () => rng.normal());
    case DataType.DOUBLE:
      return fillWith(view(Float64Array), () => rng.normal());
    case DataType.FLOAT16:
      return fillWith(view(Uint16Array), () => floatToHalf(rng.normal()));
    case DataType.BFLOAT16:
      return fillWith(view(Uint16Array), () => floatToBfloat16(rng.normal()));
    case DataType.BOOL:
      return fillWith(target, () => rng.nextUint32() & 1);
    case DataType.INT8:
      return fillWith(view(Int8Array), () => rng.integer(low, high));
    case DataType.UINT8:
      return fillWith(target, () => rng.integer(low, high));
    case DataType.INT16:
      return fillWith(view(Int16Array), () => rng.integer(low, high));
    case DataType.UINT16:
      return fillWith(view(Uint16Array), () => rng.integer(low, high));
    case DataType.INT32:
      return fillWith(view(Int32Array), () => rng.integer(low, high));
    case DataType.UINT32:
      return fillWith(view(Uint32Array), () => rng.integer(low, high));
    case DataType.INT64: {
      const values = view(BigInt64Array);
      for (let i = 0; i < values.length; i++) values[i] = BigInt(rng.integer(low, high));
      return;
    }
    case DataType.UINT64: {
      const values = view(BigUint64Array);
      for (let i = 0; i < values.length; i++) values[i] = BigInt(rng.integer(low, high));
      return;
    }
    default:
      throw new Error(`no random values for ${dtypeName(dataType)}`);
  }
}

function fillWith(values: { length: number; [i: number]: number }, next: () => number): void {
  for (let i = 0; i < values.length; i++) values[i] = next();
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** A number to bfloat16 bits, rounding to nearest even. */
function floatToBfloat16(value: number): number {
  f32[0] = value;
  const bits = u32[0]!;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

