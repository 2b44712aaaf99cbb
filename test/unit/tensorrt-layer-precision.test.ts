// Per-layer precision from TensorRT's engine inspector JSON (detailed verbosity), in the shape
// TensorRT's developer guide documents; the real output is UNRUN here (no TensorRT).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPrecision, layerPrecisions } from '../../src/runtime/tensorrt/layer-precision.ts';
import { INSPECTOR_JSON } from '../helpers/fake-tensorrt.ts';

describe('formatPrecision', () => {
  const table: [string, string][] = [
    ['Thirty-two wide channel vectorized row major Int8 format.', 'int8'],
    ['Row major linear FP16 format', 'fp16'],
    ['Half', 'fp16'],
    ['Row major linear FP32', 'fp32'],
    ['Float', 'fp32'],
    ['Row major linear BF16 format', 'bf16'],
    ['Row major linear FP8 format', 'fp8'],
    ['Row major linear Int32', 'index'],
    ['Row major linear Int64', 'index'],
    ['N/A due to dynamic shapes', 'unknown'],
  ];
  for (const [format, expected] of table) it(`${format} → ${expected}`, () => assert.equal(formatPrecision(format), expected));
});

describe('layerPrecisions', () => {
  it('counts layers per precision and lists the compute layers that fell back', () => {
    const report = layerPrecisions(INSPECTOR_JSON);
    assert.deepEqual(report.layers.map((l) => [l.name, l.precision, l.compute]), [
      ['conv1 + relu1', 'int8', true],
      ['fc', 'fp16', true],
      ['softmax', 'fp32', false],
    ]);
    assert.equal(report.counts.int8, 1);
    assert.equal(report.counts.fp16, 1);
    assert.equal(report.counts.fp32, 1);
    assert.equal(report.computeLayers, 2);
    assert.equal(report.quantizedComputeLayers, 1);
    assert.deepEqual(report.fellBack.map((l) => l.name), ['fc']);
  });

  it('takes the narrowest input type, ignoring index tensors, and falls back to the outputs', () => {
    const json = JSON.stringify({
      Layers: [
        { Name: 'conv', LayerType: 'CaskConvolution', Inputs: [{ 'Format/Datatype': 'Row major linear FP32' }, { 'Format/Datatype': 'Int8' }], Outputs: [] },
        { Name: 'gather', LayerType: 'Gather', Inputs: [{ 'Format/Datatype': 'Int64' }], Outputs: [{ 'Format/Datatype': 'Half' }] },
        { Name: 'dyn', LayerType: 'Myelin', Inputs: [{ 'Format/Datatype': 'N/A due to dynamic shapes' }] },
        'reformat (layer names only)',
      ],
    });
    const report = layerPrecisions(json);
    assert.deepEqual(report.layers.map((l) => l.precision), ['int8', 'fp16', 'unknown', 'unknown']);
    assert.equal(report.computeLayers, 2);
    assert.deepEqual(report.fellBack, []);
  });

  it('names what is wrong with output that is not the inspector\'s JSON', () => {
    assert.throws(() => layerPrecisions('conv1\nfc'), /not JSON/);
    assert.throws(() => layerPrecisions('{"Bindings": []}'), /no Layers array/);
  });
});
