// The addon's entry: exports the functions and classes typed in
// src/runtime/tensorrt/binding.ts (TensorRtBinding). Loading it loads no NVIDIA library: those
// are opened on first use, so a machine without TensorRT or CUDA can still ask capabilities().
#include <napi.h>

#include <NvInferVersion.h>
#include <cuda_runtime_api.h>

#include "addon_data.h"
#include "build_wrap.h"
#include "capabilities_wrap.h"
#include "power_wrap.h"
#include "session_wrap.h"
#include "tensorrt_api.h"

namespace qg::napi {

AddonData& addonData(Napi::Env env) {
    return *env.GetInstanceData<AddonData>();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    auto* data = new AddonData();
    env.SetInstanceData<AddonData>(data); // deleted by Node at environment teardown
    // Before Node deletes the instance data: stop builds so no thread outlives the environment.
    env.AddCleanupHook([data] { data->builds.cancelAndJoinAll(); });

    Napi::Function session = EngineSessionWrap::Define(env);
    data->sessionConstructor = Napi::Persistent(session);
    Napi::Function sampler = PowerSamplerWrap::Define(env);
    data->powerSamplerConstructor = Napi::Persistent(sampler);

    Napi::Object compiled = Napi::Object::New(env);
    compiled.Set("tensorrt", compiledTensorRtVersion());
    compiled.Set("cudaRuntime", CUDART_VERSION);
    compiled.Set("napiVersion", NAPI_VERSION);

    exports.Set("compiledAgainst", compiled);
    exports.Set("capabilities", Napi::Function::New(env, CapabilitiesFunction, "capabilities"));
    exports.Set("deviceMemory", Napi::Function::New(env, DeviceMemoryFunction, "deviceMemory"));
    exports.Set("buildEngine", Napi::Function::New(env, BuildEngineFunction, "buildEngine"));
    exports.Set("openEngineSession", Napi::Function::New(env, OpenEngineSessionFunction, "openEngineSession"));
    exports.Set("PowerSampler", sampler);
    return exports;
}

} // namespace qg::napi

// NODE_API_MODULE pastes the name into identifiers: it needs an unqualified one.
static Napi::Object InitQuantgateTrt(Napi::Env env, Napi::Object exports) {
    return qg::napi::Init(env, exports);
}
NODE_API_MODULE(quantgate_trt, InitQuantgateTrt)
