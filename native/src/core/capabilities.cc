#include "capabilities.h"

#include "cuda_api.h"
#include "nvml_api.h"
#include "tensorrt_api.h"

namespace qg {

namespace {

std::unique_ptr<LibraryFailure> copyOf(const LibraryFailure* failure) {
    return failure != nullptr ? std::make_unique<LibraryFailure>(*failure) : nullptr;
}

void probeTensorRt(TensorRtStatus& status) {
    const TensorRtApi* trt = tensorRtApi();
    if (trt == nullptr) {
        status.failure = copyOf(tensorRtLoadFailure());
        return;
    }
    status.version = trt->version();
    status.library = trt->inferLibrary.path();
    // The parser's own version number has the same layout as TensorRT's.
    status.parserVersion = formatTensorRtVersion(trt->getOnnxParserVersion());
    status.parserLibrary = trt->parserLibrary.path();
}

void probeCuda(CudaStatus& status) {
    const CudaApi* cuda = cudaApi();
    if (cuda == nullptr) {
        status.failure = copyOf(cudaLoadFailure());
        return;
    }
    status.library = cuda->library.path();
    cuda->runtimeGetVersion(&status.runtimeVersion);
    // 0 when no driver is installed.
    int driver = 0;
    if (cuda->driverGetVersion(&driver) == cudaSuccess && driver > 0) status.driverVersion = driver;
    int count = 0;
    const cudaError_t counted = cuda->getDeviceCount(&count);
    if (counted == cudaSuccess) {
        status.deviceCount = count;
    } else {
        status.deviceCount = 0;
        status.deviceError = cuda->describe(counted);
        cuda->getLastError();
    }
}

void probeNvml(NvmlStatus& status) {
    const NvmlApi* nvml = nvmlApi();
    if (nvml == nullptr) {
        status.failure = copyOf(nvmlLoadFailure());
        return;
    }
    status.library = nvml->library.path();
    char version[96] = {};
    if (nvml->systemGetDriverVersion(version, sizeof version) == NVML_SUCCESS) status.driverVersion = version;
    int cudaDriver = 0;
    if (nvml->systemGetCudaDriverVersion(&cudaDriver) == NVML_SUCCESS) status.cudaDriverVersion = cudaDriver;
}

void probeGpu(GpuStatus& gpu, const CudaStatus& cudaStatus, int ordinal) {
    gpu.ordinal = ordinal;
    const CudaApi* cuda = cudaApi();
    const NvmlApi* nvml = nvmlApi();
    if (cuda == nullptr && nvml == nullptr) {
        gpu.reason = "neither the CUDA runtime nor NVML could be loaded, so no GPU can be seen";
        return;
    }
    if (cuda != nullptr && cudaStatus.deviceCount == 0) {
        gpu.reason = "the CUDA runtime sees no GPU" + (cudaStatus.deviceError.empty() ? std::string() : " (" + cudaStatus.deviceError + ")");
        return;
    }
    if (cuda != nullptr && ordinal >= cudaStatus.deviceCount) {
        gpu.reason = "no CUDA device " + std::to_string(ordinal) + " (the runtime sees " + std::to_string(cudaStatus.deviceCount) + ")";
        return;
    }
    if (cuda != nullptr) {
        cuda->deviceGetAttribute(&gpu.computeMajor, cudaDevAttrComputeCapabilityMajor, ordinal);
        cuda->deviceGetAttribute(&gpu.computeMinor, cudaDevAttrComputeCapabilityMinor, ordinal);
        cuda->deviceGetAttribute(&gpu.multiprocessors, cudaDevAttrMultiProcessorCount, ordinal);
        char busId[64] = {};
        if (cuda->deviceGetPciBusId(busId, static_cast<int>(sizeof busId), ordinal) == cudaSuccess) gpu.pciBusId = busId;
        cuda->getLastError();
    }
    if (nvml == nullptr) {
        gpu.available = cuda != nullptr;
        gpu.reason = "NVML is unavailable: no name, memory or power limit";
        return;
    }
    nvmlDevice_t device = nullptr;
    try {
        device = nvmlDeviceForCuda(*nvml, ordinal);
    } catch (const std::exception& error) {
        gpu.reason = error.what();
        return;
    }
    gpu.available = true;
    char text[128] = {};
    if (nvml->deviceGetName(device, text, sizeof text) == NVML_SUCCESS) gpu.name = text;
    if (nvml->deviceGetUuid(device, text, sizeof text) == NVML_SUCCESS) gpu.uuid = text;
    nvmlMemory_t memory{};
    if (nvml->deviceGetMemoryInfo(device, &memory) == NVML_SUCCESS) {
        gpu.totalMemoryBytes = static_cast<int64_t>(memory.total);
        gpu.usedMemoryBytes = static_cast<int64_t>(memory.used);
    }
    unsigned int milliWatts = 0;
    if (nvml->deviceGetEnforcedPowerLimit(device, &milliWatts) == NVML_SUCCESS) gpu.powerLimitWatts = milliWatts / 1000.0;
    if (gpu.computeMajor < 0 && nvml->deviceGetCudaComputeCapability != nullptr) {
        nvml->deviceGetCudaComputeCapability(device, &gpu.computeMajor, &gpu.computeMinor);
    }
    if (cuda == nullptr) gpu.reason = "the CUDA runtime is unavailable: the GPU is seen through NVML only";
}

} // namespace

Capabilities probeCapabilities(int cudaDevice) {
    Capabilities capabilities;
    capabilities.compiledTensorRt = compiledTensorRtVersion();
    capabilities.compiledCuda = CUDART_VERSION;
    probeTensorRt(capabilities.tensorrt);
    probeCuda(capabilities.cuda);
    probeNvml(capabilities.nvml);
    probeGpu(capabilities.gpu, capabilities.cuda, cudaDevice);
    return capabilities;
}

} // namespace qg
