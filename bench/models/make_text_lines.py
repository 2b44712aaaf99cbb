"""Rendered text lines for the text recognizer bench: black words on light, slightly noisy
backgrounds, 48×320, normalised to [-1, 1] as RapidOCR feeds PP-OCR's recognizer.

    /usr/bin/python3 bench/models/make_text_lines.py OUT [--calib 64] [--eval 256] [--seed 0]

Writes OUT/calib.npy and OUT/eval.npy (float32, N×3×48×320). No labels: the bench scores
agreement with FP32 per output position.
"""
import argparse
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFont

WORDS = "the quick brown fox jumps over lazy dog quantize model speed 2026 int8 float onnx runtime gate pull request report latency".split()


def line(rng: np.random.Generator) -> np.ndarray:
    image = Image.new("L", (320, 48), int(rng.integers(200, 256)))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    text = " ".join(rng.choice(WORDS, size=int(rng.integers(2, 5))))
    draw.text((int(rng.integers(2, 30)), int(rng.integers(8, 24))), text, fill=int(rng.integers(0, 60)), font=font)
    pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, 6, (48, 320)).astype(np.float32)
    pixels = np.clip(pixels, 0, 255) / 255.0
    return np.repeat(((pixels - 0.5) / 0.5)[None], 3, axis=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--calib", type=int, default=64)
    parser.add_argument("--eval", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)
    for name, count in (("calib", args.calib), ("eval", args.eval)):
        np.save(os.path.join(args.out, f"{name}.npy"), np.stack([line(rng) for _ in range(count)]).astype(np.float32))


if __name__ == "__main__":
    main()
