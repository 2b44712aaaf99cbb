"""ResNet50 as an older or careless PyTorch export writes it: opset 11, nothing folded, BatchNormalization kept.

    /usr/bin/python3 bench/models/export_resnet50_raw.py bench/.models/resnet50.raw11.onnx

The same network and weights as bench/export_resnet50.py (torchvision resnet50 v1.5, seed 0, so
the two files compute the same function), exported with `do_constant_folding=False` and
`training=TrainingMode.PRESERVE` on a model in eval mode: each BatchNormalization stays a node in
inference form (one output) instead of being folded into its Conv, and the exporter's
de-duplication of equal parameters (a random-init ResNet's BatchNorms share identical weight, bias,
mean and variance vectors) routes the duplicates through Identity nodes, the pattern issue 4
calls "Identity-routed weights". IR version 6, as torch writes for opset 11. It prints the op
counts and fails if the file lacks either pattern.
"""
import collections
import os
import sys

import onnx
import torch
import torchvision

out = sys.argv[1] if len(sys.argv) > 1 else "bench/.models/resnet50.raw11.onnx"
os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
torch.manual_seed(0)
model = torchvision.models.resnet50().eval()
torch.onnx.export(
    model,
    torch.randn(1, 3, 224, 224),
    out,
    opset_version=11,
    do_constant_folding=False,
    training=torch.onnx.TrainingMode.PRESERVE,
    input_names=["input"],
    output_names=["logits"],
    dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
)
proto = onnx.load(out)
ops = collections.Counter(n.op_type for n in proto.graph.node)
initializers = {t.name for t in proto.graph.initializer}
routed = sum(1 for n in proto.graph.node if n.op_type == "Identity" and n.input[0] in initializers)
print(f"{out}: IR {proto.ir_version}, opset {proto.opset_import[0].version}, {dict(ops)}; {routed} initializers routed through Identity")
if ops["BatchNormalization"] == 0 or routed == 0:
    sys.exit("expected unfolded BatchNormalization and Identity-routed weights")
