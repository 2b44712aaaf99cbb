#include "library_candidates.h"

#include <algorithm>

namespace qg {

namespace {

struct Versions {
    const char* stem;
    std::vector<int> majors; // newest first
};

Versions versionsOf(Library library) {
    switch (library) {
    case Library::kTensorRt: return {"libnvinfer.so.", {11, 10}};
    case Library::kOnnxParser: return {"libnvonnxparser.so.", {11, 10}};
    case Library::kCudaRuntime: return {"libcudart.so.", {13, 12}};
    case Library::kNvml: return {"libnvidia-ml.so.", {1}};
    }
    return {"", {}};
}

std::string joinPath(const std::string& folder, const std::string& file) {
    if (folder.empty()) return file;
    return folder.back() == '/' ? folder + file : folder + "/" + file;
}

} // namespace

std::vector<std::string> sonames(Library library, int preferredMajor) {
    Versions versions = versionsOf(library);
    std::vector<int> majors = versions.majors;
    auto preferred = std::find(majors.begin(), majors.end(), preferredMajor);
    if (preferred != majors.end()) std::rotate(majors.begin(), preferred, preferred + 1);
    std::vector<std::string> names;
    for (int major : majors) names.push_back(versions.stem + std::to_string(major));
    return names;
}

std::vector<std::string> searchFolders(Library library, const SearchRoots& roots) {
    std::vector<std::string> folders;
    switch (library) {
    case Library::kTensorRt:
    case Library::kOnnxParser:
        if (!roots.tensorrtRoot.empty()) folders.push_back(joinPath(roots.tensorrtRoot, "lib"));
        break;
    case Library::kCudaRuntime:
        if (!roots.cudaHome.empty()) {
            folders.push_back(joinPath(roots.cudaHome, "lib64"));
            folders.push_back(joinPath(roots.cudaHome, "targets/x86_64-linux/lib"));
            folders.push_back(joinPath(roots.cudaHome, "targets/sbsa-linux/lib"));
        }
        break;
    case Library::kNvml:
        // The driver installs NVML; the NVIDIA container toolkit mounts it here.
        folders.push_back("/usr/local/nvidia/lib64");
        break;
    }
    return folders;
}

std::vector<std::string> candidates(Library library, int preferredMajor, const SearchRoots& roots) {
    std::vector<std::string> names = sonames(library, preferredMajor);
    std::vector<std::string> paths;
    for (const std::string& folder : searchFolders(library, roots)) {
        for (const std::string& name : names) paths.push_back(joinPath(folder, name));
    }
    paths.insert(paths.end(), names.begin(), names.end());
    return paths;
}

const char* displayName(Library library) {
    switch (library) {
    case Library::kTensorRt: return "TensorRT (libnvinfer)";
    case Library::kOnnxParser: return "TensorRT's ONNX parser (libnvonnxparser)";
    case Library::kCudaRuntime: return "the CUDA runtime (libcudart)";
    case Library::kNvml: return "NVML (libnvidia-ml)";
    }
    return "";
}

std::string installHint(Library library) {
    switch (library) {
    case Library::kTensorRt:
    case Library::kOnnxParser:
        return "install TensorRT 10 or 11 (e.g. `apt-get install libnvinfer10 libnvonnxparsers10`, or the "
               "tar package) and set TENSORRT_ROOT to its folder or add its lib/ to LD_LIBRARY_PATH";
    case Library::kCudaRuntime:
        return "install the CUDA 12 or 13 runtime (e.g. `apt-get install cuda-cudart-12-9`) and set CUDA_HOME "
               "or add its lib64/ to LD_LIBRARY_PATH";
    case Library::kNvml:
        return "install the NVIDIA driver (NVML ships with it); in a container, run with the NVIDIA container "
               "toolkit (--gpus all)";
    }
    return "";
}

} // namespace qg
