// `quantgate compare` as a user meets it: markdown or JSON on stdout, exit 1 only when a gate
// flag is given and fails, exit 2 with one message for a file of another schema.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, cliProcess } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { fixturePath, RESULTS_DIR } from '../fixtures/results/index.ts';

const current = fixturePath('cpu');
const baseline = fixturePath('cpuBaseline');

describe('quantgate compare', () => {
  it('prints the comparison and exits 0 without a gate flag, even with a regression in it', async () => {
    const r = await cli(['compare', current, baseline]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^### quantgate compare · resnet50: /);
    assert.match(r.stdout, /1 slower beyond noise, 0 faster beyond noise, 3 within noise; 2 without a match; environments differ in ONNX Runtime, Node\./);
    assert.match(r.stdout, /\| ONNX Runtime CPU INT8 \| 32 \| 2,270 → 2,590 \| \+14\.1% \| ±3\.6% \| 🔴 slower \|/);
    assert.match(r.stdout, /Only in the baseline: ONNX Runtime CPU INT8 at batch 8; ONNX Runtime CPU FP32 at batch 8\./);
    assert.ok(!/fails the gate|passes the gate/.test(r.stdout));
  });

  it('resolves the files against the working directory', async () => {
    const r = await cli(['compare', 'cpu-resnet50.json', 'cpu-resnet50.baseline.json'], RESULTS_DIR);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /`cpu-resnet50\.json` against `cpu-resnet50\.baseline\.json`/);
  });

  it('exits 1 when --max-latency-regression is given and a row regresses beyond limit and noise', async () => {
    const r = await cli(['compare', current, baseline, '--max-latency-regression', '5']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\*\*❌ fails the gate\*\*/);
    assert.match(r.stdout, /- ONNX Runtime CPU INT8 at batch 32: p50 14\.1% slower than the baseline \(2,270 ms → 2,590 ms\), over the 5% limit and beyond the ±3\.6% noise\./);
    assert.match(r.stderr, /gate failed: ONNX Runtime CPU INT8 at batch 32/);
  });

  it('flags a baseline timed with other benchmark settings, and its latency gate does not fire on it', async () => {
    // The current file as this version writes it (interleaved, spinning off); the baseline is older.
    const recorded = JSON.parse(readFileSync(current, 'utf8'));
    recorded.benchmark = { warmupMs: 1000, minIterations: 20, minMs: 3000, rounds: 10, interleaved: true };
    for (const run of recorded.runs) if (run.latencyMs) run.settings = { threads: null, graphOptimization: 'all', allowSpinning: false };
    const path = join(tempDir(), 'interleaved.json');
    writeFileSync(path, JSON.stringify(recorded));
    const r = await cli(['compare', path, baseline, '--max-latency-regression', '5']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /timed with different benchmark settings: latencies not comparable\./);
    assert.match(r.stdout, /\| benchmark settings \| interleaved, 10 rounds, .* \| not recorded \(an earlier quantgate: each model timed after the other, ONNX Runtime spinning on\) \|/);
    assert.match(r.stdout, /\| ONNX Runtime CPU INT8 \| 32 \| 2,270 → 2,590 \| \+14\.1% \| ±3\.6% \| other settings \|/);
    assert.match(r.stdout, /- latency not gated against the baseline: it was timed with other benchmark settings/);
  });

  it('exits 0 when the limit is above the regression', async () => {
    const r = await cli(['compare', current, baseline, '--max-latency-regression', '20']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\*\*✅ passes the gate\*\*/);
  });

  it('--max-accuracy-drop gates the current file\'s INT8 loss against FP32', async () => {
    assert.equal((await cli(['compare', current, baseline, '--max-accuracy-drop', '0.3'])).code, 1);
    assert.equal((await cli(['compare', current, baseline, '--max-accuracy-drop', '1'])).code, 0);
  });

  it('--json prints the comparison and the verdict', async () => {
    const r = await cli(['compare', current, baseline, '--json', '--max-latency-regression', '5']);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as {
      comparison: { pairs: { key: string; p50: { class: string } | null }[]; onlyBaseline: unknown[]; environment: { what: string }[] };
      verdict: { pass: boolean; gated: boolean };
    };
    assert.equal(out.comparison.pairs.find((p) => p.key === 'onnxruntime/cpu/int8.ort/32')!.p50!.class, 'regression');
    assert.equal(out.comparison.onlyBaseline.length, 2);
    assert.deepEqual(out.comparison.environment.map((d) => d.what), ['ONNX Runtime', 'Node']);
    assert.deepEqual([out.verdict.pass, out.verdict.gated], [false, true]);
    const plain = JSON.parse((await cli(['compare', current, baseline, '--json'])).stdout) as { verdict: unknown };
    assert.equal(plain.verdict, null);
  });

  it('a file of another schema is bad input (2): one message naming the file, the field and the fix', () => {
    const dir = tempDir();
    const data = JSON.parse(readFileSync(baseline, 'utf8'));
    data.runs[5].latencyMs.p50 = 'fast';
    const bad = join(dir, 'old.json');
    writeFileSync(bad, JSON.stringify(data));
    const r = cliProcess(['compare', current, bad]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0]!, /^error: the baseline results file '.*old\.json' does not match results\.json schema 1: runs\[5\]\.latencyMs\.p50: .*expected number, received string$/);
    assert.match(lines[1]!, /^ {2}fix: write it again with quantgate run, or correct that field/);
  });

  it('a file from another version, and a file that is not there, are bad input (2)', async () => {
    const dir = tempDir();
    const v2 = join(dir, 'v2.json');
    writeFileSync(v2, JSON.stringify({ ...JSON.parse(readFileSync(current, 'utf8')), schemaVersion: 2 }));
    const r = await cli(['compare', v2, baseline]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the current results file '.*v2\.json' has schemaVersion 2; this quantgate reads schemaVersion 1/);
    const missing = await cli(['compare', current, join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /the baseline results file '.*nope\.json' does not exist/);
  });

  it('a missing operand is usage (2)', async () => {
    assert.equal((await cli(['compare', current])).code, 2);
  });
});
