// A baseline is untrusted input: schema-valid numbers that no run can produce (a negative p50, a
// negative iteration count, batch 10^15, a p50 of 1e-300 ms) would silently switch the latency
// gate off or print "+8.47e+300%". The reader refuses them with the field's path and its range;
// `checkResults` returns the same problem without throwing, for a baseline fetched automatically.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkResults, parseResults } from '../../src/compare/read-results.ts';
import { BadInputError } from '../../src/errors.ts';
import { cli } from '../helpers/cli.ts';
import { FIXTURES, fixturePath } from '../fixtures/results/index.ts';
import { tempDir } from '../helpers/tmp.ts';

type Json = Record<string, unknown> & { runs: Record<string, unknown>[] };
const good = (): Json => JSON.parse(readFileSync(fixturePath('gpu'), 'utf8')) as Json;
/** The first run that was timed, whose latency a comparison reads. */
const timed = (data: Json) => data.runs.find((r) => r.latencyMs !== null)! as Record<string, unknown> & { latencyMs: Record<string, number> };

const cases: { name: string; edit: (data: Json) => void; field: RegExp }[] = [
  { name: 'a negative p50', edit: (d) => (timed(d).latencyMs.p50 = -3), field: /runs\[\d+\]\.latencyMs\.p50/ },
  { name: 'a p50 of 1e-300 ms', edit: (d) => (timed(d).latencyMs.p50 = 1e-300), field: /runs\[\d+\]\.latencyMs\.p50/ },
  { name: 'negative iterations', edit: (d) => (timed(d).latencyMs.iterations = -5), field: /runs\[\d+\]\.latencyMs\.iterations/ },
  { name: 'batch 10^15', edit: (d) => (timed(d).batch = 1e15), field: /runs\[\d+\]\.batch/ },
  { name: 'a p50 above the p99', edit: (d) => (timed(d).latencyMs.p50 = timed(d).latencyMs.p99! * 10), field: /runs\[\d+\]\.latencyMs/ },
  { name: 'a negative throughput', edit: (d) => (timed(d).throughput = -1), field: /runs\[\d+\]\.throughput/ },
  { name: 'an accuracy loss of 1000 pp', edit: (d) => (d.runs.find((r) => r.accuracyLossPp !== null)!.accuracyLossPp = 1000), field: /runs\[\d+\]\.accuracyLossPp/ },
  { name: 'a negative latency limit', edit: (d) => ((d.verdict as { thresholds: Record<string, number> }).thresholds.maxLatencyRegression = -10), field: /verdict\.thresholds\.maxLatencyRegression/ },
];

describe('results.json ranges', () => {
  it('every fixture is within range', () => {
    for (const name of Object.keys(FIXTURES) as (keyof typeof FIXTURES)[]) {
      const check = checkResults(readFileSync(fixturePath(name), 'utf8'), FIXTURES[name]);
      assert.equal(check.problem, null, check.problem?.message ?? '');
    }
  });

  for (const { name, edit, field } of cases) {
    it(`${name} is refused, naming the field`, () => {
      const data = good();
      edit(data);
      assert.throws(
        () => parseResults(JSON.stringify(data), "the baseline 'b.json'"),
        (e: unknown) => e instanceof BadInputError && field.test(e.message) && /write it again/.test(e.fix),
      );
    });
  }

  it('checkResults returns the problem instead of throwing', () => {
    const data = good();
    timed(data).latencyMs.p50 = -3;
    const check = checkResults(JSON.stringify(data), 'the base branch\'s results');
    assert.equal(check.results, null);
    assert.ok(check.problem instanceof BadInputError);
    assert.match(check.problem.message, /^the base branch's results does not match results\.json schema 1: runs\[\d+\]\.latencyMs\.p50/);
    assert.ok(checkResults(JSON.stringify(good()), 'x').results);
  });

  it('quantgate compare with an absurd baseline is bad input (exit 2), not a silent pass', async () => {
    const dir = tempDir();
    const data = JSON.parse(readFileSync(fixturePath('cpuBaseline'), 'utf8')) as Json;
    for (const run of data.runs) if (run.latencyMs) (run.latencyMs as Record<string, number>).p50 = -1;
    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, JSON.stringify(data));
    const r = await cli(['compare', fixturePath('cpu'), baseline, '--max-latency-regression', '5']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /latencyMs\.p50/);
  });
});
