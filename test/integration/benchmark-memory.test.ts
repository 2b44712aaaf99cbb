// What the benchmark's memory number measures: the worker's peak RSS less its RSS before the
// session, so a model with 20 MiB of weights must show about 20 MiB more than one with 1 MiB.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TensorProto_DataType as DataType } from 'onnx-buf';
import { benchmarkInterleaved, type BenchmarkResult } from '../../src/benchmark/index.ts';
import { writeModel } from '../../src/model/write.ts';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const spec = (name: string, n: number) => {
  const modelPath = join(dir, `${name}.onnx`);
  writeModel(gemmModel({ inputs: n, classes: n }), modelPath);
  return { label: name, runtime: 'onnxruntime' as const, modelPath, provider: 'cpu' as const, batch: { size: 1, start: 0, feeds: { x: { dataType: DataType.FLOAT, dims: [1, n], data: new Float32Array(n) } } } };
};

describe('memory', () => {
  it('is > 0 and tracks the weights: 1 MiB vs 20 MiB of float32', async () => {
    // 512² and 2290² float32 weights: 1.0 and 20.0 MiB.
    const [small, large] = (await benchmarkInterleaved([spec('w1mib', 512), spec('w20mib', 2290)], { warmupMs: 10, minIterations: 3, minMs: 0 })) as BenchmarkResult[];
    for (const r of [small, large]) assert.equal(r!.status, 'ok', JSON.stringify(r));
    const s = small!.memory.rssMB!;
    const l = large!.memory.rssMB!;
    // ONNX Runtime keeps the weights once (and may pre-pack a second copy for Gemm), plus arenas
    // and code pages first touched by this model's kernels: a few MiB over the weights.
    assert.ok(s > 0.5 && s < 16, `1 MiB of weights measured as ${s.toFixed(1)} MiB`);
    assert.ok(l > 19 && l < 80, `20 MiB of weights measured as ${l.toFixed(1)} MiB`);
    assert.ok(l - s > 17, `the 19 MiB difference in weights measured as ${(l - s).toFixed(1)} MiB`);
  });
});
