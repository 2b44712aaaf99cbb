/**
 * What the data stage hands to the rest of the pipeline: batches of host tensors keyed by input
 * name, from a data set that knows its size. Calibration, benchmarking and accuracy all read data
 * through this one interface (ONNX Runtime's CalibrationDataReader idea: a one-method iterator).
 */
import type { TypedArray } from '../model/tensor.js';

/**
 * A tensor in host memory. `dataType` is the ONNX element type number (TensorProto.DataType);
 * `data` holds the values in the typed array of that type (float16/bfloat16 as Uint16Array bit
 * patterns, bool as Uint8Array), C order, little-endian.
 */
export interface HostTensor {
  dataType: number;
  dims: number[];
  data: TypedArray;
}

/** One batch: a tensor per model input, all with `size` along axis 0. */
export interface Batch {
  feeds: Record<string, HostTensor>;
  /** Samples in this batch (the last batch may be smaller). */
  size: number;
  /** Index of the batch's first sample in the data set. */
  start: number;
}

/** What one input of a data set holds per sample, known before any data is read. */
export interface DataSetInput {
  name: string;
  /** ONNX element type number, the model input's own. */
  dataType: number;
  /** One sample's shape: the model input's shape without the batch axis, symbolic dims resolved. */
  sampleDims: number[];
}

export interface DataSet {
  /** For logs and reports: "data/calib: 512 samples from 4 .npy files". */
  readonly description: string;
  /** Number of samples. */
  readonly count: number;
  /** Every model input, in the model's order, with its per-sample shape. */
  readonly inputs: readonly DataSetInput[];
  /** True when the samples were generated (no data given): reports say so loudly. */
  readonly random: boolean;
  /**
   * The samples in order, `batchSize` at a time. May be called more than once (every call starts
   * again from the first sample). Memory stays bounded by one batch where the source allows.
   */
  batches(batchSize: number): AsyncIterable<Batch>;
}

/** Class labels of an evaluation set, in sample order. */
export interface Labels {
  readonly source: string;
  readonly values: Int32Array;
}
