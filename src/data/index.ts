/** The data stage: data sets from files or generated, and labels. */
export { openDataSet, type OpenDataOptions } from './open.js';
export { capCalibrationSamples, firstSamples } from './first-samples.js';
export { randomDataSet, DEFAULT_INT_RANGE, type RandomDataOptions } from './random.js';
export { readLabels, type ReadLabelsOptions } from './labels.js';
export { encodeNpy } from './npy-write.js';
export type { Batch, DataSet, DataSetInput, HostTensor, Labels } from './types.js';
