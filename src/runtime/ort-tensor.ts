/**
 * Conversions between ONNX tensors (element type number, dims, little-endian bytes) and
 * onnxruntime-node's Tensor.
 */
import type { Tensor } from 'onnxruntime-node';
import type { HostTensor } from '../data/types.js';
import { DataType, dtypeName } from '../model/dtypes.js';
import { typedView } from '../model/tensor.js';
import type { Ort } from './onnxruntime.js';

/** onnxruntime-node's name for an ONNX element type; undefined where it has none. */
export function ortTypeName(dataType: number): Tensor.Type | undefined {
  switch (dataType) {
    case DataType.FLOAT:
      return 'float32';
    case DataType.DOUBLE:
      return 'float64';
    case DataType.FLOAT16:
      return 'float16';
    case DataType.INT8:
      return 'int8';
    case DataType.UINT8:
      return 'uint8';
    case DataType.INT16:
      return 'int16';
    case DataType.UINT16:
      return 'uint16';
    case DataType.INT32:
      return 'int32';
    case DataType.UINT32:
      return 'uint32';
    case DataType.INT64:
      return 'int64';
    case DataType.UINT64:
      return 'uint64';
    case DataType.BOOL:
      return 'bool';
    case DataType.INT4:
      return 'int4';
    case DataType.UINT4:
      return 'uint4';
    default:
      return undefined;
  }
}

export function toOrtTensor(ort: Ort, dataType: number, dims: readonly number[], bytes: Uint8Array): Tensor {
  const type = ortTypeName(dataType);
  if (!type) throw new Error(`onnxruntime-node has no tensor type for ${dtypeName(dataType)}`);
  if (type === 'int4' || type === 'uint4' || type === 'bool') return new ort.Tensor(type, new Uint8Array(bytes), dims);
  return new ort.Tensor(type, typedView(dataType, bytes) as never, dims);
}

/** The ONNX element type of an onnxruntime-node tensor type name; undefined for strings. */
export function dataTypeOfOrt(type: Tensor.Type): number | undefined {
  for (const dataType of ORT_DATA_TYPES) if (ortTypeName(dataType) === type) return dataType;
  return undefined;
}

const ORT_DATA_TYPES = [
  DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16,
  DataType.INT32, DataType.UINT32, DataType.INT64, DataType.UINT64, DataType.BOOL, DataType.INT4, DataType.UINT4,
];

/** An onnxruntime-node output tensor as a HostTensor (its data is not copied). */
export function fromOrtTensor(tensor: Tensor): HostTensor {
  const dataType = dataTypeOfOrt(tensor.type);
  if (dataType === undefined) throw new Error(`onnxruntime-node returned a ${tensor.type} tensor, which quantgate does not handle`);
  const data = tensor.data;
  if (typeof data === 'string' || Array.isArray(data)) throw new Error(`onnxruntime-node returned a ${tensor.type} tensor without numeric data`);
  // Node's own Float16Array (where it exists) carries the same bits a Uint16Array does.
  const typed = data.constructor.name === 'Float16Array' ? new Uint16Array(data.buffer, data.byteOffset, data.length) : data;
  return { dataType, dims: [...tensor.dims], data: typed as HostTensor['data'] };
}
