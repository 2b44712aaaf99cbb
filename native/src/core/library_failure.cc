#include "library_failure.h"

#include <cstdlib>

namespace qg {

namespace {
std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? value : "";
}
} // namespace

SearchRoots searchRootsFromEnvironment() {
    SearchRoots roots;
    roots.tensorrtRoot = environment("TENSORRT_ROOT");
    roots.cudaHome = environment("CUDA_HOME");
    if (roots.cudaHome.empty()) roots.cudaHome = environment("CUDA_PATH");
    return roots;
}

DynamicLibrary openLibrary(Library library, int preferredMajor, LibraryFailure& failure) {
    DynamicLibrary opened = DynamicLibrary::openFirst(candidates(library, preferredMajor, searchRootsFromEnvironment()));
    if (!opened.isOpen()) {
        failure.library = library;
        failure.attempts = opened.attempts();
        failure.reason = std::string(displayName(library)) + " could not be loaded";
        failure.fix = installHint(library);
    }
    return opened;
}

} // namespace qg
