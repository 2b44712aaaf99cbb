/**
 * Asks ONNX Runtime itself whether its CPU int8 convolution saturates in int16 on this machine,
 * instead of trusting feature flags alone: a hypervisor can show flags a kernel does not use, and
 * ONNX Runtime picks its kernels by its own CPUID checks.
 *
 * The probe is one QLinearConv: 64 input channels of uint8 255 against int8 weights of 127. The
 * exact int32 sum is 64 · 255 · 127 = 2,072,640; a kernel that adds pairs of products in int16
 * (AVX2's vpmaddubsw) clips each pair at 32,767, giving 32 · 32,767 = 1,048,544. The output
 * scale of 10⁴ maps those to 207 and 105.
 *
 * Only the exact answer has been observed (on AVX-512 VNNI and AMX machines); the saturated one
 * is what the AVX2 kernel's arithmetic gives, unrun here for want of an AVX2-only CPU.
 */
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { graph, model, node, valueInfo } from '../model/build.js';
import { DataType } from '../model/dtypes.js';
import { makeTensor } from '../model/tensor.js';
import { loadOrt } from '../runtime/onnxruntime/load.js';

const CHANNELS = 64;
const OUTPUT_SCALE = 1e4;
export const EXACT_PROBE_OUTPUT = Math.round((CHANNELS * 255 * 127) / OUTPUT_SCALE);
export const SATURATED_PROBE_OUTPUT = Math.round(((CHANNELS / 2) * 32767) / OUTPUT_SCALE);

export interface Int8Probe {
  /** True when ONNX Runtime's U8S8 convolution did not return the exact sum. */
  int16Saturation: boolean;
  /** The probe's output: EXACT_PROBE_OUTPUT, or SATURATED_PROBE_OUTPUT where pairs clip in int16. */
  output: number;
}

export function probeModel(): Uint8Array {
  const scalar = (name: string, type: number, value: number) =>
    makeTensor(name, type, [], type === DataType.FLOAT ? Float32Array.of(value) : type === DataType.INT8 ? Int8Array.of(value) : Uint8Array.of(value));
  return toBinary(
    ModelProtoSchema,
    model(
      graph({
        nodes: [node('QLinearConv', ['x', 'scale', 'x_zero', 'w', 'scale', 'w_zero', 'y_scale', 'y_zero'], ['y'])],
        inputs: [valueInfo('x', DataType.UINT8, [1, CHANNELS, 2, 2])],
        outputs: [valueInfo('y', DataType.UINT8, [1, 4, 2, 2])],
        initializers: [
          makeTensor('w', DataType.INT8, [4, CHANNELS, 1, 1], new Int8Array(4 * CHANNELS).fill(127)),
          scalar('scale', DataType.FLOAT, 1),
          scalar('x_zero', DataType.UINT8, 0),
          scalar('w_zero', DataType.INT8, 0),
          scalar('y_scale', DataType.FLOAT, OUTPUT_SCALE),
          scalar('y_zero', DataType.UINT8, 0),
        ],
      }),
      { opsets: { '': 13 } },
    ),
  );
}

/** Runs the probe on ONNX Runtime's CPU provider (a few milliseconds). */
export async function probeInt16Saturation(): Promise<Int8Probe> {
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(probeModel(), { executionProviders: ['cpu'], intraOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    const x = new ort.Tensor('uint8', new Uint8Array(CHANNELS * 4).fill(255), [1, CHANNELS, 2, 2]);
    const result = await session.run({ x });
    const output = (result.y!.data as Uint8Array)[0]!;
    // Anything but the exact sum means the kernel loses precision: treat it as saturating.
    return { int16Saturation: output !== EXACT_PROBE_OUTPUT, output };
  } finally {
    await session.release();
  }
}
