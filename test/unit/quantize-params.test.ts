import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asymmetricUint8, quantizeBias, quantizeWeightsPerChannel, roundHalfEven, symmetricInt8 } from '../../src/quantize/params.ts';

describe('roundHalfEven', () => {
  const cases: [number, number][] = [
    [0.5, 0], [1.5, 2], [2.5, 2], [-0.5, -0], [-1.5, -2], [-2.5, -2], [2.4999, 2], [2.5001, 3], [-3.5, -4], [126.5, 126], [127.5, 128],
  ];
  for (const [x, want] of cases) it(`${x} → ${want}`, () => assert.equal(roundHalfEven(x), want));
});

describe('activation parameters', () => {
  it('symmetric int8: scale = amax / 127, zero point 0', () => {
    const p = symmetricInt8(6.35);
    assert.equal(p.type, 'int8');
    assert.equal(p.zeroPoint, 0);
    assert.equal(p.scale, Math.fround(0.05));
  });

  it('asymmetric uint8 includes 0 in the range and rounds the zero point', () => {
    const p = asymmetricUint8(-1, 3);
    assert.equal(p.scale, Math.fround(4 / 255));
    assert.equal(p.zeroPoint, 64); // round(1 / (4/255)) = round(63.75)
    const relu = asymmetricUint8(0.5, 2);
    assert.equal(relu.zeroPoint, 0, 'a range above 0 is widened down to 0');
    assert.equal(relu.scale, Math.fround(2 / 255));
    const negative = asymmetricUint8(-4, -1);
    assert.equal(negative.zeroPoint, 255);
  });

  it('a tensor that is always zero still gets a positive scale', () => {
    assert.equal(symmetricInt8(0).scale, 1);
    assert.equal(asymmetricUint8(0, 0).scale, 1);
  });
});

describe('per-channel weights', () => {
  it('Conv weights [out, in, k, k] along axis 0: scale = max|w| / 127 per output channel, saturated', () => {
    // Two output channels, 1 input, 1x2 kernel.
    const w = Float32Array.of(1.27, -0.635, 0.1, -0.2);
    const q = quantizeWeightsPerChannel(w, [2, 1, 1, 2], 0, 127);
    assert.deepEqual([...q.scales], [Math.fround(0.01), Math.fround(0.2 / 127)]);
    assert.deepEqual([...q.values], [127, -64, 64, -127]); // -0.635/0.01 = -63.5 → -64 (half to even)
  });

  it('Gemm weights [in, out] (transB=0) along axis 1', () => {
    const w = Float32Array.of(1, 2, -1, 4); // [[1, 2], [-1, 4]]: columns are outputs
    const q = quantizeWeightsPerChannel(w, [2, 2], 1, 127);
    assert.deepEqual([...q.scales], [Math.fround(1 / 127), Math.fround(4 / 127)]);
    assert.deepEqual([...q.values], [127, 64, -127, 127]); // 2/(4/127) = 63.5 → 64
  });

  it('7-bit weights stay within ±64', () => {
    const q = quantizeWeightsPerChannel(Float32Array.of(-3, 1.5, 0.75), [1, 3], 0, 64);
    assert.deepEqual([...q.values], [-64, 32, 16]);
  });

  it('an all-zero channel gets scale 1 and zero values', () => {
    const q = quantizeWeightsPerChannel(Float32Array.of(0, 0, 1, 2), [2, 2], 0, 127);
    assert.equal(q.scales[0], 1);
    assert.deepEqual([...q.values.slice(0, 2)], [0, 0]);
  });
});

describe('int32 bias', () => {
  it('scale = input scale × weight scale per channel, zero point 0', () => {
    const { values, scales } = quantizeBias(Float32Array.of(0.5, -1), 0.1, Float32Array.of(0.01, 0.02));
    const f = Math.fround;
    assert.deepEqual([...scales], [f(f(0.1) * f(0.01)), f(f(0.1) * f(0.02))]);
    assert.deepEqual([...values], [500, -500]);
  });
});
