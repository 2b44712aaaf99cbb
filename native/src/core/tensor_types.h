// Element types as ONNX numbers them (TensorProto.DataType), the currency between TypeScript
// (HostTensor.dataType) and TensorRT, and the byte sizes that follow. Pure: unit-tested.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qg {

namespace onnx_type {
inline constexpr int kFloat = 1;
inline constexpr int kUint8 = 2;
inline constexpr int kInt8 = 3;
inline constexpr int kInt32 = 6;
inline constexpr int kInt64 = 7;
inline constexpr int kBool = 9;
inline constexpr int kFloat16 = 10;
inline constexpr int kBfloat16 = 16;
inline constexpr int kFloat8E4M3FN = 17;
inline constexpr int kInt4 = 22;
inline constexpr int kFloat4E2M1 = 23;
inline constexpr int kFloat8E8M0 = 24;
} // namespace onnx_type

// Bits per element of an ONNX type; 0 for a type the addon does not move.
int elementBits(int onnxType);
// "float16" etc., for messages.
std::string typeName(int onnxType);

// Elements of a shape; -1 when a dimension is negative (dynamic) or the product overflows.
int64_t volume(const std::vector<int64_t>& dims);
// Bytes of `count` elements (sub-byte types round up); -1 for an unknown type or count < 0.
int64_t storageBytes(int onnxType, int64_t count);

// "1x3x224x224" (dynamic dimensions as "?").
std::string formatShape(const std::vector<int64_t>& dims);

// A host tensor as it crosses the N-API boundary: the glue copies JavaScript's typed array
// into `bytes` (or the outputs out of it).
struct HostTensor {
    std::string name;
    int dataType = 0;
    std::vector<int64_t> dims;
    std::vector<uint8_t> bytes;
};

// Fills `bytes` with a fixed pseudo-random pattern valid for the type (finite floats in
// [-1, 1), small integers, 0/1 booleans): benchmark inputs when the caller gives none.
void fillPattern(int onnxType, std::vector<uint8_t>& bytes, uint32_t seed);

} // namespace qg
