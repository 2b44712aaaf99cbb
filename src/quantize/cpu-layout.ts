/**
 * The int8 layout of the ONNX Runtime model, chosen for the CPU it will run on.
 *
 * ONNX Runtime's fused x86 U8S8 kernels multiply uint8 activations by int8 weights with
 * vpmaddubsw, which adds each pair of products in int16 and saturates: 255·127·2 overflows.
 * With VNNI (vpdpbusd, AVX-512 or AVX-VNNI) or AMX the products accumulate in int32 and nothing
 * saturates. Measured on an AVX2 machine without VNNI (issue 4): a trained CNN quantized U8S8 per
 * channel lost 10.5 points of top-1; with 7-bit weights (ONNX Runtime's `reduce_range`, which keeps
 * 255·64·2 inside int16) or U8U8 it lost nothing. quantgate therefore writes 7-bit weights for x86
 * without VNNI and full int8 weights where the dot product accumulates in int32.
 */
import type { TargetCpu } from '../config/types.js';

/** What the CPU offers for int8 dot products (src/environment detects it). */
export interface CpuInt8 {
  arch: string;
  /** avx512_vnni, avx_vnni or amx: u8×s8 products accumulate in int32. */
  vnni: boolean;
  /** arm64 dot product (sdot/udot). */
  dotprod: boolean;
  features: readonly string[];
  /**
   * Whether ONNX Runtime's own U8S8 convolution saturated when asked (src/environment's probe):
   * measured beats inferred from flags, which a hypervisor can misreport.
   */
  measuredSaturation?: boolean;
}

export interface CpuLayout {
  /** The CPU the layout is for. */
  target: 'avx2' | 'vnni' | 'arm64';
  activations: 'uint8';
  weights: 'int8' | 'int8 (7-bit)';
  /** Largest |weight| in the integer grid: 127, or 64 for 7-bit weights. */
  weightQmax: 127 | 64;
  reason: string;
}

export function chooseCpuLayout(target: TargetCpu, detected: CpuInt8): CpuLayout {
  const saturates = detected.measuredSaturation ?? !detected.vnni;
  const resolved: CpuLayout['target'] = target !== 'auto' ? target : detected.arch === 'arm64' ? 'arm64' : saturates ? 'avx2' : 'vnni';
  const measured =
    detected.measuredSaturation === undefined
      ? ''
      : detected.measuredSaturation
        ? '; ONNX Runtime\'s U8S8 convolution saturated when probed'
        : '; ONNX Runtime\'s U8S8 convolution returned the exact int32 sum when probed';
  const origin =
    target === 'auto'
      ? `this machine's CPU (${detected.arch}${detected.features.length ? `: ${detected.features.join(', ')}` : ''}${measured})`
      : `--target-cpu ${target}`;
  switch (resolved) {
    case 'vnni':
      return {
        target: resolved,
        activations: 'uint8',
        weights: 'int8',
        weightQmax: 127,
        reason: `U8S8 with 8-bit weights for ${origin}: VNNI/AMX accumulate u8×s8 products in int32, so nothing saturates`,
      };
    case 'arm64':
      return {
        target: resolved,
        activations: 'uint8',
        weights: 'int8',
        weightQmax: 127,
        reason: `U8S8 with 8-bit weights for ${origin}: arm64 kernels accumulate in int32 (not measured on arm64 here)`,
      };
    case 'avx2':
      return {
        target: resolved,
        activations: 'uint8',
        weights: 'int8 (7-bit)',
        weightQmax: 64,
        reason:
          `U8S8 with 7-bit weights for ${origin}: without VNNI, ONNX Runtime's x86 kernels add u8×s8 pairs in int16 ` +
          'and saturate with 8-bit weights (a trained CNN lost 10.5 top-1 points that way); 7-bit weights cannot saturate',
      };
  }
}
