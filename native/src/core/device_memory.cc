#include "device_memory.h"

#include <unistd.h>

#include <vector>

#include "cuda_api.h"
#include "library_failure.h"
#include "nvml_api.h"

namespace qg {

DeviceMemory queryDeviceMemory(int cudaDevice, bool withCuda) {
    DeviceMemory memory;
    if (withCuda) {
        if (const CudaApi* cuda = cudaApi()) {
            size_t free = 0, total = 0;
            if (cuda->setDevice(cudaDevice) == cudaSuccess && cuda->memGetInfo(&free, &total) == cudaSuccess) {
                memory.cudaFreeBytes = static_cast<int64_t>(free);
                memory.cudaTotalBytes = static_cast<int64_t>(total);
            } else {
                memory.note += "cudaMemGetInfo failed: " + cuda->describe(cuda->getLastError()) + "; ";
            }
        } else {
            memory.note += cudaLoadFailure()->reason + "; ";
        }
    }
    const NvmlApi* nvml = nvmlApi();
    if (nvml == nullptr) {
        memory.note += nvmlLoadFailure()->reason;
        return memory;
    }
    try {
        nvmlDevice_t device = nvmlDeviceForCuda(*nvml, cudaDevice);
        nvmlMemory_t info{};
        if (nvml->deviceGetMemoryInfo(device, &info) == NVML_SUCCESS) {
            memory.nvmlUsedBytes = static_cast<int64_t>(info.used);
            memory.nvmlTotalBytes = static_cast<int64_t>(info.total);
        }
        if (nvml->deviceGetComputeRunningProcesses == nullptr) {
            memory.note += "this driver's NVML lacks nvmlDeviceGetComputeRunningProcesses_v3";
            return memory;
        }
        unsigned int count = 0;
        nvml->deviceGetComputeRunningProcesses(device, &count, nullptr); // the count
        std::vector<nvmlProcessInfo_v2_t> processes(count + 8);
        count = static_cast<unsigned int>(processes.size());
        if (nvml->deviceGetComputeRunningProcesses(device, &count, processes.data()) == NVML_SUCCESS) {
            const unsigned int self = static_cast<unsigned int>(getpid());
            for (unsigned int i = 0; i < count; ++i) {
                if (processes[i].pid == self && processes[i].usedGpuMemory != static_cast<unsigned long long>(NVML_VALUE_NOT_AVAILABLE)) {
                    memory.processBytes = static_cast<int64_t>(processes[i].usedGpuMemory);
                }
            }
            if (memory.processBytes < 0) memory.note += "NVML does not list this process on the GPU (no CUDA context yet, or another PID namespace)";
        }
    } catch (const std::exception& error) {
        memory.note += error.what();
    }
    return memory;
}

} // namespace qg
