#include "engine_builder.h"

#include <NvInferVersion.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>

#include "cuda_api.h"
#include "tensor_types.h"
#include "tensorrt_api.h"
#include "tensorrt_diagnostics.h"
#include "tensorrt_types.h"

namespace qg {

namespace {

class ProgressBridge : public nvinfer1::IProgressMonitor {
public:
    ProgressBridge(ProgressSink* sink, const std::atomic<bool>& cancelled) : sink_(sink), cancelled_(cancelled) {}

    void phaseStart(const char* phaseName, const char* parentPhase, int32_t nbSteps) noexcept override {
        if (sink_ == nullptr) return;
        try {
            sink_->phaseStart(phaseName != nullptr ? phaseName : "", parentPhase != nullptr ? parentPhase : "", nbSteps);
        } catch (...) {
            // Progress is best effort; it must not unwind through TensorRT.
        }
    }
    bool stepComplete(const char* phaseName, int32_t step) noexcept override {
        if (sink_ != nullptr) {
            try {
                sink_->stepComplete(phaseName != nullptr ? phaseName : "", step);
            } catch (...) {
            }
        }
        // false asks TensorRT to stop the build.
        return !cancelled_.load();
    }
    void phaseFinish(const char* phaseName) noexcept override {
        if (sink_ == nullptr) return;
        try {
            sink_->phaseFinish(phaseName != nullptr ? phaseName : "");
        } catch (...) {
        }
    }

private:
    ProgressSink* sink_;
    const std::atomic<bool>& cancelled_;
};

const char* parserCodeName(nvonnxparser::ErrorCode code) {
    switch (code) {
    case nvonnxparser::ErrorCode::kSUCCESS: return "kSUCCESS";
    case nvonnxparser::ErrorCode::kINTERNAL_ERROR: return "kINTERNAL_ERROR";
    case nvonnxparser::ErrorCode::kMEM_ALLOC_FAILED: return "kMEM_ALLOC_FAILED";
    case nvonnxparser::ErrorCode::kMODEL_DESERIALIZE_FAILED: return "kMODEL_DESERIALIZE_FAILED";
    case nvonnxparser::ErrorCode::kINVALID_VALUE: return "kINVALID_VALUE";
    case nvonnxparser::ErrorCode::kINVALID_GRAPH: return "kINVALID_GRAPH";
    case nvonnxparser::ErrorCode::kINVALID_NODE: return "kINVALID_NODE";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_GRAPH: return "kUNSUPPORTED_GRAPH";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_NODE: return "kUNSUPPORTED_NODE";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_NODE_ATTR: return "kUNSUPPORTED_NODE_ATTR";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_NODE_INPUT: return "kUNSUPPORTED_NODE_INPUT";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_NODE_DATATYPE: return "kUNSUPPORTED_NODE_DATATYPE";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_NODE_DYNAMIC: return "kUNSUPPORTED_NODE_DYNAMIC";
    case nvonnxparser::ErrorCode::kUNSUPPORTED_NODE_SHAPE: return "kUNSUPPORTED_NODE_SHAPE";
    case nvonnxparser::ErrorCode::kREFIT_FAILED: return "kREFIT_FAILED";
    }
    return "kUNKNOWN";
}

std::vector<uint8_t> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    QG_THROW_IF(!in, code::kInvalidArgument, "cannot read the model " + path);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every error TensorRT reported: the error recorder's, then the logger's that are not already there.
std::vector<std::string> collectErrors(const CollectingErrorRecorder& recorder, const CollectingLogger& logger) {
    std::vector<std::string> details = recorder.messages();
    for (const std::string& line : logger.errors()) {
        bool seen = false;
        for (const std::string& d : details) seen = seen || d.find(line) != std::string::npos;
        if (!seen) details.push_back(line);
    }
    return details;
}

[[noreturn]] void fail(const char* errorCode, const std::string& message, const CollectingErrorRecorder& recorder,
                       const CollectingLogger& logger, std::vector<ParserError> parserErrors = {}) {
    const char* effective = recorder.sawOutOfMemory() ? code::kOutOfMemory : errorCode;
    throw BuildError(effective, message, collectErrors(recorder, logger), std::move(parserErrors), logger.text());
}

std::vector<ParserError> parserErrorsOf(const nvonnxparser::IParser& parser) {
    std::vector<ParserError> errors;
    for (int i = 0; i < parser.getNbErrors(); ++i) {
        const nvonnxparser::IParserError* error = parser.getError(i);
        if (error == nullptr) continue;
        ParserError e;
        e.node = error->node();
        e.nodeName = error->nodeName() != nullptr ? error->nodeName() : "";
        e.nodeOperator = error->nodeOperator() != nullptr ? error->nodeOperator() : "";
        e.code = parserCodeName(error->code());
        e.description = error->desc() != nullptr ? error->desc() : "";
        errors.push_back(std::move(e));
    }
    return errors;
}

nvinfer1::NetworkDefinitionCreationFlags stronglyTyped() {
#if NV_TENSORRT_MAJOR >= 11
    // TensorRT 11 networks are always strongly typed; the flag itself is deprecated.
    return 0U;
#else
    return 1U << static_cast<uint32_t>(nvinfer1::NetworkDefinitionCreationFlag::kSTRONGLY_TYPED);
#endif
}

void addProfiles(nvinfer1::IBuilder& builder, nvinfer1::INetworkDefinition& network, nvinfer1::IBuilderConfig& config,
                 const BuildOptions& options, const CollectingErrorRecorder& recorder, const CollectingLogger& logger) {
    std::set<std::string> inputs;
    std::vector<std::string> dynamic;
    for (int32_t i = 0; i < network.getNbInputs(); ++i) {
        nvinfer1::ITensor* tensor = network.getInput(i);
        inputs.insert(tensor->getName());
        const std::vector<int64_t> shape = fromDims(tensor->getDimensions());
        if (volume(shape) < 0) dynamic.push_back(tensor->getName());
    }
    if (!dynamic.empty() && options.profiles.empty()) {
        std::string names;
        for (const std::string& n : dynamic) names += (names.empty() ? "" : ", ") + n;
        QG_THROW(code::kInvalidArgument, "inputs with dynamic dimensions need an optimization profile (min/opt/max shapes): " + names);
    }
    for (std::size_t p = 0; p < options.profiles.size(); ++p) {
        nvinfer1::IOptimizationProfile* profile = builder.createOptimizationProfile();
        for (const ShapeRange& range : options.profiles[p]) {
            if (inputs.count(range.input) == 0) {
                std::string names;
                for (const std::string& n : inputs) names += (names.empty() ? "" : ", ") + n;
                QG_THROW(code::kInvalidArgument, "optimization profile " + std::to_string(p) + " names input '" + range.input +
                                                     "', which the model does not have (it has " + names + ")");
            }
            const std::string what = "profile " + std::to_string(p) + " input '" + range.input + "'";
            const bool ok = profile->setDimensions(range.input.c_str(), nvinfer1::OptProfileSelector::kMIN, toDims(range.min, what)) &&
                            profile->setDimensions(range.input.c_str(), nvinfer1::OptProfileSelector::kOPT, toDims(range.opt, what)) &&
                            profile->setDimensions(range.input.c_str(), nvinfer1::OptProfileSelector::kMAX, toDims(range.max, what));
            if (!ok) {
                fail(code::kInvalidArgument, what + ": TensorRT refused min " + formatShape(range.min) + ", opt " + formatShape(range.opt) +
                                                 ", max " + formatShape(range.max),
                     recorder, logger);
            }
        }
        if (config.addOptimizationProfile(profile) < 0) {
            fail(code::kInvalidArgument, "TensorRT refused optimization profile " + std::to_string(p), recorder, logger);
        }
    }
}

// The inspector's detailed per-layer JSON, with each input at its profile-0 opt shape so that
// formats are reported (with dynamic shapes left unset they read "N/A due to dynamic shapes").
std::string inspect(const TensorRtApi& trt, nvinfer1::ILogger& logger, const std::vector<uint8_t>& engineBytes, std::string& error) {
    std::unique_ptr<nvinfer1::IRuntime> runtime(trt.runtime(logger));
    if (!runtime) {
        error = "createInferRuntime failed";
        return "";
    }
    std::unique_ptr<nvinfer1::ICudaEngine> engine(runtime->deserializeCudaEngine(engineBytes.data(), engineBytes.size()));
    if (!engine) {
        error = "the engine just built could not be deserialized for inspection";
        return "";
    }
    std::unique_ptr<nvinfer1::IExecutionContext> context(engine->createExecutionContext());
    if (context) {
        for (int32_t i = 0; i < engine->getNbIOTensors(); ++i) {
            const char* name = engine->getIOTensorName(i);
            if (engine->getTensorIOMode(name) != nvinfer1::TensorIOMode::kINPUT) continue;
            if (engine->getNbOptimizationProfiles() > 0 && volume(fromDims(engine->getTensorShape(name))) < 0) {
                context->setInputShape(name, engine->getProfileShape(name, 0, nvinfer1::OptProfileSelector::kOPT));
            }
        }
    }
    std::unique_ptr<nvinfer1::IEngineInspector> inspector(engine->createEngineInspector());
    if (!inspector) {
        error = "createEngineInspector failed";
        return "";
    }
    if (context) inspector->setExecutionContext(context.get());
    const char* json = inspector->getEngineInformation(nvinfer1::LayerInformationFormat::kJSON);
    return json != nullptr ? json : "";
}

} // namespace

BuildResult buildEngine(const BuildOptions& options, ProgressSink* progress, const std::atomic<bool>& cancelled) {
    const auto started = std::chrono::steady_clock::now();
    const TensorRtApi& trt = requireTensorRt();
    const CudaApi& cuda = requireCuda();
    QG_CUDA_CHECK(cuda, cuda.setDevice(options.device));
    QG_THROW_IF(options.optimizationLevel > 5, code::kInvalidArgument, "builder optimization level must be 0 to 5");

    const std::vector<uint8_t> fileBytes = options.model.empty() ? readFile(options.modelPath) : std::vector<uint8_t>();
    const std::vector<uint8_t>& model = options.model.empty() ? fileBytes : options.model;

    CollectingLogger logger(options.verboseLog ? nvinfer1::ILogger::Severity::kVERBOSE : nvinfer1::ILogger::Severity::kINFO);
    CollectingErrorRecorder recorder;
    ProgressBridge monitor(progress, cancelled);

    std::unique_ptr<nvinfer1::IBuilder> builder(trt.builder(logger));
    if (!builder) fail(code::kBuild, "createInferBuilder failed", recorder, logger);
    builder->setErrorRecorder(&recorder);
    std::unique_ptr<nvinfer1::INetworkDefinition> network(builder->createNetworkV2(stronglyTyped()));
    if (!network) fail(code::kBuild, "createNetworkV2 failed", recorder, logger);
    std::unique_ptr<nvonnxparser::IParser> parser(trt.parser(*network, logger));
    if (!parser) fail(code::kBuild, "createNvOnnxParser failed", recorder, logger);

    const char* path = options.modelPath.empty() ? nullptr : options.modelPath.c_str();
    if (!parser->parse(model.data(), model.size(), path)) {
        std::vector<ParserError> errors = parserErrorsOf(*parser);
        std::string first = errors.empty() ? "no detail" : errors.front().description;
        if (!errors.empty() && !errors.front().nodeName.empty()) {
            first = "node '" + errors.front().nodeName + "' (" + errors.front().nodeOperator + "): " + first;
        }
        fail(code::kParse, "TensorRT's ONNX parser rejected the model: " + first, recorder, logger, std::move(errors));
    }

    std::unique_ptr<nvinfer1::IBuilderConfig> config(builder->createBuilderConfig());
    if (!config) fail(code::kBuild, "createBuilderConfig failed", recorder, logger);
    if (options.workspaceBytes >= 0) {
        config->setMemoryPoolLimit(nvinfer1::MemoryPoolType::kWORKSPACE, static_cast<std::size_t>(options.workspaceBytes));
    }
    if (options.optimizationLevel >= 0) config->setBuilderOptimizationLevel(options.optimizationLevel);
    // Detailed: the inspector then reports each layer's formats and precisions.
    config->setProfilingVerbosity(nvinfer1::ProfilingVerbosity::kDETAILED);
    config->setProgressMonitor(&monitor);
    addProfiles(*builder, *network, *config, options, recorder, logger);

    std::unique_ptr<nvinfer1::ITimingCache> timingCache(config->createTimingCache(options.timingCache.data(), options.timingCache.size()));
    if (timingCache) {
        // ignoreMismatch false: a cache from another GPU or TensorRT is refused (then not used).
        if (!config->setTimingCache(*timingCache, false)) {
            logger.log(nvinfer1::ILogger::Severity::kWARNING, "the timing cache given was refused (another GPU or TensorRT version?); starting a new one");
            timingCache.reset(config->createTimingCache(nullptr, 0));
            if (timingCache) config->setTimingCache(*timingCache, false);
        }
    }

    std::unique_ptr<nvinfer1::IHostMemory> serialized(builder->buildSerializedNetwork(*network, *config));
    if (!serialized) {
        if (cancelled.load()) throw BuildError(code::kCancelled, "the engine build was cancelled", {}, {}, logger.text());
        fail(code::kBuild, "TensorRT could not build the engine", recorder, logger);
    }

    BuildResult result;
    const auto* data = static_cast<const uint8_t*>(serialized->data());
    result.engine.assign(data, data + serialized->size());
    if (const nvinfer1::ITimingCache* used = config->getTimingCache()) {
        std::unique_ptr<nvinfer1::IHostMemory> cacheBytes(used->serialize());
        if (cacheBytes) {
            const auto* c = static_cast<const uint8_t*>(cacheBytes->data());
            result.timingCache.assign(c, c + cacheBytes->size());
        }
    }
    result.inspectorJson = inspect(trt, logger, result.engine, result.inspectorError);
    result.log = logger.text();
    result.tensorrtVersion = trt.version();
    result.buildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return result;
}

} // namespace qg
