#include "session_wrap.h"

#include "addon_data.h"
#include "convert.h"
#include "native_error.h"

namespace qg::napi {

namespace {

Napi::Error coded(Napi::Env env, const char* errorCode, const std::string& message) {
    Napi::Error error = Napi::Error::New(env, message);
    error.Set("code", errorCode);
    error.Set("details", Napi::Array::New(env));
    return error;
}

Napi::Value rejected(Napi::Env env, const Napi::Error& error) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(error.Value());
    return deferred.Promise();
}

// Deserializing an engine takes seconds for a large one: off the JavaScript thread.
class OpenWorker : public Napi::AsyncWorker {
public:
    OpenWorker(Napi::Env env, std::vector<uint8_t> engine, int device)
        : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), engine_(std::move(engine)), device_(device) {}
    Napi::Promise promise() const { return deferred_.Promise(); }

    void Execute() override {
        try {
            session_ = std::make_unique<EngineSession>(engine_, device_);
        } catch (...) {
            error_ = catchCurrent();
            failed_ = true;
        }
        engine_.clear();
        engine_.shrink_to_fit();
    }
    void OnOK() override {
        Napi::Env env = Env();
        if (failed_) {
            deferred_.Reject(toError(env, error_).Value());
            return;
        }
        // The constructor takes ownership of the session through the External.
        Napi::Object wrap = addonData(env).sessionConstructor.New({Napi::External<EngineSession>::New(env, session_.release())});
        deferred_.Resolve(wrap);
    }

private:
    Napi::Promise::Deferred deferred_;
    std::vector<uint8_t> engine_;
    int device_;
    std::unique_ptr<EngineSession> session_;
    CaughtError error_;
    bool failed_ = false;
};

// Base of the session's AsyncWorkers: holds the JavaScript object alive and the busy flag set
// while the work runs. Subclasses fill their baton in Execute() (no N-API there) and convert
// it in resolve().
class SessionWorker : public Napi::AsyncWorker {
public:
    SessionWorker(Napi::Object self, EngineSessionWrap* wrap)
        : Napi::AsyncWorker(self.Env()), deferred_(Napi::Promise::Deferred::New(self.Env())), self_(Napi::Persistent(self)), wrap_(wrap), session_(wrap->session()) {
        wrap_->setBusy(true);
    }
    Napi::Promise promise() const { return deferred_.Promise(); }

    void Execute() override {
        try {
            work(*session_);
        } catch (...) {
            error_ = catchCurrent();
            failed_ = true;
        }
    }
    void OnOK() override {
        wrap_->setBusy(false);
        if (failed_) {
            deferred_.Reject(toError(Env(), error_).Value());
            return;
        }
        deferred_.Resolve(resolve(Env()));
    }

protected:
    virtual void work(EngineSession& session) = 0;
    virtual Napi::Value resolve(Napi::Env env) = 0;

private:
    Napi::Promise::Deferred deferred_;
    Napi::ObjectReference self_;
    EngineSessionWrap* wrap_;
    EngineSession* session_;
    CaughtError error_;
    bool failed_ = false;
};

class BenchmarkWorker : public SessionWorker {
public:
    BenchmarkWorker(Napi::Object self, EngineSessionWrap* wrap, BenchmarkOptions options) : SessionWorker(self, wrap), options_(std::move(options)) {}

protected:
    void work(EngineSession& session) override { result_ = session.benchmark(options_); }
    Napi::Value resolve(Napi::Env env) override {
        auto floats = [env](const std::vector<double>& values) {
            Napi::Float64Array array = Napi::Float64Array::New(env, values.size());
            for (std::size_t i = 0; i < values.size(); ++i) array[i] = values[i];
            return array;
        };
        Napi::Object out = Napi::Object::New(env);
        out.Set("gpuMs", floats(result_.gpuMs));
        out.Set("endToEndMs", floats(result_.endToEndMs));
        out.Set("hostToDeviceMs", floats(result_.hostToDeviceMs));
        out.Set("deviceToHostMs", floats(result_.deviceToHostMs));
        out.Set("warmup", result_.warmup);
        out.Set("iterations", static_cast<double>(result_.gpuMs.size()));
        out.Set("cudaGraphUsed", result_.cudaGraphUsed);
        out.Set("cudaGraphNote", stringOrNull(env, result_.cudaGraphNote));
        return out;
    }

private:
    BenchmarkOptions options_;
    BenchmarkResult result_;
};

class RunWorker : public SessionWorker {
public:
    RunWorker(Napi::Object self, EngineSessionWrap* wrap, std::vector<HostTensor> inputs) : SessionWorker(self, wrap), inputs_(std::move(inputs)) {}

protected:
    void work(EngineSession& session) override { outputs_ = session.run(inputs_); }
    Napi::Value resolve(Napi::Env env) override {
        Napi::Array out = Napi::Array::New(env, outputs_.size());
        for (uint32_t i = 0; i < outputs_.size(); ++i) out.Set(i, fromHostTensor(env, std::move(outputs_[i])));
        return out;
    }

private:
    std::vector<HostTensor> inputs_;
    std::vector<HostTensor> outputs_;
};

} // namespace

Napi::Function EngineSessionWrap::Define(Napi::Env env) {
    return DefineClass(env, "EngineSession",
                       {InstanceMethod<&EngineSessionWrap::Tensors>("tensors"), InstanceMethod<&EngineSessionWrap::Benchmark>("benchmark"),
                        InstanceMethod<&EngineSessionWrap::Run>("run"), InstanceMethod<&EngineSessionWrap::Memory>("memory"),
                        InstanceMethod<&EngineSessionWrap::Dispose>("dispose"), InstanceAccessor<&EngineSessionWrap::Busy>("busy")});
}

