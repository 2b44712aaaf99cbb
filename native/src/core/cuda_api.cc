#include "cuda_api.h"

#include <memory>

#include "library_failure.h"
#include "native_error.h"

namespace qg {

namespace {

struct CudaState {
    std::unique_ptr<CudaApi> api;
    std::unique_ptr<LibraryFailure> failure;
};

CudaState& state() {
    static CudaState instance;
    return instance;
}

void load() {
    CudaState& s = state();
    auto failure = std::make_unique<LibraryFailure>();
    DynamicLibrary library = openLibrary(Library::kCudaRuntime, CUDART_VERSION / 1000, *failure);
    if (!library.isOpen()) {
        s.failure = std::move(failure);
        return;
    }
    auto api = std::make_unique<CudaApi>();
    try {
        // Symbol names as libcudart exports them: no per-thread-stream (_ptsz) variants, since
        // the addon is not compiled with CUDA_API_PER_THREAD_DEFAULT_STREAM.
        api->runtimeGetVersion = library.require<CudaApi::RuntimeGetVersionFn>("cudaRuntimeGetVersion");
        api->driverGetVersion = library.require<CudaApi::DriverGetVersionFn>("cudaDriverGetVersion");
        api->getDeviceCount = library.require<CudaApi::GetDeviceCountFn>("cudaGetDeviceCount");
        api->setDevice = library.require<CudaApi::SetDeviceFn>("cudaSetDevice");
        api->deviceGetAttribute = library.require<CudaApi::DeviceGetAttributeFn>("cudaDeviceGetAttribute");
        api->deviceGetPciBusId = library.require<CudaApi::DeviceGetPciBusIdFn>("cudaDeviceGetPCIBusId");
        api->memGetInfo = library.require<CudaApi::MemGetInfoFn>("cudaMemGetInfo");
        api->malloc = library.require<CudaApi::MallocFn>("cudaMalloc");
        api->free = library.require<CudaApi::FreeFn>("cudaFree");
        api->mallocHost = library.require<CudaApi::MallocHostFn>("cudaMallocHost");
        api->freeHost = library.require<CudaApi::FreeHostFn>("cudaFreeHost");
        api->memcpyAsync = library.require<CudaApi::MemcpyAsyncFn>("cudaMemcpyAsync");
        api->streamCreateWithFlags = library.require<CudaApi::StreamCreateWithFlagsFn>("cudaStreamCreateWithFlags");
        api->streamDestroy = library.require<CudaApi::StreamDestroyFn>("cudaStreamDestroy");
        api->streamSynchronize = library.require<CudaApi::StreamSynchronizeFn>("cudaStreamSynchronize");
        api->eventCreate = library.require<CudaApi::EventCreateFn>("cudaEventCreate");
        api->eventDestroy = library.require<CudaApi::EventDestroyFn>("cudaEventDestroy");
        api->eventRecord = library.require<CudaApi::EventRecordFn>("cudaEventRecord");
        api->eventSynchronize = library.require<CudaApi::EventSynchronizeFn>("cudaEventSynchronize");
        api->eventElapsedTime = library.require<CudaApi::EventElapsedTimeFn>("cudaEventElapsedTime");
        api->streamBeginCapture = library.require<CudaApi::StreamBeginCaptureFn>("cudaStreamBeginCapture");
        api->streamEndCapture = library.require<CudaApi::StreamEndCaptureFn>("cudaStreamEndCapture");
        api->graphInstantiate = library.require<CudaApi::GraphInstantiateFn>("cudaGraphInstantiate");
        api->graphLaunch = library.require<CudaApi::GraphLaunchFn>("cudaGraphLaunch");
        api->graphExecDestroy = library.require<CudaApi::GraphExecDestroyFn>("cudaGraphExecDestroy");
        api->graphDestroy = library.require<CudaApi::GraphDestroyFn>("cudaGraphDestroy");
        api->getLastError = library.require<CudaApi::GetLastErrorFn>("cudaGetLastError");
        api->getErrorString = library.require<CudaApi::GetErrorStringFn>("cudaGetErrorString");
        api->getErrorName = library.require<CudaApi::GetErrorNameFn>("cudaGetErrorName");
    } catch (const NativeError& error) {
        failure->library = Library::kCudaRuntime;
        failure->attempts = library.attempts();
        failure->found = library.path();
        failure->required = "the CUDA 12 or 13 runtime API";
        failure->reason = error.what();
        failure->fix = installHint(Library::kCudaRuntime);
        s.failure = std::move(failure);
        return;
    }
    api->library = std::move(library);
    s.api = std::move(api);
}

std::once_flag loaded;

} // namespace

const CudaApi* cudaApi() {
    std::call_once(loaded, load);
    return state().api.get();
}

const LibraryFailure* cudaLoadFailure() {
    std::call_once(loaded, load);
    return state().failure.get();
}

const CudaApi& requireCuda() {
    const CudaApi* api = cudaApi();
    if (api == nullptr) {
        const LibraryFailure* failure = cudaLoadFailure();
        throw NativeError(code::kLibrary, failure->reason + "; " + failure->fix);
    }
    return *api;
}

std::string CudaApi::describe(cudaError_t status) const {
    return std::string(getErrorName(status)) + ": " + getErrorString(status);
}

void CudaApi::check(cudaError_t status, const char* what) const {
    if (status == cudaSuccess) return;
    // Clear the sticky "last error" so that the next call does not report this one again.
    getLastError();
    const char* errorCode = status == cudaErrorMemoryAllocation ? code::kOutOfMemory : code::kCuda;
    throw NativeError(errorCode, std::string(what) + " failed: " + describe(status));
}

} // namespace qg
