/** In-memory data sets for tests that need calibration or evaluation samples. */
import type { Batch, DataSet } from '../../src/data/types.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { seeded } from './models.ts';

/** `count` samples of shape `sampleDims` for input `name`, N(0,1)·scale + shift, from a seed. */
export function randomFloatDataSet(name: string, sampleDims: number[], count: number, options: { seed?: number; scale?: number; shift?: number } = {}): DataSet {
  const random = seeded(options.seed ?? 1);
  const per = sampleDims.reduce((a, b) => a * b, 1);
  const values = new Float32Array(per * count);
  for (let i = 0; i < values.length; i += 2) {
    // Box-Muller: two normals from two uniforms.
    const u = Math.max(random(), 1e-12);
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    values[i] = r * Math.cos(2 * Math.PI * v) * (options.scale ?? 1) + (options.shift ?? 0);
    if (i + 1 < values.length) values[i + 1] = r * Math.sin(2 * Math.PI * v) * (options.scale ?? 1) + (options.shift ?? 0);
  }
  return arrayDataSet(name, sampleDims, values, count);
}

/** A data set over one float32 array holding `count` samples back to back. */
export function arrayDataSet(name: string, sampleDims: number[], values: Float32Array, count: number, random = false): DataSet {
  const per = sampleDims.reduce((a, b) => a * b, 1);
  return {
    description: `test data: ${count} samples of ${sampleDims.join('x')}`,
    count,
    random,
    inputs: [{ name, dataType: DataType.FLOAT, sampleDims }],
    async *batches(size: number): AsyncIterable<Batch> {
      for (let start = 0; start < count; start += size) {
        const n = Math.min(size, count - start);
        yield { start, size: n, feeds: { [name]: { dataType: DataType.FLOAT, dims: [n, ...sampleDims], data: values.subarray(start * per, (start + n) * per) } } };
      }
    },
  } as DataSet;
}
