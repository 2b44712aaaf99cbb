/**
 * The calibration set: the user's (--calibration-data), or generated samples when none is given,
 * which every report then flags loudly: ranges from random inputs rarely match real activations.
 */
import type { QuantizeSettings } from '../config/types.js';
import { capCalibrationSamples, openDataSet, randomDataSet } from '../data/index.js';
import type { DataSet } from '../data/types.js';
import type { Log } from '../log.js';
import { opt } from '../message.js';
import type { TensorSignature } from '../model/signature.js';

export const RANDOM_CALIBRATION_SAMPLES = 32;

export async function calibrationData(settings: QuantizeSettings & { calibrationSamples: number }, inputs: readonly TensorSignature[], log: Log): Promise<DataSet> {
  if (settings.calibrationData) {
    const data = await openDataSet(settings.calibrationData, {
      what: opt('calibration-data'),
      inputs,
      ...(settings.preprocess ? { preprocess: settings.preprocess } : {}),
      inputShapes: settings.inputShapes,
    });
    return capCalibrationSamples(data, settings.calibrationSamples, log);
  }
  if (settings.mode === 'dynamic') {
    log.info(
      `no --calibration-data: dynamic mode quantizes activations at run time; ${RANDOM_CALIBRATION_SAMPLES} random samples only probe the model's tensor types (the TensorRT flavour, which needs calibrated ranges, is not written)`,
    );
    return randomDataSet(inputs, { count: RANDOM_CALIBRATION_SAMPLES, seed: settings.seed, inputShapes: settings.inputShapes, intRange: settings.randomIntRange });
  }
  log.warn(
    `no --calibration-data: calibrating on ${RANDOM_CALIBRATION_SAMPLES} random samples (floats N(0,1), integers in ` +
      `[${settings.randomIntRange.join(', ')})); the INT8 ranges will not match real inputs, so accuracy numbers are not meaningful`,
  );
  return randomDataSet(inputs, { count: RANDOM_CALIBRATION_SAMPLES, seed: settings.seed, inputShapes: settings.inputShapes, intRange: settings.randomIntRange });
}
