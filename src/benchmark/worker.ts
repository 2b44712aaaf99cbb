/**
 * The benchmark worker: a child process that holds one session and nothing else, so that its
 * RSS is that session's and its timing is not disturbed by another session's threads. Started
 * by worker-client.ts (from source through tsx, or as dist/benchmark-worker.js from the bundle);
 * it answers the requests of protocol.ts one at a time and exits after `dispose` or when its
 * parent goes away.
 */
import type { HostTensor } from '../data/types.js';
import { loadOrt } from '../runtime/onnxruntime.js';
import { OnnxRuntimeRunner, type BoundRun } from '../runtime/onnxruntime-runner.js';
import { probeModelBytes } from '../runtime/providers.js';
import { executionProviders } from '../runtime/session-options.js';
import type { WorkerReplies, WorkerReply, WorkerRequest, WorkerRequests, WorkerSession } from './protocol.js';
import { currentRssBytes, peakRssBytes, resetPeakRss } from './rss.js';
import { timeRound, warmUp } from './timing.js';

let runner: OnnxRuntimeRunner | undefined;
let bound: BoundRun | undefined;
let mark: { rssBeforeBytes: number; peakSinceMark: boolean } | undefined;

async function initDevice({ provider }: WorkerRequests['init-device']): Promise<WorkerReplies['init-device']> {
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(probeModelBytes(), { executionProviders: executionProviders(provider) });
  await session.release();
  return {};
}

async function load({ session, feeds }: { session: WorkerSession; feeds: Record<string, HostTensor> }): Promise<WorkerReplies['load']> {
  if (runner) throw new Error('this worker already holds a session');
  // ONNX Runtime itself (its library's pages, its environment and thread pools) is not this
  // session's memory: bring it up on a one-node model before the mark.
  await primeRuntime();
  const peakSinceMark = resetPeakRss();
  mark = { rssBeforeBytes: currentRssBytes(), peakSinceMark };
  runner = new OnnxRuntimeRunner(session);
  const info = await runner.load();
  bound = runner.bind(feeds);
  return { loadMs: info.loadMs, inputNames: info.inputNames, outputNames: info.outputNames, settings: runner.settings };
}

async function primeRuntime(): Promise<void> {
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(probeModelBytes(), { executionProviders: ['cpu'] });
  await session.run({ x: new ort.Tensor('float32', new Float32Array(1), [1]) });
  await session.release();
}

function needBound(): BoundRun {
  if (!bound) throw new Error('no session loaded in this worker');
  return bound;
}

async function handle(request: WorkerRequest): Promise<WorkerReplies[WorkerRequest['type']]> {
  switch (request.type) {
    case 'init-device':
      return initDevice(request);
    case 'load':
      return load(request);
    case 'warmup': {
      const start = process.hrtime.bigint();
      const iterations = await warmUp(needBound(), request.ms);
      return { iterations, ms: Number(process.hrtime.bigint() - start) / 1e6 };
    }
    case 'round':
      return timeRound(needBound(), request.minIterations, request.minMs);
    case 'memory':
      if (!mark) throw new Error('no session loaded in this worker');
      return { rssBeforeBytes: mark.rssBeforeBytes, peakRssBytes: peakRssBytes(), peakSinceMark: mark.peakSinceMark };
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
      await send({ id: request.id, ok: false, error: { name: e.name, message: e.message } });
    }
    if (request.type === 'dispose') process.disconnect?.();
  });
});
// The parent went away (finished, crashed or was interrupted): nothing is left to do.
process.on('disconnect', () => process.exit(0));
