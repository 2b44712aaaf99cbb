// What TensorRT says while it works, kept rather than printed: an ILogger that keeps the log
// (for the build log artifact) and an IErrorRecorder that keeps every error, so a failure's
// rejected Promise carries TensorRT's own words. Both are called from TensorRT's threads.
#pragma once

#include <NvInfer.h>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace qg {

class CollectingLogger : public nvinfer1::ILogger {
public:
    // Messages below `threshold` are dropped; `maxLines` bounds memory on a verbose build.
    explicit CollectingLogger(Severity threshold = Severity::kINFO, std::size_t maxLines = 20000)
        : threshold_(threshold), maxLines_(maxLines) {}

    void log(Severity severity, const char* message) noexcept override;

    // The log as text, one "[W] message" line each.
    std::string text() const;
    // Lines of severity kERROR or worse, in order.
    std::vector<std::string> errors() const;

    static const char* tag(Severity severity) noexcept;

private:
    mutable std::mutex mutex_;
    Severity threshold_;
    std::size_t maxLines_;
    std::size_t dropped_ = 0;
    std::vector<std::string> lines_;
    std::vector<std::string> errors_;
};

class CollectingErrorRecorder : public nvinfer1::IErrorRecorder {
public:
    int32_t getNbErrors() const noexcept override;
    nvinfer1::ErrorCode getErrorCode(int32_t errorIdx) const noexcept override;
    ErrorDesc getErrorDesc(int32_t errorIdx) const noexcept override;
    bool hasOverflowed() const noexcept override { return false; }
    void clear() noexcept override;
    bool reportError(nvinfer1::ErrorCode code, ErrorDesc desc) noexcept override;
    RefCount incRefCount() noexcept override { return ++references_; }
    RefCount decRefCount() noexcept override { return --references_; }

    // "kINVALID_ARGUMENT: message" lines, oldest first.
    std::vector<std::string> messages() const;
    bool sawOutOfMemory() const;

private:
    struct Entry {
        nvinfer1::ErrorCode code;
        std::string description;
    };
    mutable std::mutex mutex_;
    std::vector<Entry> entries_;
    std::atomic<RefCount> references_{0};
};

const char* errorCodeName(nvinfer1::ErrorCode code) noexcept;

} // namespace qg
