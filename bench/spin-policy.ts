// Which ONNX Runtime thread-spinning policy the interleaved benchmark should time with: the INT8/FP32
// ratio of a model under ONNX Runtime's defaults (threads spin, also between runs), with
// `session.force_spinning_stop` (spin within a run, park when it returns: what quantgate's
// interleaved timing uses) and with spinning off (what it used before), side by side in one run.
// The two sessions live in one process and take turns in blocks of `--block-ms`, alternating order.
//
//   node --import tsx bench/spin-policy.ts [--model examples/demo/glyphs.onnx] [--data examples/demo/eval.npy]
//       [--batches 1,32] [--rounds 10] [--block-ms 1000] [--threads 2]
//
// The INT8 model is quantgate's ONNX Runtime flavour of --model, calibrated on the first 128 samples
// of --data. Ratios are medians of per-round ratios with the 2nd-lowest and 2nd-highest beside them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { InferenceSession } from 'onnxruntime-node';
import { openDataSet } from '../src/data/index.ts';
import type { Batch } from '../src/data/types.ts';
import { MemoryLog } from '../src/log.ts';
import { cpuForLayout } from '../src/pipeline/cpu.ts';
import { readModel } from '../src/model/read.ts';
import { modelSignature } from '../src/model/signature.ts';
import { quantizeModel } from '../src/quantize/quantize.ts';
import { loadOrt } from '../src/runtime/onnxruntime/load.ts';
import { spinningConfig } from '../src/runtime/onnxruntime/session-options.ts';
import { hostToOrt } from '../src/runtime/onnxruntime/tensor.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'examples/demo/glyphs.onnx' },
    data: { type: 'string', default: 'examples/demo/eval.npy' },
    batches: { type: 'string', default: '1,32' },
    rounds: { type: 'string', default: '10' },
    'block-ms': { type: 'string', default: '1000' },
    threads: { type: 'string', default: '2' },
  },
});
const rounds = Number(values.rounds);
const blockMs = Number(values['block-ms']);
const threads = Number(values.threads);

const POLICIES = {
  'defaults (spin)': spinningConfig({ allowSpinning: true, stopSpinningAfterRun: false }),
  'spin, park after run': spinningConfig({ allowSpinning: true, stopSpinningAfterRun: true }),
  'spinning off': spinningConfig({ allowSpinning: false, stopSpinningAfterRun: false }),
};

const model = readModel(values.model!);
const signature = modelSignature(model.proto);
const data = await openDataSet(values.data!, { what: '--data', inputs: signature.inputs });
const outcome = await quantizeModel({
  model,
  data,
  settings: { method: 'percentile', percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: {}, threads, seed: 0, randomIntRange: [0, 100], mode: 'static', placement: 'rules' } as never,
  cpu: await cpuForLayout('auto', new MemoryLog()),
  outDir: mkdtempSync(join(tmpdir(), 'qg-bench-spin-')),
  log: new MemoryLog(),
  sensitivitySamples: 0,
});
const ort = await loadOrt();

async function firstBatch(size: number): Promise<Batch> {
  for await (const batch of data.batches(size)) return batch;
  throw new Error(`--data has no samples`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function ratio(extra: object, batch: Batch): Promise<{ fp32: number; int8: number; ratios: number[] }> {
  const options = { intraOpNumThreads: threads, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3, extra } as InferenceSession.SessionOptions;
  const sessions = [await ort.InferenceSession.create(values.model!, options), await ort.InferenceSession.create(outcome.files.ort, options)];
  const feeds = Object.fromEntries(Object.entries(batch.feeds).map(([k, v]) => [k, hostToOrt(ort, v)]));
  for (const s of sessions) for (let i = 0; i < 20; i++) await s.run(feeds);
  const p50: number[][] = [[], []];
  for (let r = 0; r < rounds; r++) {
    for (const i of r % 2 ? [1, 0] : [0, 1]) {
      const times: number[] = [];
      const start = performance.now();
      while (performance.now() - start < blockMs) {
        const t = performance.now();
        await sessions[i]!.run(feeds);
        times.push(performance.now() - t);
      }
      p50[i]!.push(median(times));
    }
  }
  for (const s of sessions) await s.release();
  return { fp32: median(p50[0]!), int8: median(p50[1]!), ratios: p50[0]!.map((t, i) => t / p50[1]![i]!).sort((a, b) => a - b) };
}

console.log(`${values.model}: INT8 (quantgate's ONNX Runtime model) against FP32, ${threads} threads, ${rounds} rounds of ${blockMs} ms a side`);
for (const size of values.batches!.split(',').map(Number)) {
  const batch = await firstBatch(size);
  for (const [name, extra] of Object.entries(POLICIES)) {
    const r = await ratio(extra, batch);
    const k = r.ratios.length >= 4 ? 1 : 0;
    const low = r.ratios[k]!;
    const high = r.ratios[r.ratios.length - 1 - k]!;
    console.log(`  batch ${String(size).padStart(2)}  ${name.padEnd(22)} FP32 ${r.fp32.toFixed(3)} ms  INT8 ${r.int8.toFixed(3)} ms  speed ${median(r.ratios).toFixed(3)}x [${low.toFixed(3)}, ${high.toFixed(3)}]`);
  }
}
