// buildEngine on a thread of its own, not libuv's pool: a build takes minutes and would hold one
// of the pool's four threads (file system, DNS, zlib and every other addon's work share them).
// Progress and the result come back through one ThreadSafeFunction; cancel() sets a flag that the
// progress monitor returns to TensorRT at its next step.
#include "build_wrap.h"

#include <atomic>
#include <thread>

#include "addon_data.h"
#include "convert.h"
#include "engine_builder.h"

namespace qg::napi {

struct ProgressEvent {
    std::string type; // phaseStart | step | phaseFinish
    std::string phase;
    std::string parent;
    int steps = 0;
    int step = 0;
};

struct BuildJob {
    explicit BuildJob(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
    BuildOptions options;
    std::atomic<bool> cancelled{false};
    std::thread thread;
    Napi::ThreadSafeFunction tsfn;
    Napi::Promise::Deferred deferred;
    AddonData* data = nullptr;
    // Written by the build thread before it queues the completion; read on the JS thread after.
    bool ok = false;
    BuildResult result;
    CaughtError error;
};

namespace {

class TsfnProgress : public ProgressSink {
public:
    explicit TsfnProgress(Napi::ThreadSafeFunction& tsfn) : tsfn_(tsfn) {}
    void phaseStart(const std::string& phase, const std::string& parent, int steps) override {
        send(new ProgressEvent{"phaseStart", phase, parent, steps, 0});
    }
    void stepComplete(const std::string& phase, int step) override { send(new ProgressEvent{"step", phase, "", 0, step}); }
    void phaseFinish(const std::string& phase) override { send(new ProgressEvent{"phaseFinish", phase, "", 0, 0}); }

private:
    void send(ProgressEvent* event) {
        auto deliver = [](Napi::Env env, Napi::Function callback, ProgressEvent* e) {
            if (env != nullptr && callback != nullptr) {
                Napi::Object o = Napi::Object::New(env);
                o.Set("type", e->type);
                o.Set("phase", e->phase);
                if (e->type == "phaseStart") {
                    o.Set("parent", stringOrNull(env, e->parent));
                    o.Set("steps", e->steps);
                }
                if (e->type == "step") o.Set("step", e->step);
                try {
                    callback.Call({o});
                } catch (const Napi::Error&) {
                    // A throwing progress callback must not abort the build; the TypeScript
                    // wrapper's callback does not throw.
                }
            }
            delete e;
        };
        if (tsfn_.NonBlockingCall(event, deliver) != napi_ok) delete event;
    }
    Napi::ThreadSafeFunction& tsfn_;
};

void complete(Napi::Env env, Napi::Function, BuildJob* job) {
    if (env == nullptr) return; // the environment is going away; cancelAndJoinAll cleans up
    if (job->ok) {
        const BuildResult& r = job->result;
        Napi::Object out = Napi::Object::New(env);
        out.Set("engine", toBuffer(env, r.engine));
        out.Set("timingCache", r.timingCache.empty() ? env.Null() : static_cast<Napi::Value>(toBuffer(env, r.timingCache)));
        out.Set("log", r.log);
        out.Set("inspectorJson", stringOrNull(env, r.inspectorJson));
        out.Set("inspectorError", stringOrNull(env, r.inspectorError));
        out.Set("tensorrtVersion", r.tensorrtVersion);
        out.Set("buildMs", r.buildMs);
        job->deferred.Resolve(out);
    } else {
        job->deferred.Reject(toError(env, job->error).Value());
    }
    job->data->builds.finish(job);
}

BuildOptions readOptions(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    BuildOptions options;
    if (info.Length() < 1) throw Napi::TypeError::New(env, "buildEngine(model, options): model is required");
    if (info[0].IsString()) {
        options.modelPath = info[0].As<Napi::String>().Utf8Value();
    } else {
        options.model = bytesOf(info[0], "model");
    }
    Napi::Object o = info.Length() > 1 && info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env);
    options.device = intOption(o, "device", 0);
    options.workspaceBytes = static_cast<int64_t>(numberOption(o, "workspaceBytes", -1));
    options.optimizationLevel = intOption(o, "optimizationLevel", -1);
    options.verboseLog = boolOption(o, "verbose", false);
    if (o.Has("modelPath") && o.Get("modelPath").IsString()) options.modelPath = o.Get("modelPath").As<Napi::String>().Utf8Value();
    if (o.Has("timingCache") && !o.Get("timingCache").IsUndefined() && !o.Get("timingCache").IsNull()) {
        options.timingCache = bytesOf(o.Get("timingCache"), "timingCache");
    }
    if (o.Has("profiles") && o.Get("profiles").IsArray()) {
        Napi::Array profiles = o.Get("profiles").As<Napi::Array>();
        for (uint32_t p = 0; p < profiles.Length(); ++p) {
            const std::string where = "profiles[" + std::to_string(p) + "]";
            if (!profiles.Get(p).IsArray()) throw Napi::TypeError::New(env, where + " must be an array of {input, min, opt, max}");
            Napi::Array ranges = profiles.Get(p).As<Napi::Array>();
            std::vector<ShapeRange> profile;
            for (uint32_t r = 0; r < ranges.Length(); ++r) {
                const std::string at = where + "[" + std::to_string(r) + "]";
                if (!ranges.Get(r).IsObject()) throw Napi::TypeError::New(env, at + " must be {input, min, opt, max}");
                Napi::Object range = ranges.Get(r).As<Napi::Object>();
                if (!range.Get("input").IsString()) throw Napi::TypeError::New(env, at + ".input must be a string");
                profile.push_back({range.Get("input").As<Napi::String>().Utf8Value(), toShape(range.Get("min"), at + ".min"),
                                   toShape(range.Get("opt"), at + ".opt"), toShape(range.Get("max"), at + ".max")});
            }
            options.profiles.push_back(std::move(profile));
        }
    }
    return options;
}

} // namespace

void BuildRegistry::add(const std::shared_ptr<BuildJob>& job) {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(job);
}

void BuildRegistry::finish(BuildJob* job) {
    std::shared_ptr<BuildJob> owned;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto it = jobs_.begin(); it != jobs_.end(); ++it) {
            if (it->get() == job) {
                owned = *it;
                jobs_.erase(it);
                break;
            }
        }
    }
    // The thread has queued this completion and only releases the TSFN after: a short wait.
    if (owned && owned->thread.joinable()) owned->thread.join();
}

