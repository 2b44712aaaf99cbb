// The rules that match data to a model's inputs (shapes.ts), table-driven: which arrays fit, what
// per-sample shape results, and the message and fix for each that does not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkInputShapes, fitInput, modelInputs, newFitContext, type FoundArray, type ModelInput } from '../../src/data/shapes.ts';
import { DataType, expectBadInput, signature } from '../fixtures/data/helpers.ts';

const image: ModelInput = { name: 'input', dataType: DataType.FLOAT, shape: ['batch', 3, 'height', 'width'] };
const fixed: ModelInput = { name: 'input', dataType: DataType.FLOAT, shape: [1, 3, 8, 8] };
const unknownRank: ModelInput = { name: 'input', dataType: DataType.FLOAT, shape: null };

function npy(path: string, dims: number[], dataType: number = DataType.FLOAT): FoundArray {
  return { location: { kind: 'npy', path }, dataType, dims };
}

describe('fitInput: arrays that fit', () => {
  const cases: { name: string; input: ModelInput; arrays: FoundArray[]; inputShapes?: Record<string, number[]>; sampleDims: number[]; counts: number[] }[] = [
    { name: 'a batch along axis 0', input: image, arrays: [npy('a.npy', [5, 3, 4, 6])], sampleDims: [3, 4, 6], counts: [5] },
    { name: 'one sample (rank one lower)', input: image, arrays: [npy('a.npy', [3, 4, 6])], sampleDims: [3, 4, 6], counts: [1] },
    { name: 'batches and samples mixed', input: image, arrays: [npy('a.npy', [2, 3, 4, 6]), npy('b.npy', [3, 4, 6]), npy('c.npy', [0, 3, 4, 6])], sampleDims: [3, 4, 6], counts: [2, 1, 0] },
    { name: 'a fixed batch dim of 1 takes batches of any size', input: fixed, arrays: [npy('a.npy', [7, 3, 8, 8])], sampleDims: [3, 8, 8], counts: [7] },
    { name: 'symbolic dims sized by --input-shapes', input: image, arrays: [npy('a.npy', [2, 3, 5, 5])], inputShapes: { input: [1, 3, 5, 5] }, sampleDims: [3, 5, 5], counts: [2] },
    { name: 'an input of unknown rank: axis 0 is the batch', input: unknownRank, arrays: [npy('a.npy', [4, 2, 2]), npy('b.npy', [2, 2])], sampleDims: [2, 2], counts: [4, 1] },
    { name: 'unknown rank given by --input-shapes', input: unknownRank, arrays: [npy('a.npy', [2, 2])], inputShapes: { input: [1, 2, 2] }, sampleDims: [2, 2], counts: [1] },
    { name: 'a 1-D input: scalars are samples', input: { name: 'input', dataType: DataType.INT64, shape: ['batch'] }, arrays: [npy('a.npy', [6], DataType.INT64), npy('b.npy', [], DataType.INT64)], sampleDims: [], counts: [6, 1] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const fitted = fitInput(c.input, c.arrays, newFitContext('--calibration-data', c.inputShapes));
      assert.deepEqual(fitted, { sampleDims: c.sampleDims, counts: c.counts });
    });
  }
});

