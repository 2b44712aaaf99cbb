#include "dynamic_library.h"

#include <dlfcn.h>
#include <link.h>

#include "native_error.h"

namespace qg {

DynamicLibrary::~DynamicLibrary() {
    if (handle_ != nullptr) dlclose(handle_);
}

DynamicLibrary::DynamicLibrary(DynamicLibrary&& other) noexcept
    : handle_(other.handle_), path_(std::move(other.path_)), attempts_(std::move(other.attempts_)) {
    other.handle_ = nullptr;
}

DynamicLibrary& DynamicLibrary::operator=(DynamicLibrary&& other) noexcept {
    if (this != &other) {
        if (handle_ != nullptr) dlclose(handle_);
        handle_ = other.handle_;
        path_ = std::move(other.path_);
        attempts_ = std::move(other.attempts_);
        other.handle_ = nullptr;
    }
    return *this;
}

DynamicLibrary DynamicLibrary::openFirst(const std::vector<std::string>& candidates) {
    DynamicLibrary library;
    for (const std::string& candidate : candidates) {
        dlerror();
        // RTLD_LOCAL: TensorRT and CUDA symbols stay out of the global namespace of Node.
        void* handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr) {
            const char* error = dlerror();
            library.attempts_.push_back({candidate, error != nullptr ? error : "unknown dlopen error"});
            continue;
        }
        library.handle_ = handle;
        library.attempts_.push_back({candidate, ""});
        library.path_ = candidate;
        struct link_map* map = nullptr;
        if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map != nullptr && map->l_name != nullptr && map->l_name[0] != '\0') {
            library.path_ = map->l_name;
        }
        break;
    }
    return library;
}

void* DynamicLibrary::find(const char* name, std::string* error) const {
    if (handle_ == nullptr) {
        if (error != nullptr) *error = "library is not open";
        return nullptr;
    }
    dlerror();
    void* address = dlsym(handle_, name);
    if (address == nullptr && error != nullptr) {
        const char* text = dlerror();
        *error = text != nullptr ? text : "symbol not found";
    }
    return address;
}

void* DynamicLibrary::requireAddress(const char* name) const {
    std::string error;
    void* address = find(name, &error);
    if (address == nullptr) {
        throw NativeError(code::kLibrary, std::string("symbol ") + name + " is missing from " + path_ + ": " + error);
    }
    return address;
}

} // namespace qg
