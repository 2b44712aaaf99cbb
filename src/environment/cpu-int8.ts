/**
 * The CPU's int8 dot-product support, which decides how the ONNX Runtime INT8 model is laid out.
 *
 * On x86-64 without VNNI, ONNX Runtime's fused U8S8 kernels multiply with AVX2's vpmaddubsw,
 * which adds each pair of u8·s8 products into a saturating int16: two products of 255·127 already
 * overflow it, and a trained CNN lost 10.5 top-1 points that way. With AVX-512 VNNI, AVX-VNNI or
 * AMX, the products accumulate straight into int32 (vpdpbusd, tdpbusd) and nothing saturates.
 * On arm64 the dot-product extension (asimddp: sdot/udot) and int8 matrix multiply (i8mm) are the
 * fast int8 paths; without them int8 kernels widen to int16 products and int32 sums, which is
 * slower but does not saturate.
 */

/** Features as Linux's /proc/cpuinfo spells them; other sources are mapped onto these names. */
export const INT8_FEATURES = ['avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx_vnni_int8', 'amx_tile', 'amx_int8', 'asimddp', 'i8mm'] as const;
export type Int8Feature = (typeof INT8_FEATURES)[number];

export interface CpuInt8Support {
  /** Node's name for the architecture: `x64`, `arm64`, ... */
  arch: string;
  /** The int8-relevant features found, in INT8_FEATURES order. */
  features: Int8Feature[];
  /** x86-64: int8 dot products into int32 (AVX-512 VNNI, AVX-VNNI or AMX-INT8). */
  vnni: boolean;
  /** arm64: the dot-product extension (asimddp). */
  dotprod: boolean;
  /** arm64: int8 matrix multiply (i8mm). */
  i8mm: boolean;
  /** x86-64 without VNNI: ONNX Runtime's U8S8 kernels can saturate in int16. */
  int16Saturation: boolean;
  /** Where the features were read: `/proc/cpuinfo`, `sysctl`, or `none`. */
  source: string;
  /** One sentence for logs, calibration.json and the report. */
  description: string;
}

/**
 * Spellings seen across /proc/cpuinfo, lscpu, macOS sysctl (machdep.cpu.*, hw.optional.*) and
 * compiler flags, compared with case, '-', '_' and '.' removed.
 */
const ALIASES: Record<string, Int8Feature> = {
  avx2: 'avx2',
  avx20: 'avx2', // macOS hw.optional.avx2_0
  avx512f: 'avx512f',
  avx512vnni: 'avx512_vnni',
  avxvnni: 'avx_vnni',
  avxvnniint8: 'avx_vnni_int8',
  amxtile: 'amx_tile',
  amxint8: 'amx_int8',
  asimddp: 'asimddp',
  dotprod: 'asimddp',
  featdotprod: 'asimddp', // macOS hw.optional.arm.FEAT_DotProd
  i8mm: 'i8mm',
  feati8mm: 'i8mm', // macOS hw.optional.arm.FEAT_I8MM
};

export function canonicalFeature(token: string): Int8Feature | undefined {
  return ALIASES[token.toLowerCase().replace(/[-_.]/g, '')];
}

/** The int8 features among `tokens` (any spelling), deduplicated, in INT8_FEATURES order. */
export function int8FeaturesOf(tokens: Iterable<string>): Int8Feature[] {
  const found = new Set<Int8Feature>();
  for (const token of tokens) {
    const feature = canonicalFeature(token);
    if (feature) found.add(feature);
  }
  return INT8_FEATURES.filter((f) => found.has(f));
}

const LABELS: Record<Int8Feature, string> = {
  avx2: 'AVX2',
  avx512f: 'AVX-512',
  avx512_vnni: 'AVX-512 VNNI',
  avx_vnni: 'AVX-VNNI',
  avx_vnni_int8: 'AVX-VNNI-INT8',
  amx_tile: 'AMX',
  amx_int8: 'AMX-INT8',
  asimddp: 'dot product (asimddp)',
  i8mm: 'int8 matrix multiply (i8mm)',
};

/** The support implied by `features` on `arch`; `note` is appended to the description. */
export function int8Support(arch: string, features: Int8Feature[], source: string, note?: string): CpuInt8Support {
  const has = (f: Int8Feature): boolean => features.includes(f);
  const vnni = arch === 'x64' && (has('avx512_vnni') || has('avx_vnni') || has('amx_int8'));
  const dotprod = arch === 'arm64' && has('asimddp');
  const i8mm = arch === 'arm64' && has('i8mm');
  const int16Saturation = arch === 'x64' && !vnni;
  const named = features.filter((f) => f !== 'amx_tile' || !has('amx_int8')).map((f) => LABELS[f]);
  const list = named.length ? named.join(', ') : 'no int8 dot-product features';
  let description: string;
  if (arch === 'x64') {
    description = vnni
      ? `x86-64 with ${list}: int8 dot products accumulate in int32, without int16 saturation`
      : `x86-64 with ${list}, no VNNI: ONNX Runtime's U8S8 kernels add pairs of products in int16, which can saturate`;
  } else if (arch === 'arm64') {
    description = dotprod
      ? `arm64 with ${list}: int8 dot products accumulate in int32`
      : `arm64 without the dot-product extension (asimddp): int8 kernels widen to int16 products, slower but without saturation`;
  } else {
    description = `${arch}: int8 support not known for this architecture`;
  }
  if (note) description += ` (${note})`;
  return { arch, features, vnni, dotprod, i8mm, int16Saturation, source, description };
}
