#include "nvml_api.h"

#include <memory>
#include <mutex>

#include "cuda_api.h"
#include "library_failure.h"
#include "native_error.h"

namespace qg {

namespace {

struct NvmlState {
    std::unique_ptr<NvmlApi> api;
    std::unique_ptr<LibraryFailure> failure;
};

NvmlState& state() {
    static NvmlState instance;
    return instance;
}

template <typename F>
void optional(const DynamicLibrary& library, const char* name, F& slot) {
    slot = reinterpret_cast<F>(library.find(name));
}

void load() {
    NvmlState& s = state();
    auto failure = std::make_unique<LibraryFailure>();
    DynamicLibrary library = openLibrary(Library::kNvml, 1, *failure);
    if (!library.isOpen()) {
        s.failure = std::move(failure);
        return;
    }
    auto api = std::make_unique<NvmlApi>();
    try {
        api->init = library.require<NvmlApi::InitFn>("nvmlInit_v2");
        api->errorString = library.require<NvmlApi::ErrorStringFn>("nvmlErrorString");
        api->systemGetDriverVersion = library.require<NvmlApi::SystemGetDriverVersionFn>("nvmlSystemGetDriverVersion");
        api->systemGetCudaDriverVersion = library.require<NvmlApi::SystemGetCudaDriverVersionFn>("nvmlSystemGetCudaDriverVersion_v2");
        api->deviceGetCount = library.require<NvmlApi::DeviceGetCountFn>("nvmlDeviceGetCount_v2");
        api->deviceGetHandleByIndex = library.require<NvmlApi::DeviceGetHandleByIndexFn>("nvmlDeviceGetHandleByIndex_v2");
        api->deviceGetHandleByPciBusId = library.require<NvmlApi::DeviceGetHandleByPciBusIdFn>("nvmlDeviceGetHandleByPciBusId_v2");
        api->deviceGetName = library.require<NvmlApi::DeviceGetStringFn>("nvmlDeviceGetName");
        api->deviceGetUuid = library.require<NvmlApi::DeviceGetStringFn>("nvmlDeviceGetUUID");
        api->deviceGetMemoryInfo = library.require<NvmlApi::DeviceGetMemoryInfoFn>("nvmlDeviceGetMemoryInfo");
        api->deviceGetPowerUsage = library.require<NvmlApi::DeviceGetUnsignedFn>("nvmlDeviceGetPowerUsage");
        api->deviceGetEnforcedPowerLimit = library.require<NvmlApi::DeviceGetUnsignedFn>("nvmlDeviceGetEnforcedPowerLimit");
        api->deviceGetClockInfo = library.require<NvmlApi::DeviceGetClockInfoFn>("nvmlDeviceGetClockInfo");
    } catch (const NativeError& error) {
        failure->library = Library::kNvml;
        failure->attempts = library.attempts();
        failure->found = library.path();
        failure->reason = error.what();
        failure->fix = "update the NVIDIA driver (NVML of driver 450 or newer is needed)";
        s.failure = std::move(failure);
        return;
    }
    optional(library, "nvmlDeviceGetTotalEnergyConsumption", api->deviceGetTotalEnergyConsumption);
    optional(library, "nvmlDeviceGetTemperatureV", api->deviceGetTemperatureV);
    optional(library, "nvmlDeviceGetTemperature", api->deviceGetTemperatureLegacy);
    optional(library, "nvmlDeviceGetFieldValues", api->deviceGetFieldValues);
    optional(library, "nvmlDeviceGetComputeRunningProcesses_v3", api->deviceGetComputeRunningProcesses);
    optional(library, "nvmlDeviceGetCudaComputeCapability", api->deviceGetCudaComputeCapability);

    nvmlReturn_t status = api->init();
    if (status != NVML_SUCCESS) {
        // The library is there but the driver is not loaded (e.g. a container without --gpus).
        failure->library = Library::kNvml;
        failure->attempts = library.attempts();
        failure->found = library.path();
        failure->reason = std::string("nvmlInit failed: ") + api->errorString(status);
        failure->fix = "check that the NVIDIA driver is loaded (`nvidia-smi` works) and that this process can see the GPU";
        s.failure = std::move(failure);
        return;
    }
    api->library = std::move(library);
    s.api = std::move(api);
}

std::once_flag loaded;

} // namespace

const NvmlApi* nvmlApi() {
    std::call_once(loaded, load);
    return state().api.get();
}

const LibraryFailure* nvmlLoadFailure() {
    std::call_once(loaded, load);
    return state().failure.get();
}

const NvmlApi& requireNvml() {
    const NvmlApi* api = nvmlApi();
    if (api == nullptr) {
        const LibraryFailure* failure = nvmlLoadFailure();
        throw NativeError(code::kLibrary, failure->reason + "; " + failure->fix);
    }
    return *api;
}

std::string NvmlApi::describe(nvmlReturn_t status) const {
    return errorString(status);
}

void NvmlApi::check(nvmlReturn_t status, const char* what) const {
    if (status == NVML_SUCCESS) return;
    throw NativeError(code::kNvml, std::string(what) + " failed: " + describe(status));
}

nvmlDevice_t nvmlDeviceForCuda(const NvmlApi& nvml, int cudaDevice) {
    nvmlDevice_t device = nullptr;
    if (const CudaApi* cuda = cudaApi()) {
        char busId[64] = {};
        if (cuda->deviceGetPciBusId(busId, static_cast<int>(sizeof busId), cudaDevice) == cudaSuccess) {
            nvml.check(nvml.deviceGetHandleByPciBusId(busId, &device), "nvmlDeviceGetHandleByPciBusId");
            return device;
        }
        cuda->getLastError();
    }
    QG_THROW_IF(cudaDevice < 0, code::kInvalidArgument, "device ordinal must be 0 or more");
    nvml.check(nvml.deviceGetHandleByIndex(static_cast<unsigned int>(cudaDevice), &device), "nvmlDeviceGetHandleByIndex");
    return device;
}

} // namespace qg
