#pragma once

#include <napi.h>

namespace qg::napi {
// buildEngine(model: Uint8Array | string, options, onProgress?) → { promise, cancel() }
Napi::Value BuildEngineFunction(const Napi::CallbackInfo& info);
}
