"""Trains one of the bench glyph classifiers and exports it to ONNX (opset 17, IR 8, dynamic batch).

    /usr/bin/python3 bench/models/train_glyphs.py ARCH OUT.onnx [--train 80000] [--epochs 8] [--eval-data DIR]

ARCH is one of
  glyphnet     a residual CNN: stem + three stages of two basic blocks (16/32/64 channels), 1x1
               projection shortcuts where the shape changes: 15 Conv (BN folded), 6 Add, ReLU,
               GlobalAveragePool, Gemm. The "deeper than a few layers, with residual Adds" model.
  glyphmobile  MobileNetV3-like: inverted residuals with depthwise convolutions, HardSwish,
               squeeze-excitation (GlobalAveragePool, 1x1 Conv, HardSigmoid, Mul), Adds, two Gemm.
  glyphformer  a small vision transformer: 4x4 patch Conv, learned position embedding, three
               pre-norm blocks of 4-head self-attention (MatMul of activations, Softmax) and a
               GELU MLP, LayerNormalization, mean over tokens, Gemm. The MatMul-heavy model.

Input `image` float32 [batch, 1, 32, 32] (glyphs.py's normalisation), output `logits` [batch, 18].
Training data: glyphs.generate(TRAIN, glyphs.TRAIN_SEED); AdamW with a one-cycle schedule, batch
128, seeded. With --eval-data (make_glyph_data.py's folder) it prints torch's top-1 on it.
Runs on 2 CPU threads: a few minutes each.
"""
import argparse
import json
import math
import os
import time

# torch runs its own 2 OpenMP threads; a multi-threaded BLAS underneath only oversubscribes them.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import torch
from torch import nn

import glyphs

CLASSES = len(glyphs.CLASSES)


# ---- glyphnet ---------------------------------------------------------------------------------
class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = (
            nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
            if stride != 1 or cin != cout
            else nn.Identity()
        )

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class GlyphNet(nn.Module):
    def __init__(self, widths=(16, 32, 64)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU())
        blocks, cin = [], widths[0]
        for i, w in enumerate(widths):
            blocks += [BasicBlock(cin, w, 1 if i == 0 else 2), BasicBlock(w, w, 1)]
            cin = w
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, CLASSES)

    def forward(self, image):
        return self.fc(torch.flatten(self.pool(self.blocks(self.stem(image))), 1))


