// CPU int8 support from /proc/cpuinfo and macOS sysctl texts of real and real-looking machines.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { canonicalFeature, int8FeaturesOf, int8Support } from '../../src/environment/cpu-int8.ts';
import { parseCpuInfo } from '../../src/environment/cpuinfo.ts';
import { int8FromSysctl, parseSysctl } from '../../src/environment/sysctl.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/environment/${name}`, import.meta.url), 'utf8');

interface Expected {
  arch: string;
  model: string;
  processors: number;
  features: string[];
  vnni: boolean;
  dotprod: boolean;
  i8mm: boolean;
  int16Saturation: boolean;
  description: RegExp;
}

const machines: Record<string, Expected> = {
  'cpuinfo-amd-epyc-zen4-dev-vm.txt': {
    arch: 'x64',
    model: 'AMD EPYC',
    processors: 2,
    features: ['avx2', 'avx512f', 'avx512_vnni'],
    vnni: true,
    dotprod: false,
    i8mm: false,
    int16Saturation: false,
    description: /^x86-64 with AVX2, AVX-512, AVX-512 VNNI: int8 dot products accumulate in int32/,
  },
  'cpuinfo-amd-epyc-7763-github-runner.txt': {
    arch: 'x64',
    model: 'AMD EPYC 7763 64-Core Processor',
    processors: 2,
    features: ['avx2'],
    vnni: false,
    dotprod: false,
    i8mm: false,
    int16Saturation: true,
    description: /^x86-64 with AVX2, no VNNI: ONNX Runtime's U8S8 kernels add pairs of products in int16, which can saturate$/,
  },
  'cpuinfo-xeon-cascade-lake.txt': {
    arch: 'x64',
    model: 'Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz',
    processors: 1,
    features: ['avx2', 'avx512f', 'avx512_vnni'],
    vnni: true,
    dotprod: false,
    i8mm: false,
    int16Saturation: false,
    description: /AVX-512 VNNI/,
  },
  'cpuinfo-xeon-ice-lake-old-kernel.txt': {
    arch: 'x64',
    model: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz',
    processors: 1,
    features: ['avx2', 'avx512f', 'avx512_vnni'],
    vnni: true,
    dotprod: false,
    i8mm: false,
    int16Saturation: false,
    description: /AVX-512 VNNI/,
  },
  'cpuinfo-xeon-emerald-rapids-h100-runner.txt': {
    arch: 'x64',
    model: 'Intel(R) Xeon(R) Processor',
    processors: 1,
    features: ['avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'amx_tile', 'amx_int8'],
    vnni: true,
    dotprod: false,
    i8mm: false,
    int16Saturation: false,
    description: /^x86-64 with AVX2, AVX-512, AVX-512 VNNI, AVX-VNNI, AMX-INT8: /,
  },
  'cpuinfo-core-i7-alder-lake.txt': {
    arch: 'x64',
    model: '12th Gen Intel(R) Core(TM) i7-12700',
    processors: 1,
    features: ['avx2', 'avx_vnni'],
    vnni: true,
    dotprod: false,
    i8mm: false,
    int16Saturation: false,
    description: /AVX-VNNI: int8 dot products accumulate in int32/,
  },
  'cpuinfo-graviton3.txt': {
    arch: 'arm64',
    model: 'Neoverse-V1',
    processors: 2,
    features: ['asimddp', 'i8mm'],
    vnni: false,
    dotprod: true,
    i8mm: true,
    int16Saturation: false,
    description: /^arm64 with dot product \(asimddp\), int8 matrix multiply \(i8mm\): /,
  },
  'cpuinfo-raspberry-pi-4.txt': {
    arch: 'arm64',
    model: 'Cortex-A72 (Raspberry Pi 4 Model B Rev 1.4)',
    processors: 4,
    features: [],
    vnni: false,
    dotprod: false,
    i8mm: false,
    int16Saturation: false,
    description: /^arm64 without the dot-product extension/,
  },
};

describe('parseCpuInfo', () => {
  for (const [file, expected] of Object.entries(machines)) {
    it(`reads ${file}`, () => {
      const info = parseCpuInfo(fixture(file));
      assert.equal(info.arch, expected.arch);
      assert.equal(info.model, expected.model);
      assert.equal(info.processors, expected.processors);
      const { features, vnni, dotprod, i8mm, int16Saturation, source, description } = info.int8;
      assert.deepEqual({ features, vnni, dotprod, i8mm, int16Saturation }, {
        features: expected.features,
        vnni: expected.vnni,
        dotprod: expected.dotprod,
        i8mm: expected.i8mm,
        int16Saturation: expected.int16Saturation,
      });
      assert.equal(source, '/proc/cpuinfo');
      assert.match(description, expected.description);
    });
  }

  it('tells a 32-bit Arm system apart, and lets Node\'s arch decide when given', () => {
    const armv7 = 'processor\t: 0\nmodel name\t: ARMv7 Processor rev 3 (v7l)\nFeatures\t: half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm crc32\nCPU implementer\t: 0x41\nCPU architecture: 7\nCPU part\t: 0xd08\n';
    const info = parseCpuInfo(armv7);
    assert.equal(info.arch, 'arm');
    assert.equal(info.model, 'Cortex-A72');
    assert.match(info.int8.description, /^arm: int8 support not known/);
    assert.equal(parseCpuInfo(fixture('cpuinfo-graviton3.txt'), 'arm64').int8.arch, 'arm64');
  });

  it('survives an empty or foreign file', () => {
    const info = parseCpuInfo('');
    assert.deepEqual([info.arch, info.model, info.processors, info.int8.features], ['unknown', null, 0, []]);
  });
});

describe('int8 feature names', () => {
  it('maps the spellings of other tools onto Linux\'s', () => {
    assert.equal(canonicalFeature('avx512vnni'), 'avx512_vnni');
    assert.equal(canonicalFeature('AVX512VNNI'), 'avx512_vnni');
    assert.equal(canonicalFeature('avx512-vnni'), 'avx512_vnni');
    assert.equal(canonicalFeature('AVX-VNNI'), 'avx_vnni');
    assert.equal(canonicalFeature('avxvnni'), 'avx_vnni');
    assert.equal(canonicalFeature('amx-int8'), 'amx_int8');
    assert.equal(canonicalFeature('FEAT_DotProd'), 'asimddp');
    assert.equal(canonicalFeature('dotprod'), 'asimddp');
    // Knights Mill's 4VNNIW and SVE's int8 matrix multiply are other instructions.
    assert.equal(canonicalFeature('avx512_4vnniw'), undefined);
    assert.equal(canonicalFeature('svei8mm'), undefined);
  });

  it('counts AMX-INT8 as VNNI-class only on x86-64', () => {
    assert.equal(int8Support('x64', int8FeaturesOf(['avx2', 'amx_int8']), 'test').vnni, true);
    assert.equal(int8Support('arm64', int8FeaturesOf(['avx512_vnni']), 'test').vnni, false);
    assert.equal(int8Support('x64', int8FeaturesOf(['avx2', 'amx_tile']), 'test').vnni, false);
  });
});

describe('macOS sysctl', () => {
  const cases: { file: string; arch: string; features: string[]; vnni: boolean; dotprod: boolean; description: RegExp }[] = [
    { file: 'sysctl-apple-m2-macos14.txt', arch: 'arm64', features: ['asimddp', 'i8mm'], vnni: false, dotprod: true, description: /dot product \(asimddp\), int8 matrix multiply \(i8mm\).*\(read from sysctl, features in Linux's spelling\)$/ },
    { file: 'sysctl-apple-m1-macos13.txt', arch: 'arm64', features: ['asimddp'], vnni: false, dotprod: true, description: /^arm64 with dot product \(asimddp\): / },
    { file: 'sysctl-apple-m1-macos11.txt', arch: 'arm64', features: ['asimddp'], vnni: false, dotprod: true, description: /dot product assumed: this macOS does not report hw\.optional\.arm\.FEAT_DotProd/ },
    { file: 'sysctl-intel-mac-coffee-lake.txt', arch: 'x64', features: ['avx2'], vnni: false, dotprod: false, description: /no VNNI/ },
    { file: 'sysctl-intel-mac-ice-lake.txt', arch: 'x64', features: ['avx2', 'avx512f', 'avx512_vnni'], vnni: true, dotprod: false, description: /AVX-512 VNNI/ },
  ];
  for (const c of cases) {
    it(`reads ${c.file}`, () => {
      const int8 = int8FromSysctl(parseSysctl(fixture(c.file)), c.arch);
      assert.deepEqual(int8.features, c.features);
      assert.equal(int8.vnni, c.vnni);
      assert.equal(int8.dotprod, c.dotprod);
      assert.equal(int8.source, 'sysctl');
      assert.match(int8.description, c.description);
    });
  }

  it('does not take Apple\'s own AMX (hw.optional.amx_version) for Intel AMX', () => {
    const values = parseSysctl(fixture('sysctl-apple-m1-macos11.txt'));
    assert.equal(values.get('hw.optional.amx_version'), '2');
    assert.ok(!int8FromSysctl(values, 'arm64').features.some((f) => f.startsWith('amx')));
  });
});
