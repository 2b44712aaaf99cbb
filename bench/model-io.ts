// Model I/O against Python onnx, side by side in one run: decode (load) and encode (save) time
// of a ~100 MB model (ResNet50 exported from PyTorch), and each process's peak RSS against the
// file size. Each side loads and saves once in a fresh process; the sides alternate, `--repeat`
// times each, and the medians are compared.
//
//   node --import tsx bench/model-io.ts [--model PATH] [--repeat 7]
//
// Without --model it exports ResNet50 with Debian's python3-torch (bench/export_resnet50.py).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { benchModels } from './models-dir.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    repeat: { type: 'string', default: '7' },
    python: { type: 'string', default: 'python3' },
  },
});
const model = values.model ?? join(benchModels, 'resnet50.onnx');
if (!existsSync(model)) execFileSync('/usr/bin/python3', [join(here, 'export_resnet50.py'), model], { stdio: 'inherit' });
const fileBytes = statSync(model).size;
const work = mkdtempSync(join(tmpdir(), 'qg-bench-io-'));

const child = join(work, 'child.mjs');
await build({ entryPoints: [join(here, 'model-io-child.ts')], bundle: true, platform: 'node', format: 'esm', outfile: child, logLevel: 'warning' });

interface Side {
  readMs: number;
  writeMs: number;
  peakRssBytes: number;
  identical: boolean;
}
const runOurs = (): Side => JSON.parse(execFileSync(process.execPath, [child, model, join(work, 'ours.onnx')], { encoding: 'utf8' }));
const runPython = (): Side => JSON.parse(execFileSync(values.python!, [join(here, 'model_io_python.py'), model, join(work, 'py.onnx')], { encoding: 'utf8' }));

const ours: Side[] = [];
const python: Side[] = [];
for (let i = 0; i < Number(values.repeat); i++) {
  ours.push(runOurs());
  python.push(runPython());
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (sides: Side[]) => ({
  readMs: median(sides.map((s) => s.readMs)),
  writeMs: median(sides.map((s) => s.writeMs)),
  peakRssBytes: median(sides.map((s) => s.peakRssBytes)),
  identical: sides.every((s) => s.identical),
});
const a = summary(ours);
const b = summary(python);
const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
console.log(`model ${model}: ${mb(fileBytes)} (${fileBytes} bytes); ${values.repeat} fresh processes a side, alternating; medians`);
console.log('                 quantgate   python onnx   ratio (quantgate / onnx)');
console.log(`decode (load)   ${a.readMs.toFixed(0).padStart(6)} ms   ${b.readMs.toFixed(0).padStart(8)} ms   ${(a.readMs / b.readMs).toFixed(2)}x`);
console.log(`encode (save)   ${a.writeMs.toFixed(0).padStart(6)} ms   ${b.writeMs.toFixed(0).padStart(8)} ms   ${(a.writeMs / b.writeMs).toFixed(2)}x`);
console.log(`peak RSS        ${mb(a.peakRssBytes).padStart(9)}   ${mb(b.peakRssBytes).padStart(11)}   ${(a.peakRssBytes / b.peakRssBytes).toFixed(2)}x`);
console.log(`peak RSS / file size: quantgate ${(a.peakRssBytes / fileBytes).toFixed(2)}x (target < 2.5x), python onnx ${(b.peakRssBytes / fileBytes).toFixed(2)}x`);
console.log(`byte-identical re-encoding: quantgate ${a.identical}, python onnx ${b.identical}`);
