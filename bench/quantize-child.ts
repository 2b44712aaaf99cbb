// One quantization in a fresh process, for bench/quantize-vs-ort.ts: reads the model and the
// calibration data, runs the quantize stage without sensitivity (issue 4 times "everything but
// sensitivity"), and prints JSON with the wall time and the process's peak RSS. Bundled by the
// parent and run by plain node, so no TypeScript loader sits in the measured memory.
import { readFileSync } from 'node:fs';
import { openDataSet } from '../src/data/index.ts';
import { MemoryLog } from '../src/log.ts';
import { readModel } from '../src/model/read.ts';
import { modelSignature } from '../src/model/signature.ts';
import { cpuForLayout } from '../src/pipeline/cpu.ts';
import { quantizeModel } from '../src/quantize/quantize.ts';
import type { Method } from '../src/config/types.ts';

const [modelPath, calibration, outDir, method, threads] = process.argv.slice(2) as [string, string, string, Method, string];
const started = performance.now();
const log = new MemoryLog();
const model = readModel(modelPath);
const data = await openDataSet(calibration, { what: '--calibration-data', inputs: modelSignature(model.proto).inputs });
const outcome = await quantizeModel({
  model,
  data,
  settings: { method, percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: {}, threads: Number(threads), seed: 0, randomIntRange: [0, 100], mode: 'static' },
  cpu: await cpuForLayout('auto', log),
  outDir,
  log,
  sensitivitySamples: 0,
});
const seconds = (performance.now() - started) / 1000;
const peakRssBytes = Number(/VmHWM:\s*(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
console.log(JSON.stringify({ seconds, peakRssBytes, files: outcome.files, quantization: outcome.summary, prepare: outcome.prepare }));
