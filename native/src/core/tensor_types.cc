#include "tensor_types.h"

#include <cstring>
#include <limits>

namespace qg {

int elementBits(int onnxType) {
    switch (onnxType) {
    case onnx_type::kFloat: return 32;
    case onnx_type::kUint8: return 8;
    case onnx_type::kInt8: return 8;
    case onnx_type::kInt32: return 32;
    case onnx_type::kInt64: return 64;
    case onnx_type::kBool: return 8;
    case onnx_type::kFloat16: return 16;
    case onnx_type::kBfloat16: return 16;
    case onnx_type::kFloat8E4M3FN: return 8;
    case onnx_type::kInt4: return 4;
    case onnx_type::kFloat4E2M1: return 4;
    case onnx_type::kFloat8E8M0: return 8;
    default: return 0;
    }
}

std::string typeName(int onnxType) {
    switch (onnxType) {
    case onnx_type::kFloat: return "float32";
    case onnx_type::kUint8: return "uint8";
    case onnx_type::kInt8: return "int8";
    case onnx_type::kInt32: return "int32";
    case onnx_type::kInt64: return "int64";
    case onnx_type::kBool: return "bool";
    case onnx_type::kFloat16: return "float16";
    case onnx_type::kBfloat16: return "bfloat16";
    case onnx_type::kFloat8E4M3FN: return "float8e4m3fn";
    case onnx_type::kInt4: return "int4";
    case onnx_type::kFloat4E2M1: return "float4e2m1";
    case onnx_type::kFloat8E8M0: return "float8e8m0";
    default: return "type " + std::to_string(onnxType);
    }
}

int64_t volume(const std::vector<int64_t>& dims) {
    int64_t count = 1;
    for (int64_t d : dims) {
        if (d < 0) return -1;
        if (d != 0 && count > std::numeric_limits<int64_t>::max() / d) return -1;
        count *= d;
    }
    return count;
}

int64_t storageBytes(int onnxType, int64_t count) {
    const int bits = elementBits(onnxType);
    if (bits == 0 || count < 0) return -1;
    return (count * bits + 7) / 8;
}

std::string formatShape(const std::vector<int64_t>& dims) {
    if (dims.empty()) return "scalar";
    std::string out;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (i > 0) out += 'x';
        out += dims[i] < 0 ? "?" : std::to_string(dims[i]);
    }
    return out;
}

void fillPattern(int onnxType, std::vector<uint8_t>& bytes, uint32_t seed) {
    // xorshift32: deterministic, no <random> distribution differences between libraries.
    uint32_t state = seed == 0 ? 0x9E3779B9u : seed;
    auto next = [&state]() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        return state;
    };
    const std::size_t n = bytes.size();
    switch (onnxType) {
    case onnx_type::kFloat:
        for (std::size_t i = 0; i + 4 <= n; i += 4) {
            const float value = static_cast<float>(next() % 2048) / 1024.0f - 1.0f;
            std::memcpy(&bytes[i], &value, 4);
        }
        break;
    case onnx_type::kFloat16:
        for (std::size_t i = 0; i + 2 <= n; i += 2) {
            // Sign, exponent 01110 or 01101 (0.5..1 or 0.25..0.5), random mantissa: finite, |x| < 1.
            const uint32_t r = next();
            const uint16_t half = static_cast<uint16_t>(((r & 1u) << 15) | ((13u + ((r >> 1) & 1u)) << 10) | ((r >> 2) & 0x3FFu));
            std::memcpy(&bytes[i], &half, 2);
        }
        break;
    case onnx_type::kBfloat16:
        for (std::size_t i = 0; i + 2 <= n; i += 2) {
            const uint32_t r = next();
            const uint16_t value = static_cast<uint16_t>(((r & 1u) << 15) | ((125u + ((r >> 1) & 1u)) << 7) | ((r >> 2) & 0x7Fu));
            std::memcpy(&bytes[i], &value, 2);
        }
        break;
    case onnx_type::kBool:
        for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<uint8_t>(next() & 1u);
        break;
    case onnx_type::kInt32:
    case onnx_type::kInt64:
        // Small non-negative integers: safe as indices into small dimensions.
        std::memset(bytes.data(), 0, n);
        for (std::size_t i = 0; i < n; i += static_cast<std::size_t>(elementBits(onnxType) / 8)) bytes[i] = static_cast<uint8_t>(next() % 4);
        break;
    default:
        for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<uint8_t>(next() % 16);
        break;
    }
}

} // namespace qg
