#include "power_summary.h"

#include <algorithm>

namespace qg {

PowerSummary summarizePower(const std::vector<PowerSample>& samples, double durationMs) {
    PowerSummary summary;
    summary.samples = static_cast<int>(samples.size());
    if (samples.empty() || durationMs <= 0) return summary;
    double milliJoules = 0; // W·ms
    double peak = samples.front().watts;
    // Before the first sample.
    milliJoules += samples.front().watts * std::max(0.0, std::min(samples.front().timeMs, durationMs));
    for (std::size_t i = 1; i < samples.size(); ++i) {
        const PowerSample& a = samples[i - 1];
        const PowerSample& b = samples[i];
        peak = std::max(peak, b.watts);
        const double from = std::max(0.0, a.timeMs);
        const double to = std::min(durationMs, b.timeMs);
        if (to <= from || b.timeMs <= a.timeMs) continue;
        // Trapezoid over the part of [a, b] inside [0, duration], interpolating the end points.
        const double slope = (b.watts - a.watts) / (b.timeMs - a.timeMs);
        const double wFrom = a.watts + slope * (from - a.timeMs);
        const double wTo = a.watts + slope * (to - a.timeMs);
        milliJoules += (wFrom + wTo) / 2 * (to - from);
    }
    // After the last sample.
    milliJoules += samples.back().watts * std::max(0.0, durationMs - std::max(0.0, samples.back().timeMs));
    summary.joules = milliJoules / 1000.0;
    summary.meanWatts = milliJoules / durationMs;
    summary.peakWatts = peak;
    return summary;
}

} // namespace qg