EngineSessionWrap::EngineSessionWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineSessionWrap>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
        throw Napi::TypeError::New(info.Env(), "EngineSession is created by openEngineSession(), not with new");
    }
    session_.reset(info[0].As<Napi::External<EngineSession>>().Data());
}

void EngineSessionWrap::guard(Napi::Env env, const char* method, bool refuseBusy) {
    if (!session_) throw coded(env, code::kDisposed, std::string(method) + "() on a disposed engine session");
    if (refuseBusy && busy_) {
        throw coded(env, code::kBusy, std::string(method) + "() while a benchmark or run of this session is in flight; await it first");
    }
}

Napi::Value EngineSessionWrap::Tensors(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    guard(env, "tensors", false);
    const std::vector<TensorInfo>& tensors = session_->tensors();
    Napi::Array out = Napi::Array::New(env, tensors.size());
    for (uint32_t i = 0; i < tensors.size(); ++i) {
        const TensorInfo& t = tensors[i];
        Napi::Object o = Napi::Object::New(env);
        o.Set("name", t.name);
        o.Set("isInput", t.isInput);
        o.Set("dataType", t.dataType);
        o.Set("shape", fromShape(env, t.shape));
        if (t.profileMin.empty()) {
            o.Set("profile", env.Null());
        } else {
            Napi::Object profile = Napi::Object::New(env);
            profile.Set("min", fromShape(env, t.profileMin));
            profile.Set("opt", fromShape(env, t.profileOpt));
            profile.Set("max", fromShape(env, t.profileMax));
            o.Set("profile", profile);
        }
        out.Set(i, o);
    }
    return out;
}

Napi::Value EngineSessionWrap::Benchmark(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    try {
        guard(env, "benchmark", true);
    } catch (const Napi::Error& error) {
        return rejected(env, error);
    }
    Napi::Object o = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
    BenchmarkOptions options;
    options.warmup = intOption(o, "warmup", options.warmup);
    options.iterations = intOption(o, "iterations", options.iterations);
    options.minDurationMs = numberOption(o, "minDurationMs", options.minDurationMs);
    options.maxIterations = intOption(o, "maxIterations", options.maxIterations);
    options.cudaGraph = boolOption(o, "cudaGraph", options.cudaGraph);
    if (o.Has("shapes") && o.Get("shapes").IsObject()) {
        Napi::Object shapes = o.Get("shapes").As<Napi::Object>();
        Napi::Array names = shapes.GetPropertyNames();
        for (uint32_t i = 0; i < names.Length(); ++i) {
            const std::string name = names.Get(i).As<Napi::String>().Utf8Value();
            options.shapes[name] = toShape(shapes.Get(name), "shapes." + name);
        }
    }
    if (o.Has("inputs") && o.Get("inputs").IsArray()) {
        Napi::Array inputs = o.Get("inputs").As<Napi::Array>();
        for (uint32_t i = 0; i < inputs.Length(); ++i) options.inputs.push_back(toHostTensor(inputs.Get(i), "inputs[" + std::to_string(i) + "]"));
    }
    auto* worker = new BenchmarkWorker(info.This().As<Napi::Object>(), this, std::move(options));
    Napi::Promise promise = worker->promise();
    worker->Queue();
    return promise;
}

Napi::Value EngineSessionWrap::Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    try {
        guard(env, "run", true);
    } catch (const Napi::Error& error) {
        return rejected(env, error);
    }
    if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "run(inputs): inputs must be an array of tensors");
    Napi::Array array = info[0].As<Napi::Array>();
    std::vector<HostTensor> inputs;
    for (uint32_t i = 0; i < array.Length(); ++i) inputs.push_back(toHostTensor(array.Get(i), "inputs[" + std::to_string(i) + "]"));
    auto* worker = new RunWorker(info.This().As<Napi::Object>(), this, std::move(inputs));
    Napi::Promise promise = worker->promise();
    worker->Queue();
    return promise;
}

Napi::Value EngineSessionWrap::Memory(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    guard(env, "memory", true);
    SessionMemory memory = session_->memory();
    Napi::Object out = Napi::Object::New(env);
    out.Set("activationBytes", numberOrNull(env, static_cast<double>(memory.activationBytes)));
    out.Set("weightsBytes", numberOrNull(env, static_cast<double>(memory.weightsBytes)));
    out.Set("ioBytes", static_cast<double>(memory.ioBytes));
    out.Set("processDeltaBytes", numberOrNull(env, static_cast<double>(memory.processDeltaBytes)));
    return out;
}

Napi::Value EngineSessionWrap::Dispose(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!session_) return env.Undefined(); // disposing twice is harmless
    guard(env, "dispose", true);
    session_.reset();
    return env.Undefined();
}

Napi::Value EngineSessionWrap::Busy(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), busy_);
}

Napi::Value OpenEngineSessionFunction(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1) throw Napi::TypeError::New(env, "openEngineSession(engine, options): engine bytes are required");
    std::vector<uint8_t> engine = bytesOf(info[0], "engine");
    int device = info.Length() > 1 && info[1].IsObject() ? intOption(info[1].As<Napi::Object>(), "device", 0) : 0;
    auto* worker = new OpenWorker(env, std::move(engine), device);
    Napi::Promise promise = worker->promise();
    worker->Queue();
    return promise;
}

} // namespace qg::napi
