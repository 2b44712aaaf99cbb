// ONNX Runtime's own answer to "does U8S8 saturate in int16 here?" against what the CPU's flags say.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectCpuInt8 } from '../../src/environment/cpu.ts';
import { EXACT_PROBE_OUTPUT, probeInt16Saturation, SATURATED_PROBE_OUTPUT } from '../../src/environment/int8-probe.ts';

describe('probeInt16Saturation', () => {
  it('agrees with the feature flags on this machine', async (t) => {
    if (process.arch !== 'x64') return t.skip(`the U8S8 int16 saturation is an x86-64 matter; this is ${process.arch}`);
    const probe = await probeInt16Saturation();
    const flags = detectCpuInt8();
    console.log(`probe output ${probe.output} (${probe.int16Saturation ? 'saturated' : 'exact'}); flags: ${flags.description}`);
    assert.ok(probe.output === EXACT_PROBE_OUTPUT || probe.output === SATURATED_PROBE_OUTPUT, `output ${probe.output}`);
    assert.equal(probe.int16Saturation, flags.int16Saturation, 'ONNX Runtime and the CPU flags disagree about int16 saturation');
  });
});
