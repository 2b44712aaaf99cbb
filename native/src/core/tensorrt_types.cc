#include "tensorrt_types.h"

#include "native_error.h"
#include "tensor_types.h"

namespace qg {

nvinfer1::Dims toDims(const std::vector<int64_t>& shape, const std::string& what) {
    nvinfer1::Dims dims{};
    QG_THROW_IF(shape.size() > static_cast<std::size_t>(nvinfer1::Dims::MAX_DIMS), code::kInvalidArgument,
                what + " has " + std::to_string(shape.size()) + " dimensions; TensorRT allows at most " +
                    std::to_string(nvinfer1::Dims::MAX_DIMS));
    dims.nbDims = static_cast<int32_t>(shape.size());
    for (std::size_t i = 0; i < shape.size(); ++i) dims.d[i] = shape[i];
    return dims;
}

std::vector<int64_t> fromDims(const nvinfer1::Dims& dims) {
    std::vector<int64_t> shape;
    for (int32_t i = 0; i < dims.nbDims; ++i) shape.push_back(dims.d[i]);
    return shape;
}

int onnxTypeOf(nvinfer1::DataType type) {
    switch (type) {
    case nvinfer1::DataType::kFLOAT: return onnx_type::kFloat;
    case nvinfer1::DataType::kHALF: return onnx_type::kFloat16;
    case nvinfer1::DataType::kINT8: return onnx_type::kInt8;
    case nvinfer1::DataType::kINT32: return onnx_type::kInt32;
    case nvinfer1::DataType::kBOOL: return onnx_type::kBool;
    case nvinfer1::DataType::kUINT8: return onnx_type::kUint8;
    case nvinfer1::DataType::kFP8: return onnx_type::kFloat8E4M3FN;
    case nvinfer1::DataType::kBF16: return onnx_type::kBfloat16;
    case nvinfer1::DataType::kINT64: return onnx_type::kInt64;
    case nvinfer1::DataType::kINT4: return onnx_type::kInt4;
    case nvinfer1::DataType::kFP4: return onnx_type::kFloat4E2M1;
    case nvinfer1::DataType::kE8M0: return onnx_type::kFloat8E8M0;
    }
    return 0;
}

} // namespace qg
