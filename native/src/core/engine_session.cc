#include "engine_session.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "native_error.h"
#include "tensorrt_api.h"
#include "tensorrt_types.h"

namespace qg {

namespace {

int64_t usedDeviceBytes(const CudaApi& cuda) {
    size_t free = 0, total = 0;
    if (cuda.memGetInfo(&free, &total) != cudaSuccess) {
        cuda.getLastError();
        return -1;
    }
    return static_cast<int64_t>(total - free);
}

double elapsedMs(const CudaApi& cuda, const Event& from, const Event& to) {
    float ms = 0;
    cuda.check(cuda.eventElapsedTime(&ms, from.get(), to.get()), "cudaEventElapsedTime");
    return ms;
}

} // namespace

EngineSession::EngineSession(const std::vector<uint8_t>& engine, int device) : device_(device) {
    const TensorRtApi& trt = requireTensorRt();
    const CudaApi& cuda = requireCuda();
    QG_CUDA_CHECK(cuda, cuda.setDevice(device));
    usedBefore_ = usedDeviceBytes(cuda);
    runtime_.reset(trt.runtime(logger_));
    if (!runtime_) failEngine("createInferRuntime failed");
    runtime_->setErrorRecorder(&recorder_);
    engine_.reset(runtime_->deserializeCudaEngine(engine.data(), engine.size()));
    if (!engine_) failEngine("TensorRT could not deserialize the engine (built by another TensorRT version or for another GPU?)");
    context_.reset(engine_->createExecutionContext());
    if (!context_) failEngine("createExecutionContext failed");
    stream_ = std::make_unique<Stream>();
    for (int32_t i = 0; i < engine_->getNbIOTensors(); ++i) {
        const char* name = engine_->getIOTensorName(i);
        TensorInfo t;
        t.name = name;
        t.isInput = engine_->getTensorIOMode(name) == nvinfer1::TensorIOMode::kINPUT;
        t.dataType = onnxTypeOf(engine_->getTensorDataType(name));
        t.shape = fromDims(engine_->getTensorShape(name));
        if (t.isInput && engine_->getNbOptimizationProfiles() > 0 && volume(t.shape) < 0) {
            t.profileMin = fromDims(engine_->getProfileShape(name, 0, nvinfer1::OptProfileSelector::kMIN));
            t.profileOpt = fromDims(engine_->getProfileShape(name, 0, nvinfer1::OptProfileSelector::kOPT));
            t.profileMax = fromDims(engine_->getProfileShape(name, 0, nvinfer1::OptProfileSelector::kMAX));
        }
        tensors_.push_back(std::move(t));
    }
}

EngineSession::~EngineSession() {
    // Buffers, then the context, then the engine, then the runtime: TensorRT's required order.
    bindings_.clear();
    stream_.reset();
    context_.reset();
    engine_.reset();
    runtime_.reset();
}

void EngineSession::failEngine(const std::string& message) const {
    std::vector<std::string> details = recorder_.messages();
    for (const std::string& line : logger_.errors()) details.push_back(line);
    throw NativeError(recorder_.sawOutOfMemory() ? code::kOutOfMemory : code::kEngine, message, details);
}

const TensorInfo& EngineSession::info(const std::string& name) const {
    for (const TensorInfo& t : tensors_) {
        if (t.name == name) return t;
    }
    std::string names;
    for (const TensorInfo& t : tensors_) {
        if (t.isInput) names += (names.empty() ? "" : ", ") + t.name;
    }
    QG_THROW(code::kInvalidArgument, "the engine has no input '" + name + "' (its inputs: " + names + ")");
}

void EngineSession::setShapes(const std::map<std::string, std::vector<int64_t>>& shapes) {
    for (const auto& entry : shapes) {
        const TensorInfo& t = info(entry.first);
        QG_THROW_IF(!t.isInput, code::kInvalidArgument, "'" + entry.first + "' is an output, not an input");
    }
    for (const TensorInfo& t : tensors_) {
        if (!t.isInput) continue;
        auto given = shapes.find(t.name);
        std::vector<int64_t> shape = given != shapes.end() ? given->second : (t.profileOpt.empty() ? t.shape : t.profileOpt);
        if (!context_->setInputShape(t.name.c_str(), toDims(shape, "input '" + t.name + "'"))) {
            std::string range = t.profileMin.empty() ? "its fixed shape " + formatShape(t.shape)
                                                     : "min " + formatShape(t.profileMin) + ", max " + formatShape(t.profileMax);
            failEngine("input '" + t.name + "' shape " + formatShape(shape) + " is outside the engine's profile (" + range + ")");
        }
    }
}

void EngineSession::bindBuffers() {
    for (const TensorInfo& t : tensors_) {
        const std::vector<int64_t> shape = fromDims(context_->getTensorShape(t.name.c_str()));
        const int64_t bytes = storageBytes(t.dataType, volume(shape));
        QG_THROW_IF(bytes < 0, code::kEngine,
                    "'" + t.name + "' has shape " + formatShape(shape) + " of " + typeName(t.dataType) +
                        " after the input shapes were set (data-dependent output shapes are not supported)");
        Binding& binding = bindings_[t.name];
        binding.bytes = static_cast<std::size_t>(bytes);
        binding.device.reserve(binding.bytes, "cudaMalloc (engine input/output)");
        binding.host.reserve(binding.bytes, "cudaMallocHost (engine input/output)");
        QG_THROW_IF(!context_->setTensorAddress(t.name.c_str(), binding.device.get()), code::kEngine,
                    "setTensorAddress failed for '" + t.name + "'");
    }
}

BenchmarkResult EngineSession::benchmark(const BenchmarkOptions& options) {
    QG_THROW_IF(options.iterations < 1, code::kInvalidArgument, "iterations must be at least 1");
    QG_THROW_IF(options.warmup < 0, code::kInvalidArgument, "warmup must be 0 or more");
    const CudaApi& cuda = requireCuda();
    QG_CUDA_CHECK(cuda, cuda.setDevice(device_));
    std::map<std::string, std::vector<int64_t>> shapes = options.shapes;
    for (const HostTensor& input : options.inputs) shapes.emplace(input.name, input.dims);
    setShapes(shapes);
    bindBuffers();

    // Host inputs: the caller's data or a fixed pattern, in pinned memory (what a deployment
    // that cares about copies uses).
    uint32_t seed = 1;
    for (const TensorInfo& t : tensors_) {
        if (!t.isInput) continue;
        Binding& binding = bindings_[t.name];
        auto given = std::find_if(options.inputs.begin(), options.inputs.end(), [&](const HostTensor& h) { return h.name == t.name; });
        if (given != options.inputs.end()) {
            QG_THROW_IF(given->bytes.size() != binding.bytes, code::kInvalidArgument,
                        "input '" + t.name + "' has " + std::to_string(given->bytes.size()) + " bytes; its shape needs " + std::to_string(binding.bytes));
            std::memcpy(binding.host.get(), given->bytes.data(), binding.bytes);
        } else {
            std::vector<uint8_t> pattern(binding.bytes);
            fillPattern(t.dataType, pattern, seed++);
            std::memcpy(binding.host.get(), pattern.data(), binding.bytes);
        }
    }

    cudaStream_t stream = stream_->get();
    auto copyInputs = [&] {
        for (const TensorInfo& t : tensors_) {
            if (!t.isInput) continue;
            Binding& b = bindings_[t.name];
            QG_CUDA_CHECK(cuda, cuda.memcpyAsync(b.device.get(), b.host.get(), b.bytes, cudaMemcpyHostToDevice, stream));
        }
    };
    auto copyOutputs = [&] {
        for (const TensorInfo& t : tensors_) {
            if (t.isInput) continue;
            Binding& b = bindings_[t.name];
            QG_CUDA_CHECK(cuda, cuda.memcpyAsync(b.host.get(), b.device.get(), b.bytes, cudaMemcpyDeviceToHost, stream));
        }
    };
    auto enqueue = [&] {
        if (!context_->enqueueV3(stream)) failEngine("enqueueV3 failed");
    };

    BenchmarkResult result;
    GraphExec graph;
    if (options.cudaGraph) {
        // One plain enqueue first: TensorRT defers some work to the first enqueue after a shape
        // change, which must not be captured.
        enqueue();
        QG_CUDA_CHECK(cuda, cuda.streamSynchronize(stream));
        cudaGraph_t captured = nullptr;
        cudaError_t status = cuda.streamBeginCapture(stream, cudaStreamCaptureModeThreadLocal);
        if (status == cudaSuccess) {
            const bool enqueued = context_->enqueueV3(stream);
            status = cuda.streamEndCapture(stream, &captured);
            if (status == cudaSuccess && enqueued && captured != nullptr) {
                cudaGraphExec_t exec = nullptr;
                status = cuda.graphInstantiate(&exec, captured, 0);
                if (status == cudaSuccess) graph.reset(exec);
            } else if (!enqueued) {
                result.cudaGraphNote = "enqueueV3 failed while capturing";
            }
        }
        if (captured != nullptr) cuda.graphDestroy(captured);
        if (graph.get() == nullptr && result.cudaGraphNote.empty()) {
            result.cudaGraphNote = "the engine could not be captured in a CUDA graph: " + cuda.describe(status);
        }
        cuda.getLastError();
        result.cudaGraphUsed = graph.get() != nullptr;
    }
    auto launch = [&] {
        if (graph.get() != nullptr) {
            QG_CUDA_CHECK(cuda, cuda.graphLaunch(graph.get(), stream));
        } else {
            enqueue();
        }
    };

    Event start, computeStart, computeEnd, end;
    for (int i = 0; i < options.warmup; ++i) {
        copyInputs();
        launch();
        copyOutputs();
        QG_CUDA_CHECK(cuda, cuda.streamSynchronize(stream));
    }
    result.warmup = options.warmup;
    const auto began = std::chrono::steady_clock::now();
    for (int i = 0; i < options.maxIterations; ++i) {
        const double elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
        if (i >= options.iterations && elapsed >= options.minDurationMs) break;
        const auto hostStart = std::chrono::steady_clock::now();
        QG_CUDA_CHECK(cuda, cuda.eventRecord(start.get(), stream));
        copyInputs();
        QG_CUDA_CHECK(cuda, cuda.eventRecord(computeStart.get(), stream));
        launch();
        QG_CUDA_CHECK(cuda, cuda.eventRecord(computeEnd.get(), stream));
        copyOutputs();
        QG_CUDA_CHECK(cuda, cuda.eventRecord(end.get(), stream));
        QG_CUDA_CHECK(cuda, cuda.eventSynchronize(end.get()));
        const auto hostEnd = std::chrono::steady_clock::now();
        result.endToEndMs.push_back(std::chrono::duration<double, std::milli>(hostEnd - hostStart).count());
        result.gpuMs.push_back(elapsedMs(cuda, computeStart, computeEnd));
        result.hostToDeviceMs.push_back(elapsedMs(cuda, start, computeStart));
        result.deviceToHostMs.push_back(elapsedMs(cuda, computeEnd, end));
    }
    return result;
}

std::vector<HostTensor> EngineSession::run(const std::vector<HostTensor>& inputs) {
    const CudaApi& cuda = requireCuda();
    QG_CUDA_CHECK(cuda, cuda.setDevice(device_));
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const HostTensor& input : inputs) {
        const TensorInfo& t = info(input.name);
        QG_THROW_IF(!t.isInput, code::kInvalidArgument, "'" + input.name + "' is an output, not an input");
        QG_THROW_IF(input.dataType != t.dataType, code::kInvalidArgument,
                    "input '" + input.name + "' is " + typeName(input.dataType) + "; the engine takes " + typeName(t.dataType));
        shapes[input.name] = input.dims;
    }
    for (const TensorInfo& t : tensors_) {
        QG_THROW_IF(t.isInput && shapes.count(t.name) == 0, code::kInvalidArgument, "input '" + t.name + "' is missing");
    }
    setShapes(shapes);
    bindBuffers();
    cudaStream_t stream = stream_->get();
    for (const HostTensor& input : inputs) {
        Binding& b = bindings_[input.name];
        QG_THROW_IF(input.bytes.size() != b.bytes, code::kInvalidArgument,
                    "input '" + input.name + "' has " + std::to_string(input.bytes.size()) + " bytes; shape " + formatShape(input.dims) +
                        " of " + typeName(input.dataType) + " needs " + std::to_string(b.bytes));
        QG_CUDA_CHECK(cuda, cuda.memcpyAsync(b.device.get(), input.bytes.data(), b.bytes, cudaMemcpyHostToDevice, stream));
    }
    if (!context_->enqueueV3(stream)) failEngine("enqueueV3 failed");
    std::vector<HostTensor> outputs;
    for (const TensorInfo& t : tensors_) {
        if (t.isInput) continue;
        Binding& b = bindings_[t.name];
        HostTensor out;
        out.name = t.name;
        out.dataType = t.dataType;
        out.dims = fromDims(context_->getTensorShape(t.name.c_str()));
        out.bytes.resize(b.bytes);
        QG_CUDA_CHECK(cuda, cuda.memcpyAsync(out.bytes.data(), b.device.get(), b.bytes, cudaMemcpyDeviceToHost, stream));
        outputs.push_back(std::move(out));
    }
    QG_CUDA_CHECK(cuda, cuda.streamSynchronize(stream));
    return outputs;
}

SessionMemory EngineSession::memory() const {
    SessionMemory memory;
    memory.activationBytes = engine_->getDeviceMemorySizeV2();
#if NV_TENSORRT_MAJOR >= 11
    memory.weightsBytes = engine_->getEngineStat(nvinfer1::EngineStat::kTOTAL_WEIGHTS_SIZE);
#endif
    for (const auto& entry : bindings_) memory.ioBytes += static_cast<int64_t>(entry.second.device.size());
    const CudaApi& cuda = requireCuda();
    cuda.setDevice(device_);
    const int64_t now = usedDeviceBytes(cuda);
    if (usedBefore_ >= 0 && now >= 0) memory.processDeltaBytes = now - usedBefore_;
    return memory;
}

} // namespace qg
