"""Paddle2ONNX exports for the real-exports corpus: a paddle.vision MobileNetV2 and a small
text-line recognizer shaped like PaddleOCR's (input [-1, 3, 48, -1]), random weights, saved with
paddle.jit.save and converted by paddle2onnx.export at the opsets PaddleOCR's docs use.
Paddle2ONNX 1.x (with paddlepaddle 2.6) writes every weight as a Constant node; its models are
named legacy_*.

    python export_paddle.py OUT_DIR [--small] [--fixtures]    # --fixtures: a tiny recognizer only (CI)
"""
import json
import os
import sys

import numpy as np
import paddle
import paddle2onnx
from paddle import nn
from paddle.static import InputSpec


class TextRecognizer(nn.Layer):
    """Conv/BN/ReLU stages that pool height to 1, then a per-column classifier (CTC-style head)."""

    def __init__(self, classes=37, widths=(16, 32, 64, 64)):
        super().__init__()
        layers, cin = [], 3
        for cout, pool in zip(widths, [(2, 2), (2, 2), (2, 1), (3, 1)]):
            layers += [nn.Conv2D(cin, cout, 3, padding=1), nn.BatchNorm2D(cout), nn.ReLU(), nn.MaxPool2D(pool, pool)]
            cin = cout
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(cin * 2, classes)

    def forward(self, x):
        f = self.body(x)  # [N, 64, 2, W/4]
        n, c, h, w = f.shape
        f = paddle.transpose(f, [0, 3, 1, 2])
        f = paddle.reshape(f, [0, 0, -1])  # [N, W/4, 128]
        return nn.functional.softmax(self.head(f), axis=-1)


def randomise_bn(layer):
    for m in layer.sublayers():
        if isinstance(m, nn.BatchNorm2D):
            m._mean.set_value(paddle.randn(m._mean.shape) * 0.1)
            m._variance.set_value(paddle.rand(m._variance.shape) + 0.5)


LEGACY = paddle2onnx.__version__.startswith(("0.", "1."))


def export(layer, spec, out_dir, name, opset):
    name = f"legacy_{name}" if LEGACY else name
    layer.eval()
    randomise_bn(layer)
    prefix = os.path.join(out_dir, "paddle_src", name, "model")
    paddle.jit.save(layer, prefix, input_spec=spec)
    model_file = prefix + (".json" if os.path.exists(prefix + ".json") else ".pdmodel")
    path = os.path.join(out_dir, f"{name}.onnx")
    paddle2onnx.export(model_file, prefix + ".pdiparams", path, opset_version=opset)
    return path


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    paddle.seed(0)
    made = []
    converter = f"paddle2onnx {paddle2onnx.__version__} (paddlepaddle {paddle.__version__})"
    if "--fixtures" in sys.argv:
        made.append({"file": export(TextRecognizer(11, (8, 8, 16, 16)), [InputSpec([None, 3, 48, None], "float32", "x")], out, "paddle_textrec_tiny", 14),
                     "converter": converter, "opset": 14, "data": {"x": [1, 3, 48, 192]}})
        return finish(out, made)
    made.append({
        "file": export(paddle.vision.models.mobilenet_v2(scale=0.5, num_classes=100), [InputSpec([None, 3, 224, 224], "float32", "x")], out, "paddle_mobilenetv2", 11),
        "converter": converter, "opset": 11, "data": {"x": [1, 3, 224, 224]},
    })
    made.append({
        "file": export(TextRecognizer(), [InputSpec([None, 3, 48, None], "float32", "x")], out, "paddle_textrec", 14),
        "converter": converter, "opset": 14, "data": {"x": [1, 3, 48, 192]},
    })
    finish(out, made)


def finish(out, made):
    for m in made:
        m["file"] = os.path.basename(m["file"])
        with open(os.path.join(out, m["file"].replace(".onnx", ".json")), "w") as f:
            json.dump(m, f, indent=1)
    print("\n".join(m["file"] for m in made))


if __name__ == "__main__":
    main()
