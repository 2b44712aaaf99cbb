"""Makes quantgate's demo: a small trained CNN exported from PyTorch to ONNX, with labelled data.

    /usr/bin/python3 examples/demo/make_demo.py        # from the repository root, ~11 minutes on 2 cores

Writes, next to this script:
    glyphs.onnx        the model (opset 17, IR 8): input `image` float32 [batch, 1, 28, 28], output `logits` [batch, 18]
    calibration.npy    128 samples, float32 [128, 1, 28, 28], for INT8 calibration
    eval.npy           1,000 samples, float32 [1000, 1, 28, 28], for accuracy
    labels.txt         the 1,000 evaluation labels, one integer a line
    README.md          how these were made, and the FP32 top-1 as Python onnxruntime measures it

The data are rendered characters (bench/models/glyphs.py: 18 classes, digits and look-alike
letters, strongly jittered); training, calibration and evaluation samples come from disjoint
seeds. The script is also quantgate's example of exporting a PyTorch model for it: see `export`.
Needs Debian's python3-torch (1.13) and Pillow; the check at the end runs `python3` with PyPI
onnxruntime (set ORT_PYTHON to use another interpreter). Everything is seeded.
"""
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench", "models"))
import glyphs  # noqa: E402

SIZE = 28
TRAIN, CALIB, EVAL = 48_000, 128, 1_000
EPOCHS, BATCH = 6, 128
# Channels of the first convolution; the later stages have 2x and 4x. 48, not 16: on the GPU
# machine's 16-core Xeon, ONNX Runtime's int8 convolution splits each image's work among threads, so
# a 16-channel model ran INT8 at half FP32's speed at batch 32 (1.34 vs 0.63 ms); at 48 channels
# INT8 is faster on 16 cores and on 2 (bench/README.md, the demo).
WIDTH = 48


class ResidualBlock(nn.Module):
    """Two 3x3 convolutions with BatchNorm and a skip connection: exports as Conv, Relu, Conv, Add, Relu."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(x + self.bn2(self.conv2(y)))


def conv_bn_relu(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class DemoNet(nn.Module):
    """28x28 → w ch → 2w ch at 14x14 → residual block → 4w ch at 7x7 → global average → Linear."""

    def __init__(self, classes: int, width: int = WIDTH):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn_relu(1, width),
            conv_bn_relu(width, 2 * width, stride=2),
            ResidualBlock(2 * width),
            conv_bn_relu(2 * width, 4 * width, stride=2),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)  # exports as GlobalAveragePool
        self.classifier = nn.Linear(4 * width, classes)  # exports as Gemm

    def forward(self, image):
        x = self.pool(self.features(image))
        return self.classifier(torch.flatten(x, 1))


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> None:
    steps = EPOCHS * (len(x) // BATCH)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    shuffle = torch.Generator().manual_seed(0)
    model.train()
    for epoch in range(EPOCHS):
        order = torch.randperm(len(x), generator=shuffle)
        total, t = 0.0, time.perf_counter()
        for s in range(0, len(x) - BATCH + 1, BATCH):
            idx = order[s : s + BATCH]
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        print(f"epoch {epoch + 1}/{EPOCHS}: loss {total / (len(x) // BATCH):.3f} ({time.perf_counter() - t:.0f} s)")


def export(model: nn.Module, path: str) -> None:
    """The PyTorch → ONNX export quantgate expects; use the same shape of call for your own model."""
    # eval() first: BatchNorm then uses its running statistics (and Dropout, if any, is off).
    # Exported in training mode, BatchNorm would normalise with batch statistics.
    model.eval()
    # A dummy input fixes every dimension the exporter is not told is dynamic.
    dummy = torch.zeros(1, 1, SIZE, SIZE)
    torch.onnx.export(
        model,
        dummy,
        path,
        # Opset 17 is the newest torch 1.13 writes; quantgate wants ≥ 13 for per-channel Q/DQ
        # (it upgrades older models where it can). torch 1.13 writes IR version 8.
        opset_version=17,
        # Names quantgate shows, and that the data files are keyed by in a .npz.
        input_names=["image"],
        output_names=["logits"],
        # Batch is dynamic, so one file serves every --batch-sizes value.
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
        # Folds constant subgraphs, BatchNorm into the preceding Conv included (eval mode).
        do_constant_folding=True,
    )


def write_samples(x: np.ndarray, y: np.ndarray | None, name: str) -> None:
    np.save(os.path.join(HERE, f"{name}.npy"), np.ascontiguousarray(x, dtype=np.float32))
    if y is not None:
        with open(os.path.join(HERE, "labels.txt"), "w") as f:
            f.write("".join(f"{int(v)}\n" for v in y))


def check_with_onnxruntime(model_path: str) -> dict:
    """FP32 top-1 of the exported file, measured by Python onnxruntime (not by torch)."""
    python = os.environ.get("ORT_PYTHON", "python3")
    script = os.path.join(ROOT, "bench", "reference", "eval_onnx.py")
    out = subprocess.run(
        [python, script, model_path, os.path.join(HERE, "eval.npy"), os.path.join(HERE, "labels.txt")],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


README = """# quantgate demo: a small trained CNN with labelled data

