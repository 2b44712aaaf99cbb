"""Synthetic calibration images for ImageNet models (ResNet50): no real images can be downloaded here.

    python3 bench/models/make_imagenet_like.py OUT_DIR [--count 64] [--size 224] [--seed 0]

Each image is a smooth random scene (a few low-frequency colour gradients and waves, soft
ellipses and rectangles, mild texture noise) with RGB values in [0, 1], then normalised as
torchvision's ImageNet preset does: (x - mean) / std with mean (0.485, 0.456, 0.406) and std
(0.229, 0.224, 0.225), NCHW. The statistics are image-like (smooth, bounded, correlated channels),
which is what calibration timing and memory depend on; the values of a random-weight ResNet50's
activations do not mean anything.

OUT_DIR/calib/00000.npy …   one float32 [1, 3, size, size] a sample
OUT_DIR/calib.npy           all of them, float32 [count, 3, size, size]
Numpy only, so either python can run it; the same seed gives the same bytes.
"""
import argparse
import os

import numpy as np

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32).reshape(3, 1, 1)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32).reshape(3, 1, 1)


def scene(rng: np.random.Generator, size: int) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    img = np.empty((3, size, size), dtype=np.float32)
    base = rng.uniform(0.1, 0.9, 3)
    gx, gy = rng.uniform(-0.5, 0.5, (2, 3))
    for c in range(3):
        img[c] = base[c] + gx[c] * (xx - 0.5) + gy[c] * (yy - 0.5)
    for _ in range(int(rng.integers(1, 4))):  # waves
        fx, fy = rng.uniform(0.5, 6, 2)
        phase = rng.uniform(0, 2 * np.pi)
        wave = np.sin(2 * np.pi * (fx * xx + fy * yy) + phase)
        img += rng.uniform(0.02, 0.15, (3, 1, 1)).astype(np.float32) * wave
    for _ in range(int(rng.integers(2, 8))):  # soft ellipses and rectangles of one colour each
        cx, cy = rng.uniform(0, 1, 2)
        rx, ry = rng.uniform(0.05, 0.35, 2)
        colour = rng.uniform(0, 1, (3, 1, 1)).astype(np.float32)
        if rng.random() < 0.5:
            d = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2
            mask = np.clip(1.5 - d, 0, 1)
        else:
            mask = ((np.abs(xx - cx) < rx) & (np.abs(yy - cy) < ry)).astype(np.float32)
        img = img * (1 - mask) + colour * mask
    img += rng.normal(0, rng.uniform(0.005, 0.04), img.shape).astype(np.float32)
    return np.clip(img, 0, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=64)
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(os.path.join(args.out, "calib"), exist_ok=True)
    batch = np.empty((args.count, 3, args.size, args.size), dtype=np.float32)
    for i in range(args.count):
        batch[i] = (scene(np.random.default_rng([args.seed, i]), args.size) - MEAN) / STD
        np.save(os.path.join(args.out, "calib", f"{i:05d}.npy"), batch[i : i + 1])
    np.save(os.path.join(args.out, "calib.npy"), batch)
    print(f"{args.out}: {batch.shape}, mean {batch.mean():.3f}, std {batch.std():.3f}")


if __name__ == "__main__":
    main()
