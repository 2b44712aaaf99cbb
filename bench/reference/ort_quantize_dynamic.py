"""ONNX Runtime's own dynamic quantizer, the reference for quantgate's --mode dynamic.

    python3 bench/reference/ort_quantize_dynamic.py MODEL OUT.onnx [--per-channel] [--reduce-range]

quantize_dynamic with int8 weights (QInt8), MatMul (and Gemm) quantized, after quant_pre_process.
Prints one JSON object: seconds, output path, and how many MatMul/Gemm it quantized (nodes whose
weight comes through DynamicQuantizeLinear/MatMulInteger).
"""
import argparse
import json
import os
import tempfile
import time

import onnx
from onnxruntime.quantization import QuantType, quant_pre_process, quantize_dynamic


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("out")
    parser.add_argument("--per-channel", action="store_true")
    parser.add_argument("--reduce-range", action="store_true")
    args = parser.parse_args()
    start = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        pre = os.path.join(tmp, "pre.onnx")
        quant_pre_process(args.model, pre)
        quantize_dynamic(pre, args.out, weight_type=QuantType.QInt8, per_channel=args.per_channel, reduce_range=args.reduce_range)
    graph = onnx.load(args.out).graph
    ops = [n.op_type for n in graph.node]
    print(json.dumps({"seconds": time.time() - start, "output": args.out, "matMulInteger": ops.count("MatMulInteger"), "dynamicQuantizeLinear": ops.count("DynamicQuantizeLinear"), "floatMatMul": ops.count("MatMul"), "floatGemm": ops.count("Gemm")}))


if __name__ == "__main__":
    main()
