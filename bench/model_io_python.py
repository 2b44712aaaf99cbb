"""Python onnx's side of bench/model-io.ts: onnx.load and onnx.save once in a fresh process, peak RSS."""
import json
import os
import resource
import sys
import time

import onnx

path, out = sys.argv[1], sys.argv[2]
t = time.perf_counter()
model = onnx.load(path)
load_ms = (time.perf_counter() - t) * 1000
t = time.perf_counter()
onnx.save(model, out)
save_ms = (time.perf_counter() - t) * 1000
del model
# Peak before the check below, which reads both files again.
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
with open(out, "rb") as a, open(path, "rb") as b:
    identical = a.read() == b.read()
os.remove(out)
print(json.dumps({"readMs": load_ms, "writeMs": save_ms, "peakRssBytes": peak, "identical": identical, "onnx": onnx.__version__}))
