// TensorRT and its ONNX parser, resolved with dlsym from libnvinfer.so.{11,10} and
// libnvonnxparser.so.{11,10} through their C entry points (createInferBuilder_INTERNAL, ...),
// which is what NvInfer.h's inline createInferBuilder() calls. The library's major version must
// be the one the addon was compiled against: TensorRT's interfaces are ABI-stable within a major
// version only.
#pragma once

#include <NvInfer.h>
#include <NvInferVersion.h>
#include <NvOnnxParser.h>

#include <cstdint>
#include <string>

#include "dynamic_library.h"

static_assert(NV_TENSORRT_MAJOR == 10 || NV_TENSORRT_MAJOR == 11, "quantgate's addon supports TensorRT 10.x and 11.x headers");

namespace qg {

struct TensorRtApi {
    using CreateInferBuilderFn = void* (*)(void* logger, int32_t version);
    using CreateInferRuntimeFn = void* (*)(void* logger, int32_t version);
    using GetInferLibVersionFn = int32_t (*)();
    using CreateOnnxParserFn = void* (*)(void* network, void* logger, int version);
    using GetOnnxParserVersionFn = int (*)();

    CreateInferBuilderFn createInferBuilder = nullptr;
    CreateInferRuntimeFn createInferRuntime = nullptr;
    GetInferLibVersionFn getInferLibVersion = nullptr;
    CreateOnnxParserFn createOnnxParser = nullptr;
    GetOnnxParserVersionFn getOnnxParserVersion = nullptr;

    DynamicLibrary inferLibrary;
    DynamicLibrary parserLibrary;

    // "10.13.0" from getInferLibVersion() (major·10000 + minor·100 + patch).
    std::string version() const;
    int32_t versionNumber() const { return getInferLibVersion(); }

    nvinfer1::IBuilder* builder(nvinfer1::ILogger& logger) const;
    nvinfer1::IRuntime* runtime(nvinfer1::ILogger& logger) const;
    nvonnxparser::IParser* parser(nvinfer1::INetworkDefinition& network, nvinfer1::ILogger& logger) const;
};

struct LibraryFailure;
const TensorRtApi* tensorRtApi();
const LibraryFailure* tensorRtLoadFailure();
const TensorRtApi& requireTensorRt();

// "10.13.0" for a getInferLibVersion()-style number.
std::string formatTensorRtVersion(int32_t number);
// The headers this addon was compiled against, e.g. "10.13.0".
std::string compiledTensorRtVersion();

} // namespace qg
