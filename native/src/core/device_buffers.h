// RAII owners of CUDA resources (device and pinned host memory, streams, events, graphs), so
// that every error path of a session releases what it took.
#pragma once

#include <cstddef>

#include "cuda_api.h"

namespace qg {

class DeviceBuffer {
public:
    DeviceBuffer() = default;
    ~DeviceBuffer() { release(); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    DeviceBuffer(DeviceBuffer&& other) noexcept : pointer_(other.pointer_), bytes_(other.bytes_) {
        other.pointer_ = nullptr;
        other.bytes_ = 0;
    }

    // Grows to at least `bytes` (contents are not kept).
    void reserve(std::size_t bytes, const char* what) {
        if (bytes <= bytes_ && pointer_ != nullptr) return;
        release();
        const CudaApi& cuda = requireCuda();
        cuda.check(cuda.malloc(&pointer_, bytes == 0 ? 1 : bytes), what);
        bytes_ = bytes;
    }
    void release() {
        if (pointer_ != nullptr) requireCuda().free(pointer_);
        pointer_ = nullptr;
        bytes_ = 0;
    }
    void* get() const { return pointer_; }
    std::size_t size() const { return bytes_; }

private:
    void* pointer_ = nullptr;
    std::size_t bytes_ = 0;
};

class PinnedBuffer {
public:
    PinnedBuffer() = default;
    ~PinnedBuffer() { release(); }
    PinnedBuffer(const PinnedBuffer&) = delete;
    PinnedBuffer& operator=(const PinnedBuffer&) = delete;
    PinnedBuffer(PinnedBuffer&& other) noexcept : pointer_(other.pointer_), bytes_(other.bytes_) {
        other.pointer_ = nullptr;
        other.bytes_ = 0;
    }

    void reserve(std::size_t bytes, const char* what) {
        if (bytes <= bytes_ && pointer_ != nullptr) return;
        release();
        const CudaApi& cuda = requireCuda();
        cuda.check(cuda.mallocHost(&pointer_, bytes == 0 ? 1 : bytes), what);
        bytes_ = bytes;
    }
    void release() {
        if (pointer_ != nullptr) requireCuda().freeHost(pointer_);
        pointer_ = nullptr;
        bytes_ = 0;
    }
    void* get() const { return pointer_; }
    std::size_t size() const { return bytes_; }

private:
    void* pointer_ = nullptr;
    std::size_t bytes_ = 0;
};

class Stream {
public:
    Stream() {
        const CudaApi& cuda = requireCuda();
        cuda.check(cuda.streamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
    }
    ~Stream() {
        if (stream_ != nullptr) requireCuda().streamDestroy(stream_);
    }
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;
    cudaStream_t get() const { return stream_; }

private:
    cudaStream_t stream_ = nullptr;
};

class Event {
public:
    Event() {
        const CudaApi& cuda = requireCuda();
        cuda.check(cuda.eventCreate(&event_), "cudaEventCreate");
    }
    ~Event() {
        if (event_ != nullptr) requireCuda().eventDestroy(event_);
    }
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;
    cudaEvent_t get() const { return event_; }

private:
    cudaEvent_t event_ = nullptr;
};

class GraphExec {
public:
    GraphExec() = default;
    ~GraphExec() { reset(); }
    GraphExec(const GraphExec&) = delete;
    GraphExec& operator=(const GraphExec&) = delete;
    void reset(cudaGraphExec_t exec = nullptr) {
        if (exec_ != nullptr) requireCuda().graphExecDestroy(exec_);
        exec_ = exec;
    }
    cudaGraphExec_t get() const { return exec_; }

private:
    cudaGraphExec_t exec_ = nullptr;
};

} // namespace qg
