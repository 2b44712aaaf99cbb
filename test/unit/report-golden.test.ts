// Golden reports: each fixture results file rendered as the pull-request comment (and one
// `quantgate compare` output), compared byte for byte with test/golden/*.md. After a deliberate
// change, regenerate with `UPDATE_GOLDEN=1 node --import tsx --test test/unit/report-golden.test.ts`
// and read the diff: it is what reviewers will see.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { assess } from '../../src/gate/assess.ts';
import { renderComparison } from '../../src/report/comparison.ts';
import { report } from '../helpers/report.ts';
import type { Results } from '../../src/results/schema.ts';
import { fixture } from '../fixtures/results/index.ts';

const GOLDEN = fileURLToPath(new URL('../golden/', import.meta.url));

/** The CPU fixture as this version records it: timed interleaved, ONNX Runtime's spinning off. */
function cpuInterleaved(): Results {
  const results = fixture('cpu');
  results.benchmark = { warmupMs: 1000, minIterations: 20, minMs: 3000, rounds: 10, interleaved: true };
  for (const run of results.runs) if (run.latencyMs) run.settings = { threads: null, graphOptimization: 'all', allowSpinning: false };
  return results;
}
const update = process.env.UPDATE_GOLDEN === '1';

const CASES: [string, () => string][] = [
  [
    'gpu-resnet50.md',
    () => report(fixture('gpu'), { artifacts: { name: 'quantgate-resnet50', url: 'https://github.com/OWNER/REPO/actions/runs/123/artifacts/456' } }),
  ],
  ['cpu-resnet50.md', () => report(fixture('cpu'), { thresholds: { maxAccuracyDrop: 1, maxDisagreement: null, maxLatencyRegression: null } })],
  ['cpu-resnet50-vs-main.md', () => report(fixture('cpu'), { baseline: fixture('cpuBaseline'), baselineLabel: 'main' })],
  // A baseline an earlier quantgate stored (each model timed alone, spinning on): flagged, and the latency gate does not judge it.
  [
    'cpu-resnet50-vs-older-main.md',
    () => report(cpuInterleaved(), { baseline: fixture('cpuBaseline'), baselineLabel: 'main', thresholds: { maxAccuracyDrop: 1, maxDisagreement: null, maxLatencyRegression: 5 } }),
  ],
  ['accuracy-fail.md', () => report(fixture('accuracyFail'))],
  ['no-labels.md', () => report(fixture('noLabels'))],
  ['same-job.md', () => report(fixture('sameJob'), { baselineLabel: 'main' })],
  ['random-calibration.md', () => report(fixture('random'), { artifacts: { folder: 'out' } })],
  // The real pipeline's output against the fake addon (fixtures/results/make-tensorrt.ts).
  ['tensorrt-glyphs.md', () => report(fixture('tensorrt'), { artifacts: { name: 'quantgate-glyphs', url: 'https://github.com/OWNER/REPO/actions/runs/123/artifacts/456' } })],
  [
    'compare-cpu-resnet50.md',
    () => {
      // The path `quantgate compare` takes.
      const current = fixture('cpu');
      const thresholds = { maxAccuracyDrop: null, maxDisagreement: null, maxLatencyRegression: 5 };
      const { comparison, verdict } = assess(current, { baseline: fixture('cpuBaseline'), thresholds, fileOnly: true });
      return renderComparison(current, comparison.file!, verdict, { currentName: 'quantgate-out/results.json', baselineName: 'baseline/results.json' });
    },
  ],
];

describe('golden reports', () => {
  for (const [name, render] of CASES) {
    it(name, () => {
      const actual = render();
      const path = `${GOLDEN}${name}`;
      if (update || !existsSync(path)) {
        writeFileSync(path, actual);
        if (!update) assert.fail(`${name} did not exist: written now, check it and commit it`);
        return;
      }
      assert.equal(actual, readFileSync(path, 'utf8'), `${name} changed: if on purpose, run with UPDATE_GOLDEN=1 and review the diff`);
    });
  }

  it('renders the same string twice (no clock, no randomness)', () => {
    assert.equal(report(fixture('gpu')), report(fixture('gpu')));
  });
});
