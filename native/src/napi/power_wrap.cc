#include "power_wrap.h"

#include "convert.h"

namespace qg::napi {

namespace {

Napi::Object fromState(Napi::Env env, const GpuState& state) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("smClockMHz", numberOrNull(env, state.smClockMHz));
    o.Set("memoryClockMHz", numberOrNull(env, state.memoryClockMHz));
    o.Set("temperatureC", numberOrNull(env, state.temperatureC));
    o.Set("watts", numberOrNull(env, state.watts));
    return o;
}

// Runs `body`, turning a core exception into a JavaScript Error with its code.
template <typename F>
auto guarded(Napi::Env env, F body) -> decltype(body()) {
    try {
        return body();
    } catch (const Napi::Error&) {
        throw;
    } catch (...) {
        throw toError(env, catchCurrent());
    }
}

} // namespace

Napi::Function PowerSamplerWrap::Define(Napi::Env env) {
    return DefineClass(env, "PowerSampler",
                       {InstanceMethod<&PowerSamplerWrap::Start>("start"), InstanceMethod<&PowerSamplerWrap::Stop>("stop"),
                        InstanceAccessor<&PowerSamplerWrap::Running>("running")});
}

PowerSamplerWrap::PowerSamplerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PowerSamplerWrap>(info) {
    Napi::Env env = info.Env();
    Napi::Object o = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
    const int device = intOption(o, "device", 0);
    const int interval = intOption(o, "intervalMs", 20);
    sampler_ = guarded(env, [&] { return std::make_unique<PowerSampler>(device, interval); });
}

Napi::Value PowerSamplerWrap::Start(const Napi::CallbackInfo& info) {
    guarded(info.Env(), [&] { sampler_->start(); });
    return info.Env().Undefined();
}

Napi::Value PowerSamplerWrap::Stop(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PowerTrace trace = guarded(env, [&] { return sampler_->stop(); });
    Napi::Object out = Napi::Object::New(env);
    Napi::Float64Array times = Napi::Float64Array::New(env, trace.samples.size());
    Napi::Float64Array watts = Napi::Float64Array::New(env, trace.samples.size());
    for (std::size_t i = 0; i < trace.samples.size(); ++i) {
        times[i] = trace.samples[i].timeMs;
        watts[i] = trace.samples[i].watts;
    }
    out.Set("timesMs", times);
    out.Set("watts", watts);
    out.Set("durationMs", trace.durationMs);
    out.Set("meanWatts", trace.summary.meanWatts);
    out.Set("peakWatts", trace.summary.peakWatts);
    out.Set("sampledJoules", trace.summary.joules);
    out.Set("counterJoules", numberOrNull(env, trace.counterJoules));
    out.Set("powerSource", trace.powerSource);
    out.Set("start", fromState(env, trace.start));
    out.Set("end", fromState(env, trace.end));
    return out;
}

Napi::Value PowerSamplerWrap::Running(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), sampler_ && sampler_->running());
}

} // namespace qg::napi
