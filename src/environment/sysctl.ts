/**
 * macOS has no /proc/cpuinfo: the same facts come from sysctl. Intel Macs list feature words in
 * machdep.cpu.features and machdep.cpu.leaf7_features (AVX2, AVX512F, AVX512VNNI...) and flags
 * in hw.optional.* (avx2_0, avx512f...); Apple silicon reports hw.optional.arm.FEAT_DotProd and
 * FEAT_I8MM (macOS 12 and later). Feature names are mapped to Linux's spelling.
 */
import { type CpuInt8Support, int8FeaturesOf, int8Support } from './cpu-int8.js';

/** The keys read: two subtrees and the brand string. */
export const SYSCTL_KEYS = ['machdep.cpu', 'hw.optional', 'hw.logicalcpu'] as const;

/** "key: value" lines of `sysctl` output. */
export function parseSysctl(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) values.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return values;
}

export function int8FromSysctl(values: Map<string, string>, arch: string): CpuInt8Support {
  const tokens: string[] = [];
  for (const key of ['machdep.cpu.features', 'machdep.cpu.leaf7_features', 'machdep.cpu.extfeatures']) {
    tokens.push(...(values.get(key) ?? '').split(/\s+/).filter(Boolean));
  }
  for (const [key, value] of values) {
    // hw.optional.avx512vnni: 1, hw.optional.arm.FEAT_DotProd: 1
    if (key.startsWith('hw.optional.') && value === '1') tokens.push(key.slice(key.lastIndexOf('.') + 1));
  }
  const features = int8FeaturesOf(tokens);
  if (arch === 'arm64' && !values.has('hw.optional.arm.FEAT_DotProd')) {
    // Before macOS 12 sysctl has no FEAT_* keys; every Apple silicon core (M1 on) has sdot/udot.
    return int8Support(arch, int8FeaturesOf([...tokens, 'asimddp']), 'sysctl', 'read from sysctl; dot product assumed: this macOS does not report hw.optional.arm.FEAT_DotProd');
  }
  return int8Support(arch, features, 'sysctl', 'read from sysctl, features in Linux\'s spelling');
}