void BuildRegistry::cancelAndJoinAll() {
    std::vector<std::shared_ptr<BuildJob>> jobs;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        jobs.swap(jobs_);
    }
    for (auto& job : jobs) job->cancelled = true;
    for (auto& job : jobs) {
        if (job->thread.joinable()) job->thread.join();
    }
}

Napi::Value BuildEngineFunction(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto job = std::make_shared<BuildJob>(env);
    job->options = readOptions(info);
    job->data = &addonData(env);
    Napi::Function onProgress = info.Length() > 2 && info[2].IsFunction() ? info[2].As<Napi::Function>()
                                                                           : Napi::Function::New(env, [](const Napi::CallbackInfo&) {});
    job->tsfn = Napi::ThreadSafeFunction::New(env, onProgress, "quantgate-engine-build", 0, 1);
    job->data->builds.add(job);
    BuildJob* raw = job.get();
    job->thread = std::thread([raw] {
        TsfnProgress progress(raw->tsfn);
        try {
            raw->result = buildEngine(raw->options, &progress, raw->cancelled);
            raw->ok = true;
        } catch (...) {
            raw->error = catchCurrent();
        }
        raw->tsfn.BlockingCall(raw, complete);
        raw->tsfn.Release();
    });

    Napi::Object handle = Napi::Object::New(env);
    handle.Set("promise", job->deferred.Promise());
    std::weak_ptr<BuildJob> weak = job;
    handle.Set("cancel", Napi::Function::New(env, [weak](const Napi::CallbackInfo&) {
                   if (auto alive = weak.lock()) alive->cancelled = true;
               }));
    return handle;
}

} // namespace qg::napi
