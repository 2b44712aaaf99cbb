// A results file of another schema is bad input: one message naming the file, the first problem
// (the field's path and what was expected) and the fix. Every fixture is a valid schema-1 file.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseResults, readResultsFile } from '../../src/compare/read-results.ts';
import { BadInputError } from '../../src/errors.ts';
import { FIXTURES, fixturePath } from '../fixtures/results/index.ts';
import { tempDir } from '../helpers/tmp.ts';

function badInput(fn: () => unknown, problem: RegExp, fix: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BadInputError, `expected BadInputError, got ${String(e)}`);
    assert.match(e.message, problem);
    assert.match(e.fix, fix);
    return true;
  });
}

const good = () => JSON.parse(readFileSync(fixturePath('gpu'), 'utf8')) as Record<string, unknown> & { runs: Record<string, unknown>[] };

describe('readResultsFile', () => {
  it('reads every fixture', () => {
    for (const name of Object.keys(FIXTURES) as (keyof typeof FIXTURES)[]) {
      const results = readResultsFile(fixturePath(name), 'the baseline');
      assert.equal(results.schemaVersion, 1);
    }
  });

  it('keeps fields added by later versions of schema 1', () => {
    const data = { ...good(), addedLater: { x: 1 } };
    const results = parseResults(JSON.stringify(data), 'f.json') as unknown as Record<string, unknown>;
    assert.deepEqual(results.addedLater, { x: 1 });
  });

  const cases: [string, string, RegExp, RegExp][] = [
    ['not JSON', '{"schemaVersion": 1,', /^the baseline 'f\.json' is not JSON \(/, /results\.json that quantgate run wrote/],
    ['an array', '[1, 2]', /is not a quantgate results\.json: it holds an array, not an object/, /output folder \(--out\)/],
    ['no schemaVersion', JSON.stringify({ runs: [] }), /is not a quantgate results\.json: it has no schemaVersion/, /report\.md and calibration\.json are not results files/],
    ['a later schemaVersion', JSON.stringify({ ...good(), schemaVersion: 2 }), /has schemaVersion 2; this quantgate reads schemaVersion 1/, /upgrade quantgate/],
    ['a string schemaVersion', JSON.stringify({ ...good(), schemaVersion: '1' }), /has schemaVersion "1"; this quantgate reads schemaVersion 1/, /run quantgate again/],
  ];
  for (const [name, text, problem, fix] of cases) {
    it(`${name}: one message with the fix`, () => badInput(() => parseResults(text, "the baseline 'f.json'"), problem, fix));
  }

  it('a wrong field type names its path and what was expected', () => {
    const data = good();
    (data.runs[3]!.latencyMs as Record<string, unknown>).p50 = '7.1';
    badInput(
      () => parseResults(JSON.stringify(data), "the current results file 'r.json'"),
      /^the current results file 'r\.json' does not match results\.json schema 1: runs\[3\]\.latencyMs\.p50: .*expected number, received string$/,
      /schema\/results\.schema\.json/,
    );
  });

  it('a missing field and an unknown enum value are named the same way, with a count of the rest', () => {
    const data = good();
    delete data.environment;
    data.runs[0]!.status = 'crashed';
    badInput(
      () => parseResults(JSON.stringify(data), 'r.json'),
      /^r\.json does not match results\.json schema 1: environment: Invalid input: expected object, received undefined \(and 1 more problems\)$/,
      /write it again/,
    );
  });

  it('a missing file and a folder are named with the fix', () => {
    const dir = tempDir();
    badInput(() => readResultsFile(join(dir, 'nope.json'), 'the baseline results file'), /^the baseline results file '.*nope\.json' does not exist$/, /quantgate-out/);
    mkdirSync(join(dir, 'folder.json'));
    badInput(() => readResultsFile(join(dir, 'folder.json'), 'the baseline results file'), /is a folder$/, /results\.json/);
    writeFileSync(join(dir, 'empty.json'), '');
    badInput(() => readResultsFile(join(dir, 'empty.json'), 'the baseline results file'), /'.*empty\.json' is not JSON/, /results\.json/);
  });
});
