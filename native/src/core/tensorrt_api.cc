#include "tensorrt_api.h"

#include <memory>
#include <mutex>

#include "library_failure.h"
#include "native_error.h"

namespace qg {

namespace {

struct TensorRtState {
    std::unique_ptr<TensorRtApi> api;
    std::unique_ptr<LibraryFailure> failure;
};

TensorRtState& state() {
    static TensorRtState instance;
    return instance;
}

void load() {
    TensorRtState& s = state();
    auto failure = std::make_unique<LibraryFailure>();
    DynamicLibrary infer = openLibrary(Library::kTensorRt, NV_TENSORRT_MAJOR, *failure);
    if (!infer.isOpen()) {
        s.failure = std::move(failure);
        return;
    }
    auto api = std::make_unique<TensorRtApi>();
    try {
        api->createInferBuilder = infer.require<TensorRtApi::CreateInferBuilderFn>("createInferBuilder_INTERNAL");
        api->createInferRuntime = infer.require<TensorRtApi::CreateInferRuntimeFn>("createInferRuntime_INTERNAL");
        api->getInferLibVersion = infer.require<TensorRtApi::GetInferLibVersionFn>("getInferLibVersion");
    } catch (const NativeError& error) {
        failure->library = Library::kTensorRt;
        failure->attempts = infer.attempts();
        failure->found = infer.path();
        failure->reason = error.what();
        failure->fix = installHint(Library::kTensorRt);
        s.failure = std::move(failure);
        return;
    }
    const int32_t number = api->getInferLibVersion();
    if (number / 10000 != NV_TENSORRT_MAJOR) {
        failure->library = Library::kTensorRt;
        failure->attempts = infer.attempts();
        failure->found = "TensorRT " + formatTensorRtVersion(number) + " (" + infer.path() + ")";
        failure->required = "TensorRT " + std::to_string(NV_TENSORRT_MAJOR) + ".x, the version whose headers built this addon";
        failure->reason = "the TensorRT library is " + formatTensorRtVersion(number) + " but the addon was built against " +
                          compiledTensorRtVersion() + " headers";
        failure->fix = "rebuild the addon against this TensorRT's headers (`TENSORRT_ROOT=... npm run build:native`), "
                       "or put TensorRT " + std::to_string(NV_TENSORRT_MAJOR) + ".x first on LD_LIBRARY_PATH";
        s.failure = std::move(failure);
        return;
    }
    DynamicLibrary parser = openLibrary(Library::kOnnxParser, NV_TENSORRT_MAJOR, *failure);
    if (!parser.isOpen()) {
        s.failure = std::move(failure);
        return;
    }
    try {
        api->createOnnxParser = parser.require<TensorRtApi::CreateOnnxParserFn>("createNvOnnxParser_INTERNAL");
        api->getOnnxParserVersion = parser.require<TensorRtApi::GetOnnxParserVersionFn>("getNvOnnxParserVersion");
    } catch (const NativeError& error) {
        failure->library = Library::kOnnxParser;
        failure->attempts = parser.attempts();
        failure->found = parser.path();
        failure->reason = error.what();
        failure->fix = installHint(Library::kOnnxParser);
        s.failure = std::move(failure);
        return;
    }
    api->inferLibrary = std::move(infer);
    api->parserLibrary = std::move(parser);
    s.api = std::move(api);
}

std::once_flag loaded;

} // namespace

const TensorRtApi* tensorRtApi() {
    std::call_once(loaded, load);
    return state().api.get();
}

const LibraryFailure* tensorRtLoadFailure() {
    std::call_once(loaded, load);
    return state().failure.get();
}

const TensorRtApi& requireTensorRt() {
    const TensorRtApi* api = tensorRtApi();
    if (api == nullptr) {
        const LibraryFailure* failure = tensorRtLoadFailure();
        throw NativeError(code::kLibrary, failure->reason + "; " + failure->fix);
    }
    return *api;
}

std::string formatTensorRtVersion(int32_t number) {
    return std::to_string(number / 10000) + "." + std::to_string((number / 100) % 100) + "." + std::to_string(number % 100);
}

std::string compiledTensorRtVersion() {
    return std::to_string(NV_TENSORRT_MAJOR) + "." + std::to_string(NV_TENSORRT_MINOR) + "." + std::to_string(NV_TENSORRT_PATCH);
}

std::string TensorRtApi::version() const {
    return formatTensorRtVersion(getInferLibVersion());
}

nvinfer1::IBuilder* TensorRtApi::builder(nvinfer1::ILogger& logger) const {
    return static_cast<nvinfer1::IBuilder*>(createInferBuilder(&logger, NV_TENSORRT_VERSION));
}

nvinfer1::IRuntime* TensorRtApi::runtime(nvinfer1::ILogger& logger) const {
    return static_cast<nvinfer1::IRuntime*>(createInferRuntime(&logger, NV_TENSORRT_VERSION));
}

nvonnxparser::IParser* TensorRtApi::parser(nvinfer1::INetworkDefinition& network, nvinfer1::ILogger& logger) const {
    return static_cast<nvonnxparser::IParser*>(createOnnxParser(&network, &logger, NV_ONNX_PARSER_VERSION));
}

} // namespace qg
