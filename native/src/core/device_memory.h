// The GPU's memory as CUDA and NVML see it, and this process's share (NVML's per-process
// accounting): for the memory columns of TensorRT rows and of ONNX Runtime's CUDA rows alike.
#pragma once

#include <cstdint>
#include <string>

namespace qg {

struct DeviceMemory {
    // cudaMemGetInfo (creates this process's CUDA context on the device if it had none).
    int64_t cudaFreeBytes = -1;
    int64_t cudaTotalBytes = -1;
    // NVML, whole GPU.
    int64_t nvmlUsedBytes = -1;
    int64_t nvmlTotalBytes = -1;
    // NVML, this process (-1 where NVML cannot tell, e.g. another PID namespace).
    int64_t processBytes = -1;
    std::string note; // what could not be read, and why
};

// `withCuda`: also ask the CUDA runtime (costs a context on first use).
DeviceMemory queryDeviceMemory(int cudaDevice, bool withCuda);

} // namespace qg
