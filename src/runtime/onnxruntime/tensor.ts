/**
 * Conversions between ONNX tensors (element type number, dims, little-endian bytes) and
 * onnxruntime-node's Tensor.
 */
import type { Tensor } from 'onnxruntime-node';
import type { HostTensor } from '../../data/types.js';
import { DataType, dtypeName } from '../../model/dtypes.js';
import { typedView } from '../../model/tensor.js';
import type { Ort } from './load.js';

/** onnxruntime-node's tensor type names and the ONNX element types they hold. */
const ORT_TYPES: Partial<Record<Tensor.Type, number>> = {
  float32: DataType.FLOAT,
  float64: DataType.DOUBLE,
  float16: DataType.FLOAT16,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
  int16: DataType.INT16,
  uint16: DataType.UINT16,
  int32: DataType.INT32,
  uint32: DataType.UINT32,
  int64: DataType.INT64,
  uint64: DataType.UINT64,
  bool: DataType.BOOL,
  int4: DataType.INT4,
  uint4: DataType.UINT4,
};

/** onnxruntime-node's name for an ONNX element type; undefined where it has none. */
export function ortTypeName(dataType: number): Tensor.Type | undefined {
  for (const [name, type] of Object.entries(ORT_TYPES)) if (type === dataType) return name as Tensor.Type;
  return undefined;
}

/** The ONNX element type of an onnxruntime-node tensor type name. */
export function dataTypeOfOrt(type: string): number | undefined {
  return ORT_TYPES[type as Tensor.Type];
}

export function toOrtTensor(ort: Ort, dataType: number, dims: readonly number[], bytes: Uint8Array): Tensor {
  const type = ortTypeName(dataType);
  if (!type) throw new Error(`onnxruntime-node has no tensor type for ${dtypeName(dataType)}`);
  if (type === 'int4' || type === 'uint4' || type === 'bool') return new ort.Tensor(type, new Uint8Array(bytes), dims);
  if (type === 'float16') return float16Tensor(ort, typedView(dataType, bytes) as Uint16Array, dims);
  return new ort.Tensor(type, typedView(dataType, bytes) as never, dims);
}

/**
 * A float16 tensor whose data reaches onnxruntime-node's binding as a Uint16Array. Where the
 * runtime has Float16Array (Node 24), onnxruntime-common turns float16 data into one, and the
 * binding (1.30) reads a Float16Array's byte length as 0 and refuses every float16 input ("not
 * enough space: expected 16, got 0"; microsoft/onnxruntime#32323, still open). Built as uint16
 * (same bits) and then named float16, the tensor keeps its Uint16Array; nothing global changes.
 */
function float16Tensor(ort: Ort, bits: Uint16Array, dims: readonly number[]): Tensor {
  const tensor = new ort.Tensor('uint16', bits, dims);
  Object.defineProperty(tensor, 'type', { value: 'float16', enumerable: true });
  return tensor;
}

/** A host tensor (src/data/types.ts) as an onnxruntime-node Tensor, sharing its memory. */
export function hostToOrt(ort: Ort, tensor: HostTensor): Tensor {
  const type = ortTypeName(tensor.dataType);
  if (!type) throw new Error(`onnxruntime-node has no tensor type for ${dtypeName(tensor.dataType)}`);
  if (type === 'float16') return float16Tensor(ort, tensor.data as Uint16Array, tensor.dims);
  return new ort.Tensor(type, tensor.data as never, tensor.dims);
}

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
