#pragma once

#include <napi.h>

namespace qg::napi {
Napi::Value CapabilitiesFunction(const Napi::CallbackInfo& info);
}
