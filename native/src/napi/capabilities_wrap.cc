// capabilities({device}) → Promise: the core's probe on a libuv worker (dlopen and NVML's
// initialisation can take a second on a cold machine), converted on the JavaScript thread.
#include "capabilities_wrap.h"

#include "capabilities.h"
#include "convert.h"
#include "device_memory.h"

namespace qg::napi {

namespace {

class CapabilitiesWorker : public Napi::AsyncWorker {
public:
    CapabilitiesWorker(Napi::Env env, int device) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), device_(device) {}
    Napi::Promise promise() const { return deferred_.Promise(); }

    void Execute() override { capabilities_ = probeCapabilities(device_); }

    void OnOK() override {
        Napi::Env env = Env();
        const Capabilities& c = capabilities_;
        Napi::Object out = Napi::Object::New(env);
        Napi::Object compiled = Napi::Object::New(env);
        compiled.Set("tensorrt", c.compiledTensorRt);
        compiled.Set("cudaRuntime", c.compiledCuda);
        out.Set("compiledAgainst", compiled);

        Napi::Object trt = Napi::Object::New(env);
        trt.Set("available", c.tensorrt.failure == nullptr);
        trt.Set("version", stringOrNull(env, c.tensorrt.version));
        trt.Set("library", stringOrNull(env, c.tensorrt.library));
        trt.Set("parserVersion", stringOrNull(env, c.tensorrt.parserVersion));
        trt.Set("parserLibrary", stringOrNull(env, c.tensorrt.parserLibrary));
        trt.Set("failure", fromFailure(env, c.tensorrt.failure.get()));
        out.Set("tensorrt", trt);

        Napi::Object cuda = Napi::Object::New(env);
        cuda.Set("available", c.cuda.failure == nullptr);
        cuda.Set("runtimeVersion", numberOrNull(env, c.cuda.runtimeVersion));
        cuda.Set("driverVersion", numberOrNull(env, c.cuda.driverVersion));
        cuda.Set("deviceCount", numberOrNull(env, c.cuda.deviceCount));
        cuda.Set("deviceError", stringOrNull(env, c.cuda.deviceError));
        cuda.Set("library", stringOrNull(env, c.cuda.library));
        cuda.Set("failure", fromFailure(env, c.cuda.failure.get()));
        out.Set("cuda", cuda);

        Napi::Object nvml = Napi::Object::New(env);
        nvml.Set("available", c.nvml.failure == nullptr);
        nvml.Set("driverVersion", stringOrNull(env, c.nvml.driverVersion));
        nvml.Set("cudaDriverVersion", numberOrNull(env, c.nvml.cudaDriverVersion));
        nvml.Set("library", stringOrNull(env, c.nvml.library));
        nvml.Set("failure", fromFailure(env, c.nvml.failure.get()));
        out.Set("nvml", nvml);

        Napi::Object gpu = Napi::Object::New(env);
        gpu.Set("available", c.gpu.available);
        gpu.Set("ordinal", c.gpu.ordinal);
        gpu.Set("name", stringOrNull(env, c.gpu.name));
        gpu.Set("uuid", stringOrNull(env, c.gpu.uuid));
        gpu.Set("pciBusId", stringOrNull(env, c.gpu.pciBusId));
        gpu.Set("computeCapability",
                c.gpu.computeMajor < 0 ? env.Null() : Napi::String::New(env, std::to_string(c.gpu.computeMajor) + "." + std::to_string(c.gpu.computeMinor)));
        gpu.Set("multiprocessors", numberOrNull(env, c.gpu.multiprocessors));
        gpu.Set("totalMemoryBytes", numberOrNull(env, static_cast<double>(c.gpu.totalMemoryBytes)));
        gpu.Set("usedMemoryBytes", numberOrNull(env, static_cast<double>(c.gpu.usedMemoryBytes)));
        gpu.Set("powerLimitWatts", numberOrNull(env, c.gpu.powerLimitWatts));
        gpu.Set("reason", stringOrNull(env, c.gpu.reason));
        out.Set("gpu", gpu);
        deferred_.Resolve(out);
    }

    void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

private:
    Napi::Promise::Deferred deferred_;
    int device_;
    Capabilities capabilities_;
};

class DeviceMemoryWorker : public Napi::AsyncWorker {
public:
    DeviceMemoryWorker(Napi::Env env, int device, bool withCuda)
        : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), device_(device), withCuda_(withCuda) {}
    Napi::Promise promise() const { return deferred_.Promise(); }

    void Execute() override { memory_ = queryDeviceMemory(device_, withCuda_); }
    void OnOK() override {
        Napi::Env env = Env();
        Napi::Object out = Napi::Object::New(env);
        out.Set("cudaFreeBytes", numberOrNull(env, static_cast<double>(memory_.cudaFreeBytes)));
        out.Set("cudaTotalBytes", numberOrNull(env, static_cast<double>(memory_.cudaTotalBytes)));
        out.Set("nvmlUsedBytes", numberOrNull(env, static_cast<double>(memory_.nvmlUsedBytes)));
        out.Set("nvmlTotalBytes", numberOrNull(env, static_cast<double>(memory_.nvmlTotalBytes)));
        out.Set("processBytes", numberOrNull(env, static_cast<double>(memory_.processBytes)));
        out.Set("note", stringOrNull(env, memory_.note));
        deferred_.Resolve(out);
    }
    void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

private:
    Napi::Promise::Deferred deferred_;
    int device_;
    bool withCuda_;
    DeviceMemory memory_;
};

} // namespace

Napi::Value DeviceMemoryFunction(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    int device = 0;
    bool withCuda = false;
    if (info.Length() > 0 && info[0].IsObject()) {
        device = intOption(info[0].As<Napi::Object>(), "device", 0);
        withCuda = boolOption(info[0].As<Napi::Object>(), "withCuda", false);
    }
    auto* worker = new DeviceMemoryWorker(env, device, withCuda);
    Napi::Promise promise = worker->promise();
    worker->Queue();
    return promise;
}

Napi::Value CapabilitiesFunction(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    int device = 0;
    if (info.Length() > 0 && info[0].IsObject()) device = intOption(info[0].As<Napi::Object>(), "device", 0);
    auto* worker = new CapabilitiesWorker(env, device);
    Napi::Promise promise = worker->promise();
    worker->Queue();
    return promise;
}

} // namespace qg::napi
