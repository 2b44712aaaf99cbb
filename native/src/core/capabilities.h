// What this machine offers the addon: TensorRT, the CUDA runtime and driver, NVML and the GPU,
// each with its version and file, or why it is unavailable. Creates no CUDA context (NVML gives
// the GPU's memory), so asking is cheap and leaves the GPU alone.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "library_failure.h"

namespace qg {

struct TensorRtStatus {
    std::string version;        // of the library, e.g. "10.13.0"
    std::string library;        // the libnvinfer file loaded
    std::string parserVersion;  // of libnvonnxparser
    std::string parserLibrary;
    std::unique_ptr<LibraryFailure> failure; // set when unavailable
};

struct CudaStatus {
    int runtimeVersion = -1; // e.g. 12090
    int driverVersion = -1;  // the newest CUDA the driver supports, e.g. 13000
    int deviceCount = -1;
    std::string library;
    std::string deviceError; // cudaGetDeviceCount's complaint (no driver, no device), if any
    std::unique_ptr<LibraryFailure> failure;
};

struct NvmlStatus {
    std::string driverVersion; // e.g. "580.159.04"
    int cudaDriverVersion = -1;
    std::string library;
    std::unique_ptr<LibraryFailure> failure;
};

struct GpuStatus {
    bool available = false;
    int ordinal = 0;
    std::string name;
    std::string uuid;
    std::string pciBusId;
    int computeMajor = -1;
    int computeMinor = -1;
    int multiprocessors = -1;
    int64_t totalMemoryBytes = -1;
    int64_t usedMemoryBytes = -1;
    double powerLimitWatts = -1;
    std::string reason; // why not available, or why some fields are missing
};

struct Capabilities {
    std::string compiledTensorRt; // headers the addon was built with, e.g. "10.13.0"
    int compiledCuda = 0;         // CUDART_VERSION of the headers, e.g. 12090
    TensorRtStatus tensorrt;
    CudaStatus cuda;
    NvmlStatus nvml;
    GpuStatus gpu;
};

Capabilities probeCapabilities(int cudaDevice);

} // namespace qg
