// The action's setup time, cold (an empty tool cache: npm installs the native parts) and warm
// (the tool cache hits), side by side in one run, as a runner gets it: the built action
// (dist/index.js with package.json, package-lock.json, native/ and scripts/build-native.mjs)
// is copied to a folder without node_modules, as actions are checked out, and started with node
// in a fresh process with RUNNER_TOOL_CACHE in a temporary folder. No model input is given, so
// the pipeline stops at once after setup with its bad-input message: what is timed is the
// process start, the setup (its own "setup took" line) and the pipeline's import.
//
//   node --import tsx bench/setup-time.ts [--warm-runs 3] [--native-from DIR]   (`npm run build` first)
//
// Cold needs the npm registry (the runner's npm, as on a runner), or --native-from: a node_modules
// folder to copy from (QUANTGATE_NATIVE_FROM, for runners without the registry, such as the GPU
// machine here); cold then times the copy instead of npm's download. Target: warm under 5 s.
// Figures from a busy shared machine are noisy: take the reported ones on a quiet one.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { 'warm-runs': { type: 'string', default: '3' }, 'native-from': { type: 'string' } } });
const warmRuns = Number(values['warm-runs']);

const work = mkdtempSync(join(tmpdir(), 'quantgate-setup-bench-'));
try {
  const action = join(work, 'action');
  // The addon's sources come too (a GPU runner compiles it on a cold setup); not this checkout's build.
  for (const f of ['dist', 'package.json', 'package-lock.json', 'native', 'scripts/build-native.mjs']) cpSync(join(root, f), join(action, f), { recursive: true, filter: (src) => !src.startsWith(join(root, 'native', 'build')) });
  const toolCache = join(work, 'toolcache');
  mkdirSync(toolCache);

  function once(label: string): { label: string; wallS: number; setupS: number; hit: boolean } {
    const summary = join(work, 'summary.md');
    const output = join(work, 'output');
    writeFileSync(summary, '');
    writeFileSync(output, '');
    const env: NodeJS.ProcessEnv = { ...process.env, RUNNER_TOOL_CACHE: toolCache, RUNNER_TEMP: work, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output };
    delete env.NODE_PATH;
    if (values['native-from']) env.QUANTGATE_NATIVE_FROM = values['native-from'];
    else delete env.QUANTGATE_NATIVE_FROM;
    const started = performance.now();
    const r = spawnSync(process.execPath, [join(action, 'dist', 'index.js')], { cwd: work, env, encoding: 'utf8' });
    const wallS = (performance.now() - started) / 1000;
    const log = `${r.stdout}${r.stderr}`;
    const setup = /setup took ([\d.]+) s/.exec(log);
    if (!setup) throw new Error(`${label}: the setup did not finish:\n${log.split('\n').filter((l) => !l.startsWith('::debug')).join('\n')}`);
    return { label, wallS, setupS: Number(setup[1]), hit: /cache hit:/.test(log) };
  }

  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; Node ${process.version}`);
  console.log(`cold installs ${values['native-from'] ? `by copying from ${values['native-from']} (no npm)` : 'with npm from the registry'}`);
  const cold = once('cold');
  const warm = Array.from({ length: warmRuns }, (_, i) => once(`warm ${i + 1}`));
  for (const r of [cold, ...warm]) console.log(`${r.label.padEnd(7)} cache ${r.hit ? 'hit ' : 'miss'}  setup ${r.setupS.toFixed(2)} s  whole process ${r.wallS.toFixed(2)} s`);
  if (cold.hit || warm.some((w) => !w.hit)) throw new Error('expected a miss, then hits');
  const warmMedian = warm.map((w) => w.wallS).sort((a, b) => a - b)[Math.floor(warm.length / 2)]!;
  console.log(`cold/warm (whole process, warm median): ${(cold.wallS / warmMedian).toFixed(1)}x; warm ${warmMedian.toFixed(2)} s against the 5 s target: ${warmMedian < 5 ? 'met' : 'NOT met'}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
