"""Checks the other-converter models and records what ONNX Runtime's own quantizer does with them.

    python3 bench/models/check_other_converter.py bench/.models/otherconv

For otherconv.onnx and otherconv_dynhw.onnx (made by make_other_converter.py): onnx.checker
(full check, with shape inference), then a Python onnxruntime run on random input (the dynamic-HW
file at 64x64 and at 48x80); then bench/reference/ort_quantize.py (quant_pre_process + quantize_static,
QDQ, per channel, U8S8) with and without its pre-processing, each in its own process so a crash
is recorded rather than fatal. Whether each written model loads in onnxruntime and runs on the
calibration data is recorded too. Writes OUT/report.json and prints a summary.
"""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
QUANTIZE = os.path.join(HERE, "..", "reference", "ort_quantize.py")


def check(path: str) -> dict:
    info: dict = {}
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        info["checker"] = "ok"
    except Exception as e:
        info["checker"] = f"{type(e).__name__}: {e}"
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    info["inputs"] = [(i.name, i.shape) for i in sess.get_inputs()]
    info["outputs"] = [(o.name, o.shape) for o in sess.get_outputs()]
    runs = {}
    for h, w in ((64, 64), (48, 80)):
        if h != 64 and not isinstance(sess.get_inputs()[0].shape[2], str):
            continue
        x = np.random.default_rng(1).standard_normal((2, 3, h, w)).astype(np.float32)
        outs = sess.run(None, {sess.get_inputs()[0].name: x})
        runs[f"{h}x{w}"] = [list(o.shape) for o in outs]
    info["onnxruntime"] = runs
    return info


def quantize(model: str, calib: str, out: str, preprocess: bool) -> dict:
    cmd = [sys.executable, QUANTIZE, model, calib, "--out", out, "--batch", "8"]
    if not preprocess:
        cmd.append("--no-preprocess")
    p = subprocess.run(cmd, capture_output=True, text=True)
    try:
        result = json.loads(p.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):  # the process died without its JSON line
        result = {"error": f"exit status {p.returncode}", "stderrTail": p.stderr.strip().splitlines()[-12:]}
    result["exitStatus"] = p.returncode
    if result.get("loads"):
        try:
            sess = ort.InferenceSession(out, providers=["CPUExecutionProvider"])
            sess.run(None, {sess.get_inputs()[0].name: np.load(calib)[:4]})
            result["runs"] = True
        except Exception as e:
            result["runs"] = False
            result["runError"] = f"{type(e).__name__}: {e}"
    return result


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "bench/.models/otherconv"
    calib = os.path.join(out, "calib.npy")
    report = {"onnxruntime": ort.__version__, "onnx": onnx.__version__, "models": {}}
    for name in ("otherconv", "otherconv_dynhw"):
        path = os.path.join(out, f"{name}.onnx")
        entry = check(path)
        for pre in (True, False):
            tag = "preprocessed" if pre else "raw"
            entry[f"ortQuantize_{tag}"] = quantize(path, calib, os.path.join(out, f"{name}.ortref.{tag}.int8.onnx"), pre)
        report["models"][name] = entry
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
    for name, e in report["models"].items():
        print(f"{name}: checker {e['checker']}; onnxruntime outputs {e['onnxruntime']}")
        for tag in ("preprocessed", "raw"):
            r = e[f"ortQuantize_{tag}"]
            if "error" in r:
                print(f"  ORT quantizer ({tag}): FAILED in {r.get('stage', '?')}: {r['error'][:400]}")
            else:
                print(
                    f"  ORT quantizer ({tag}): wrote opset {r['opset']}, loads={r['loads']}"
                    + (f" ({r['loadError'][:400]})" if not r["loads"] else f", runs={r.get('runs')}")
                    + f", quantized {r['quantized']}"
                )


if __name__ == "__main__":
    main()
