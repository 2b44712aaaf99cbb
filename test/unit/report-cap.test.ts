// GitHub refuses comment bodies over 65,536 characters. The report shrinks its details first,
// then the table, says that it did, and never loses the marker or the headline.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GITHUB_COMMENT_LIMIT } from '../../src/report/report.ts';
import type { Results, RunResult } from '../../src/results/schema.ts';
import { fixture } from '../fixtures/results/index.ts';
import { report } from '../helpers/report.ts';

const NOTE = "left out to keep this comment under GitHub's 65,536-character limit";

/** Many timed rows against a baseline with the same rows: the comparison details outgrow the comment. */
function manyRows(): { results: Results; baseline: Results } {
  const make = (slower: number): Results => {
    const results = fixture('cpu');
    const [int8, fp32] = [results.runs.find((r) => r.model === 'int8.ort')!, results.runs.find((r) => r.model === 'fp32')!];
    results.runs = [];
    for (let batch = 1; batch <= 150; batch++) {
      for (const run of [int8, fp32]) {
        const p50 = run.latencyMs!.p50 * batch * slower;
        results.runs.push({ ...run, batch, latencyMs: { ...run.latencyMs!, p50 }, accuracy: null, accuracyLossPp: null, accuracyLossCi: null });
      }
    }
    return results;
  };
  return { results: make(1.1), baseline: make(1) };
}

/** A matrix gone wild: hundreds of batch sizes, each failing with a long log. */
function manyRuns(): Results {
  const results = fixture('gpu');
  const template = results.runs[1]!;
  const runs: RunResult[] = [];
  for (let batch = 1; batch <= 600; batch++) {
    runs.push({ ...template, batch, status: 'failed', reason: `engine build failed at batch ${batch}: ${'[TRT] [E] tactic failed; '.repeat(400)}`, latencyMs: null, throughput: null, memory: null });
  }
  results.runs = [...results.runs, ...runs.map((r, i) => ({ ...r, model: i % 2 ? 'fp16' : 'int8.trt', precision: i % 2 ? ('fp16' as const) : ('int8' as const) }))];
  return results;
}

describe('the 65,536-character cap', () => {
  it('details shrink first; the table stays whole', () => {
    const { results, baseline } = manyRows();
    const options = { baseline, baselineLabel: 'main', thresholds: { maxAccuracyDrop: 1, maxDisagreement: null, maxLatencyRegression: 5 } };
    assert.ok(report(results, { ...options, maxChars: 10_000_000 }).length > GITHUB_COMMENT_LIMIT, 'the fixture must overflow');
    const md = report(results, options);
    assert.ok(md.length <= GITHUB_COMMENT_LIMIT, String(md.length));
    assert.ok(md.includes(NOTE));
    assert.ok(md.startsWith('<!-- quantgate:models/resnet50.onnx -->\n### ❌'));
    // Every run still a row; the comparison and gate details went, the quantization details stayed.
    assert.equal((md.match(/^\| ONNX Runtime 1\.30 CPU \|/gm) ?? []).length, 300);
    assert.ok(!md.includes('<summary>Compared with'));
    assert.match(md, /<summary>Quantization: /);
    // Failures are listed under the headline, but not all 300 of them.
    assert.ok((md.match(/^- ❌ /gm) ?? []).length <= 10);
    assert.match(md, /^- … and \d+ more failing checks/m);
  });

  it('lists stay short at every level: at most 10 sensitive layers and 20 nodes kept in float', () => {
    const results = fixture('gpu');
    const q = results.quantization!;
    q.mostSensitive = Array.from({ length: 3000 }, (_, i) => ({ node: `/l.${i}/MatMul`, opType: 'MatMul', sqnrDb: 10 + i / 100, exclude: `--exclude /l.${i}/MatMul` }));
    q.keptFloat = Array.from({ length: 3000 }, (_, i) => ({ node: `/l.${i}/Softmax`, opType: 'Softmax', reason: `not quantized: ${'why '.repeat(500)}` }));
    const md = report(results);
    assert.ok(md.length < 20_000, String(md.length));
    assert.equal((md.match(/`--exclude \/l\.\d+\/MatMul`/g) ?? []).length, 10);
    assert.equal((md.match(/^- `\/l\.\d+\/Softmax`/gm) ?? []).length, 20);
    assert.match(md, /- … and 2,980 more \(calibration\.json lists them all\)/);
  });

  it('a table too long for any detail level is cut, counting what it left out', () => {
    const results = manyRuns();
    const full = report(results, { maxChars: 10_000_000 });
    assert.ok(full.length > GITHUB_COMMENT_LIMIT, 'the fixture must overflow');
    const md = report(results);
    assert.ok(md.length <= GITHUB_COMMENT_LIMIT, String(md.length));
    assert.ok(md.includes(NOTE));
    assert.ok(!md.includes('<details>'), 'details go before table rows');
    assert.match(md, /^\| … \d+ more rows in results\.json \|/m);
    assert.match(md.split('\n')[1]!, /^### ❌ quantgate · resnet50 · /);
  });

  it('reasons are shortened in table cells even when there is room', () => {
    const results = fixture('accuracyFail');
    results.runs[3]!.reason = `engine build failed: ${'x'.repeat(5000)}`;
    const md = report(results);
    const row = md.split('\n').find((l) => l.startsWith('| TensorRT 10.13 | FP16 | 32 |'))!;
    assert.ok(row.length < 300, String(row.length));
    assert.match(row, /…/);
  });

  it('a limit no level can meet cuts at a line and says so', () => {
    const md = report(fixture('gpu'), { maxChars: 600 });
    assert.ok(md.length <= 600, String(md.length));
    assert.ok(md.startsWith('<!-- quantgate:models/resnet50.onnx -->\n### ✅'));
    assert.ok(md.trimEnd().endsWith('</sub>'));
    assert.ok(md.includes(NOTE));
  });

  it('a report that fits is not shrunk', () => {
    const md = report(fixture('gpu'));
    assert.ok(!md.includes(NOTE));
    assert.equal((md.match(/<details>/g) ?? []).length, 5);
  });
});
