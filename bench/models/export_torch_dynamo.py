"""PyTorch dynamo-exporter models for the real-exports corpus: torchvision ResNet18 and
MobileNetV3-Small (random weights: no download) exported by torch.onnx.export(..., dynamo=True)
at opset 18 (the dynamo exporter's default) with a dynamic batch dim, and a small transformer
encoder (torch.nn.TransformerEncoder: MatMul, LayerNormalization, Softmax) with dynamic batch and
sequence length.

    python export_torch_dynamo.py OUT_DIR [--small] [--fixtures]
    # --small: MobileNetV3-Small only; --fixtures: a one-layer encoder of width 32 only (CI)
"""
import json
import os
import sys

import onnxscript
import torch
import torchvision
from torch.export import Dim


class Encoder(torch.nn.Module):
    def __init__(self, width=64, classes=10, layers=2):
        super().__init__()
        self.embed = torch.nn.Linear(16, width)
        layer = torch.nn.TransformerEncoderLayer(width, nhead=4, dim_feedforward=2 * width, batch_first=True, dropout=0.0)
        self.body = torch.nn.TransformerEncoder(layer, num_layers=layers, enable_nested_tensor=False)
        self.head = torch.nn.Linear(width, classes)

    def forward(self, x):
        return self.head(self.body(self.embed(x)).mean(dim=1))


def randomise_bn(model):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.normal_(0, 0.1)
            m.running_var.uniform_(0.5, 1.5)


def export(model, example, dynamic, out_dir, name, opset=18):
    model.eval()
    randomise_bn(model)
    path = os.path.join(out_dir, f"{name}.onnx")
    program = torch.onnx.export(model, (example,), dynamo=True, opset_version=opset, dynamic_shapes=(dynamic,), input_names=["input"], output_names=["output"])
    program.save(path)
    return {
        "file": f"{name}.onnx",
        "converter": f"torch.onnx dynamo (torch {torch.__version__}, onnxscript {onnxscript.__version__})",
        "opset": opset,
        "data": {"input": [1, *example.shape[1:]]},
    }


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    batch = Dim("batch", min=1, max=1024)
    sequence = Dim("sequence", min=2, max=512)
    if "--fixtures" in sys.argv:
        made = [export(Encoder(32, 10, 1), torch.randn(2, 32, 16), {0: batch, 1: sequence}, out, "torch_encoder_tiny")]
        made[-1]["data"] = {"input": [1, 32, 16]}
        return finish(out, made)
    made = [export(torchvision.models.mobilenet_v3_small(num_classes=100), torch.randn(2, 3, 224, 224), {0: batch}, out, "torch_mobilenetv3")]
    if "--small" not in sys.argv:
        made.append(export(torchvision.models.resnet18(), torch.randn(2, 3, 224, 224), {0: batch}, out, "torch_resnet18"))
        made.append(export(Encoder(), torch.randn(2, 32, 16), {0: batch, 1: sequence}, out, "torch_encoder"))
        made[-1]["data"] = {"input": [1, 32, 16]}
    finish(out, made)


def finish(out, made):
    for m in made:
        with open(os.path.join(out, m["file"].replace(".onnx", ".json")), "w") as f:
            json.dump(m, f, indent=1)
    print("\n".join(m["file"] for m in made))


if __name__ == "__main__":
    main()
