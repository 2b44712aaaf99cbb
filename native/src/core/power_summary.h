// Energy and mean power from a power trace. Pure (no NVML): unit-tested in
// native/test/unit_tests.cc.
#pragma once

#include <vector>

namespace qg {

struct PowerSample {
    double timeMs; // since the sampler started
    double watts;
};

struct PowerSummary {
    double meanWatts = 0;
    double peakWatts = 0;
    double joules = 0;
    int samples = 0;
};

// The integral of power over [0, durationMs]: linear between samples, the first and last sample
// held flat before and after them (NVML reports the power of the moment it is read, so the
// edges are best guessed by their nearest reading). Mean = joules / duration. No samples, or a
// duration of 0: all zeros.
PowerSummary summarizePower(const std::vector<PowerSample>& samples, double durationMs);

} // namespace qg
