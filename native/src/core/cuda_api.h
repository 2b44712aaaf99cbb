// The CUDA runtime functions the addon uses, resolved with dlsym from libcudart.so.{13,12}: the
// addon never links against libcudart, so it loads (and reports what is missing) on machines
// without CUDA. Only functions whose prototypes are identical in the CUDA 12 and 13 headers are
// used (no cudaGetDeviceProperties: cudaDeviceProp's layout changed in 13), so an addon compiled
// against either runs against either.
#pragma once

#include <cuda_runtime_api.h>

#include <mutex>
#include <string>

#include "dynamic_library.h"

namespace qg {

struct CudaApi {
    // Our own typedefs of the runtime's C entry points (same prototypes in CUDA 12 and 13).
    using RuntimeGetVersionFn = cudaError_t (*)(int*);
    using DriverGetVersionFn = cudaError_t (*)(int*);
    using GetDeviceCountFn = cudaError_t (*)(int*);
    using SetDeviceFn = cudaError_t (*)(int);
    using DeviceGetAttributeFn = cudaError_t (*)(int*, cudaDeviceAttr, int);
    using DeviceGetPciBusIdFn = cudaError_t (*)(char*, int, int);
    using MemGetInfoFn = cudaError_t (*)(size_t*, size_t*);
    using MallocFn = cudaError_t (*)(void**, size_t);
    using FreeFn = cudaError_t (*)(void*);
    using MallocHostFn = cudaError_t (*)(void**, size_t);
    using FreeHostFn = cudaError_t (*)(void*);
    using MemcpyAsyncFn = cudaError_t (*)(void*, const void*, size_t, cudaMemcpyKind, cudaStream_t);
    using StreamCreateWithFlagsFn = cudaError_t (*)(cudaStream_t*, unsigned int);
    using StreamDestroyFn = cudaError_t (*)(cudaStream_t);
    using StreamSynchronizeFn = cudaError_t (*)(cudaStream_t);
    using EventCreateFn = cudaError_t (*)(cudaEvent_t*);
    using EventDestroyFn = cudaError_t (*)(cudaEvent_t);
    using EventRecordFn = cudaError_t (*)(cudaEvent_t, cudaStream_t);
    using EventSynchronizeFn = cudaError_t (*)(cudaEvent_t);
    using EventElapsedTimeFn = cudaError_t (*)(float*, cudaEvent_t, cudaEvent_t);
    using StreamBeginCaptureFn = cudaError_t (*)(cudaStream_t, cudaStreamCaptureMode);
    using StreamEndCaptureFn = cudaError_t (*)(cudaStream_t, cudaGraph_t*);
    using GraphInstantiateFn = cudaError_t (*)(cudaGraphExec_t*, cudaGraph_t, unsigned long long);
    using GraphLaunchFn = cudaError_t (*)(cudaGraphExec_t, cudaStream_t);
    using GraphExecDestroyFn = cudaError_t (*)(cudaGraphExec_t);
    using GraphDestroyFn = cudaError_t (*)(cudaGraph_t);
    using GetLastErrorFn = cudaError_t (*)();
    using GetErrorStringFn = const char* (*)(cudaError_t);
    using GetErrorNameFn = const char* (*)(cudaError_t);

    RuntimeGetVersionFn runtimeGetVersion = nullptr;
    DriverGetVersionFn driverGetVersion = nullptr;
    GetDeviceCountFn getDeviceCount = nullptr;
    SetDeviceFn setDevice = nullptr;
    DeviceGetAttributeFn deviceGetAttribute = nullptr;
    DeviceGetPciBusIdFn deviceGetPciBusId = nullptr;
    MemGetInfoFn memGetInfo = nullptr;
    MallocFn malloc = nullptr;
    FreeFn free = nullptr;
    MallocHostFn mallocHost = nullptr;
    FreeHostFn freeHost = nullptr;
    MemcpyAsyncFn memcpyAsync = nullptr;
    StreamCreateWithFlagsFn streamCreateWithFlags = nullptr;
    StreamDestroyFn streamDestroy = nullptr;
    StreamSynchronizeFn streamSynchronize = nullptr;
    EventCreateFn eventCreate = nullptr;
    EventDestroyFn eventDestroy = nullptr;
    EventRecordFn eventRecord = nullptr;
    EventSynchronizeFn eventSynchronize = nullptr;
    EventElapsedTimeFn eventElapsedTime = nullptr;
    StreamBeginCaptureFn streamBeginCapture = nullptr;
    StreamEndCaptureFn streamEndCapture = nullptr;
    GraphInstantiateFn graphInstantiate = nullptr;
    GraphLaunchFn graphLaunch = nullptr;
    GraphExecDestroyFn graphExecDestroy = nullptr;
    GraphDestroyFn graphDestroy = nullptr;
    GetLastErrorFn getLastError = nullptr;
    GetErrorStringFn getErrorString = nullptr;
    GetErrorNameFn getErrorName = nullptr;

    DynamicLibrary library;

    // "cudaErrorMemoryAllocation: out of memory" for `status`.
    std::string describe(cudaError_t status) const;
    // Throws NativeError (kOutOfMemory for allocation failures, kCuda otherwise) naming `what`.
    void check(cudaError_t status, const char* what) const;
};

// The CUDA runtime of this process, loaded on first use (thread-safe). Never throws: a failure
// is kept and reported through `cudaLoadFailure()`.
const CudaApi* cudaApi();
// The library that failed to load and why, or nullptr when `cudaApi()` succeeded.
struct LibraryFailure;
const LibraryFailure* cudaLoadFailure();
// `cudaApi()`, or throws NativeError(kLibrary) describing the failure.
const CudaApi& requireCuda();

} // namespace qg

#define QG_CUDA_CHECK(api, expression) (api).check((expression), #expression)
