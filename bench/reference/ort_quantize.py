"""ONNX Runtime's own Python quantizer with its best documented recipe for the CPU: the reference.

    python3 bench/reference/ort_quantize.py MODEL CALIB [--out OUT.onnx] [--method minmax|entropy|percentile]
        [--reduce-range | --no-reduce-range] [--types U8S8|U8U8|S8S8] [--no-preprocess] [--batch 1]
        [--percentile 99.999] [--limit N]

The recipe (onnxruntime.ai, "Quantize ONNX models"): `quant_pre_process` (symbolic shape
inference, ONNX Runtime's basic graph optimisations, ONNX shape inference), then `quantize_static`
with the QDQ format, per-channel weights, uint8 activations and int8 weights (U8S8, the x86 CPU
default). On x86 CPUs without VNNI, ONNX Runtime's U8S8 kernels use VPMADDUBSW, whose int16
intermediate can saturate; the docs' remedy is `reduce_range` (7-bit weights). `--reduce-range`
defaults to on when /proc/cpuinfo shows no VNNI flag (avx512_vnni, avx_vnni, amx_int8) and off
otherwise; pass it explicitly to compare.

CALIB is one .npy (samples along axis 0) or a folder of .npy files (byte-wise sorted names, each
one sample or a batch), fed to the model's first input `--batch` samples at a time.

Prints one JSON object: preprocessSeconds, quantizeSeconds (calibration + writing), peak RSS in
bytes after each stage (getrusage ru_maxrss: the process's high-water mark, so the second is the
whole run's), the output path, quantized/total counts of Conv, ConvTranspose, Gemm and MatMul,
and whether the written model loads in onnxruntime (with the error if not). A crash of either
step is caught and reported in the JSON (`error`, `stage`) with exit status 1.
"""
import argparse
import json
import os
import resource
import sys
import tempfile
import time
import traceback

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.quantization import (
    CalibrationDataReader,
    CalibrationMethod,
    QuantFormat,
    QuantType,
    quant_pre_process,
    quantize_static,
)

TYPES = {
    "U8S8": (QuantType.QUInt8, QuantType.QInt8),
    "U8U8": (QuantType.QUInt8, QuantType.QUInt8),
    "S8S8": (QuantType.QInt8, QuantType.QInt8),
}
METHODS = {
    "minmax": CalibrationMethod.MinMax,
    "entropy": CalibrationMethod.Entropy,
    "percentile": CalibrationMethod.Percentile,
}
COUNTED = ("Conv", "ConvTranspose", "Gemm", "MatMul")


def cpu_has_vnni() -> bool:
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "").split()
    except OSError:
        return False
    return any(f in flags for f in ("avx512_vnni", "avx_vnni", "amx_int8"))


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def load_calibration(path: str, limit: int | None) -> np.ndarray:
    if os.path.isdir(path):
        names = sorted((n for n in os.listdir(path) if n.endswith(".npy")), key=lambda n: n.encode())
        arrays, total = [], 0
        for n in names:
            a = np.load(os.path.join(path, n))
            arrays.append(a)
            total += len(a)
            if limit and total >= limit:
                break
        x = np.concatenate(arrays)
    else:
        x = np.load(path)
    return x[:limit] if limit else x


class NpyReader(CalibrationDataReader):
    def __init__(self, x: np.ndarray, input_name: str, batch: int):
        self.x, self.name, self.batch, self.pos = x, input_name, batch, 0

    def get_next(self):
        if self.pos >= len(self.x):
            return None
        feed = {self.name: self.x[self.pos : self.pos + self.batch]}
        self.pos += self.batch
        return feed

    def rewind(self):
        self.pos = 0


