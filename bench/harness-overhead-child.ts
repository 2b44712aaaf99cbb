// One side of bench/harness-overhead.ts, in a fresh process; prints one JSON line.
//
//   same-session MODEL BLOCKS BLOCK_MS: one session, warmed up for 1 s; then BLOCKS pairs of
//     blocks of the same iteration count, a bare `await session.run(feeds)` loop timed as a whole
//     and the harness's own timed loop (timeRound over OnnxRuntimeRunner.bind), in ABBA order.
//   bare MODEL WARMUP_MS MIN_ITERATIONS MIN_MS: what a person would write without quantgate:
//     warm-up, then a tight loop timed as a whole, for the same minimums the harness uses.
import { timeRound, warmUp } from '../src/benchmark/timing.ts';
import type { HostTensor } from '../src/data/types.ts';
import { readModel } from '../src/model/read.ts';
import { modelSignature } from '../src/model/signature.ts';
import { dataTypeFromName } from '../src/model/dtypes.ts';
import { OnnxRuntimeRunner } from '../src/runtime/onnxruntime/runner.ts';

const [mode, modelPath, a, b, c] = process.argv.slice(2);
if (!mode || !modelPath) throw new Error('usage: harness-overhead-child.ts same-session|bare MODEL ...');

/** Batch-1 inputs for the model: symbolic dims become 1, values are a fixed pattern. */
function inputsFor(path: string): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  for (const input of modelSignature(readModel(path).proto).inputs) {
    const dims = (input.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
    const dataType = dataTypeFromName(input.dtype);
    if (dataType !== 1) throw new Error(`input ${input.name} is ${input.dtype}; this bench feeds float32 only`);
    const size = dims.reduce((n, d) => n * d, 1);
    feeds[input.name] = { dataType, dims, data: Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 255) / 255 - 0.5) };
  }
  return feeds;
}

const hr = () => process.hrtime.bigint();
const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;

const runner = new OnnxRuntimeRunner({ modelPath, provider: 'cpu' });
await runner.load();
const session = runner.session!;
const hostFeeds = inputsFor(modelPath);
const bound = runner.bind(hostFeeds);
// The bare loop's own tensors, made the way onnxruntime-node's examples make them.
const { loadOrt } = await import('../src/runtime/onnxruntime/load.ts');
const ort = await loadOrt();
const bareFeeds = Object.fromEntries(Object.entries(hostFeeds).map(([name, t]) => [name, new ort.Tensor('float32', t.data as Float32Array, t.dims)]));

async function bareLoop(n: number): Promise<number> {
  const start = hr();
  for (let i = 0; i < n; i++) await session.run(bareFeeds);
  return ms(start, hr()) / n;
}

if (mode === 'same-session') {
  const blocks = Number(a);
  const blockMs = Number(b);
  const warmStart = hr();
  const warmIterations = await warmUp(bound, 1000);
  const perRun = ms(warmStart, hr()) / warmIterations;
  const n = Math.max(5, Math.round(blockMs / perRun));
  const bare: number[] = [];
  const reported: number[] = [];
  const wall: number[] = [];
  const harness = async () => {
    const round = await timeRound(bound, n, 0);
    reported.push(round.samplesMs.reduce((s, x) => s + x, 0) / n);
    wall.push(round.wallMs / n);
  };
  for (let i = 0; i < blocks; i++) {
    if (i % 2 === 0) {
      bare.push(await bareLoop(n));
      await harness();
    } else {
      await harness();
      bare.push(await bareLoop(n));
    }
  }
  console.log(JSON.stringify({ iterationsPerBlock: n, bare, reported, wall }));
} else if (mode === 'bare') {
  const warmupMs = Number(a);
  const minIterations = Number(b);
  const minMs = Number(c);
  const warmDeadline = hr() + BigInt(warmupMs * 1e6);
  do await session.run(bareFeeds);
  while (hr() < warmDeadline);
  // Calibrate the count on the warm-up pace, then one tight loop timed as a whole.
  const probe = await bareLoop(3);
  const n = Math.max(minIterations, Math.ceil(minMs / probe));
  console.log(JSON.stringify({ iterations: n, meanMs: await bareLoop(n) }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
await runner.dispose();
