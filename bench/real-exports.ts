// The whole pipeline over models real converters wrote (issue 10): each model that
// bench/models/make_real_exports.sh put in bench/.models/real/ (a `<name>.json` beside each
// `<name>.onnx` names its converter, opset and one sample's input shape) runs through
// `quantgate run` in a child process, on generated data (N(0, 1), seeded, `--samples` of them),
// and gets one line: converter, opset, outcome (pass / gate failed / bad input with its message /
// crash), wall time and quantization time, the INT8/FP32 speed ratio at batch 1 on the CPU
// (FP32 p50 over INT8 p50 of ONNX Runtime's flavour) and its fidelity (top-1 agreement, cosine).
// Speed figures need a quiet machine.
//
//   bash bench/models/make_real_exports.sh
//   node --import tsx bench/real-exports.ts [--dir bench/.models/real] [--only NAME,...]
//        [--cli src/cli/index.ts|dist/cli.js] [--samples 16] [--json out.json]
//
// --cli picks the quantgate to run (another checkout's src/cli/index.ts measures it before a fix).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { encodeNpy } from '../src/data/npy-write.ts';
import { DataType } from '../src/model/dtypes.ts';
import { Rng } from '../src/random.ts';
import { benchModels } from './models-dir.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: join(benchModels, 'real') },
    only: { type: 'string' },
    cli: { type: 'string', default: join(root, 'src', 'cli', 'index.ts') },
    samples: { type: 'string', default: '16' },
    json: { type: 'string' },
  },
});

interface Entry {
  file: string;
  converter: string;
  opset: number;
  /** One batch-1 shape per input, by input name. */
  data: Record<string, number[]>;
  /** The inputs' element type (float32 unless said). */
  dtype?: 'float32' | 'float64';
}

interface Line {
  model: string;
  converter: string;
  opset: number;
  exit: number;
  outcome: string;
  wallS: number;
  quantizeS: number | null;
  speedup: number | null;
  agreement: number | null;
  cosine: number | null;
}

function entries(dir: string): Entry[] {
  const only = values.only ? new Set(values.only.split(',')) : null;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Entry)
    .filter((e) => existsSync(join(dir, e.file)) && (!only || only.has(e.file.replace(/\.onnx$/, ''))));
}

/** `count` seeded N(0, 1) samples of the model's one input, as one .npy in `folder`. */
function writeData(entry: Entry, folder: string, count: number): string {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const inputs = Object.entries(entry.data);
  if (inputs.length !== 1) throw new Error(`${entry.file}: the corpus generates data for one-input models only`);
  const [, shape] = inputs[0]!;
  const rng = new Rng(17);
  const dims = [count, ...shape.slice(1)];
  const length = dims.reduce((a, b) => a * b, 1);
  const double = entry.dtype === 'float64';
  const data = double ? Float64Array.from({ length }, () => rng.normal()) : Float32Array.from({ length }, () => rng.normal());
  writeFileSync(join(folder, 'samples.npy'), encodeNpy({ dataType: double ? DataType.DOUBLE : DataType.FLOAT, dims, data }));
  return folder;
}

const OUTCOMES: Record<number, string> = { 0: 'pass', 1: 'gate failed', 2: 'bad input', 3: 'crash' };

/** The error's first line, as the CLI prints it ("error: ..."), shortened for one line of a table. */
function errorLine(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.startsWith('error:')) ?? stderr.trim().split('\n').pop() ?? '';
  const text = line.replace(/^error:\s*/, '');
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

interface RunRow {
  provider: string;
  model: string;
  batch: number;
  status: string;
  latencyMs?: { p50: number } | null;
  accuracy?: { agreement?: number; cosine?: number } | null;
}

function runOne(entry: Entry, dir: string): Line {
  const name = entry.file.replace(/\.onnx$/, '');
  const data = writeData(entry, join(dir, 'data', name), Number(values.samples));
  const out = join(dir, 'runs', name);
  rmSync(out, { recursive: true, force: true });
  const cli = resolve(values.cli!);
  const loader = cli.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const started = performance.now();
  const child = spawnSync(process.execPath, [...loader, cli, 'run', '--model', join(dir, entry.file), '--calibration-data', data, '--out', out, '--batch-sizes', '1', '--runtimes', 'onnxruntime', '--providers', 'cpu'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const wallS = (performance.now() - started) / 1000;
  const exit = child.status ?? -1;
  const line: Line = { model: name, converter: entry.converter, opset: entry.opset, exit, outcome: OUTCOMES[exit] ?? `exit ${exit}`, wallS, quantizeS: null, speedup: null, agreement: null, cosine: null };
  if (exit >= 2 || exit < 0) line.outcome += `: ${errorLine(child.stderr)}`;
  const resultsPath = join(out, 'results.json');
  if (existsSync(resultsPath)) {
    const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as { runs: RunRow[]; quantization?: { quantizationMs?: number } | null };
    const q = results.quantization?.quantizationMs;
    line.quantizeS = typeof q === 'number' ? q / 1000 : null;
    const row = (model: string) => results.runs.find((r) => r.provider === 'cpu' && r.model === model && r.batch === 1 && r.status === 'ok');
    const fp32 = row('fp32')?.latencyMs?.p50;
    const int8 = row('int8.ort');
    if (fp32 && int8?.latencyMs?.p50) line.speedup = fp32 / int8.latencyMs.p50;
    line.agreement = int8?.accuracy?.agreement ?? null;
    line.cosine = int8?.accuracy?.cosine ?? null;
  }
  return line;
}

const fixed = (v: number | null, digits: number, suffix = '') => (v === null ? '-' : `${v.toFixed(digits)}${suffix}`);

const dir = resolve(values.dir!);
const list = entries(dir);
if (list.length === 0) {
  console.error(`no models with a .json beside them in ${dir}: run bash bench/models/make_real_exports.sh first`);
  process.exit(2);
}
console.log(`quantgate ${values.cli}, ${list.length} models from ${dir}, ${values.samples} samples each; speed is FP32 p50 / INT8 (ONNX Runtime flavour) p50, CPU, batch 1`);
console.log(['model', 'converter', 'opset', 'wall s', 'quantize s', 'INT8 speed', 'agreement', 'cosine', 'outcome'].join(' | '));
const lines: Line[] = [];
for (const entry of list) {
  const l = runOne(entry, dir);
  lines.push(l);
  console.log([l.model, l.converter, l.opset, fixed(l.wallS, 1), fixed(l.quantizeS, 1), fixed(l.speedup, 2, 'x'), fixed(l.agreement, 3), fixed(l.cosine, 4), l.outcome].join(' | '));
}
if (values.json) writeFileSync(values.json, `${JSON.stringify(lines, null, 1)}\n`);
const crashes = lines.filter((l) => l.exit === 3 || l.exit < 0).length;
console.log(`${lines.length} models: ${lines.filter((l) => l.exit === 0).length} pass, ${lines.filter((l) => l.exit === 2).length} bad input, ${crashes} crash`);
process.exitCode = crashes > 0 ? 1 : 0;
