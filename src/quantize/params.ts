/**
 * The arithmetic of INT8 quantization: scales and zero points of activations, per-channel weight
 * quantization, int32 biases. Rounding is half to even (numpy's and ONNX's QuantizeLinear's),
 * values saturate at the type's limits.
 */

/** Round half to even, as QuantizeLinear does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds .5 up; step back to the even neighbour on exact halves.
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export type ActivationType = 'int8' | 'uint8';

export interface ActivationParams {
  type: ActivationType;
  scale: number;
  zeroPoint: number;
}

/** Smallest scale written: a zero range (a tensor that is always 0) still needs a positive scale. */
const MIN_SCALE = 1e-8;

function safeScale(scale: number): number {
  return Number.isFinite(scale) && scale > MIN_SCALE ? Math.fround(scale) : 1;
}

/** Symmetric int8 (zero point 0), as TensorRT requires: scale = amax / 127. */
export function symmetricInt8(amax: number): ActivationParams {
  return { type: 'int8', scale: safeScale(amax / 127), zeroPoint: 0 };
}

/**
 * Asymmetric uint8 over [lo, hi], widened to include 0 (so that 0, padding's value, is exact),
 * as ONNX Runtime's CPU kernels expect: scale = (hi - lo) / 255, zero point = round(-lo / scale).
 */
export function asymmetricUint8(lo: number, hi: number): ActivationParams {
  const min = Math.min(lo, 0);
  const max = Math.max(hi, 0);
  const scale = safeScale((max - min) / 255);
  const zeroPoint = Math.min(255, Math.max(0, roundHalfEven(-min / scale)));
  return { type: 'uint8', scale, zeroPoint };
}

export interface WeightQuantization {
  /** Per output channel (length 1 for per-tensor). */
  scales: Float32Array;
  values: Int8Array;
  axis: number;
}

/**
 * Symmetric per-channel quantization of a weight tensor along `axis`: scale = max|w| / qmax per
 * channel, values round(w / scale) in [-qmax, qmax]. qmax is 127 for int8, 64 for ONNX Runtime's
 * 7-bit weights (reduce_range), which keep x86's u8×s8 pair sums inside int16.
 */
export function quantizeWeightsPerChannel(weights: Float32Array, dims: readonly number[], axis: number, qmax: number): WeightQuantization {
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = weights.length / (channels * inner);
  const amax = new Float64Array(channels);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      let m = amax[c]!;
      for (let k = 0; k < inner; k++) {
        const a = Math.abs(weights[base + k]!);
        if (a > m) m = a;
      }
      amax[c] = m;
    }
  }
  const scales = Float32Array.from(amax, (m) => safeScale(m / qmax));
  const values = new Int8Array(weights.length);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      const inverse = scales[c]!;
      for (let k = 0; k < inner; k++) {
        const q = roundHalfEven(weights[base + k]! / inverse);
        values[base + k] = q > qmax ? qmax : q < -qmax ? -qmax : q;
      }
    }
  }
  return { scales, values, axis };
}

/** Per-tensor symmetric quantization (a constant operand without an output-channel axis). */
export function quantizeWeightsPerTensor(weights: Float32Array, qmax: number): WeightQuantization {
  return { ...quantizeWeightsPerChannel(weights, [1, weights.length], 0, qmax), axis: 0 };
}

/**
 * An int32 bias for ONNX Runtime's integer kernels: scale per channel = input scale × weight
 * scale, zero point 0, values saturated to int32.
 */
export function quantizeBias(bias: Float32Array, inputScale: number, weightScales: Float32Array): { values: Int32Array; scales: Float32Array } {
  const scales = new Float32Array(bias.length);
  const values = new Int32Array(bias.length);
  for (let c = 0; c < bias.length; c++) {
    // Both factors are float32 in the model; their product is rounded to float32 as ONNX Runtime does.
    const s = Math.fround(Math.fround(inputScale) * weightScales[weightScales.length === 1 ? 0 : c]!);
    scales[c] = s > 0 ? s : 1;
    const q = roundHalfEven(bias[c]! / scales[c]!);
    values[c] = Math.max(-2147483648, Math.min(2147483647, q));
  }
  return { values, scales };
}
