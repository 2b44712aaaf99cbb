// Builds a TensorRT engine from an ONNX model: always a strongly typed network (TensorRT 10.12+
// deprecates the INT8/FP16 builder flags and 11 removed them), so each layer's precision comes
// from the model's own types and Q/DQ nodes. Returns the serialized engine, the timing cache,
// TensorRT's log and the engine inspector's per-layer JSON. UNRUN: no machine this was written
// on has TensorRT; compiled against the 10.13 and 11.1 headers only.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "native_error.h"

namespace qg {

struct ShapeRange {
    std::string input;
    std::vector<int64_t> min, opt, max;
};

struct BuildOptions {
    int device = 0;
    // ONNX bytes, or empty and `modelPath` read here. `modelPath` also locates external weights.
    std::vector<uint8_t> model;
    std::string modelPath;
    int64_t workspaceBytes = -1;  // -1: TensorRT's default (the GPU's memory)
    int optimizationLevel = -1;   // 0..5; -1: TensorRT's default (3)
    std::vector<std::vector<ShapeRange>> profiles; // one vector of ranges per profile
    std::vector<uint8_t> timingCache; // empty: start a new one
    bool verboseLog = false;
};

struct ParserError {
    int node = -1;
    std::string nodeName;
    std::string nodeOperator;
    std::string code;
    std::string description;
};

struct BuildResult {
    std::vector<uint8_t> engine;
    std::vector<uint8_t> timingCache;
    std::string log;
    std::string inspectorJson; // IEngineInspector, kJSON, detailed; "" when it could not run
    std::string inspectorError;
    std::string tensorrtVersion;
    double buildMs = 0;
};

// Called on the build thread; the N-API glue forwards each call to JavaScript.
class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    virtual void phaseStart(const std::string& phase, const std::string& parent, int steps) = 0;
    virtual void stepComplete(const std::string& phase, int step) = 0;
    virtual void phaseFinish(const std::string& phase) = 0;
};

// A failed parse or build: the message plus the parser's errors (each naming its node) and
// TensorRT's log up to the failure.
class BuildError : public NativeError {
public:
    BuildError(std::string errorCode, const std::string& message, std::vector<std::string> details,
               std::vector<ParserError> parserErrors, std::string log)
        : NativeError(std::move(errorCode), message, std::move(details)),
          parserErrors_(std::move(parserErrors)), log_(std::move(log)) {}
    const std::vector<ParserError>& parserErrors() const noexcept { return parserErrors_; }
    const std::string& log() const noexcept { return log_; }

private:
    std::vector<ParserError> parserErrors_;
    std::string log_;
};

// Runs on the caller's thread (the addon's build thread); `cancelled` is polled between
// TensorRT's build steps and aborts the build with code kCancelled.
BuildResult buildEngine(const BuildOptions& options, ProgressSink* progress, const std::atomic<bool>& cancelled);

} // namespace qg
