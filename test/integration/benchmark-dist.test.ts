// The worker is found both ways: from source (worker.ts through tsx's loader) and from a bundle
// (benchmark-worker.js beside the bundle, plain node). The bundle case is built here into a
// temporary folder the way scripts/build.mjs builds dist/, and run without tsx.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { build } from 'esbuild';
import { TensorProto_DataType as DataType } from 'onnx-buf';
import { BenchmarkWorker, workerEntry } from '../../src/benchmark/worker-client.ts';
import { writeModel } from '../../src/model/write.ts';
import { ROOT } from '../helpers/cli.ts';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const modelPath = join(dir, 'gemm.onnx');
writeModel(gemmModel({ inputs: 16, classes: 4 }), modelPath);
const feeds = { x: { dataType: DataType.FLOAT, dims: [1, 16], data: new Float32Array(16) } };

describe('worker entry', () => {
  it('from source: worker.ts beside worker-client.ts, with tsx’s loader resolved from there', () => {
    const entry = workerEntry();
    assert.equal(entry.path, join(ROOT, 'src', 'benchmark', 'worker.ts'));
    assert.equal(entry.execArgv[0], '--import');
    assert.match(entry.execArgv[1]!, /^file:\/\/.*\/node_modules\/tsx\//);
  });

  it('from a bundle: benchmark-worker.js beside it, no loader', () => {
    assert.deepEqual(workerEntry('file:///opt/quantgate/dist/cli.js'), { path: '/opt/quantgate/dist/benchmark-worker.js', execArgv: [] });
  });

  it('the bundled benchmark runs its bundled worker with plain node', async () => {
    // Inside the repository, so that the bundle's external onnxruntime-node resolves.
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    const out = mkdtempSync(join(ROOT, 'tmp', 'bench-dist-'));
    after(() => rmSync(out, { recursive: true, force: true }));
    const probe = join(out, 'probe.ts');
    writeFileSync(
      probe,
      `import { benchmark } from ${JSON.stringify(join(ROOT, 'src/benchmark/index.ts'))};
import { workerEntry } from ${JSON.stringify(join(ROOT, 'src/benchmark/worker-client.ts'))};
const batch = { size: 1, start: 0, feeds: { x: { dataType: 1, dims: [1, 16], data: new Float32Array(16) } } };
const result = await benchmark({ label: 'bundled', runtime: 'onnxruntime', modelPath: process.argv[2], provider: 'cpu', batch }, { warmupMs: 10, minIterations: 3, minMs: 0, rounds: 1 });
console.log(JSON.stringify({ entry: workerEntry(), result }));
`,
    );
    // The options of scripts/build.mjs.
    await build({
      entryPoints: { probe, 'benchmark-worker': join(ROOT, 'src/benchmark/worker.ts') },
      outdir: join(out, 'dist'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['onnxruntime-node', 'sharp'],
      banner: { js: "import { createRequire as __qgCreateRequire } from 'node:module'; const require = __qgCreateRequire(import.meta.url);" },
      logLevel: 'error',
    });
    const run = spawnSync(process.execPath, [join(out, 'dist', 'probe.js'), modelPath], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const { entry, result } = JSON.parse(run.stdout);
    assert.deepEqual(entry, { path: join(out, 'dist', 'benchmark-worker.js'), execArgv: [] });
    assert.equal(result.status, 'ok', result.reason);
    assert.equal(result.latencyMs.iterations, 3);
  });

  it('the committed dist/benchmark-worker.js answers the protocol', async () => {
    const worker = new BenchmarkWorker({ path: join(ROOT, 'dist', 'benchmark-worker.js'), execArgv: [] });
    const loaded = await worker.request('load', { backend: 'onnxruntime', open: { modelPath, provider: 'reference' }, feeds });
    assert.equal(loaded.settings.graphOptimization, 'disabled');
    const round = await worker.request('round', { minIterations: 2, minMs: 0 });
    assert.equal(round.samplesMs.length, 2);
    await worker.request('dispose', {});
    await worker.close();
  });
});
