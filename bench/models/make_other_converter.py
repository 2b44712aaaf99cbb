"""A model shaped like the output of converters other than a recent PyTorch: for robustness tests.

    /usr/bin/python3 bench/models/make_other_converter.py OUT_DIR

Not trained (seeded random weights, with BatchNorm statistics randomised so that folding them
matters). Exported by torch at opset 11/12 with constant folding off and BatchNormalization kept,
then edited with the `onnx` package into what tf2onnx-era and hand-written exporters produce:

- every weight a Constant node (no initializers), plus the exporter's own shape Constants:
  hundreds of Constant nodes, most of them unnamed;
- unfolded BatchNormalization after Conv and ConvTranspose;
- HardSwish as x·HardSigmoid(x) (no HardSwish op before opset 14), HardSigmoid gates, ReLU6 as Clip
  with min/max inputs;
- opset-11 forms of ops that change at 13: Split with a `split` attribute, Squeeze/Unsqueeze and
  ReduceSum with `axes` attributes, Softmax with 2-D coercion semantics;
- attention: token MatMuls with constant weights plus MatMuls of two activations, Softmax;
  LayerNorm spelt out as ReduceMean/Sub/Pow/Sqrt/Div;
- a decoder with ConvTranspose and Resize (bilinear, scales), two outputs (`logits`, `mask`);
- symbolic dims named like tf2onnx's (`unk__0`), no value_info, IR version 6 or 7.

Writes OUT_DIR/otherconv.onnx (opset 11, IR 6, input `input_1` [unk__0, 3, 64, 64]) and
OUT_DIR/otherconv_dynhw.onnx (opset 12, IR 7, input [unk__0, 3, height, width]: needs its spatial
size given), and OUT_DIR/calib.npy (32 samples, N(0, 1), [32, 3, 64, 64]). Prints op counts.
bench/models/check_other_converter.py (PyPI onnx and onnxruntime) checks them and runs ONNX
Runtime's quantizer on them.
"""
import collections
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper
from torch import nn
from torch.nn import functional as F


def bn(c: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(c)


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads, self.hd = heads, dim // heads
        self.q, self.k, self.v, self.o = (nn.Linear(dim, dim) for _ in range(4))
        self.norm_w = nn.Parameter(torch.ones(dim))
        self.norm_b = nn.Parameter(torch.zeros(dim))

    def layer_norm(self, t):  # spelt out, as converters without a LayerNormalization op write it
        mu = t.mean(-1, keepdim=True)
        var = (t - mu).pow(2).mean(-1, keepdim=True)
        return (t - mu) / torch.sqrt(var + 1e-5) * self.norm_w + self.norm_b

    def forward(self, x):
        n, c, h, w = x.shape
        t = x.flatten(2).transpose(1, 2)  # [n, hw, c]
        u = self.layer_norm(t)
        split = lambda z: z.reshape(n, h * w, self.heads, self.hd).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.q(u)), split(self.k(u)), split(self.v(u))
        att = torch.softmax(torch.matmul(q, k.transpose(2, 3)) / (self.hd**0.5), dim=-1)
        o = torch.matmul(att, v).transpose(1, 2).reshape(n, h * w, c)
        t = t + self.o(o)
        return t.transpose(1, 2).reshape(n, c, h, w)


class OtherNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, 2, 1)
        self.stem_bn = bn(16)
        self.down = nn.Conv2d(16, 32, 3, 2, 1)
        self.down_bn = bn(32)
        self.dw = nn.ModuleList(nn.Conv2d(32, 32, 3, 1, 1, groups=32) for _ in range(6))
        self.dw_bn = nn.ModuleList(bn(32) for _ in range(6))
        self.pw = nn.ModuleList(nn.Conv2d(32, 32, 1) for _ in range(6))
        self.pw_bn = nn.ModuleList(bn(32) for _ in range(6))
        self.se_reduce = nn.Conv2d(32, 8, 1)
        self.se_expand = nn.Conv2d(8, 32, 1)
        self.branch = nn.Conv2d(16, 16, 3, 1, 1)
        self.branch_bn = bn(16)
        self.attention = nn.ModuleList(Attention(32, 2) for _ in range(4))
        self.l2_gamma = nn.Parameter(torch.full((1, 32, 1, 1), 4.0))
        self.fc = nn.Linear(32, 10)
        self.up = nn.ConvTranspose2d(32, 16, 2, 2)
        self.up_bn = bn(16)
        self.mask_conv = nn.Conv2d(16, 1, 1)

    def forward(self, x):
        x = F.hardswish(self.stem_bn(self.stem(x)))
        x = F.relu6(self.down_bn(self.down(x)))
        for dw, dw_bn, pw, pw_bn in zip(self.dw, self.dw_bn, self.pw, self.pw_bn):
            x = x + pw_bn(pw(F.relu6(dw_bn(dw(x)))))
        gate = F.hardsigmoid(self.se_expand(F.relu(self.se_reduce(x.mean((2, 3), keepdim=True)))))
        x = x * gate
        a, b = torch.split(x, 16, dim=1)
        x = torch.cat([a, F.relu(self.branch_bn(self.branch(b)))], dim=1)
        for att in self.attention:
            x = att(x)
        x = x / torch.sqrt((x * x).sum(dim=1, keepdim=True) + 1e-6) * self.l2_gamma
        pooled = x.mean((2, 3), keepdim=True).squeeze(3).squeeze(2)
        logits = torch.softmax(self.fc(pooled), dim=1)
        y = F.relu(self.up_bn(self.up(x)))
        y = F.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=False)
        return logits, torch.sigmoid(self.mask_conv(y))


def randomise_batchnorm(model: nn.Module, gen: torch.Generator) -> None:
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.weight.data = 0.5 + torch.rand(c, generator=gen)
            m.bias.data = 0.2 * torch.randn(c, generator=gen)
            m.running_mean = 0.2 * torch.randn(c, generator=gen)
            m.running_var = 0.5 + 1.5 * torch.rand(c, generator=gen)


def weights_to_constants(proto: onnx.ModelProto) -> None:
    """Move every initializer into a Constant node at the top of the graph, as some converters do."""
    g = proto.graph
    constants = [
        helper.make_node("Constant", [], [t.name], value=numpy_helper.from_array(numpy_helper.to_array(t), t.name))
        for t in g.initializer
    ]
    nodes = constants + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    names = {t.name for t in proto.graph.input}
    kept = [i for i in g.input if i.name in names and i.name not in {c.output[0] for c in constants}]
    del g.input[:]
    g.input.extend(kept)


def converter_style(proto: onnx.ModelProto, ir_version: int) -> None:
    g = proto.graph
    for n in g.node:
        if n.op_type == "Constant":
            n.name = ""  # tf2onnx-era files often leave constants unnamed
    del g.value_info[:]
    proto.ir_version = ir_version
    proto.producer_name = "other-converter (simulated by bench/models/make_other_converter.py)"
    proto.producer_version = "1.0"


def export(model: nn.Module, path: str, opset: int, ir_version: int, dynamic_hw: bool) -> dict:
    axes = {0: "unk__0", 2: "height", 3: "width"} if dynamic_hw else {0: "unk__0"}
    torch.onnx.export(
        model,
        torch.randn(2, 3, 64, 64),
        path,
        opset_version=opset,
        do_constant_folding=False,
        training=torch.onnx.TrainingMode.PRESERVE,
        input_names=["input_1"],
        output_names=["logits", "mask"],
        dynamic_axes={"input_1": axes, "logits": {0: "unk__0"}, "mask": axes},
    )
    proto = onnx.load(path)
    weights_to_constants(proto)
    converter_style(proto, ir_version)
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    ops = collections.Counter(n.op_type for n in proto.graph.node)
    return {"path": path, "opset": opset, "irVersion": ir_version, "nodes": len(proto.graph.node), "ops": dict(sorted(ops.items()))}


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "bench/.models/otherconv"
    os.makedirs(out, exist_ok=True)
    gen = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    model = OtherNet()
    randomise_batchnorm(model, gen)
    model.eval()
    for args in (("otherconv.onnx", 11, 6, False), ("otherconv_dynhw.onnx", 12, 7, True)):
        print(json.dumps(export(model, os.path.join(out, args[0]), *args[1:])))
    calib = np.random.default_rng(0).standard_normal((32, 3, 64, 64)).astype(np.float32)
    np.save(os.path.join(out, "calib.npy"), calib)


if __name__ == "__main__":
    main()
