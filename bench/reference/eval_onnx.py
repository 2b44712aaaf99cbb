"""Top-1 (and top-5) of an ONNX classifier on an evaluation set, with Python onnxruntime.

An independent check of quantgate's accuracy numbers: nothing here is shared with quantgate.

    python3 bench/reference/eval_onnx.py MODEL EVAL.npy LABELS.txt [--batch 256] [--threads 2]
        [--output NAME] [--predictions OUT.npy] [--disable-optimizations]

EVAL.npy is one array, samples along axis 0 (or a folder of .npy files, read in byte-wise sorted
name order and concatenated along axis 0); LABELS is a text file with one integer a line or a
.npy of integers. Prints one JSON object: model, samples, top1, top5 (fractions), correct,
seconds, providers, onnxruntime version. `--predictions` saves the top-1 class of each sample,
so two models can be compared sample by sample (a paired bootstrap, say).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import onnxruntime as ort


def load_samples(path: str) -> np.ndarray:
    if os.path.isdir(path):
        names = sorted((n for n in os.listdir(path) if n.endswith(".npy")), key=lambda n: n.encode())
        return np.concatenate([np.load(os.path.join(path, n)) for n in names])
    return np.load(path)


def load_labels(path: str) -> np.ndarray:
    if path.endswith(".npy"):
        return np.load(path).astype(np.int64).reshape(-1)
    with open(path) as f:
        return np.array([int(line) for line in f if line.strip()], dtype=np.int64)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("samples")
    ap.add_argument("labels")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--output", help="output to score (default: the first)")
    ap.add_argument("--predictions", help="save the top-1 class per sample here (.npy)")
    ap.add_argument(
        "--disable-optimizations",
        action="store_true",
        help="graph optimisations off: Q/DQ pairs run as float arithmetic, no fused int8 kernels",
    )
    args = ap.parse_args()

    x = load_samples(args.samples)
    y = load_labels(args.labels)
    if len(x) != len(y):
        sys.exit(f"{args.samples} has {len(x)} samples but {args.labels} has {len(y)} labels")
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    opts.inter_op_num_threads = 1
    if args.disable_optimizations:
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    sess = ort.InferenceSession(args.model, opts, providers=["CPUExecutionProvider"])
    feed_name = sess.get_inputs()[0].name
    out_name = args.output or sess.get_outputs()[0].name

    t = time.perf_counter()
    top1 = np.empty(len(x), dtype=np.int64)
    top5_hit = np.empty(len(x), dtype=bool)
    for s in range(0, len(x), args.batch):
        logits = sess.run([out_name], {feed_name: x[s : s + args.batch]})[0]
        logits = logits.reshape(logits.shape[0], -1)
        top1[s : s + len(logits)] = logits.argmax(1)
        k = min(5, logits.shape[1])
        best = np.argpartition(-logits, k - 1, axis=1)[:, :k]
        top5_hit[s : s + len(logits)] = (best == y[s : s + len(logits), None]).any(1)
    seconds = time.perf_counter() - t
    correct = int((top1 == y).sum())
    if args.predictions:
        np.save(args.predictions, top1)
    print(
        json.dumps(
            {
                "model": args.model,
                "output": out_name,
                "samples": len(x),
                "correct": correct,
                "top1": correct / len(x),
                "top5": float(top5_hit.mean()),
                "seconds": round(seconds, 3),
                "optimizations": not args.disable_optimizations,
                "onnxruntime": ort.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
