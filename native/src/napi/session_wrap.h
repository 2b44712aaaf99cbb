#pragma once

#include <napi.h>

#include <memory>

#include "engine_session.h"

namespace qg::napi {

// The JavaScript face of an EngineSession. Long work (benchmark, run) runs in AsyncWorkers over
// plain structs; one operation at a time; dispose() is refused while one runs.
class EngineSessionWrap : public Napi::ObjectWrap<EngineSessionWrap> {
public:
    static Napi::Function Define(Napi::Env env);
    explicit EngineSessionWrap(const Napi::CallbackInfo& info);

    // Called by the workers on the JavaScript thread.
    EngineSession* session() { return session_.get(); }
    void setBusy(bool busy) { busy_ = busy; }

private:
    Napi::Value Tensors(const Napi::CallbackInfo& info);
    Napi::Value Benchmark(const Napi::CallbackInfo& info);
    Napi::Value Run(const Napi::CallbackInfo& info);
    Napi::Value Memory(const Napi::CallbackInfo& info);
    Napi::Value Dispose(const Napi::CallbackInfo& info);
    Napi::Value Busy(const Napi::CallbackInfo& info);
    // Throws (sync) when disposed, or when busy and `refuseBusy`.
    void guard(Napi::Env env, const char* method, bool refuseBusy);

    std::unique_ptr<EngineSession> session_;
    bool busy_ = false;
};

// openEngineSession(engine: Uint8Array, options?) → Promise<EngineSessionWrap>
Napi::Value OpenEngineSessionFunction(const Napi::CallbackInfo& info);

} // namespace qg::napi
