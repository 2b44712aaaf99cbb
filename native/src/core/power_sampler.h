// NVML power sampling on a thread of its own while a benchmark runs: start() before the timed
// rounds, stop() after, for TensorRT rows and for ONNX Runtime's GPU rows alike (the sampler
// knows nothing of what runs). UNRUN on TensorRT; exercised on a real GPU by native/device-check.sh.
#pragma once

#include <nvml.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "power_summary.h"

namespace qg {

// A reading that the GPU does not support is -1 (null in JavaScript).
struct GpuState {
    double smClockMHz = -1;
    double memoryClockMHz = -1;
    double temperatureC = -1;
    double watts = -1;
};

struct PowerTrace {
    std::vector<PowerSample> samples;
    PowerSummary summary;
    double durationMs = 0;
    // Joules from the driver's energy counter over the same window, -1 where unsupported.
    double counterJoules = -1;
    // "instant" (NVML_FI_DEV_POWER_INSTANT) or "average" (nvmlDeviceGetPowerUsage, which newer
    // GPUs average over one second).
    std::string powerSource;
    GpuState start;
    GpuState end;
};

class PowerSampler {
public:
    // `cudaDevice`: CUDA ordinal of the GPU to watch; `intervalMs` between readings (>= 1).
    PowerSampler(int cudaDevice, int intervalMs);
    ~PowerSampler();
    PowerSampler(const PowerSampler&) = delete;
    PowerSampler& operator=(const PowerSampler&) = delete;

    void start();
    PowerTrace stop();
    bool running() const { return thread_.joinable(); }

private:
    void loop();
    double readWatts();
    GpuState readState();

    nvmlDevice_t device_ = nullptr;
    int intervalMs_;
    bool instantField_ = false;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopRequested_ = false;
    std::chrono::steady_clock::time_point startedAt_;
    std::vector<PowerSample> samples_;
    GpuState startState_;
    double startEnergyMilliJoules_ = -1;
};

} // namespace qg