# ---- glyphmobile ------------------------------------------------------------------------------
class SqueezeExcite(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        squeezed = max(8, channels // 4)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.reduce = nn.Conv2d(channels, squeezed, 1)
        self.expand = nn.Conv2d(squeezed, channels, 1)

    def forward(self, x):
        s = self.expand(torch.relu(self.reduce(self.pool(x))))
        return x * nn.functional.hardsigmoid(s)


class InvertedResidual(nn.Module):
    def __init__(self, cin: int, expanded: int, cout: int, stride: int, act: type, se: bool):
        super().__init__()
        self.residual = stride == 1 and cin == cout
        layers = [nn.Conv2d(cin, expanded, 1, bias=False), nn.BatchNorm2d(expanded), act()]
        layers += [nn.Conv2d(expanded, expanded, 3, stride, 1, groups=expanded, bias=False), nn.BatchNorm2d(expanded), act()]
        if se:
            layers.append(SqueezeExcite(expanded))
        layers += [nn.Conv2d(expanded, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class GlyphMobile(nn.Module):
    CONFIG = [  # cin, expanded, cout, stride, activation, squeeze-excite
        (16, 48, 16, 1, nn.ReLU, False),
        (16, 64, 24, 2, nn.ReLU, False),
        (24, 72, 24, 1, nn.ReLU, False),
        (24, 96, 40, 2, nn.Hardswish, True),
        (40, 120, 40, 1, nn.Hardswish, True),
        (40, 160, 48, 1, nn.Hardswish, True),
    ]

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.Hardswish())
        self.blocks = nn.Sequential(*[InvertedResidual(*c) for c in self.CONFIG])
        self.head = nn.Sequential(nn.Conv2d(48, 192, 1, bias=False), nn.BatchNorm2d(192), nn.Hardswish())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(192, 128), nn.Hardswish(), nn.Linear(128, CLASSES))

    def forward(self, image):
        x = self.head(self.blocks(self.stem(image)))
        return self.classifier(torch.flatten(self.pool(x), 1))


# ---- glyphformer ------------------------------------------------------------------------------
class Attention(nn.Module):
    """Written out (not nn.MultiheadAttention) so the export shows the two activation MatMuls."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = torch.softmax((q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim)), dim=-1)
        return self.proj((att @ v).transpose(1, 2).reshape(b, n, d))


class Block(nn.Module):
    def __init__(self, dim: int, heads: int, hidden: int):
        super().__init__()
        self.norm1, self.att = nn.LayerNorm(dim), Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x):
        x = x + self.att(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class GlyphFormer(nn.Module):
    def __init__(self, dim: int = 64, depth: int = 3, heads: int = 4, patch: int = 4, size: int = 32):
        super().__init__()
        self.embed = nn.Conv2d(1, dim, patch, patch)
        self.position = nn.Parameter(torch.randn(1, (size // patch) ** 2, dim) * 0.02)
        self.blocks = nn.Sequential(*[Block(dim, heads, 2 * dim) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.fc = nn.Linear(dim, CLASSES)

    def forward(self, image):
        x = self.embed(image).flatten(2).transpose(1, 2) + self.position
        return self.fc(self.norm(self.blocks(x)).mean(dim=1))


ARCHS = {"glyphnet": GlyphNet, "glyphmobile": GlyphMobile, "glyphformer": GlyphFormer}
# Learning rates that train each in a few epochs; the transformer wants a gentler one.
LR = {"glyphnet": 4e-3, "glyphmobile": 4e-3, "glyphformer": 2e-3}


def train(model, x, y, epochs: int, lr: float, batch: int = 128):
    steps = epochs * (len(x) // batch)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    shuffle = torch.Generator().manual_seed(0)
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(len(x), generator=shuffle)
        total, hits, t = 0.0, 0, time.perf_counter()
        for s in range(0, len(x) - batch + 1, batch):
            idx = order[s : s + batch]
            logits = model(x[idx])
            loss = nn.functional.cross_entropy(logits, y[idx])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 2.0)
            opt.step()
            sched.step()
            total += loss.item()
            hits += int((logits.argmax(1) == y[idx]).sum())
        n = len(x) // batch
        print(f"epoch {epoch + 1}/{epochs}: loss {total / n:.3f}, train top-1 {hits / (n * batch):.3f} ({time.perf_counter() - t:.0f} s)", flush=True)


def top1(model, x: np.ndarray, y: np.ndarray) -> float:
    model.eval()
    hits = 0
    with torch.no_grad():
        for s in range(0, len(x), 500):
            hits += int((model(torch.from_numpy(x[s : s + 500])).argmax(1).numpy() == y[s : s + 500]).sum())
    return hits / len(x)


def export(model, path: str, size: int) -> dict:
    model.eval()
    torch.onnx.export(
        model,
        torch.zeros(1, 1, size, size),
        path,
        opset_version=17,
        input_names=["image"],
        output_names=["logits"],
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
        do_constant_folding=True,
    )
    import onnx

    proto = onnx.load(path)
    onnx.checker.check_model(proto)
    ops: dict[str, int] = {}
    for n in proto.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    return {"irVersion": proto.ir_version, "opset": proto.opset_import[0].version, "ops": ops}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("arch", choices=ARCHS)
    ap.add_argument("out")
    ap.add_argument("--train", type=int, default=80_000)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--eval-data", help="make_glyph_data.py's folder, for torch's top-1")
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(2)
    t0 = time.perf_counter()
    x, y = glyphs.generate(args.train, glyphs.TRAIN_SEED, args.size)
    print(f"{args.arch}: {len(x)} training samples in {time.perf_counter() - t0:.0f} s", flush=True)
    model = ARCHS[args.arch]()
    params = sum(p.numel() for p in model.parameters())
    train(model, torch.from_numpy(x), torch.from_numpy(y), args.epochs, LR[args.arch])
    del x, y
    info = {"arch": args.arch, "params": params, "trainSamples": args.train, "epochs": args.epochs}
    if args.eval_data:
        ex = np.load(os.path.join(args.eval_data, "eval.npy"))
        with open(os.path.join(args.eval_data, "labels.txt")) as f:
            ey = np.array([int(v) for v in f], dtype=np.int64)
        info["torchTop1"] = top1(model, ex, ey)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    info.update(export(model, args.out, args.size))
    info["seconds"] = round(time.perf_counter() - t0)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
