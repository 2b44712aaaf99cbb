// The report's TensorRT parts beyond the golden: energy units, an engine from the cache or
// rebuilt, an engine without layer information, long fallback lists, untrusted layer names, and
// nothing added for results without engines or power.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engineInt8Summary, engineLayersParagraph } from '../../src/report/sections/engine-layers.ts';
import { energy } from '../../src/report/sections/power.ts';
import type { Results } from '../../src/results/schema.ts';
import { fixture } from '../fixtures/results/index.ts';
import { report } from '../helpers/report.ts';

function withEngines(change: (r: Results) => void): Results {
  const r = fixture('tensorrt');
  change(r);
  return r;
}

describe('TensorRT in the report', () => {
  it('writes energy in the unit that reads best', () => {
    assert.deepEqual([energy(2.5), energy(0.0134), energy(0.00126), energy(0.000842), energy(1234)], ['2.50 J', '13.4 mJ', '1.26 mJ', '842 µJ', '1,234 J']);
  });

  it('says when an engine came from the cache or was rebuilt, and why', () => {
    const r = withEngines((r) => {
      for (const run of r.runs) {
        if (run.engine && run.model === 'fp16') run.engine.source = 'cache';
        if (run.engine && run.model === 'int8.trt') run.engine.cacheNote = 'the cached engine was built by TensorRT 10.12.0, this is 10.13.0: rebuilding';
      }
    });
    const text = engineLayersParagraph(r, 10)!;
    assert.match(text, /\| FP16 \| 14 \| 0 \| 14 \| 0 \| 0 of 6 \| cached \(24\.1 s\) \|/);
    assert.match(text, /The INT8 engine was rebuilt: the cached engine was built by TensorRT 10\.12\.0, this is 10\.13\.0: rebuilding\./);
  });

  it('an engine without layer information says why; a long fallback list is cut with a count', () => {
    const r = withEngines((r) => {
      for (const run of r.runs) {
        if (run.engine && run.model === 'fp32') Object.assign(run.engine, { layers: null, layersNote: 'the engine inspector gave no layer information' });
        if (run.engine?.layers && run.model === 'int8.trt') run.engine.layers.fellBack = Array.from({ length: 5 }, (_, i) => ({ name: `/l${i}/Conv`, type: 'CaskConvolution', precision: 'fp32', fix: 'why' }));
      }
    });
    const text = engineLayersParagraph(r, 3)!;
    assert.match(text, /\| FP32 \| the engine inspector gave no layer information \| +\| +\| +\| +\| 19\.5 s \|/);
    assert.match(text, /Compute layers of the INT8 engines that run in float \(6\):/);
    assert.match(text, /- … and 3 more \(results\.json lists them all\)/);
  });

  it('shows layer names from the model as code and cannot open HTML through them', () => {
    const r = withEngines((r) => {
      for (const run of r.runs) if (run.engine?.layers && run.model === 'int8.trt') run.engine.layers.fellBack = [{ name: '<img src=x>', type: '<b>', precision: 'fp16', fix: "kept node '<script>' in float" }];
    });
    const text = engineLayersParagraph(r, 3)!;
    assert.ok(text.includes("`<img src=x>` (\\<b>) runs in FP16 in the INT8 engine: kept node '\\<script>' in float"), text);
  });

  it('adds nothing to reports without engines or power', () => {
    const cpu = fixture('cpu');
    assert.equal(engineLayersParagraph(cpu, 3), null);
    assert.equal(engineInt8Summary(cpu), null);
    assert.doesNotMatch(report(cpu), /Power:|TensorRT engine:/);
    assert.equal(engineInt8Summary(fixture('tensorrt')), 'TensorRT engine: 5 of 6 compute layers in INT8');
  });
});
