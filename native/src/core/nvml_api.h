// NVML (the driver's management library), resolved with dlsym from libnvidia-ml.so.1. Symbol
// names are the versioned ones the driver exports (nvmlInit_v2, ...), written out here rather
// than taken from nvml.h's renaming macros. Functions newer drivers add are optional (nullptr
// when missing) and the callers fall back.
#pragma once

#include <nvml.h>

#include <string>

#include "dynamic_library.h"

namespace qg {

struct NvmlApi {
    using InitFn = nvmlReturn_t (*)();
    using ErrorStringFn = const char* (*)(nvmlReturn_t);
    using SystemGetDriverVersionFn = nvmlReturn_t (*)(char*, unsigned int);
    using SystemGetCudaDriverVersionFn = nvmlReturn_t (*)(int*);
    using DeviceGetCountFn = nvmlReturn_t (*)(unsigned int*);
    using DeviceGetHandleByIndexFn = nvmlReturn_t (*)(unsigned int, nvmlDevice_t*);
    using DeviceGetHandleByPciBusIdFn = nvmlReturn_t (*)(const char*, nvmlDevice_t*);
    using DeviceGetStringFn = nvmlReturn_t (*)(nvmlDevice_t, char*, unsigned int);
    using DeviceGetMemoryInfoFn = nvmlReturn_t (*)(nvmlDevice_t, nvmlMemory_t*);
    using DeviceGetUnsignedFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int*);
    using DeviceGetEnergyFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned long long*);
    using DeviceGetClockInfoFn = nvmlReturn_t (*)(nvmlDevice_t, nvmlClockType_t, unsigned int*);
    using DeviceGetTemperatureVFn = nvmlReturn_t (*)(nvmlDevice_t, nvmlTemperature_t*);
    using DeviceGetTemperatureLegacyFn = nvmlReturn_t (*)(nvmlDevice_t, nvmlTemperatureSensors_t, unsigned int*);
    using DeviceGetFieldValuesFn = nvmlReturn_t (*)(nvmlDevice_t, int, nvmlFieldValue_t*);
    using DeviceGetComputeProcessesFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int*, nvmlProcessInfo_v2_t*);
    using DeviceGetComputeCapabilityFn = nvmlReturn_t (*)(nvmlDevice_t, int*, int*);

    InitFn init = nullptr;
    ErrorStringFn errorString = nullptr;
    SystemGetDriverVersionFn systemGetDriverVersion = nullptr;
    SystemGetCudaDriverVersionFn systemGetCudaDriverVersion = nullptr;
    DeviceGetCountFn deviceGetCount = nullptr;
    DeviceGetHandleByIndexFn deviceGetHandleByIndex = nullptr;
    DeviceGetHandleByPciBusIdFn deviceGetHandleByPciBusId = nullptr;
    DeviceGetStringFn deviceGetName = nullptr;
    DeviceGetStringFn deviceGetUuid = nullptr;
    DeviceGetMemoryInfoFn deviceGetMemoryInfo = nullptr;
    DeviceGetUnsignedFn deviceGetPowerUsage = nullptr;       // mW
    DeviceGetUnsignedFn deviceGetEnforcedPowerLimit = nullptr; // mW
    DeviceGetClockInfoFn deviceGetClockInfo = nullptr;
    // Optional (nullptr where the driver lacks them).
    DeviceGetEnergyFn deviceGetTotalEnergyConsumption = nullptr; // mJ since driver load (Volta+)
    DeviceGetTemperatureVFn deviceGetTemperatureV = nullptr;
    DeviceGetTemperatureLegacyFn deviceGetTemperatureLegacy = nullptr;
    DeviceGetFieldValuesFn deviceGetFieldValues = nullptr;
    DeviceGetComputeProcessesFn deviceGetComputeRunningProcesses = nullptr;
    DeviceGetComputeCapabilityFn deviceGetCudaComputeCapability = nullptr;

    DynamicLibrary library;

    std::string describe(nvmlReturn_t status) const;
    void check(nvmlReturn_t status, const char* what) const;
};

struct LibraryFailure;
// NVML loaded and initialised once per process (thread-safe); nullptr on failure.
const NvmlApi* nvmlApi();
const LibraryFailure* nvmlLoadFailure();
const NvmlApi& requireNvml();

// The NVML device of CUDA ordinal `cudaDevice` (matched by PCI bus id, so CUDA_VISIBLE_DEVICES
// is honoured), or NVML index `cudaDevice` when the CUDA runtime is unavailable.
nvmlDevice_t nvmlDeviceForCuda(const NvmlApi& nvml, int cudaDevice);

} // namespace qg
