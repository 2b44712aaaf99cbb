/**
 * The benchmark worker: a child process that holds one runner and nothing else, so that its
 * RSS is that runner's and its timing is not disturbed by another session's threads. Started
 * by worker-client.ts (from source through tsx, or as dist/benchmark-worker.js from the bundle);
 * it answers the requests of protocol.ts one at a time, asking the backend registry for the
 * backend each names, and exits after `dispose` or when its parent goes away.
 */
import { BadInputError } from '../errors.js';
import { backendNamed } from '../runtime/registry.js';
import type { BoundRun, Runner } from '../runtime/types.js';
import type { WorkerReplies, WorkerReply, WorkerRequest, WorkerRequests } from './protocol.js';
import type { NativePowerSampler } from '../runtime/tensorrt/binding.js';
import { sampled } from '../runtime/tensorrt/power.js';
import { gpuPowerMeter } from './gpu-power.js';
import { currentRssBytes, peakRssBytes, resetPeakRss } from './rss.js';
import { timeRound, warmUp } from './timing.js';

let runner: Runner | undefined;
let bound: BoundRun | undefined;
let primed = false;
let mark: { rssBeforeBytes: number; peakSinceMark: boolean } | undefined;
/** GPU rows: NVML sampled during each timed round. */
let sampler: NativePowerSampler | null = null;

async function prime({ backend, provider }: WorkerRequests['prime']): Promise<WorkerReplies['prime']> {
  await backendNamed(backend).prime(provider);
  primed = true;
  return {};
}

async function load({ backend, open, feeds }: WorkerRequests['load']): Promise<WorkerReplies['load']> {
  if (runner) throw new Error('this worker already holds a runner');
  // The runtime itself (its library's pages, environment and thread pools) is not this model's
  // memory: bring it up before the mark.
  if (!primed) await prime({ backend, provider: open.provider });
  const peakSinceMark = resetPeakRss();
  mark = { rssBeforeBytes: currentRssBytes(), peakSinceMark };
  const chosen = backendNamed(backend);
  runner = chosen.open(open);
  const info = await runner.load();
  bound = runner.bind(feeds);
  let power: WorkerReplies['load']['power'] = null;
  if (chosen.usesDevice(open.provider)) {
    const meter = gpuPowerMeter();
    sampler = meter.sampler;
    power = { sampling: meter.sampler !== null, reason: meter.reason };
  }
  return { loadMs: info.loadMs, inputNames: info.inputNames, outputNames: info.outputNames, settings: runner.settings, power };
}

/** One timed round, by the runner's own clock where it has one (TensorRT: CUDA events), with the GPU's power during it. */
async function round({ minIterations, minMs }: WorkerRequests['round']): Promise<WorkerReplies['round']> {
  const { runner, bound } = loaded();
  const time = () => (runner.timeRound ? runner.timeRound(minIterations, minMs) : timeRound(bound, minIterations, minMs));
  if (!sampler) return { ...(await time()), power: null };
  const { value, trace } = await sampled(sampler, time);
  return { ...value, power: trace };
}

function loaded(): { runner: Runner; bound: BoundRun } {
  if (!runner || !bound) throw new Error('no runner loaded in this worker');
  return { runner, bound };
}

async function handle(request: WorkerRequest): Promise<WorkerReplies[WorkerRequest['type']]> {
  switch (request.type) {
    case 'prime':
      return prime(request);
    case 'load':
      return load(request);
    case 'warmup': {
      const start = process.hrtime.bigint();
      const iterations = await warmUp(loaded().bound, request.ms);
      return { iterations, ms: Number(process.hrtime.bigint() - start) / 1e6 };
    }
    case 'round':
      return round(request);
    case 'memory':
      if (!mark) throw new Error('no runner loaded in this worker');
      return { rssBeforeBytes: mark.rssBeforeBytes, peakRssBytes: peakRssBytes(), peakSinceMark: mark.peakSinceMark, runnerDeviceMB: runner?.deviceMemoryMB?.() ?? null };
    case 'dispose':
      await runner?.dispose();
      runner = undefined;
      bound = undefined;
      return {};
  }
}

const send = (reply: WorkerReply) => new Promise<void>((resolve) => process.send!(reply, undefined, undefined, () => resolve()));

if (!process.send) {
  process.stderr.write('the benchmark worker runs as a child process of quantgate (child_process.fork with an IPC channel)\n');
  process.exit(2);
}

let queue = Promise.resolve();
process.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      await send({ id: request.id, ok: true, result: await handle(request) });
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      // Bad input (out of GPU memory, a model the runtime refuses) keeps its fix across the process boundary.
      const message = e instanceof BadInputError ? `${e.message} (fix: ${e.fix})` : e.message;
      await send({ id: request.id, ok: false, error: { name: e.name, message } });
    }
    if (request.type === 'dispose') process.disconnect?.();
  });
});
// The parent went away (finished, crashed or was interrupted): nothing is left to do.
process.on('disconnect', () => process.exit(0));
