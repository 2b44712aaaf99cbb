// Which files dlopen tries for each optional library, in order. Pure: unit-tested in
// native/test/unit_tests.cc without any NVIDIA library present.
#pragma once

#include <string>
#include <vector>

namespace qg {

enum class Library { kTensorRt, kOnnxParser, kCudaRuntime, kNvml };

// The sonames of every supported major version, preferred one first. `preferredMajor` is the
// version the addon was compiled against (0: no preference); it goes first so that a machine
// with two TensorRT or CUDA versions loads the one whose headers built the addon.
std::vector<std::string> sonames(Library library, int preferredMajor);

// Folders named by the environment that hold the library (TENSORRT_ROOT/lib, CUDA_HOME/lib64,
// ...), given the environment variables' values ("" when unset).
struct SearchRoots {
    std::string tensorrtRoot;
    std::string cudaHome;
};
std::vector<std::string> searchFolders(Library library, const SearchRoots& roots);

// Full paths under the folders first (an explicit root wins), then the bare sonames, which
// dlopen resolves through LD_LIBRARY_PATH, the ld.so cache and the default folders.
std::vector<std::string> candidates(Library library, int preferredMajor, const SearchRoots& roots);

// What a person installs or sets when the library is missing: one line.
std::string installHint(Library library);
const char* displayName(Library library);

} // namespace qg
