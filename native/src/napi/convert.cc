#include "convert.h"

#include <cmath>
#include <cstring>

#include "engine_builder.h"
#include "native_error.h"

namespace qg::napi {

CaughtError catchCurrent() {
    CaughtError caught;
    try {
        throw;
    } catch (const BuildError& error) {
        caught.code = error.code();
        caught.message = error.what();
        caught.details = error.details();
        caught.log = error.log();
        caught.hasBuildData = true;
        for (const ParserError& p : error.parserErrors()) {
            caught.parserErrors.push_back({std::to_string(p.node), p.nodeName, p.nodeOperator, p.code, p.description});
        }
    } catch (const NativeError& error) {
        caught.code = error.code();
        caught.message = error.what();
        caught.details = error.details();
    } catch (const std::bad_alloc&) {
        caught.code = code::kOutOfMemory;
        caught.message = "out of host memory";
    } catch (const std::exception& error) {
        caught.code = "ERR_QG_INTERNAL";
        caught.message = error.what();
    } catch (...) {
        caught.code = "ERR_QG_INTERNAL";
        caught.message = "unknown C++ exception";
    }
    return caught;
}

Napi::Error toError(Napi::Env env, const CaughtError& error) {
    Napi::Error js = Napi::Error::New(env, error.message);
    js.Set("code", error.code);
    Napi::Array details = Napi::Array::New(env, error.details.size());
    for (uint32_t i = 0; i < error.details.size(); ++i) details.Set(i, error.details[i]);
    js.Set("details", details);
    if (error.hasBuildData) {
        Napi::Array parserErrors = Napi::Array::New(env, error.parserErrors.size());
        for (uint32_t i = 0; i < error.parserErrors.size(); ++i) {
            const std::vector<std::string>& p = error.parserErrors[i];
            Napi::Object o = Napi::Object::New(env);
            o.Set("node", std::stod(p[0]));
            o.Set("nodeName", p[1]);
            o.Set("nodeOperator", p[2]);
            o.Set("code", p[3]);
            o.Set("description", p[4]);
            parserErrors.Set(i, o);
        }
        js.Set("parserErrors", parserErrors);
        js.Set("log", error.log);
    }
    return js;
}

std::vector<int64_t> toShape(const Napi::Value& value, const std::string& what) {
    if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), what + " must be an array of integers");
    Napi::Array array = value.As<Napi::Array>();
    std::vector<int64_t> shape;
    for (uint32_t i = 0; i < array.Length(); ++i) {
        Napi::Value d = array.Get(i);
        if (!d.IsNumber() || std::floor(d.As<Napi::Number>().DoubleValue()) != d.As<Napi::Number>().DoubleValue()) {
            throw Napi::TypeError::New(value.Env(), what + "[" + std::to_string(i) + "] must be an integer");
        }
        shape.push_back(d.As<Napi::Number>().Int64Value());
    }
    return shape;
}

Napi::Array fromShape(Napi::Env env, const std::vector<int64_t>& shape) {
    Napi::Array array = Napi::Array::New(env, shape.size());
    for (uint32_t i = 0; i < shape.size(); ++i) array.Set(i, static_cast<double>(shape[i]));
    return array;
}

std::vector<uint8_t> bytesOf(const Napi::Value& value, const std::string& what) {
    if (value.IsTypedArray()) {
        Napi::TypedArray array = value.As<Napi::TypedArray>();
        const auto* start = static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
        return std::vector<uint8_t>(start, start + array.ByteLength());
    }
    if (value.IsArrayBuffer()) {
        Napi::ArrayBuffer buffer = value.As<Napi::ArrayBuffer>();
        const auto* start = static_cast<const uint8_t*>(buffer.Data());
        return std::vector<uint8_t>(start, start + buffer.ByteLength());
    }
    throw Napi::TypeError::New(value.Env(), what + " must be a typed array or an ArrayBuffer");
}

HostTensor toHostTensor(const Napi::Value& value, const std::string& what) {
    if (!value.IsObject()) throw Napi::TypeError::New(value.Env(), what + " must be an object {name, dataType, dims, data}");
    Napi::Object o = value.As<Napi::Object>();
    HostTensor tensor;
    if (!o.Get("name").IsString()) throw Napi::TypeError::New(value.Env(), what + ".name must be a string");
    tensor.name = o.Get("name").As<Napi::String>().Utf8Value();
    if (!o.Get("dataType").IsNumber()) throw Napi::TypeError::New(value.Env(), what + ".dataType must be an ONNX type number");
    tensor.dataType = o.Get("dataType").As<Napi::Number>().Int32Value();
    tensor.dims = toShape(o.Get("dims"), what + ".dims");
    tensor.bytes = bytesOf(o.Get("data"), what + ".data");
    return tensor;
}