def count_quantized(path: str) -> dict:
    """quantized/total per op type: a node counts as quantized when its first two inputs come from DequantizeLinear."""
    g = onnx.load(path, load_external_data=False).graph
    producer = {o: n.op_type for n in g.node for o in n.output}
    counts = {}
    for op in COUNTED:
        nodes = [n for n in g.node if n.op_type == op]
        q = sum(1 for n in nodes if all(producer.get(i) == "DequantizeLinear" for i in n.input[:2]))
        counts[op] = [q, len(nodes)]
    return counts


def check_loads(path: str) -> str | None:
    try:
        ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        return None
    except Exception as e:  # the point is to report whatever it raises
        return f"{type(e).__name__}: {e}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("calibration")
    ap.add_argument("--out", help="default: MODEL with .ortref.int8.onnx")
    ap.add_argument("--method", choices=METHODS, default="minmax")
    ap.add_argument("--reduce-range", action=argparse.BooleanOptionalAction, default=None)
    ap.add_argument("--types", choices=TYPES, default="U8S8", help="activation and weight types")
    ap.add_argument("--no-per-channel", action="store_true")
    ap.add_argument("--no-preprocess", action="store_true", help="skip quant_pre_process (the raw-export case)")
    ap.add_argument("--batch", type=int, default=1, help="samples per calibration run")
    ap.add_argument("--limit", type=int, help="use the first N calibration samples")
    ap.add_argument("--percentile", type=float, help="CalibPercentile (ONNX Runtime's default: 99.999)")
    args = ap.parse_args()

    vnni = cpu_has_vnni()
    reduce_range = (not vnni) if args.reduce_range is None else args.reduce_range
    out = args.out or (args.model[:-5] if args.model.endswith(".onnx") else args.model) + ".ortref.int8.onnx"
    activation_type, weight_type = TYPES[args.types]
    result = {
        "model": args.model,
        "output": out,
        "method": args.method,
        "types": args.types,
        "perChannel": not args.no_per_channel,
        "reduceRange": reduce_range,
        "cpuVnni": vnni,
        "preprocess": not args.no_preprocess,
        "onnxruntime": ort.__version__,
        "onnx": onnx.__version__,
    }
    x = load_calibration(args.calibration, args.limit)
    result["samples"] = int(len(x))
    input_name = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"]).get_inputs()[0].name
    result["peakRssBytesBefore"] = peak_rss()

    work = tempfile.mkdtemp(prefix="ortref-")
    stage = "preprocess"
    try:
        source = args.model
        t = time.perf_counter()
        if not args.no_preprocess:
            source = os.path.join(work, "preprocessed.onnx")
            quant_pre_process(args.model, source)
        result["preprocessSeconds"] = round(time.perf_counter() - t, 3)
        result["peakRssBytesAfterPreprocess"] = peak_rss()

        stage = "quantize"
        extra = {}
        if args.percentile is not None:
            extra["CalibPercentile"] = args.percentile
        t = time.perf_counter()
        quantize_static(
            source,
            out,
            NpyReader(x, input_name, args.batch),
            quant_format=QuantFormat.QDQ,
            per_channel=not args.no_per_channel,
            reduce_range=reduce_range,
            activation_type=activation_type,
            weight_type=weight_type,
            calibrate_method=METHODS[args.method],
            extra_options=extra,
        )
        result["quantizeSeconds"] = round(time.perf_counter() - t, 3)
        result["peakRssBytes"] = peak_rss()
        stage = "inspect"
        result["quantized"] = count_quantized(out)
        result["opset"] = next(o.version for o in onnx.load(out, load_external_data=False).opset_import if o.domain in ("", "ai.onnx"))
        result["loadError"] = check_loads(out)
        result["loads"] = result["loadError"] is None
        status = 0
    except Exception as e:
        result["stage"] = stage
        result["error"] = f"{type(e).__name__}: {e}"
        result["traceback"] = traceback.format_exc().splitlines()[-8:]
        result["peakRssBytes"] = peak_rss()
        status = 1
    print(json.dumps(result))
    sys.exit(status)


if __name__ == "__main__":
    main()
