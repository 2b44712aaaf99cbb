// Run by native/device-check.sh on a GPU machine without TensorRT: exercises the built addon
// there with a bare Node (no dev dependencies) and writes what it saw as JSON.
//   node native/tools/device-probe.mjs ADDON.node BUSY_LOOP OUT.json
// capabilities(); deviceMemory() idle, with a CUDA context, and under load; the NVML power
// sampler idle and while busy_loop loads the GPU; and the TensorRT paths (buildEngine,
// openEngineSession), which must reject with ERR_QG_LIBRARY there, not crash.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const [addonPath, busyLoop, outPath] = process.argv.slice(2);
const addon = createRequire(import.meta.url)(resolve(addonPath));
const report = { node: process.version, addon: addonPath, compiledAgainst: addon.compiledAgainst, steps: {} };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => console.log(`device-probe: ${line}`);

function summary(trace) {
  return {
    durationMs: trace.durationMs,
    samples: trace.watts.length,
    meanWatts: trace.meanWatts,
    peakWatts: trace.peakWatts,
    sampledJoules: trace.sampledJoules,
    counterJoules: trace.counterJoules,
    powerSource: trace.powerSource,
    start: trace.start,
    end: trace.end,
    firstWatts: Array.from(trace.watts.slice(0, 5)),
  };
}

async function step(name, body) {
  try {
    report.steps[name] = { ok: true, value: await body() };
    log(`${name}: ok`);
  } catch (error) {
    report.steps[name] = { ok: false, code: error.code ?? null, message: error.message, details: error.details ?? null };
    log(`${name}: ${error.code ?? 'error'}: ${error.message}`);
  }
}

async function sample(ms) {
  const sampler = new addon.PowerSampler({ intervalMs: 20 });
  sampler.start();
  await sleep(ms);
  return summary(sampler.stop());
}

await step('capabilities', () => addon.capabilities());
await step('deviceMemoryIdle', () => addon.deviceMemory({ withCuda: false }));
await step('deviceMemoryWithContext', () => addon.deviceMemory({ withCuda: true }));
await step('powerIdle', () => sample(5000));

let busy = null;
await step('powerUnderLoad', async () => {
  busy = spawn(busyLoop, ['12'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  busy.stdout.on('data', (d) => (output += d));
  busy.stderr.on('data', (d) => (output += d));
  const exited = new Promise((r) => busy.on('close', (code) => r(code)));
  await sleep(2000); // let clocks and power ramp
  const trace = await sample(6000);
  const memory = await addon.deviceMemory({ withCuda: false });
  const code = await exited;
  return { trace, memoryDuringLoad: memory, busyLoop: { exitCode: code, output: output.trim() } };
});
await step('powerAfterLoad', () => sample(3000));

await step('buildEngineWithoutTensorRt', async () => {
  const handle = addon.buildEngine(new Uint8Array([8, 1]), { optimizationLevel: 1 }, () => {});
  await handle.promise;
  throw new Error('buildEngine resolved on a machine without TensorRT');
});
await step('openEngineSessionWithoutTensorRt', async () => {
  await addon.openEngineSession(new Uint8Array(64));
  throw new Error('openEngineSession resolved on a machine without TensorRT');
});

writeFileSync(outPath, `${JSON.stringify(report, null, 2)}\n`);
const idle = report.steps.powerIdle?.value;
const load = report.steps.powerUnderLoad?.value?.trace;
if (idle && load) log(`watts idle mean ${idle.meanWatts.toFixed(1)} peak ${idle.peakWatts.toFixed(1)}; under load mean ${load.meanWatts.toFixed(1)} peak ${load.peakWatts.toFixed(1)}`);
log(`wrote ${outPath}`);
