// A shared library opened with dlopen, closed when the object goes. Opening tries a list of
// candidates and remembers what each attempt said, so a failure can list what was tried and
// dlerror()'s reason for each (the "possible solutions" message is built from that).
#pragma once

#include <string>
#include <vector>

namespace qg {

struct LoadAttempt {
    std::string candidate;
    std::string error; // dlerror() text; empty for the attempt that succeeded
};

class DynamicLibrary {
public:
    DynamicLibrary() = default;
    ~DynamicLibrary();
    DynamicLibrary(const DynamicLibrary&) = delete;
    DynamicLibrary& operator=(const DynamicLibrary&) = delete;
    DynamicLibrary(DynamicLibrary&& other) noexcept;
    DynamicLibrary& operator=(DynamicLibrary&& other) noexcept;

    // Tries each candidate in order; returns a library that is open, or one that is not
    // (`isOpen()` false) with every attempt recorded.
    static DynamicLibrary openFirst(const std::vector<std::string>& candidates);

    bool isOpen() const noexcept { return handle_ != nullptr; }
    // The file actually loaded (resolved through the link map), or the candidate that opened.
    const std::string& path() const noexcept { return path_; }
    const std::vector<LoadAttempt>& attempts() const noexcept { return attempts_; }

    // The address of `name`, or nullptr; `error` receives dlerror()'s text when missing.
    void* find(const char* name, std::string* error = nullptr) const;

    // The address of `name` as a function pointer of type F; throws NativeError(kLibrary) naming
    // the symbol and the library when it is missing (an older version than the headers expect).
    template <typename F>
    F require(const char* name) const {
        return reinterpret_cast<F>(requireAddress(name));
    }

private:
    void* requireAddress(const char* name) const;

    void* handle_ = nullptr;
    std::string path_;
    std::vector<LoadAttempt> attempts_;
};

} // namespace qg
