#pragma once

#include <napi.h>

namespace qg::napi {
Napi::Value CapabilitiesFunction(const Napi::CallbackInfo& info);
// deviceMemory({device, withCuda}) → Promise
Napi::Value DeviceMemoryFunction(const Napi::CallbackInfo& info);
}
