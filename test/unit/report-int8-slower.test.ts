// An ONNX Runtime INT8 row slower than FP32: the report says so plainly under the headline, names
// the ops left in float between Q/DQ pairs with counts, and the flag that helps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Results } from '../../src/results/schema.ts';
import { fixture } from '../fixtures/results/index.ts';
import { report } from '../helpers/report.ts';

function slowerInt8(patch: Partial<NonNullable<Results['quantization']>>): Results {
  const results = structuredClone(fixture('cpu'));
  for (const run of results.runs) {
    if (run.model === 'int8.ort' && run.batch === 32) run.latencyMs = { ...run.latencyMs!, p50: 11000 };
  }
  results.quantization = { ...results.quantization!, ...patch };
  return results;
}

describe('report: INT8 slower than FP32', () => {
  it('says so, counts the float ops between Q/DQ pairs and names --placement auto', () => {
    const md = report(slowerInt8({ floatAfterDequantize: { Add: 41, Div: 28, Mul: 72 }, placement: { mode: 'rules', reason: 'asked for', floatNodes: 0 } }));
    assert.match(md, /\*\*The ONNX Runtime INT8 model is slower than FP32 here\*\*, on CPU at batch 32 \(0\.86x the speed of FP32\)/);
    assert.match(md, /Likely cause: 141 ops run in float on dequantized int8 tensors \(`Mul` 72, `Add` 41, `Div` 28\)/);
    assert.match(md, /What helps: `--placement auto`/);
    const note = md.split('\n').find((line) => line.includes('slower than FP32 here'))!;
    assert.doesNotMatch(note, /batch 1 /, 'batch 1 is faster: not listed');
  });

  it('after auto placement it points to dynamic mode; with nothing in float it says the overheads dominate', () => {
    const auto = report(slowerInt8({ floatAfterDequantize: {}, placement: { mode: 'auto', reason: 'asked for', floatNodes: 3 } }));
    assert.match(auto, /No op runs in float between Q\/DQ pairs/);
    assert.match(auto, /What helps: `--mode dynamic`/);
  });

  it('op types from the model go through code(): a backtick in one cannot break out', () => {
    const md = report(slowerInt8({ floatAfterDequantize: { 'Evil`op': 2 } }));
    assert.match(md, /``Evil`op`` 2/);
  });

  it('no note when INT8 is faster', () => {
    assert.doesNotMatch(report(fixture('cpu')), /slower than FP32 here/);
  });
});
