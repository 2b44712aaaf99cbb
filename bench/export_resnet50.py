"""Exports torchvision's ResNet50 (v1.5, random weights: no download) to ONNX for the benchmarks.

    /usr/bin/python3 bench/export_resnet50.py bench/.models/resnet50.onnx

Uses Debian's python3-torch/python3-torchvision. Opset 17 and IR 8, which onnxruntime-node runs.
Weights are random (seeded): the I/O and speed benchmarks do not depend on their values.
"""
import os
import sys

import torch
import torchvision

out = sys.argv[1] if len(sys.argv) > 1 else "bench/.models/resnet50.onnx"
os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
torch.manual_seed(0)
model = torchvision.models.resnet50().eval()
torch.onnx.export(
    model,
    torch.randn(1, 3, 224, 224),
    out,
    opset_version=17,
    input_names=["input"],
    output_names=["logits"],
    dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
)
print(out)