namespace {
template <typename T>
Napi::Value typed(Napi::Env env, Napi::ArrayBuffer buffer, std::size_t bytes) {
    return Napi::TypedArrayOf<T>::New(env, bytes / sizeof(T), buffer, 0);
}
} // namespace

Napi::Object fromHostTensor(Napi::Env env, HostTensor&& tensor) {
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, tensor.bytes.size());
    if (!tensor.bytes.empty()) std::memcpy(buffer.Data(), tensor.bytes.data(), tensor.bytes.size());
    const std::size_t n = tensor.bytes.size();
    Napi::Value data;
    switch (tensor.dataType) {
    case onnx_type::kFloat: data = typed<float>(env, buffer, n); break;
    case onnx_type::kInt8: data = typed<int8_t>(env, buffer, n); break;
    case onnx_type::kInt32: data = typed<int32_t>(env, buffer, n); break;
    case onnx_type::kInt64: data = typed<int64_t>(env, buffer, n); break;
    case onnx_type::kFloat16:
    case onnx_type::kBfloat16: data = typed<uint16_t>(env, buffer, n); break;
    default: data = typed<uint8_t>(env, buffer, n); break;
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", tensor.name);
    o.Set("dataType", tensor.dataType);
    o.Set("dims", fromShape(env, tensor.dims));
    o.Set("data", data);
    return o;
}

Napi::Array fromDoubles(Napi::Env env, const std::vector<double>& values) {
    Napi::Array array = Napi::Array::New(env, values.size());
    for (uint32_t i = 0; i < values.size(); ++i) array.Set(i, values[i]);
    return array;
}

Napi::Value numberOrNull(Napi::Env env, double value) {
    return value < 0 ? env.Null() : Napi::Number::New(env, value);
}

Napi::Value stringOrNull(Napi::Env env, const std::string& value) {
    return value.empty() ? env.Null() : Napi::String::New(env, value);
}

Napi::Value fromFailure(Napi::Env env, const LibraryFailure* failure) {
    if (failure == nullptr) return env.Null();
    Napi::Object o = Napi::Object::New(env);
    o.Set("library", displayName(failure->library));
    Napi::Array tried = Napi::Array::New(env, failure->attempts.size());
    for (uint32_t i = 0; i < failure->attempts.size(); ++i) {
        Napi::Object attempt = Napi::Object::New(env);
        attempt.Set("candidate", failure->attempts[i].candidate);
        attempt.Set("error", stringOrNull(env, failure->attempts[i].error));
        tried.Set(i, attempt);
    }
    o.Set("tried", tried);
    o.Set("found", stringOrNull(env, failure->found));
    o.Set("required", stringOrNull(env, failure->required));
    o.Set("reason", failure->reason);
    o.Set("fix", failure->fix);
    return o;
}

Napi::Buffer<uint8_t> toBuffer(Napi::Env env, const std::vector<uint8_t>& bytes) {
    return Napi::Buffer<uint8_t>::Copy(env, bytes.data(), bytes.size());
}

namespace {
Napi::Value option(const Napi::Object& options, const char* key) {
    return options.Has(key) ? options.Get(key) : options.Env().Undefined();
}
} // namespace

int intOption(const Napi::Object& options, const char* key, int fallback) {
    Napi::Value v = option(options, key);
    if (v.IsUndefined() || v.IsNull()) return fallback;
    if (!v.IsNumber()) throw Napi::TypeError::New(options.Env(), std::string(key) + " must be a number");
    return v.As<Napi::Number>().Int32Value();
}

double numberOption(const Napi::Object& options, const char* key, double fallback) {
    Napi::Value v = option(options, key);
    if (v.IsUndefined() || v.IsNull()) return fallback;
    if (!v.IsNumber()) throw Napi::TypeError::New(options.Env(), std::string(key) + " must be a number");
    return v.As<Napi::Number>().DoubleValue();
}

bool boolOption(const Napi::Object& options, const char* key, bool fallback) {
    Napi::Value v = option(options, key);
    if (v.IsUndefined() || v.IsNull()) return fallback;
    if (!v.IsBoolean()) throw Napi::TypeError::New(options.Env(), std::string(key) + " must be a boolean");
    return v.As<Napi::Boolean>().Value();
}

} // namespace qg::napi
