#pragma once

#include <napi.h>

#include <memory>

#include "power_sampler.h"

namespace qg::napi {

// new PowerSampler({device, intervalMs}); start(); stop() → trace. Both calls are quick (the
// sampling runs on the sampler's own thread), so they are synchronous.
class PowerSamplerWrap : public Napi::ObjectWrap<PowerSamplerWrap> {
public:
    static Napi::Function Define(Napi::Env env);
    explicit PowerSamplerWrap(const Napi::CallbackInfo& info);

private:
    Napi::Value Start(const Napi::CallbackInfo& info);
    Napi::Value Stop(const Napi::CallbackInfo& info);
    Napi::Value Running(const Napi::CallbackInfo& info);

    std::unique_ptr<PowerSampler> sampler_;
};

} // namespace qg::napi