`quantgate demo` runs the whole pipeline on these files. They are made by
[`make_demo.py`](make_demo.py), which is also the example of exporting a PyTorch model for
quantgate; run it again from the repository root with Debian's python3-torch (about 11 minutes
on 2 cores):

    /usr/bin/python3 examples/demo/make_demo.py

| file | what |
| --- | --- |
| `glyphs.onnx` | {params:,} parameters; opset 17, IR 8; input `image` float32 [batch, 1, {size}, {size}], output `logits` [batch, {classes}]; {nodes} |
| `calibration.npy` | {calib:,} samples, float32 [{calib}, 1, {size}, {size}] |
| `eval.npy` | {eval:,} samples, float32 [{eval}, 1, {size}, {size}] |
| `labels.txt` | the {eval:,} evaluation labels, one integer a line (classes `{class_string}`) |

**Data.** Rendered characters from [`bench/models/glyphs.py`](../../bench/models/glyphs.py):
the ten digits and eight letters that look like them, drawn in {font}, with random rotation,
shear, scale, translation, stroke width, clutter strokes, occlusion, blur, contrast and noise;
pixels normalised to [-1, 1]. Training ({train:,} samples), calibration and evaluation come from
disjoint seeds ({train_seed}, {calib_seed}, {eval_seed}).

**Model.** Conv-BN-ReLU 1→{w1}, Conv-BN-ReLU {w1}→{w2} stride 2, one residual block of two 3x3
convolutions ({w2} channels, the skip joined by an `Add`), Conv-BN-ReLU {w2}→{w4} stride 2, global
average pool (`GlobalAveragePool`, `Flatten`), Linear {w4}→{classes} (`Gemm`). Trained {epochs} epochs with AdamW and a
one-cycle schedule, batch {batch}, seed 0; exported in eval mode with constant folding, so each
BatchNorm is folded into its Conv.

**Accuracy.** FP32 top-1 on `eval.npy`: **{top1:.2%}** ({correct:,}/{eval:,}; top-5 {top5:.2%}),
measured on the exported file with Python onnxruntime {ort} (`bench/reference/eval_onnx.py`);
torch measured {torch_top1:.2%} before export. On 1,000 samples one top-1 point is within the noise
of a paired comparison: `bench/.models/` (made by `bench/models/make_all.sh`) has larger sets.
"""


def main() -> None:
    torch.manual_seed(0)
    torch.set_num_threads(2)
    t0 = time.perf_counter()
    x_train, y_train = glyphs.generate(TRAIN, glyphs.TRAIN_SEED, SIZE)
    x_calib, _ = glyphs.generate(CALIB, glyphs.CALIB_SEED, SIZE)
    x_eval, y_eval = glyphs.generate(EVAL, glyphs.EVAL_SEED, SIZE)
    print(f"data: {time.perf_counter() - t0:.0f} s ({glyphs.FONT_SOURCE})")

    model = DemoNet(len(glyphs.CLASSES))
    train(model, torch.from_numpy(x_train), torch.from_numpy(y_train))
    model.eval()
    with torch.no_grad():
        torch_top1 = float((model(torch.from_numpy(x_eval)).argmax(1).numpy() == y_eval).mean())
    print(f"torch top-1 on eval: {torch_top1:.4f}")

    model_path = os.path.join(HERE, "glyphs.onnx")
    export(model, model_path)
    write_samples(x_calib, None, "calibration")
    write_samples(x_eval, y_eval, "eval")

    import onnx  # Debian's python3-onnx, a dependency of python3-torch's exporter

    proto = onnx.load(model_path)
    onnx.checker.check_model(proto)
    ops: dict[str, int] = {}
    for n in proto.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    print(f"exported {model_path}: IR {proto.ir_version}, opset {proto.opset_import[0].version}, {ops}")

    result = check_with_onnxruntime(model_path)
    print(json.dumps(result))
    with open(os.path.join(HERE, "README.md"), "w") as f:
        f.write(
            README.format(
                params=sum(p.numel() for p in model.parameters()),
                size=SIZE,
                w1=WIDTH,
                w2=2 * WIDTH,
                w4=4 * WIDTH,
                classes=len(glyphs.CLASSES),
                nodes=", ".join(f"{v} {k}" for k, v in sorted(ops.items())),
                calib=CALIB,
                eval=EVAL,
                train=TRAIN,
                class_string="".join(glyphs.CLASSES),
                font=glyphs.FONT_SOURCE,
                train_seed=glyphs.TRAIN_SEED,
                calib_seed=glyphs.CALIB_SEED,
                eval_seed=glyphs.EVAL_SEED,
                epochs=EPOCHS,
                batch=BATCH,
                top1=result["top1"],
                top5=result["top5"],
                correct=result["correct"],
                ort=result["onnxruntime"],
                torch_top1=torch_top1,
            )
        )
    print(f"done in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
