/**
 * TensorRT as a backend (see ../backend.ts). The native addon that builds and runs engines is not
 * part of this version, so this registration is always unavailable: its rows (INT8 at each batch
 * size) are skipped rows carrying availability.ts's reason, which tells "no TensorRT on this
 * runner" from "quantgate cannot use it yet". `open` and `prime` refuse with that reason; the
 * pipeline never calls them for a backend that is not available.
 *
 * The addon's backend replaces this file: availability from the addon's capabilities(), its
 * variants (INT8, INT8 + FP16, FP16 and FP32 engines), `open` returning a runner over an engine
 * (built in `load()`, cached under `outDir`), `timeRound` with CUDA events, `usesDevice` true.
 */
import type { Availability, Backend, RowPlan, RowRequest } from '../backend.js';
import { tensorRtAvailability } from './library-search.js';

let available: Promise<Availability> | undefined;

function check(): Promise<Availability> {
  available ??= tensorRtAvailability().then((a) => ({
    available: a.available,
    reason: a.reason,
    fix: a.available ? null : 'run on a GPU runner with TensorRT installed',
  }));
  return available;
}

async function refuse(): Promise<never> {
  const { reason } = await check();
  throw new Error(`TensorRT cannot run here: ${reason ?? 'unknown reason'}`);
}

export const tensorRtBackend: Backend = {
  name: 'tensorrt',
  title: 'TensorRT',

  availability: check,

  async planRows(request: RowRequest): Promise<RowPlan[]> {
    const { reason } = await check();
    return request.batchSizes.map((batch) => ({ provider: 'tensorrt', variant: 'int8.trt', batch, timed: true, skip: reason }));
  },

  open() {
    throw new Error('TensorRT runners need the native addon, which this version does not build');
  },

  prime: refuse,

  usesDevice() {
    return true;
  },
};
