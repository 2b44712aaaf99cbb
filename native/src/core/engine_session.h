// One deserialized engine with its execution context, stream and buffers: runs batches for
// accuracy and times iterations for the benchmark. Not thread-safe: the N-API glue lets one
// operation run at a time and refuses dispose() while one does. UNRUN: no machine this was
// written on has TensorRT.
#pragma once

#include <NvInfer.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "device_buffers.h"
#include "tensor_types.h"
#include "tensorrt_diagnostics.h"

namespace qg {

struct TensorInfo {
    std::string name;
    bool isInput = false;
    int dataType = 0;            // ONNX number
    std::vector<int64_t> shape;  // -1 for dynamic dimensions
    // Inputs: profile 0's range (empty for static inputs or engines without profiles).
    std::vector<int64_t> profileMin, profileOpt, profileMax;
};

struct BenchmarkOptions {
    std::map<std::string, std::vector<int64_t>> shapes; // dynamic inputs; default: profile 0's opt
    std::vector<HostTensor> inputs;                     // optional data; default: fillPattern
    int warmup = 10;
    int iterations = 100;     // at least this many timed iterations
    double minDurationMs = 0; // and at least this long
    int maxIterations = 1000000;
    bool cudaGraph = false;
};

struct BenchmarkResult {
    std::vector<double> gpuMs;       // enqueue to completion on the GPU (CUDA events)
    std::vector<double> endToEndMs;  // host wall time: host->device copies, inference, device->host, sync
    std::vector<double> hostToDeviceMs;
    std::vector<double> deviceToHostMs;
    bool cudaGraphUsed = false;
    std::string cudaGraphNote; // why a requested graph was not used
    int warmup = 0;
};

struct SessionMemory {
    int64_t activationBytes = -1;   // getDeviceMemorySizeV2: the context's scratch memory
    int64_t weightsBytes = -1;      // getEngineStat(kTOTAL_WEIGHTS_SIZE) where TensorRT has it
    int64_t ioBytes = 0;            // input/output buffers this session allocated
    int64_t processDeltaBytes = -1; // cudaMemGetInfo's used memory now minus before deserializing
};

class EngineSession {
public:
    EngineSession(const std::vector<uint8_t>& engine, int device);
    ~EngineSession();
    EngineSession(const EngineSession&) = delete;
    EngineSession& operator=(const EngineSession&) = delete;

    const std::vector<TensorInfo>& tensors() const { return tensors_; }
    int device() const { return device_; }
    BenchmarkResult benchmark(const BenchmarkOptions& options);
    std::vector<HostTensor> run(const std::vector<HostTensor>& inputs);
    SessionMemory memory() const;

private:
    struct Binding {
        DeviceBuffer device;
        PinnedBuffer host;
        std::size_t bytes = 0;
    };

    const TensorInfo& info(const std::string& name) const;
    void setShapes(const std::map<std::string, std::vector<int64_t>>& shapes);
    void bindBuffers();
    [[noreturn]] void failEngine(const std::string& message) const;

    int device_;
    CollectingLogger logger_{nvinfer1::ILogger::Severity::kWARNING};
    CollectingErrorRecorder recorder_;
    int64_t usedBefore_ = -1;
    std::unique_ptr<nvinfer1::IRuntime> runtime_;
    std::unique_ptr<nvinfer1::ICudaEngine> engine_;
    std::unique_ptr<nvinfer1::IExecutionContext> context_;
    std::unique_ptr<Stream> stream_;
    std::vector<TensorInfo> tensors_;
    std::map<std::string, Binding> bindings_;
};

} // namespace qg
