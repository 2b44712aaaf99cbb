// `quantgate aggregate` and `quantgate comment` through the CLI, on results folders that real runs
// of quantgate wrote (made once for this file): one leg that passes, one whose run stopped on a
// bad input (its results.json says so and fails the gate). Posting is tested in
// cli-comment-post.test.ts against a local server that speaks GitHub's REST API.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { writeModel } from '../../src/model/write.ts';
import { cli } from '../helpers/cli.ts';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const fast = ['--warmup-ms', '0', '--min-iterations', '2', '--min-time-ms', '0', '--batch-sizes', '1', '--quiet'];
const legs = join(dir, 'legs');
const pass = join(legs, 'cpu-pass');
const stopped = join(legs, 'cpu-stopped');

before(async () => {
  const model = join(dir, 'model.onnx');
  writeModel(gemmModel(), model);
  const ok = await cli(['run', '--model', model, '--out', pass, '--max-disagreement', '5', ...fast], dir);
  assert.equal(ok.code, 0, ok.stderr);
  // A run that stops on a bad input still writes results.json, which fails its gate.
  const bad = await cli(['run', '--model', model, '--out', stopped, '--output', 'no-such-output', ...fast], dir);
  assert.equal(bad.code, 2, bad.stderr);
  assert.ok(existsSync(join(stopped, 'results.json')));
});

describe('quantgate aggregate', () => {
  it('passing legs: exit 0, one verdict, a section per leg named by its folder', async () => {
    const other = join(dir, 'legs2', 'cpu-again');
    cpSync(pass, other, { recursive: true });
    const out = join(dir, 'agg-pass');
    const r = await cli(['aggregate', pass, other, '--out', out], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^verdict: passed \(2 legs\)$/m);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(report.split('\n')[0]!, /^<!-- quantgate:aggregate:.*model\.onnx -->$/);
    assert.match(report, /^### ✅ quantgate · model · 2 legs · every leg passes the gate$/m);
    assert.match(report, /^\*\*Leg `cpu-pass`\*\* · /m);
    assert.match(report, /^\*\*Leg `cpu-again`\*\* · /m);
    // Each leg's own report follows, without a marker of its own (one comment, one marker).
    assert.equal(report.match(/<!-- quantgate:/g)!.length, 1);
    assert.equal(report.match(/^### ✅ quantgate · model · INT8 passes the gate/gm)!.length, 2);
    const summary = JSON.parse(readFileSync(join(out, 'aggregate.json'), 'utf8'));
    assert.deepEqual(summary.verdict, { pass: true, reasons: [], failedLegs: [], badLegs: [] });
  });

  it('a failing leg fails the aggregate (exit 1) and the headline and the message name it', async () => {
    const out = join(dir, 'agg-fail');
    const r = await cli(['aggregate', pass, stopped, '--out', out], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^verdict: FAILED \(2 legs\)\n {2}cpu-stopped: The run did not finish: --output is 'no-such-output'/);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(report, /^### ❌ quantgate · model · 2 legs · 1 of 2 failed, first `cpu-stopped`$/m);
    assert.match(report, /^- ✅ `cpu-pass` /m);
    assert.match(report, /^- ❌ `cpu-stopped` .*: The run did not finish/m);
  });

  it('a results file that claims to pass while its runs fail is judged by its runs', async () => {
    const forged = join(dir, 'forged', 'cpu-forged');
    cpSync(stopped, forged, { recursive: true });
    const results = JSON.parse(readFileSync(join(forged, 'results.json'), 'utf8'));
    results.verdict = { ...results.verdict, pass: true, reasons: [] };
    writeFileSync(join(forged, 'results.json'), JSON.stringify(results));
    const r = await cli(['aggregate', forged, '--out', join(dir, 'agg-forged'), '--json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.verdict.failedLegs, ['cpu-forged']);
  });

  it('a leg that cannot be read: exit 2 with one message naming it, and the report still has the others and a line for it', async () => {
    const broken = join(dir, 'broken', 'gpu-l4');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'results.json'), '{"schemaVersion": 1, "runs": "nope"}');
    const out = join(dir, 'agg-bad');
    const r = await cli(['aggregate', pass, broken, '--out', out], dir);
    assert.equal(r.code, 2);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0]!, /^error: a leg of the aggregate could not be read \(gpu-l4\): .*gpu-l4\/results\.json does not match results\.json schema 1/);
    assert.match(r.stderr, /^ {2}fix: /m);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(report, /^### ❌ quantgate · model · 2 legs · 1 of 2 failed, first `gpu-l4`$/m);
    assert.match(report, /^- ⚠️ `gpu-l4` could not be read: `.*does not match results\.json schema 1/m);
    assert.match(report, /^\*\*Leg `cpu-pass`\*\*/m);
  });

  it('a results.json that is a link (an artifact pointing elsewhere on the runner) is refused', async () => {
    const linked = join(dir, 'linked', 'leg');
    mkdirSync(linked, { recursive: true });
    symlinkSync(join(pass, 'results.json'), join(linked, 'results.json'));
    const r = await cli(['aggregate', linked, '--out', join(dir, 'agg-link')], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /has a results\.json that is not a regular file \(a link or a folder\)/);
  });

  it('refuses an --out that is one of the legs: the aggregate would overwrite its files', async () => {
    const r = await cli(['aggregate', pass, stopped, '--out', pass], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: --out .*cpu-pass overlaps the results folder .*cpu-pass; the aggregate would overwrite a leg's files\n {2}fix: give --out a folder of its own/m);
    assert.match(readFileSync(join(pass, 'report.md'), 'utf8'), /^<!-- quantgate:[^a]/);
  });

  it('without any folder it is a usage error (exit 2)', async () => {
    const r = await cli(['aggregate'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing required argument 'dirs'/);
  });
});

describe('quantgate comment (before posting)', () => {
  it('a folder without results.json: exit 2 with one message and the fix, nothing posted', async () => {
    const empty = join(dir, 'empty-out');
    mkdirSync(empty, { recursive: true });
    const r = await cli(['comment', empty, '--pr', '7', '--repo', 'o/r', '--token', 't'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: the results folder '.*empty-out' holds no results\.json\n {2}fix: pass the folder quantgate run wrote \(its --out/m);
  });

  it('--pr is required', async () => {
    const r = await cli(['comment', pass, '--repo', 'o/r', '--token', 't'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--pr/);
  });

  it('no token: one message saying where a token comes from; the token given is never echoed', async () => {
    const saved = process.env.GITHUB_TOKEN;
    delete process.env.GITHUB_TOKEN;
    try {
      const r = await cli(['comment', pass, '--pr', '7', '--repo', 'o/r'], dir);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^error: there is no token to post the comment with: --token is not given and GITHUB_TOKEN is not set\n {2}fix: give the step env GITHUB_TOKEN/m);
      const bad = await cli(['comment', pass, '--pr', '7', '--repo', 'o/r', '--token', 'ghs_secret with space'], dir);
      assert.equal(bad.code, 2);
      assert.doesNotMatch(bad.stderr, /ghs_secret/);
      assert.match(bad.stderr, /--token is '\(hidden\)'/);
    } finally {
      if (saved !== undefined) process.env.GITHUB_TOKEN = saved;
    }
  });

  it('a repository that is not owner/name is refused', async () => {
    const r = await cli(['comment', pass, '--pr', '7', '--repo', 'just-a-name', '--token', 't'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--repo is 'just-a-name': the repository must be owner\/name/);
  });
});
