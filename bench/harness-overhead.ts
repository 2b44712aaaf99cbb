// The benchmark harness against a bare onnxruntime-node loop, side by side in one run, on a
// sub-millisecond model and on ResNet50 at batch 1 (issue 5's "Done when"):
//
// 1. Overhead per iteration, on one session in one process: blocks of a bare
//    `await session.run(feeds)` loop timed as a whole, and blocks of the harness's timed loop
//    (timeRound over OnnxRuntimeRunner.bind: two clock reads and a push per run), the same
//    iteration count, alternating ABBA. Compared: the harness's wall time per iteration (what the
//    loop costs) and its reported mean latency (what it says) against the bare loop's.
//    Targets: under 5 µs an iteration on the small model, under 2% on ResNet50.
// 2. End to end, in fresh processes as a user gets it: benchmark() with its defaults (forked
//    worker; 1 s warm-up, then at least 20 iterations and 3 s) against a bare child process doing
//    the same warm-up and minimums, alternating, `--repeat` times each.
// 3. Run-to-run spread: the coefficient of variation of benchmark()'s p50 over those runs
//    (target: under 3% on an idle machine), next to the bare loop's spread of means.
//
//   node --import tsx bench/harness-overhead.ts [--repeat 5] [--blocks 10] [--model PATH] [--no-resnet] [--python PY]
//
// ResNet50 comes from bench/.models/resnet50.onnx (exported by bench/export_resnet50.py with
// --python, Debian's /usr/bin/python3 by default, when missing). Bundled with esbuild (entries
// harness-overhead, harness-overhead-child and benchmark-worker from src/benchmark/worker.ts, in
// one folder, with export_resnet50.py beside them) it runs with plain node.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TensorProto_DataType as DataType } from 'onnx-buf';
import { benchmark, coefficientOfVariation, type BenchmarkResult } from '../src/benchmark/index.ts';
import { graph, model, node, valueInfo } from '../src/model/build.ts';
import { readModel } from '../src/model/read.ts';
import { modelSignature } from '../src/model/signature.ts';
import { makeTensor } from '../src/model/tensor.ts';
import { writeModel } from '../src/model/write.ts';
import { ortVersion } from '../src/runtime/onnxruntime/load.ts';
import { benchModels } from './models-dir.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '5' },
    blocks: { type: 'string', default: '10' },
    model: { type: 'string' },
    'no-resnet': { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const repeat = Number(values.repeat);
const blocks = Number(values.blocks);
const work = mkdtempSync(join(tmpdir(), 'qg-bench-harness-'));

/** Three 256-wide Gemm layers with ReLUs: ~0.8 MB of weights, tens of microseconds a run. */
function smallModelPath(): string {
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.1;
  const width = 256;
  const layers = [0, 1, 2];
  const proto = model(
    graph({
      nodes: layers.flatMap((i) => [
        node('Gemm', [i === 0 ? 'x' : `r${i - 1}`, `w${i}`, `b${i}`], [i === 2 ? 'y' : `g${i}`], { attributes: { transB: 1 } }),
        ...(i < 2 ? [node('Relu', [`g${i}`], [`r${i}`])] : []),
      ]),
      inputs: [valueInfo('x', DataType.FLOAT, ['batch', width])],
      outputs: [valueInfo('y', DataType.FLOAT, ['batch', width])],
      initializers: layers.flatMap((i) => [
        makeTensor(`w${i}`, DataType.FLOAT, [width, width], Float32Array.from({ length: width * width }, random)),
        makeTensor(`b${i}`, DataType.FLOAT, [width], Float32Array.from({ length: width }, random)),
      ]),
    }),
  );
  const path = join(work, 'mlp3x256.onnx');
  writeModel(proto, path);
  return path;
}

function resnetPath(): string {
  const path = values.model ?? join(benchModels, 'resnet50.onnx');
  if (!existsSync(path)) execFileSync(values.python!, [join(here, 'export_resnet50.py'), path], { stdio: 'inherit' });
  return path;
}

// From source the child runs through tsx, as the benchmark's worker does; bundled (to run where
// only node is installed), beside this file as .js, as the bundled worker does.
const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
const childCommand = fromSource ? ['--import', import.meta.resolve('tsx'), join(here, 'harness-overhead-child.ts')] : [join(here, 'harness-overhead-child.js')];

function child<T>(...args: string[]): T {
  const run = spawnSync(process.execPath, [...childCommand, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`harness-overhead-child ${args.join(' ')} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as T;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const us = (ms: number) => `${(ms * 1000).toFixed(2)} µs`;
const fmtMs = (ms: number) => (ms < 1 ? us(ms) : `${ms.toFixed(2)} ms`);
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const sign = (x: number) => (x >= 0 ? '+' : '');

interface Row {
  name: string;
  bareMs: number;
  wallOverheadMs: number;
  reportedOverheadMs: number;
  /** Best block against best block: robust to noise that only ever adds time. */
  minWallOverheadMs: number;
  iterationsPerBlock: number;
  e2eRatio: number;
  harnessMeans: number[];
  harnessP50s: number[];
  bareMeans: number[];
  iterations: number[];
}

async function measure(name: string, modelPath: string, blockMs: number): Promise<Row> {
  process.stderr.write(`${name}: same-session blocks…\n`);
  const same = child<{ iterationsPerBlock: number; bare: number[]; reported: number[]; wall: number[] }>('same-session', modelPath, String(blocks), String(blockMs));
  const input = modelSignature(readModel(modelPath).proto).inputs[0]!;
  const dims = input.shape!.map((d) => (typeof d === 'number' ? d : 1));
  const size = dims.reduce((n, d) => n * d, 1);
  const batch = { size: 1, start: 0, feeds: { [input.name]: { dataType: DataType.FLOAT, dims, data: Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 255) / 255 - 0.5) } } };
  const harnessMeans: number[] = [];
  const harnessP50s: number[] = [];
  const bareMeans: number[] = [];
  const iterations: number[] = [];
  for (let i = 0; i < repeat; i++) {
    process.stderr.write(`${name}: end to end, run ${i + 1}/${repeat}…\n`);
    const sides = [
      async () => {
        const r = (await benchmark({ label: name, runtime: 'onnxruntime', modelPath, provider: 'cpu', batch })) as BenchmarkResult;
        if (r.status !== 'ok') throw new Error(`benchmark failed: ${(r as unknown as { reason: string }).reason}`);
        harnessMeans.push(r.latencyMs.mean);
        harnessP50s.push(r.latencyMs.p50);
        iterations.push(r.latencyMs.iterations);
      },
      async () => {
        bareMeans.push(child<{ meanMs: number }>('bare', modelPath, '1000', '20', '3000').meanMs);
      },
    ];
    // Alternate which side goes first, so neither always gets the fresher machine.
    for (const side of i % 2 === 0 ? sides : [...sides].reverse()) await side();
  }
  const bareMs = median(same.bare);
  return {
    name,
    bareMs,
    wallOverheadMs: median(same.wall.map((w, k) => w - same.bare[k]!)),
    reportedOverheadMs: median(same.reported.map((r, k) => r - same.bare[k]!)),
    minWallOverheadMs: Math.min(...same.wall) - Math.min(...same.bare),
    iterationsPerBlock: same.iterationsPerBlock,
    e2eRatio: median(harnessMeans) / median(bareMeans),
    harnessMeans,
    harnessP50s,
    bareMeans,
    iterations,
  };
}

const startLoad = loadavg()[0]!;
const rows: Row[] = [];
try {
  rows.push(await measure('MLP 3×256 (b1)', smallModelPath(), 300));
  if (!values['no-resnet']) rows.push(await measure('ResNet50 (b1)', resnetPath(), 1500));
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`onnxruntime-node ${await ortVersion()}, Node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'CPU'}; cpu provider, ONNX Runtime's default threads and spinning`);
console.log(`load average (1 min) before ${startLoad.toFixed(2)}, after ${loadavg()[0]!.toFixed(2)}\n`);
console.log(`1. Same session, one process: ${blocks} ABBA pairs of blocks (medians over the pairs)`);
for (const r of rows) {
  const limit = r.name.startsWith('ResNet') ? `target < 2%` : `target < 5 µs`;
  console.log(
    `   ${r.name.padEnd(16)} bare ${fmtMs(r.bareMs).padStart(10)}/iter (${r.iterationsPerBlock} a block)  ` +
      `harness loop ${sign(r.wallOverheadMs)}${us(r.wallOverheadMs)} = ${pct(r.wallOverheadMs / r.bareMs)} (${limit})  ` +
      `reported mean vs bare ${sign(r.reportedOverheadMs)}${us(r.reportedOverheadMs)} = ${pct(r.reportedOverheadMs / r.bareMs)}  ` +
      `(best block vs best block: ${sign(r.minWallOverheadMs)}${us(r.minWallOverheadMs)})`,
  );
}
console.log(`\n2. End to end, fresh processes, ${repeat} runs a side, alternating (medians of the means)`);
for (const r of rows) {
  console.log(
    `   ${r.name.padEnd(16)} benchmark() ${fmtMs(median(r.harnessMeans)).padStart(10)}  bare child ${fmtMs(median(r.bareMeans)).padStart(10)}  ` +
      `ratio ${r.e2eRatio.toFixed(4)}x  (iterations a run: ${Math.min(...r.iterations)}–${Math.max(...r.iterations)})`,
  );
}
console.log(`\n3. Run-to-run spread over the ${repeat} runs (target: CV of p50 < 3% on an idle machine)`);
for (const r of rows) {
  console.log(
    `   ${r.name.padEnd(16)} benchmark() p50 CV ${pct(coefficientOfVariation(r.harnessP50s))} (p50s ${r.harnessP50s.map(fmtMs).join(', ')});  ` +
      `mean CV ${pct(coefficientOfVariation(r.harnessMeans))};  bare child mean CV ${pct(coefficientOfVariation(r.bareMeans))}`,
  );
}
