// What every report must do, checked across all fixtures: the marker on the first line, the
// verdict and its number in the headline, every run a row (what did not run too), units on every
// number, the simulation labelled, well-formed markdown whatever the reasons contain.
import assert from 'node:assert/strict';
import { decideVerdict } from '../../src/gate/verdict.ts';
import { DEFAULT_THRESHOLDS } from '../../src/gate/assess.ts';
import { describe, it } from 'node:test';
import type { Results } from '../../src/results/schema.ts';
import { fixture, FIXTURES, type FixtureName } from '../fixtures/results/index.ts';
import { report } from '../helpers/report.ts';

const NAMES = Object.keys(FIXTURES) as FixtureName[];

/** The cells of the report's first table (the comparison table): header and rows. */
function mainTable(markdown: string): { header: string[]; rows: string[][] } {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| runtime |'));
  assert.ok(start > 0, 'no table');
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  const split = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
  return { header: split(lines[start]!), rows: lines.slice(start + 2, end).map(split) };
}

describe('every fixture', () => {
  for (const name of NAMES) {
    describe(name, () => {
      const results = fixture(name);
      const md = report(results);

      it('starts with the hidden marker naming the model, then the headline', () => {
        const [first, second] = md.split('\n');
        assert.equal(first, `<!-- quantgate:${results.model.path} -->`);
        assert.match(second!, /^### (✅|❌|⚪) quantgate · [\w.-]+ · /);
      });

      it('has one well-formed table with every run of this model as a row, or named in the line of what did not run', () => {
        const { header, rows } = mainTable(md);
        for (const row of rows) assert.equal(row.length, header.length, `row ${row.join(' | ')}`);
        const mine = results.runs.filter((r) => !r.model.startsWith('base:'));
        // Folded rows stand for several runs: count what they claim.
        const claimed = rows.reduce((n, row) => n + row[1]!.split(', ').length * row[2]!.split(', ').length, 0);
        const notRun = /^Not run on this runner: (.*)\.$/m.exec(md)?.[1] ?? '';
        // A runtime or provider that skipped every row is a name in that line, not rows.
        const part = (r: (typeof mine)[number]) => `${r.runtime}/${r.provider}`;
        const collapsed = mine.filter((r) => r.status === 'skipped' && mine.filter((o) => part(o) === part(r)).every((o) => o.status === 'skipped'));
        for (const run of collapsed) assert.match(notRun, run.runtime === 'tensorrt' ? /TensorRT \(/ : /ONNX Runtime /, `${run.runtime}/${run.provider} is neither a row nor named`);
        assert.equal(claimed + collapsed.length, mine.length);
      });

      it('puts a unit on every number (in the cell, or in the header for latency)', () => {
        const { header, rows } = mainTable(md);
        for (const row of rows) {
          row.forEach((cell, i) => {
            if (!/^[−-]?[\d,.]+$/.test(cell)) return;
            assert.ok(header[i] === 'batch' || /\(ms\)/.test(header[i]!), `'${cell}' under '${header[i]}' has no unit`);
          });
        }
      });

      it('balances its folds and code fences and stays under the comment limit', () => {
        assert.equal((md.match(/<details>/g) ?? []).length, (md.match(/<\/details>/g) ?? []).length);
        assert.equal((md.match(/^```/gm) ?? []).length % 2, 0);
        assert.ok(md.length < 65_536);
        assert.ok(!md.includes('left out to keep this comment'));
      });

      it('names the verdict its results store (rendered with the baseline it was decided against)', () => {
        const withBaseline = name === 'cpu' ? report(results, { baseline: fixture('cpuBaseline'), baselineLabel: 'main' }) : md;
        const icon = results.verdict.pass ? (results.verdict.gated ? '✅' : '⚪') : '❌';
        const line = withBaseline.split('\n')[1]!;
        assert.ok(line.startsWith(`### ${icon}`), line);
      });
    });
  }
});

describe('headlines', () => {
  const headline = (r: Results, options = {}) => report(r, options).split('\n')[1];
  it('a pass names the worst loss and the limit', () => {
    assert.equal(headline(fixture('gpu')), '### ✅ quantgate · resnet50 · INT8 passes the gate: worst accuracy loss 0.42 pp (limit 1.00 pp)');
  });
  it('a failure names the run, the number and the limit', () => {
    assert.equal(headline(fixture('accuracyFail')), '### ❌ quantgate · efficientnet_b0 · INT8 loses 1.35 pp on TensorRT (limit 1.00 pp), and 1 more gate failure below');
  });
  it('a latency failure names the batch, the baseline, the limit and the noise', () => {
    assert.equal(
      headline(fixture('sameJob'), { baselineLabel: 'main' }),
      '### ❌ quantgate · resnet18 · INT8 is 9.7% slower on ONNX Runtime CPU at batch 8 than `main` (limit 5%, noise ±2.7%)',
    );
  });
  it('nothing gated says why and shows the closest number', () => {
    assert.equal(
      headline(fixture('noLabels')),
      "### ⚪ quantgate · mobilenetv3_small · accuracy not gated: no labels (INT8 agrees with FP32's top-1 on 95.8% of samples at worst, on ONNX Runtime CPU)",
    );
  });
  it('a pass with a disagreement limit names it', () => {
    assert.match(headline(fixture('noLabels'), { thresholds: { maxAccuracyDrop: 1, maxDisagreement: 5, maxLatencyRegression: null } })!, /✅ .* worst top-1 disagreement with FP32 4\.2% \(limit 5%\)/);
  });
});

describe('rows a reviewer must not miss', () => {
  it('a runtime skipped for a missing library is one line under the table with the reason, not rows', () => {
    const md = report(fixture('cpu'));
    assert.match(md, /^Not run on this runner: TensorRT \(libnvinfer\.so\.10 not found\)\.$/m);
    assert.ok(!mainTable(md).rows.some((row) => row[0] === 'TensorRT'));
    // A CPU runner without TensorRT under auto is expected: the headline stays quiet.
    assert.doesNotMatch(md.split('\n')[1]!, /did not run/);
  });

  it('TensorRT missing on a runner that has a GPU stays loud in the headline', () => {
    const results = fixture('cpu');
    results.environment.gpu = fixture('gpu').environment.gpu;
    const first = report(results).split('\n')[1]!;
    assert.match(first, /^### ✅ quantgate · resnet50 · INT8 passes the gate: .* · ⚠️ did not run: TensorRT \(libnvinfer\.so\.10 not found\)$/);
  });

  it('a reason that starts with the runtime\'s own name does not say it twice (the GPU machine\'s line)', () => {
    const results = fixture('cpu');
    results.environment.gpu = fixture('gpu').environment.gpu;
    // The reason the TensorRT backend gave on the H100 machine without TensorRT.
    for (const run of results.runs.filter((r) => r.runtime === 'tensorrt')) run.reason = 'TensorRT (libnvinfer) could not be loaded (tried libnvinfer.so.10, libnvinfer.so.11)';
    const md = report(results);
    assert.match(md.split('\n')[1]!, / · ⚠️ did not run: TensorRT \(libnvinfer could not be loaded \(tried libnvinfer\.so\.10, libnvinfer\.so\.11\)\)$/);
    assert.match(md, /^Not run on this runner: TensorRT \(libnvinfer could not be loaded \(tried libnvinfer\.so\.10, libnvinfer\.so\.11\)\)\.$/m);
  });

  it('a runtime or provider named by the run (not auto) that did not run stays loud in the headline', () => {
    const results = fixture('tensorrt');
    assert.doesNotMatch(report(results).split('\n')[1]!, /did not run/);
    results.requested = { runtimes: 'auto', providers: ['cpu', 'cuda'] };
    const md = report(results);
    assert.match(md.split('\n')[1]!, / · ⚠️ did not run: ONNX Runtime CUDA provider \(no NVIDIA driver: \/proc\/driver\/nvidia\/version absent\)$/);
    assert.match(md, /^Not run on this runner: ONNX Runtime CUDA and TensorRT providers \(no NVIDIA driver: .*\)\.$/m);
  });

  it('skipped rows of a runtime that ran others stay rows', () => {
    const results = fixture('gpu');
    const fp16 = results.runs.find((r) => r.runtime === 'tensorrt' && r.model === 'fp16' && r.batch === 32)!;
    Object.assign(fp16, { status: 'skipped', reason: 'the engine does not fit the GPU', latencyMs: null, throughput: null, memory: null });
    const md = report(results);
    assert.ok(mainTable(md).rows.some((row) => row[0] === 'TensorRT 10.13' && /skipped: the engine does not fit the GPU/.test(row[3]!)));
    assert.doesNotMatch(md, /Not run on this runner/);
  });

  it('a failed run is a row with its reason, and listed under the headline', () => {
    const md = report(fixture('accuracyFail'));
    assert.match(md, /\| TensorRT 10\.13 \| FP16 \| 32 \| ❌ failed: engine build failed: \\\[TRT\]/);
    assert.match(md, /^- ❌ TensorRT FP16 at batch 32 failed/m);
  });

  it('the CPU simulation of TensorRT is labelled as one, carries accuracy only, and is explained', () => {
    const md = report(fixture('cpu'));
    const row = mainTable(md).rows.find((r) => r[0]!.startsWith('TensorRT, simulated on CPU †'))!;
    assert.equal(row[3], 'accuracy only');
    assert.deepEqual(row.slice(4, 7), ['', '', '']);
    assert.match(md, /<sub>† A simulation of TensorRT's INT8 arithmetic/);
  });

  it('within noise is called so, and a real regression is marked', () => {
    const md = report(fixture('cpu'), { baseline: fixture('cpuBaseline'), baselineLabel: 'main' });
    const rows = mainTable(md).rows;
    const vs = (batch: string, model: string) => rows.find((r) => r[2] === batch && r[1] === model && r[0]!.startsWith('ONNX'))!.at(-1);
    assert.equal(vs('1', 'INT8'), 'p50\u00a0+6.2%, within noise');
    assert.equal(vs('32', 'INT8'), '🔴 p50\u00a0+14.1%');
    assert.match(md, /Only in `main`: ONNX Runtime CPU INT8 at batch 8; ONNX Runtime CPU FP32 at batch 8\./);
    assert.match(md, /\| ONNX Runtime \| 1\.30\.0 \| 1\.29\.1 \|/);
  });

  it('the speed sentence compares INT8 with the fastest float model and with the baseline', () => {
    // Without rounds (an earlier quantgate's file): the ratio of the p50s.
    assert.match(report(fixture('gpu')), /^TensorRT INT8 runs \*\*1\.82x\*\* faster than TensorRT FP16 at batch 32 \(3\.90 vs 7\.10 ms\)\.$/m);
    // Interleaved rounds: the median of the paired ratios (372/151 = 2.46 as p50s) and its interval.
    assert.match(
      report(fixture('sameJob'), { baselineLabel: 'main' }),
      /^ONNX Runtime CPU INT8 runs \*\*2\.47x\*\* faster than ONNX Runtime CPU FP32 at batch 8 \(151 vs 372 ms; median of the 8 quietest of 10 interleaved rounds, 99% interval 2\.45–2\.49x\), and at \*\*0\.91x\*\* the speed of `main`'s model \(slower, beyond the ±2\.7% noise, median of the 8 quietest of 10 paired rounds\)\.$/m,
    );
  });

  it('a speedup that rounds to 1.00x, or whose interval holds 1, is "about as fast as", never "1.00x slower"', () => {
    const results = fixture('gpu');
    const int8 = results.runs.find((r) => r.runtime === 'tensorrt' && r.precision === 'int8' && r.batch === 32 && r.latencyMs)!;
    int8.latencyMs!.p50 = 7.12; // FP16 takes 7.10 ms: 0.997x
    const md = report(results);
    assert.match(md, /^TensorRT INT8 runs \*\*about as fast as\*\* TensorRT FP16 at batch 32 \(1\.00x its speed: 7\.12 vs 7\.10 ms\)\.$/m);
    assert.doesNotMatch(md, /1\.00x\*\* (faster|slower)|1\.00x slower/);
  });
});

describe('warnings', () => {
  it('random calibration data is a loud caution right under the headline', () => {
    const md = report(fixture('random'));
    const lines = md.split('\n');
    assert.equal(lines[3], '> [!CAUTION]');
    assert.match(lines[4]!, /\*\*Calibrated on random data\.\*\*/);
    for (const name of NAMES.filter((n) => n !== 'random')) assert.ok(!report(fixture(name)).includes('[!CAUTION]'), name);
  });

  it('a run cut short says so', () => {
    const results = fixture('gpu');
    results.incomplete = 'interrupted by SIGTERM during the benchmark';
    assert.match(report(results), /> \*\*This run was cut short\*\* \(interrupted by SIGTERM during the benchmark\)/);
  });
});

describe('hostile text', () => {
  it('reasons with pipes, newlines and tags cannot break the table or open HTML', () => {
    const results = fixture('cpu');
    for (const run of results.runs.filter((r) => r.status === 'skipped')) run.reason = 'bad | reason\nwith <script>alert(1)</script> and `code`';
    const md = report(results);
    const { header, rows } = mainTable(md);
    for (const row of rows) assert.equal(row.length, header.length);
    assert.doesNotMatch(md, /(^|[^\\])<script>/, 'a tag only escaped');
    assert.ok(md.includes('Not run on this runner: TensorRT (bad | reason with \\<script>alert(1)\\</script> and \\`code\\`).\n'), md);
  });

  it('a model path cannot close the marker early', () => {
    const results = fixture('gpu');
    results.model.path = 'models/a-->b.onnx';
    const first = report(results).split('\n')[0]!;
    assert.equal(first.indexOf('-->'), first.length - 3);
  });
});

describe('results with little in them', () => {
  it('no runs at all (a run cut short before the benchmark) fails with the reason in the headline and an empty table', () => {
    const results = fixture('gpu');
    results.runs = [];
    results.evaluation = null;
    results.quantization = null;
    results.incomplete = 'the quantize stage failed: no Conv, ConvTranspose, Gemm or MatMul to quantize';
    const md = report(results);
    assert.match(md.split('\n')[1]!, /^### ❌ quantgate · resnet50 · the run stopped before it finished: the quantize stage failed: no Conv, ConvTranspose, Gemm or MatMul to quantize$/);
    assert.equal(decideVerdict(results, DEFAULT_THRESHOLDS).pass, false);
    assert.match(md, /This run was cut short/);
    assert.equal(mainTable(md).rows.length, 0);
  });

  it('only skipped runs: an empty table, the line of what did not run, no speed sentence', () => {
    const results = fixture('cpu');
    results.runs = results.runs.filter((r) => r.status === 'skipped');
    const md = report(results);
    assert.equal(mainTable(md).rows.length, 0);
    assert.match(md, /^Not run on this runner: TensorRT/m);
    assert.ok(!/ runs \*\*/.test(md));
  });
});
