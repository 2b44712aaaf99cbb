// Why an optional library could not be used: every file tried with dlopen's reason, or the
// version found against the version required. Plain data, turned into the "possible solutions"
// message by src/runtime/tensorrt/possible-solutions.ts.
#pragma once

#include <string>
#include <vector>

#include "dynamic_library.h"
#include "library_candidates.h"

namespace qg {

struct LibraryFailure {
    Library library;
    std::vector<LoadAttempt> attempts;
    // Set when a library was found but cannot be used (e.g. "TensorRT 9.3.0" against "10.x").
    std::string found;
    std::string required;
    std::string reason;  // one line
    std::string fix;     // one line
};

// The environment's search roots (TENSORRT_ROOT, CUDA_HOME or CUDA_PATH).
SearchRoots searchRootsFromEnvironment();

// Opens `library`, or fills `failure` (attempts, reason, fix) and returns a closed library.
DynamicLibrary openLibrary(Library library, int preferredMajor, LibraryFailure& failure);

} // namespace qg
