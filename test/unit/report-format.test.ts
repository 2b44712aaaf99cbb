// Numbers for people: units, a true minus sign, locale-independent thousands.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fractionPct, grouped, megabytes, ms, oneLine, pct, perSecond, pp, ratio, signedPct, signedPp } from '../../src/text/numbers.ts';
import { modelName, runLabel, runtimeName, shortVersion } from '../../src/text/run-names.ts';
import { fixture } from '../fixtures/results/index.ts';

describe('format', () => {
  const cases: [string, string, string][] = [
    ['grouped', grouped(1234567.8), '1,234,568'],
    ['grouped negative', grouped(-1234.5, 1), '−1,234.5'],
    ['grouped negative zero', grouped(-0.001, 2), '0.00'],
    ['ms tiny', ms(0.048), '0.0480 ms'],
    ['ms', ms(0.48), '0.480 ms'],
    ['ms', ms(3.9), '3.90 ms'],
    ['ms', ms(19.4), '19.4 ms'],
    ['ms', ms(336), '336 ms'],
    ['ms large', ms(2590.4), '2,590 ms'],
    ['per second', perSecond(8181.2), '8,181/s'],
    ['per second slow', perSecond(4.52), '4.5/s'],
    ['megabytes', megabytes(1210), '1,210 MB'],
    ['megabytes small', megabytes(6.8), '6.8 MB'],
    ['pp', pp(0.42), '0.42 pp'],
    ['pp negative', pp(-0.1), '−0.10 pp'],
    ['fraction', fractionPct(0.7598), '75.98%'],
    ['pct', pct(2.34), '2.3%'],
    ['pct whole', pct(5), '5%'],
    ['pct small', pct(0.32), '0.32%'],
    ['signed pct up', signedPct(14.1), '+14.1%'],
    ['signed pct down', signedPct(-1.1), '−1.1%'],
    ['signed pct zero', signedPct(0.001), '±0%'],
    ['signed pp', signedPp(0.4), '+0.40 pp'],
    ['signed pp down', signedPp(-1.2), '−1.20 pp'],
    ['ratio', ratio(1.8234), '1.82x'],
    ['ratio large', ratio(12.34), '12.3x'],
    ['one line', oneLine('a\n  b\tc', 80), 'a b c'],
    ['one line cut', oneLine('abcdefghij', 5), 'abcd…'],
  ];
  for (const [what, actual, expected] of cases) it(`${what}: ${expected}`, () => assert.equal(actual, expected));
});

describe('labels', () => {
  const runs = fixture('gpu').runs;
  it('names runtimes with their release, and the simulation as one', () => {
    assert.equal(shortVersion('10.13.3.9'), '10.13');
    const env = fixture('gpu').environment;
    assert.deepEqual(
      runs.map((r) => runtimeName(r, env)),
      ['TensorRT 10.13', 'TensorRT 10.13', 'TensorRT 10.13', 'TensorRT 10.13', 'TensorRT, simulated on CPU', 'ONNX Runtime 1.30 CPU', 'ONNX Runtime 1.30 CPU', 'ONNX Runtime 1.30 CPU', 'ONNX Runtime 1.30 CPU'],
    );
  });

  it('names models by precision, the base model as such', () => {
    assert.deepEqual(runs.map(modelName), ['INT8', 'INT8', 'FP16', 'FP16', 'INT8', 'INT8', 'INT8', 'FP32', 'FP32']);
    const base = fixture('sameJob').runs.find((r) => r.model === 'base:int8.ort')!;
    assert.equal(runLabel(base), "base model's ONNX Runtime CPU INT8");
    const trtOnCuda = { ...runs[0]!, runtime: 'onnxruntime' as const, provider: 'cuda' as const };
    assert.equal(runLabel(trtOnCuda), 'ONNX Runtime CUDA INT8 (TensorRT model)');
  });
});
