// Conversions between JavaScript values and the core's plain structs, and the one place that
// turns a C++ exception into a JavaScript Error (with `code`, `details`, and for build failures
// `parserErrors` and `log`). Runs on the JavaScript thread only.
#pragma once

#include <napi.h>

#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "library_failure.h"
#include "tensor_types.h"

namespace qg::napi {

// The exception kept by a worker thread until the JavaScript thread can build the Error.
struct CaughtError {
    std::string code;
    std::string message;
    std::vector<std::string> details;
    std::vector<std::vector<std::string>> parserErrors; // node, nodeName, nodeOperator, code, description
    std::string log;
    bool hasBuildData = false;
};
// Call inside a catch block.
CaughtError catchCurrent();
Napi::Error toError(Napi::Env env, const CaughtError& error);

std::vector<int64_t> toShape(const Napi::Value& value, const std::string& what);
Napi::Array fromShape(Napi::Env env, const std::vector<int64_t>& shape);
HostTensor toHostTensor(const Napi::Value& value, const std::string& what);
Napi::Object fromHostTensor(Napi::Env env, HostTensor&& tensor);
Napi::Array fromDoubles(Napi::Env env, const std::vector<double>& values);
Napi::Value fromFailure(Napi::Env env, const LibraryFailure* failure);
// A number, or null for a negative "unknown" value.
Napi::Value numberOrNull(Napi::Env env, double value);
Napi::Value stringOrNull(Napi::Env env, const std::string& value);
// Copies bytes into a new Buffer (Node owns it; no finalizer dance).
Napi::Buffer<uint8_t> toBuffer(Napi::Env env, const std::vector<uint8_t>& bytes);
std::vector<uint8_t> bytesOf(const Napi::Value& value, const std::string& what);

// Options readers: the key's value, or the fallback when absent/undefined; wrong types throw
// a TypeError naming the key.
int intOption(const Napi::Object& options, const char* key, int fallback);
double numberOption(const Napi::Object& options, const char* key, double fallback);
bool boolOption(const Napi::Object& options, const char* key, bool fallback);

} // namespace qg::napi
