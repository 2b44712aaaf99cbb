/**
 * ONNX tensor element types (TensorProto.DataType): names, sizes, and which repeated field of
 * TensorProto holds their values when they are not in `raw_data`.
 */
import { TensorProto_DataType as DataType } from 'onnx-buf';

export { DataType };

/** Where a TensorProto keeps values that are not in raw_data (ONNX's onnx.proto comments). */
export type StorageField = 'floatData' | 'int32Data' | 'int64Data' | 'doubleData' | 'uint64Data' | 'stringData';

export interface DTypeInfo {
  /** The name quantgate prints and writes in results.json (onnxruntime-node's names where it has one). */
  readonly name: string;
  /** Bits per element; null for strings, whose size is per element. */
  readonly bits: number | null;
  readonly storage: StorageField;
}

const TABLE: Record<number, DTypeInfo> = {
  [DataType.FLOAT]: { name: 'float32', bits: 32, storage: 'floatData' },
  [DataType.UINT8]: { name: 'uint8', bits: 8, storage: 'int32Data' },
  [DataType.INT8]: { name: 'int8', bits: 8, storage: 'int32Data' },
  [DataType.UINT16]: { name: 'uint16', bits: 16, storage: 'int32Data' },
  [DataType.INT16]: { name: 'int16', bits: 16, storage: 'int32Data' },
  [DataType.INT32]: { name: 'int32', bits: 32, storage: 'int32Data' },
  [DataType.INT64]: { name: 'int64', bits: 64, storage: 'int64Data' },
  [DataType.STRING]: { name: 'string', bits: null, storage: 'stringData' },
  [DataType.BOOL]: { name: 'bool', bits: 8, storage: 'int32Data' },
  [DataType.FLOAT16]: { name: 'float16', bits: 16, storage: 'int32Data' },
  [DataType.DOUBLE]: { name: 'float64', bits: 64, storage: 'doubleData' },
  [DataType.UINT32]: { name: 'uint32', bits: 32, storage: 'uint64Data' },
  [DataType.UINT64]: { name: 'uint64', bits: 64, storage: 'uint64Data' },
  [DataType.COMPLEX64]: { name: 'complex64', bits: 64, storage: 'floatData' },
  [DataType.COMPLEX128]: { name: 'complex128', bits: 128, storage: 'doubleData' },
  [DataType.BFLOAT16]: { name: 'bfloat16', bits: 16, storage: 'int32Data' },
  [DataType.FLOAT8E4M3FN]: { name: 'float8e4m3fn', bits: 8, storage: 'int32Data' },
  [DataType.FLOAT8E4M3FNUZ]: { name: 'float8e4m3fnuz', bits: 8, storage: 'int32Data' },
  [DataType.FLOAT8E5M2]: { name: 'float8e5m2', bits: 8, storage: 'int32Data' },
  [DataType.FLOAT8E5M2FNUZ]: { name: 'float8e5m2fnuz', bits: 8, storage: 'int32Data' },
  [DataType.UINT4]: { name: 'uint4', bits: 4, storage: 'int32Data' },
  [DataType.INT4]: { name: 'int4', bits: 4, storage: 'int32Data' },
  [DataType.FLOAT4E2M1]: { name: 'float4e2m1', bits: 4, storage: 'int32Data' },
  [DataType.FLOAT8E8M0]: { name: 'float8e8m0', bits: 8, storage: 'int32Data' },
  [DataType.UINT2]: { name: 'uint2', bits: 2, storage: 'int32Data' },
  [DataType.INT2]: { name: 'int2', bits: 2, storage: 'int32Data' },
};

/** Info for a data type number; unknown numbers (a newer ONNX) get a descriptive placeholder. */
export function dtypeInfo(dataType: number): DTypeInfo {
  return TABLE[dataType] ?? { name: `dtype(${dataType})`, bits: null, storage: 'int32Data' };
}

export function dtypeName(dataType: number): string {
  return dtypeInfo(dataType).name;
}

/** The data type number for a name that dtypeName returns, or undefined. */
export function dataTypeFromName(name: string): DataType | undefined {
  for (const [num, info] of Object.entries(TABLE)) if (info.name === name) return Number(num) as DataType;
  return undefined;
}

/** Bytes that `count` elements take packed (sub-byte types round up), or null for strings. */
export function packedByteLength(dataType: number, count: number): number | null {
  const bits = dtypeInfo(dataType).bits;
  return bits === null ? null : Math.ceil((count * bits) / 8);
}

/** True for the floating types that quantization treats as activations or weights. */
export function isFloatType(dataType: number): boolean {
  return dataType === DataType.FLOAT || dataType === DataType.FLOAT16 || dataType === DataType.BFLOAT16 || dataType === DataType.DOUBLE;
}
