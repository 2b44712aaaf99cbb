/**
 * Tensor values: the little-endian bytes of a TensorProto whatever field holds them, typed views
 * of those bytes, and the reverse (a TensorProto from a typed array). Hosts are little-endian
 * (x64 and arm64), as ONNX's raw_data is.
 */
import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema, type TensorProto } from 'onnx-buf';
import { DataType, dtypeInfo, dtypeName, packedByteLength } from './dtypes.js';

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export function elementCount(dims: readonly (bigint | number)[]): number {
  let n = 1;
  for (const d of dims) n *= Number(d);
  return n;
}

/**
 * The tensor's values as packed little-endian bytes, from raw_data or from the typed field ONNX
 * stores them in. External tensors are not handled here: `OnnxModel.tensorBytes` reads those.
 */
export function inlineTensorBytes(tensor: TensorProto): Uint8Array {
  if (tensor.rawData.byteLength > 0) return tensor.rawData;
  const info = dtypeInfo(tensor.dataType);
  const count = elementCount(tensor.dims);
  switch (info.storage) {
    case 'floatData':
      return bytesOf(Float32Array.from(tensor.floatData));
    case 'doubleData':
      return bytesOf(Float64Array.from(tensor.doubleData));
    case 'int64Data':
      return bytesOf(BigInt64Array.from(tensor.int64Data));
    case 'uint64Data':
      return tensor.dataType === DataType.UINT32
        ? bytesOf(Uint32Array.from(tensor.uint64Data, (v) => Number(v)))
        : bytesOf(BigUint64Array.from(tensor.uint64Data));
    case 'int32Data': {
      const bits = info.bits ?? 8;
      if (bits === 32) return bytesOf(Int32Array.from(tensor.int32Data));
      // 16-bit types (int16, uint16, float16, bfloat16) keep one element per int32 (bit pattern).
      if (bits === 16) return bytesOf(Uint16Array.from(tensor.int32Data, (v) => v & 0xffff));
      // 8-bit and sub-byte types: one (packed) byte per int32.
      const bytes = Uint8Array.from(tensor.int32Data, (v) => v & 0xff);
      const expected = packedByteLength(tensor.dataType, count);
      return expected !== null && bytes.byteLength > expected ? bytes.subarray(0, expected) : bytes;
    }
    case 'stringData':
      throw new Error(`tensor '${tensor.name}' holds strings, which have no byte layout`);
  }
}

/**
 * The length of what `inlineTensorBytes` returns, without building it (strings: the sum of their
 * lengths, as they are stored).
 */
export function inlineByteLength(tensor: TensorProto): number {
  if (tensor.rawData.byteLength > 0) return tensor.rawData.byteLength;
  const info = dtypeInfo(tensor.dataType);
  switch (info.storage) {
    case 'floatData':
      return tensor.floatData.length * 4;
    case 'doubleData':
      return tensor.doubleData.length * 8;
    case 'int64Data':
      return tensor.int64Data.length * 8;
    case 'uint64Data':
      return tensor.uint64Data.length * (tensor.dataType === DataType.UINT32 ? 4 : 8);
    case 'int32Data': {
      const bits = info.bits ?? 8;
      if (bits >= 16) return tensor.int32Data.length * (bits / 8);
      const expected = packedByteLength(tensor.dataType, elementCount(tensor.dims));
      return expected !== null ? Math.min(tensor.int32Data.length, expected) : tensor.int32Data.length;
    }
    case 'stringData':
      return tensor.stringData.reduce((n, s) => n + s.byteLength, 0);
  }
}

export function bytesOf(array: TypedArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** A typed array over packed little-endian bytes, copying only when the bytes are misaligned. */
export function typedView(dataType: number, bytes: Uint8Array): TypedArray {
  const ctor = typedArrayFor(dataType);
  if (!ctor) throw new Error(`no typed array holds ${dtypeName(dataType)} values`);
  const size = ctor.BYTES_PER_ELEMENT;
  // A copy (not Buffer#slice, which is a view) realigns bytes that start at an odd offset.
  if (bytes.byteOffset % size !== 0) bytes = new Uint8Array(bytes);
  return new ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / size);
}

type TypedArrayConstructor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/**
 * The typed array for a data type's storage. float16/bfloat16 are viewed as their Uint16 bit
 * patterns (see `toFloat32`); 8-bit floats and sub-byte types as packed bytes.
 */
export function typedArrayFor(dataType: number): TypedArrayConstructor | undefined {
  switch (dataType) {
    case DataType.FLOAT:
      return Float32Array;
    case DataType.DOUBLE:
      return Float64Array;
    case DataType.INT8:
      return Int8Array;
    case DataType.UINT8:
    case DataType.BOOL:
      return Uint8Array;
    case DataType.INT16:
      return Int16Array;
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return Uint16Array;
    case DataType.INT32:
      return Int32Array;
    case DataType.UINT32:
      return Uint32Array;
    case DataType.INT64:
      return BigInt64Array;
    case DataType.UINT64:
      return BigUint64Array;
    default:
      return (dtypeInfo(dataType).bits ?? 0) <= 8 && dtypeInfo(dataType).bits !== null ? Uint8Array : undefined;
  }
}

/** IEEE 754 half-precision bits to a number. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** A number to IEEE half-precision bits, rounding to nearest even (as numpy's astype does). */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mantissa & ((1 << shift) - 1);
    let result = mantissa >>> shift;
    if (rest > half || (rest === half && result & 1)) result++;
    return sign | result;
  }
  let result = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && result & 1)) result++;
  return sign | result;
}

/** bfloat16 bits to a number. */
export function bfloat16ToFloat(bits: number): number {
  u32[0] = bits << 16;
  return f32[0]!;
}

/** Any numeric tensor's values as float32 (for statistics and comparisons). */
export function toFloat32(dataType: number, bytes: Uint8Array): Float32Array {
  const view = typedView(dataType, bytes);
  if (view instanceof Float32Array) return view;
  if (dataType === DataType.FLOAT16) return Float32Array.from(view as Uint16Array, halfToFloat);
  if (dataType === DataType.BFLOAT16) return Float32Array.from(view as Uint16Array, bfloat16ToFloat);
  if (view instanceof BigInt64Array || view instanceof BigUint64Array) return Float32Array.from(view, (v) => Number(v));
  if (view instanceof Uint8Array && dataType !== DataType.UINT8 && dataType !== DataType.BOOL) {
    throw new Error(`${dtypeName(dataType)} values have no float32 conversion here`);
  }
  return Float32Array.from(view as ArrayLike<number>);
}

/** A TensorProto holding `values` in raw_data. */
export function makeTensor(name: string, dataType: number, dims: readonly number[], values: TypedArray | Uint8Array): TensorProto {
  const raw = bytesOf(values);
  return create(TensorProtoSchema, {
    name,
    dataType,
    dims: dims.map((d) => BigInt(d)),
    // Copy: the tensor must not alias a buffer the caller will reuse.
    rawData: new Uint8Array(raw),
  });
}