describe('fitInput: arrays that do not fit', () => {
  const cases: { name: string; input: ModelInput; arrays: FoundArray[]; inputShapes?: Record<string, number[]>; names: string; problem: RegExp; fix: RegExp }[] = [
    {
      name: 'float64 data for a float32 input',
      input: image,
      arrays: [npy('data/a.npy', [1, 3, 4, 4], DataType.DOUBLE)],
      names: 'data/a.npy',
      problem: /holds float64 values, but the model's input 'input' takes float32/,
      fix: /\.astype\(np\.float32\).*np\.save\('data\/a\.npy'/,
    },
    {
      name: 'several files of the wrong type: one command for the folder',
      input: image,
      arrays: [npy('data/a.npy', [1, 3, 4, 4]), npy('data/b.npy', [1, 3, 4, 4], DataType.DOUBLE), npy('data/c.npy', [1, 3, 4, 4], DataType.DOUBLE)],
      names: 'data/b.npy (and 1 more file)',
      problem: /holds float64/,
      fix: /glob\.glob\('data\/\*\.npy'\)/,
    },
    {
      name: 'int32 data for an int64 input, in an npz',
      input: { name: 'ids', dataType: DataType.INT64, shape: ['batch', 'seq'] },
      arrays: [{ location: { kind: 'npz', path: 'd.npz', key: 'ids' }, dataType: DataType.INT32, dims: [2, 8] }],
      names: "d.npz, array 'ids'",
      problem: /holds int32 values, but the model's input 'ids' takes int64/,
      fix: /d\['ids'\] = a\.astype\(np\.int64\); np\.savez\('d\.npz', \*\*d\)/,
    },
    { name: 'rank two lower', input: image, arrays: [npy('a.npy', [4, 4])], names: 'a.npy', problem: /shape 4×4 does not fit input 'input' \(batch×3×height×width\), which takes N×3×height×width \(a batch\) or 3×height×width \(one sample\)/, fix: /save arrays of N×3×height×width/ },
    { name: 'rank one higher than a batch', input: image, arrays: [npy('a.npy', [1, 1, 3, 4, 4])], names: 'a.npy', problem: /does not fit/, fix: /N×3×height×width/ },
    { name: 'a fixed dim that differs', input: fixed, arrays: [npy('a.npy', [2, 3, 8, 9])], names: 'a.npy', problem: /sample dim 3 is 9, the model fixes it at 8/, fix: /save samples of 3×8×8/ },
    { name: 'channels first expected, channels last given', input: fixed, arrays: [npy('a.npy', [2, 8, 8, 3])], names: 'a.npy', problem: /sample dim 1 is 8, the model fixes it at 3/, fix: /3×8×8/ },
    {
      name: 'samples that disagree on a symbolic dim',
      input: image,
      arrays: [npy('a.npy', [1, 3, 4, 4]), npy('b.npy', [1, 3, 4, 5])],
      names: 'b.npy',
      problem: /sample dim 3 \('width'\) of input 'input' is 5, but it is 4 in a\.npy/,
      fix: /same size along dim 3/,
    },
    {
      name: 'data that disagrees with --input-shapes',
      input: image,
      arrays: [npy('a.npy', [1, 3, 4, 4])],
      inputShapes: { input: [1, 3, 4, 6] },
      names: 'a.npy',
      problem: /sample dim 3 \('width'\) of input 'input' is 4, but --input-shapes says 6/,
      fix: /--input-shapes match the data \(input:1x3x4x4\)/,
    },
    { name: 'a scalar for an input of unknown rank', input: unknownRank, arrays: [npy('a.npy', [])], names: 'a.npy', problem: /a scalar/, fix: /--input-shapes input:/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await expectBadInput(() => fitInput(c.input, c.arrays, newFitContext('--calibration-data', c.inputShapes)), { names: c.names, problem: c.problem, fix: c.fix });
    });
  }

  it('a symbol shared by two inputs takes one size', async () => {
    const context = newFitContext('--calibration-data');
    const ids: ModelInput = { name: 'ids', dataType: DataType.INT64, shape: ['batch', 'seq'] };
    const mask: ModelInput = { name: 'mask', dataType: DataType.INT64, shape: ['batch', 'seq'] };
    fitInput(ids, [{ location: { kind: 'npz', path: 'd.npz', key: 'ids' }, dataType: DataType.INT64, dims: [2, 16] }], context);
    await expectBadInput(() => fitInput(mask, [{ location: { kind: 'npz', path: 'd.npz', key: 'mask' }, dataType: DataType.INT64, dims: [2, 12] }], context), {
      names: '--calibration-data',
      problem: /dim 'seq' is 16 in input 'ids' but 12 in input 'mask'/,
      fix: /same size/,
    });
  });
});

describe('checkInputShapes: --input-shapes against the model', () => {
  const inputs = modelInputs([signature('input', 'float32', ['batch', 3, 'h', 'w']), signature('mask', 'int64', [1, 'h'])]);
  it('accepts whole shapes that keep the fixed dims', () => {
    checkInputShapes(inputs, { input: [8, 3, 224, 224], mask: [1, 224] });
  });
  const cases: { name: string; shapes: Record<string, number[]>; problem: RegExp; fix: RegExp }[] = [
    { name: 'an unknown input name', shapes: { imput: [1, 3, 2, 2] }, problem: /names 'imput', which is not an input of the model \(its inputs: 'input', 'mask'\)/, fix: /--input-shapes input:1x3xHxW,mask:1xH/ },
    { name: 'a shape without the batch dim', shapes: { input: [3, 224, 224] }, problem: /gives 'input' 3 dims \(3×224×224\), but the model's input is batch×3×h×w \(4 dims\)/, fix: /batch first: --input-shapes input:1x3xHxW/ },
    { name: 'a fixed dim changed', shapes: { input: [1, 1, 224, 224] }, problem: /the model fixes dim 1 of batch×3×h×w at 3/, fix: /input:1x3xHxW/ },
    { name: 'a fixed batch dim changed', shapes: { mask: [4, 10] }, problem: /fixes dim 0 of 1×h at 1/, fix: /mask:1xH/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await expectBadInput(() => checkInputShapes(inputs, c.shapes), { names: '--input-shapes', problem: c.problem, fix: c.fix });
    });
  }
});

describe('modelInputs: inputs data can feed', () => {
  it('takes numeric tensors, with ONNX element type numbers', () => {
    assert.deepEqual(
      modelInputs([signature('a', 'float16', [1]), signature('b', 'bool', null)]).map((i) => i.dataType),
      [DataType.FLOAT16, DataType.BOOL],
    );
  });
  for (const [dtype, shape] of [['string', [1]], ['sequence<float32>', null], ['complex64', [1]]] as const) {
    it(`refuses a ${dtype} input`, async () => {
      await expectBadInput(() => modelInputs([signature('x', dtype, shape === null ? null : [...shape])]), { names: "input 'x'", problem: new RegExp(`is ${dtype.replace(/[<>]/g, '.')}; quantgate feeds numeric tensors only`), fix: /export the model/ });
    });
  }
  it('refuses a scalar input: no batch axis', async () => {
    await expectBadInput(() => modelInputs([signature('t', 'float32', [])]), { names: "input 't'", problem: /scalar/, fix: /batch axis/ });
  });
});
