// One side of bench/model-io.ts: reads and writes a model once in a fresh process (as a user's
// process would) and prints JSON with the times and the peak RSS. Bundled by the parent and run by plain node,
// so no TypeScript loader sits in the measured memory.
import { readFileSync, rmSync } from 'node:fs';
import { readModel } from '../src/model/read.ts';
import { writeModel } from '../src/model/write.ts';

const [path, out] = process.argv.slice(2) as [string, string];
let t = performance.now();
const model = readModel(path);
const readMs = performance.now() - t;
t = performance.now();
writeModel(model.proto, out, model);
const writeMs = performance.now() - t;
model.close();
// Peak before the check below, which reads both files again.
const status = readFileSync('/proc/self/status', 'utf8');
const peakRssBytes = Number(/VmHWM:\s*(\d+)/.exec(status)![1]) * 1024;
const identical = readFileSync(out).equals(readFileSync(path));
rmSync(out, { force: true });
console.log(JSON.stringify({ readMs, writeMs, peakRssBytes, identical }));
