// The one error type the pure C++ layer throws, and the throw-if macros every method starts with.
// The N-API glue turns a NativeError into a JavaScript Error whose `code` is `code` below, so
// TypeScript branches on the code and never on message text.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace qg {

// Codes shared with src/runtime/tensorrt/binding.ts (NativeErrorCode); keep both lists in step.
namespace code {
inline constexpr const char* kInvalidArgument = "ERR_QG_INVALID_ARGUMENT";
inline constexpr const char* kLibrary = "ERR_QG_LIBRARY";
inline constexpr const char* kCuda = "ERR_QG_CUDA";
inline constexpr const char* kNvml = "ERR_QG_NVML";
inline constexpr const char* kOutOfMemory = "ERR_QG_OUT_OF_MEMORY";
inline constexpr const char* kParse = "ERR_QG_PARSE";
inline constexpr const char* kBuild = "ERR_QG_BUILD";
inline constexpr const char* kEngine = "ERR_QG_ENGINE";
inline constexpr const char* kCancelled = "ERR_QG_CANCELLED";
inline constexpr const char* kBusy = "ERR_QG_BUSY";
inline constexpr const char* kDisposed = "ERR_QG_DISPOSED";
} // namespace code

class NativeError : public std::runtime_error {
public:
    NativeError(std::string errorCode, const std::string& message, std::vector<std::string> details = {})
        : std::runtime_error(message), code_(std::move(errorCode)), details_(std::move(details)) {}

    const std::string& code() const noexcept { return code_; }
    // What TensorRT, CUDA or NVML said, one line each, oldest first.
    const std::vector<std::string>& details() const noexcept { return details_; }

private:
    std::string code_;
    std::vector<std::string> details_;
};

} // namespace qg

#define QG_THROW(errorCode, message) throw ::qg::NativeError((errorCode), (message))
#define QG_THROW_IF(condition, errorCode, message) \
    do {                                           \
        if (condition) QG_THROW(errorCode, message); \
    } while (false)
