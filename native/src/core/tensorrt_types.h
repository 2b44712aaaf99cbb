// Conversions between TensorRT's types and the addon's plain ones (shapes as vectors, element
// types as ONNX numbers).
#pragma once

#include <NvInfer.h>

#include <cstdint>
#include <string>
#include <vector>

namespace qg {

// Throws NativeError(kInvalidArgument) naming `what` when there are more than Dims::MAX_DIMS.
nvinfer1::Dims toDims(const std::vector<int64_t>& shape, const std::string& what);
std::vector<int64_t> fromDims(const nvinfer1::Dims& dims);
// The ONNX number of a TensorRT data type.
int onnxTypeOf(nvinfer1::DataType type);

} // namespace qg
