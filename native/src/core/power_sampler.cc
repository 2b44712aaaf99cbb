#include "power_sampler.h"

#include "native_error.h"
#include "nvml_api.h"

namespace qg {

namespace {

double energyMilliJoules(const NvmlApi& nvml, nvmlDevice_t device) {
    unsigned long long value = 0;
    if (nvml.deviceGetTotalEnergyConsumption == nullptr) return -1;
    if (nvml.deviceGetTotalEnergyConsumption(device, &value) != NVML_SUCCESS) return -1;
    return static_cast<double>(value);
}

} // namespace

PowerSampler::PowerSampler(int cudaDevice, int intervalMs) : intervalMs_(intervalMs) {
    QG_THROW_IF(intervalMs < 1, code::kInvalidArgument, "power sampling interval must be at least 1 ms");
    const NvmlApi& nvml = requireNvml();
    device_ = nvmlDeviceForCuda(nvml, cudaDevice);
#ifdef NVML_FI_DEV_POWER_INSTANT
    if (nvml.deviceGetFieldValues != nullptr) {
        nvmlFieldValue_t field{};
        field.fieldId = NVML_FI_DEV_POWER_INSTANT;
        instantField_ = nvml.deviceGetFieldValues(device_, 1, &field) == NVML_SUCCESS && field.nvmlReturn == NVML_SUCCESS;
    }
#endif
}

PowerSampler::~PowerSampler() {
    if (thread_.joinable()) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopRequested_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
}

double PowerSampler::readWatts() {
    const NvmlApi& nvml = requireNvml();
#ifdef NVML_FI_DEV_POWER_INSTANT
    if (instantField_) {
        nvmlFieldValue_t field{};
        field.fieldId = NVML_FI_DEV_POWER_INSTANT;
        if (nvml.deviceGetFieldValues(device_, 1, &field) == NVML_SUCCESS && field.nvmlReturn == NVML_SUCCESS) {
            return field.value.uiVal / 1000.0;
        }
    }
#endif
    unsigned int milliWatts = 0;
    if (nvml.deviceGetPowerUsage(device_, &milliWatts) != NVML_SUCCESS) return -1;
    return milliWatts / 1000.0;
}

GpuState PowerSampler::readState() {
    const NvmlApi& nvml = requireNvml();
    GpuState state;
    unsigned int value = 0;
    if (nvml.deviceGetClockInfo(device_, NVML_CLOCK_SM, &value) == NVML_SUCCESS) state.smClockMHz = value;
    if (nvml.deviceGetClockInfo(device_, NVML_CLOCK_MEM, &value) == NVML_SUCCESS) state.memoryClockMHz = value;
    if (nvml.deviceGetTemperatureV != nullptr) {
        nvmlTemperature_t temperature{};
        temperature.version = nvmlTemperature_v1;
        temperature.sensorType = NVML_TEMPERATURE_GPU;
        if (nvml.deviceGetTemperatureV(device_, &temperature) == NVML_SUCCESS) state.temperatureC = temperature.temperature;
    }
    if (state.temperatureC < 0 && nvml.deviceGetTemperatureLegacy != nullptr &&
        nvml.deviceGetTemperatureLegacy(device_, NVML_TEMPERATURE_GPU, &value) == NVML_SUCCESS) {
        state.temperatureC = value;
    }
    state.watts = readWatts();
    return state;
}

void PowerSampler::start() {
    QG_THROW_IF(thread_.joinable(), code::kBusy, "the power sampler is already running");
    samples_.clear();
    stopRequested_ = false;
    startState_ = readState();
    startEnergyMilliJoules_ = energyMilliJoules(requireNvml(), device_);
    startedAt_ = std::chrono::steady_clock::now();
    thread_ = std::thread([this] { loop(); });
}

void PowerSampler::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopRequested_) {
        lock.unlock();
        const double watts = readWatts();
        const double at = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - startedAt_).count();
        lock.lock();
        if (watts >= 0) samples_.push_back({at, watts});
        wake_.wait_for(lock, std::chrono::milliseconds(intervalMs_), [this] { return stopRequested_; });
    }
}

PowerTrace PowerSampler::stop() {
    QG_THROW_IF(!thread_.joinable(), code::kInvalidArgument, "the power sampler is not running");
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopRequested_ = true;
    }
    wake_.notify_all();
    thread_.join();
    PowerTrace trace;
    trace.durationMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - startedAt_).count();
    const double endEnergy = energyMilliJoules(requireNvml(), device_);
    if (startEnergyMilliJoules_ >= 0 && endEnergy >= startEnergyMilliJoules_) {
        trace.counterJoules = (endEnergy - startEnergyMilliJoules_) / 1000.0;
    }
    trace.samples = std::move(samples_);
    samples_.clear();
    trace.summary = summarizePower(trace.samples, trace.durationMs);
    trace.powerSource = instantField_ ? "instant" : "average";
    trace.start = startState_;
    trace.end = readState();
    return trace;
}

} // namespace qg
