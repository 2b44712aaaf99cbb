#include "tensorrt_diagnostics.h"

namespace qg {

const char* CollectingLogger::tag(Severity severity) noexcept {
    switch (severity) {
    case Severity::kINTERNAL_ERROR: return "F";
    case Severity::kERROR: return "E";
    case Severity::kWARNING: return "W";
    case Severity::kINFO: return "I";
    case Severity::kVERBOSE: return "V";
    }
    return "?";
}

void CollectingLogger::log(Severity severity, const char* message) noexcept {
    try {
        std::lock_guard<std::mutex> lock(mutex_);
        const std::string text = message != nullptr ? message : "";
        if (severity <= Severity::kERROR) errors_.push_back(text);
        // Severity values grow toward verbose: keep what is at least as severe as the threshold.
        if (severity > threshold_) return;
        if (lines_.size() >= maxLines_) {
            ++dropped_;
            return;
        }
        lines_.push_back(std::string("[") + tag(severity) + "] " + text);
    } catch (...) {
        // Out of memory while logging: TensorRT's log() must not throw; the line is lost.
    }
}

std::string CollectingLogger::text() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    for (const std::string& line : lines_) {
        out += line;
        out += '\n';
    }
    if (dropped_ > 0) out += "[I] (" + std::to_string(dropped_) + " more lines dropped)\n";
    return out;
}

std::vector<std::string> CollectingLogger::errors() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return errors_;
}

int32_t CollectingErrorRecorder::getNbErrors() const noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int32_t>(entries_.size());
}

nvinfer1::ErrorCode CollectingErrorRecorder::getErrorCode(int32_t errorIdx) const noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (errorIdx < 0 || static_cast<std::size_t>(errorIdx) >= entries_.size()) return nvinfer1::ErrorCode::kINVALID_ARGUMENT;
    return entries_[static_cast<std::size_t>(errorIdx)].code;
}

CollectingErrorRecorder::ErrorDesc CollectingErrorRecorder::getErrorDesc(int32_t errorIdx) const noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (errorIdx < 0 || static_cast<std::size_t>(errorIdx) >= entries_.size()) return "index out of range";
    return entries_[static_cast<std::size_t>(errorIdx)].description.c_str();
}

void CollectingErrorRecorder::clear() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.clear();
}

bool CollectingErrorRecorder::reportError(nvinfer1::ErrorCode code, ErrorDesc desc) noexcept {
    try {
        std::lock_guard<std::mutex> lock(mutex_);
        entries_.push_back({code, desc != nullptr ? desc : ""});
    } catch (...) {
        // Nothing to do: reportError must not throw.
    }
    // false: TensorRT goes on to its own handling (returning a failure to the caller).
    return false;
}

std::vector<std::string> CollectingErrorRecorder::messages() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const Entry& entry : entries_) out.push_back(std::string(errorCodeName(entry.code)) + ": " + entry.description);
    return out;
}

bool CollectingErrorRecorder::sawOutOfMemory() const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Entry& entry : entries_) {
        if (entry.code == nvinfer1::ErrorCode::kFAILED_ALLOCATION) return true;
    }
    return false;
}

const char* errorCodeName(nvinfer1::ErrorCode code) noexcept {
    switch (code) {
    case nvinfer1::ErrorCode::kSUCCESS: return "kSUCCESS";
    case nvinfer1::ErrorCode::kUNSPECIFIED_ERROR: return "kUNSPECIFIED_ERROR";
    case nvinfer1::ErrorCode::kINTERNAL_ERROR: return "kINTERNAL_ERROR";
    case nvinfer1::ErrorCode::kINVALID_ARGUMENT: return "kINVALID_ARGUMENT";
    case nvinfer1::ErrorCode::kINVALID_CONFIG: return "kINVALID_CONFIG";
    case nvinfer1::ErrorCode::kFAILED_ALLOCATION: return "kFAILED_ALLOCATION";
    case nvinfer1::ErrorCode::kFAILED_INITIALIZATION: return "kFAILED_INITIALIZATION";
    case nvinfer1::ErrorCode::kFAILED_EXECUTION: return "kFAILED_EXECUTION";
    case nvinfer1::ErrorCode::kFAILED_COMPUTATION: return "kFAILED_COMPUTATION";
    case nvinfer1::ErrorCode::kINVALID_STATE: return "kINVALID_STATE";
    case nvinfer1::ErrorCode::kUNSUPPORTED_STATE: return "kUNSUPPORTED_STATE";
    }
    return "kUNKNOWN";
}

} // namespace qg
