// Unit tests of the addon's pure C++ parts (no TensorRT, CUDA, NVML or Node needed): which
// library files are tried, the power integral, tensor sizes and the benchmark input pattern.
// Prints one line per failure and closes with "N passed, N failed"; exits non-zero on failure.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "library_candidates.h"
#include "power_summary.h"
#include "tensor_types.h"

namespace {

int passed = 0;
int failed = 0;

void check(bool condition, const char* test, const std::string& what) {
    if (condition) {
        ++passed;
    } else {
        ++failed;
        std::printf("FAIL %s: %s\n", test, what.c_str());
    }
}

bool near(double a, double b) { return std::fabs(a - b) < 1e-9 * std::max(1.0, std::fabs(b)); }

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ",") + s;
    return out;
}

void sonamesPreferTheCompiledMajor() {
    using qg::Library;
    check(joined(qg::sonames(Library::kTensorRt, 10)) == "libnvinfer.so.10,libnvinfer.so.11", __func__, joined(qg::sonames(Library::kTensorRt, 10)));
    check(joined(qg::sonames(Library::kTensorRt, 11)) == "libnvinfer.so.11,libnvinfer.so.10", __func__, joined(qg::sonames(Library::kTensorRt, 11)));
    check(joined(qg::sonames(Library::kOnnxParser, 0)) == "libnvonnxparser.so.11,libnvonnxparser.so.10", __func__, "no preference keeps newest first");
    check(joined(qg::sonames(Library::kCudaRuntime, 12)) == "libcudart.so.12,libcudart.so.13", __func__, joined(qg::sonames(Library::kCudaRuntime, 12)));
    check(joined(qg::sonames(Library::kCudaRuntime, 9)) == "libcudart.so.13,libcudart.so.12", __func__, "an unsupported preference is ignored");
    check(joined(qg::sonames(Library::kNvml, 0)) == "libnvidia-ml.so.1", __func__, joined(qg::sonames(Library::kNvml, 0)));
}

void candidatesPutRootsFirst() {
    using qg::Library;
    qg::SearchRoots roots{"/opt/trt/", "/usr/local/cuda"};
    check(joined(qg::candidates(Library::kTensorRt, 10, roots)) ==
              "/opt/trt/lib/libnvinfer.so.10,/opt/trt/lib/libnvinfer.so.11,libnvinfer.so.10,libnvinfer.so.11",
          __func__, joined(qg::candidates(Library::kTensorRt, 10, roots)));
    const std::vector<std::string> cuda = qg::candidates(Library::kCudaRuntime, 13, roots);
    check(cuda.front() == "/usr/local/cuda/lib64/libcudart.so.13", __func__, cuda.front());
    check(cuda.back() == "libcudart.so.12", __func__, cuda.back());
    check(joined(qg::candidates(Library::kTensorRt, 10, qg::SearchRoots{})) == "libnvinfer.so.10,libnvinfer.so.11", __func__,
          "no roots: bare sonames only");
}

void powerIntegralIsTrapezoidWithHeldEdges() {
    // 100 W flat for 1 s: 100 J, mean 100 W.
    qg::PowerSummary flat = qg::summarizePower({{0, 100}, {500, 100}, {1000, 100}}, 1000);
    check(near(flat.joules, 100) && near(flat.meanWatts, 100) && near(flat.peakWatts, 100), __func__, "flat 100 W");
    // A ramp 100 -> 300 W over 1 s: 200 J.
    qg::PowerSummary ramp = qg::summarizePower({{0, 100}, {1000, 300}}, 1000);
    check(near(ramp.joules, 200) && near(ramp.peakWatts, 300), __func__, "ramp " + std::to_string(ramp.joules));
    // First sample at 200 ms: the first reading held before it (50 W x 0.2 s = 10 J), then
    // 50 -> 150 W over 0.8 s (80 J), total 90 J over 1 s.
    qg::PowerSummary late = qg::summarizePower({{200, 50}, {1000, 150}}, 1000);
    check(near(late.joules, 90) && near(late.meanWatts, 90), __func__, "held start " + std::to_string(late.joules));
    // A sample after the window is interpolated at its end: 0 -> 200 W over 2 s, cut at 1 s.
    qg::PowerSummary cut = qg::summarizePower({{0, 0}, {2000, 200}}, 1000);
    check(near(cut.joules, 50), __func__, "cut at the window " + std::to_string(cut.joules));
    qg::PowerSummary none = qg::summarizePower({}, 1000);
    check(none.joules == 0 && none.samples == 0, __func__, "no samples");
    qg::PowerSummary one = qg::summarizePower({{10, 70}}, 2000);
    check(near(one.joules, 140) && one.samples == 1, __func__, "one sample held over the window");
}

void tensorSizes() {
    check(qg::volume({2, 3, 4}) == 24, __func__, "volume");
    check(qg::volume({-1, 3}) == -1, __func__, "dynamic volume");
    check(qg::volume({}) == 1, __func__, "scalar volume");
    check(qg::storageBytes(qg::onnx_type::kFloat, 6) == 24, __func__, "float32 bytes");
    check(qg::storageBytes(qg::onnx_type::kFloat16, 3) == 6, __func__, "float16 bytes");
    check(qg::storageBytes(qg::onnx_type::kInt4, 3) == 2, __func__, "int4 rounds up");
    check(qg::storageBytes(99, 3) == -1, __func__, "unknown type");
    check(qg::formatShape({1, -1, 224}) == "1x?x224", __func__, qg::formatShape({1, -1, 224}));
    check(qg::typeName(qg::onnx_type::kInt8) == "int8", __func__, "type name");
}

void patternIsDeterministicAndFinite() {
    std::vector<uint8_t> a(4096), b(4096);
    qg::fillPattern(qg::onnx_type::kFloat, a, 7);
    qg::fillPattern(qg::onnx_type::kFloat, b, 7);
    check(a == b, __func__, "same seed, same bytes");
    bool inRange = true;
    for (std::size_t i = 0; i < a.size(); i += 4) {
        float v = 0;
        std::memcpy(&v, &a[i], 4);
        inRange = inRange && std::isfinite(v) && v >= -1.0f && v < 1.0f;
    }
    check(inRange, __func__, "float32 pattern in [-1, 1)");
    std::vector<uint8_t> half(2048);
    qg::fillPattern(qg::onnx_type::kFloat16, half, 3);
    bool finiteHalf = true;
    for (std::size_t i = 0; i < half.size(); i += 2) {
        const unsigned exponent = (static_cast<unsigned>(half[i + 1]) >> 2) & 0x1Fu;
        finiteHalf = finiteHalf && exponent != 0x1Fu && exponent < 15u;
    }
    check(finiteHalf, __func__, "float16 pattern finite, |x| < 1");
    std::vector<uint8_t> flags(256);
    qg::fillPattern(qg::onnx_type::kBool, flags, 5);
    bool bools = true;
    for (uint8_t f : flags) bools = bools && f <= 1;
    check(bools, __func__, "bool pattern is 0/1");
}

} // namespace

int main() {
    sonamesPreferTheCompiledMajor();
    candidatesPutRootsFirst();
    powerIntegralIsTrapezoidWithHeldEdges();
    tensorSizes();
    patternIsDeterministicAndFinite();
    std::printf("native-unit-tests: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
