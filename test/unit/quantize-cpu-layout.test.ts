import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseCpuLayout } from '../../src/quantize/cpu-layout.ts';

const avx2 = { arch: 'x64', vnni: false, dotprod: false, features: ['avx2'] };
const vnni = { arch: 'x64', vnni: true, dotprod: false, features: ['avx2', 'avx512_vnni'] };
const graviton = { arch: 'arm64', vnni: false, dotprod: true, features: ['asimddp'] };

describe('CPU layout of the ONNX Runtime model', () => {
  it('AVX2 without VNNI: 7-bit weights, and says why', () => {
    const l = chooseCpuLayout('auto', avx2);
    assert.equal(l.weightQmax, 64);
    assert.equal(l.target, 'avx2');
    assert.match(l.reason, /saturate/);
    assert.match(l.reason, /this machine's CPU \(x64: avx2\)/);
  });
  it('VNNI: 8-bit weights', () => {
    assert.equal(chooseCpuLayout('auto', vnni).weightQmax, 127);
  });
  it('arm64: 8-bit weights', () => {
    assert.equal(chooseCpuLayout('auto', graviton).target, 'arm64');
  });
  it('--target-cpu overrides detection, and the reason names it', () => {
    const l = chooseCpuLayout('vnni', avx2);
    assert.equal(l.weightQmax, 127);
    assert.match(l.reason, /--target-cpu vnni/);
    assert.equal(chooseCpuLayout('avx2', vnni).weightQmax, 64);
  });
  it("a measurement of ONNX Runtime's kernel beats the flags", () => {
    const saturating = chooseCpuLayout('auto', { ...vnni, measuredSaturation: true });
    assert.equal(saturating.weightQmax, 64);
    assert.match(saturating.reason, /saturated when probed/);
    const exact = chooseCpuLayout('auto', { ...avx2, measuredSaturation: false });
    assert.equal(exact.weightQmax, 127);
    assert.match(exact.reason, /exact int32 sum when probed/);
  });
});
