// Per-environment state of the addon (one per Node environment: the main thread and each
// worker thread that loads it): the engine session class and the builds in flight, which the
// environment's cleanup hook cancels and joins so no build thread outlives Node.
#pragma once

#include <napi.h>

#include <memory>
#include <mutex>
#include <vector>

namespace qg::napi {

struct BuildJob;

class BuildRegistry {
public:
    void add(const std::shared_ptr<BuildJob>& job);
    // Joins the job's thread and forgets it; called when its result reached JavaScript.
    void finish(BuildJob* job);
    // Environment teardown: cancel every build and wait for its thread.
    void cancelAndJoinAll();

private:
    std::mutex mutex_;
    std::vector<std::shared_ptr<BuildJob>> jobs_;
};

struct AddonData {
    BuildRegistry builds;
    Napi::FunctionReference sessionConstructor;
    Napi::FunctionReference powerSamplerConstructor;
};

AddonData& addonData(Napi::Env env);

} // namespace qg::napi
