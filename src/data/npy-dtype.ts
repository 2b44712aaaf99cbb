/**
 * numpy's dtype strings (`descr` in a .npy header) and the ONNX element types they hold. Only the
 * plain numeric types a model input can take; little-endian or byte-order-free, as the hosts are.
 */
import { DataType } from '../model/dtypes.js';

/** The `descr` kind and size (after the byte-order character) → ONNX element type. */
const BY_KIND: Record<string, DataType> = {
  f2: DataType.FLOAT16,
  f4: DataType.FLOAT,
  f8: DataType.DOUBLE,
  i1: DataType.INT8,
  u1: DataType.UINT8,
  i2: DataType.INT16,
  u2: DataType.UINT16,
  i4: DataType.INT32,
  u4: DataType.UINT32,
  i8: DataType.INT64,
  u8: DataType.UINT64,
  b1: DataType.BOOL,
};

/** numpy's name for each type, as `np.<name>` in the one-liners that fix a file. */
const NUMPY_NAME: Partial<Record<DataType, string>> = {
  [DataType.FLOAT16]: 'float16',
  [DataType.FLOAT]: 'float32',
  [DataType.DOUBLE]: 'float64',
  [DataType.INT8]: 'int8',
  [DataType.UINT8]: 'uint8',
  [DataType.INT16]: 'int16',
  [DataType.UINT16]: 'uint16',
  [DataType.INT32]: 'int32',
  [DataType.UINT32]: 'uint32',
  [DataType.INT64]: 'int64',
  [DataType.UINT64]: 'uint64',
  [DataType.BOOL]: 'bool_',
};

export type DescrVerdict =
  | { ok: true; dataType: DataType }
  | { ok: false; reason: 'big-endian'; littleEndian: string }
  | { ok: false; reason: 'object' | 'unsupported' };

/**
 * What a `descr` string holds. Byte order: `<` little, `|` not applicable (one byte), `=` native;
 * a one-byte type is fine whatever its mark. `>` on a wider type is big-endian.
 */
export function parseDescr(descr: string): DescrVerdict {
  const order = descr[0];
  const kind = descr.slice(1);
  if (kind === 'O') return { ok: false, reason: 'object' };
  const dataType = BY_KIND[kind];
  if (dataType === undefined || !'<>|='.includes(order ?? '')) return { ok: false, reason: 'unsupported' };
  const oneByte = kind.endsWith('1');
  if (order === '>' && !oneByte) return { ok: false, reason: 'big-endian', littleEndian: `<${kind}` };
  return { ok: true, dataType };
}

/** The `descr` np.save writes for an element type; undefined where numpy has no such type. */
export function descrOf(dataType: number): string | undefined {
  for (const [kind, type] of Object.entries(BY_KIND)) {
    if (type === dataType) return `${kind.endsWith('1') ? '|' : '<'}${kind}`;
  }
  return undefined;
}

/** `np.float32` and the like; undefined where numpy has no such type (bfloat16, float8...). */
export function numpyType(dataType: number): string | undefined {
  const name = NUMPY_NAME[dataType as DataType];
  return name && `np.${name}`;
}

/** Bytes per element of the types a model input can be fed; undefined for any other type. */
export function itemSizeOf(dataType: number): number | undefined {
  switch (dataType) {
    case DataType.INT8:
    case DataType.UINT8:
    case DataType.BOOL:
      return 1;
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
    case DataType.INT16:
    case DataType.UINT16:
      return 2;
    case DataType.FLOAT:
    case DataType.INT32:
    case DataType.UINT32:
      return 4;
    case DataType.DOUBLE:
    case DataType.INT64:
    case DataType.UINT64:
      return 8;
    default:
      return undefined;
  }
}

export function itemSize(dataType: number): number {
  const size = itemSizeOf(dataType);
  if (size === undefined) throw new Error(`no fixed item size for element type ${dataType}`);
  return size;
}
