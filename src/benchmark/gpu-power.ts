/**
 * The GPU power meter of a benchmark worker: the native addon's NVML sampler (the only NVML
 * binding quantgate has), for every row that runs on the GPU, TensorRT's and ONNX Runtime's CUDA
 * and TensorRT providers alike: it watches the GPU, not a runtime. The worker starts it before
 * each timed round and stops it after, so interleaved rows each get their own rounds' samples
 * (power.ts combines them). Without the addon or NVML the row has no power figures, and the
 * reason says why.
 *
 * UNRUN on a GPU through this path (the sampler itself was run on the GPU machine by
 * native/device-check.sh); tested against the fake binding.
 */
import type { NativePowerSampler } from '../runtime/tensorrt/binding.js';
import { loadTensorRtAddon } from '../runtime/tensorrt/load.js';
import { createPowerSampler } from '../runtime/tensorrt/power.js';

export type PowerMeter = { sampler: NativePowerSampler; reason: null } | { sampler: null; reason: string };

let meter: PowerMeter | undefined;

/** This process's meter for CUDA device `device`, made on first use. */
export function gpuPowerMeter(device = 0): PowerMeter {
  if (meter) return meter;
  const load = loadTensorRtAddon();
  if (!load.ok) {
    meter = { sampler: null, reason: `no power figures: ${load.reason.message}` };
  } else {
    const made = createPowerSampler(load.binding, { device });
    meter = 'sampler' in made ? { sampler: made.sampler, reason: null } : { sampler: null, reason: `no power figures: ${made.reason}` };
  }
  return meter;
}
