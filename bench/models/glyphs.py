"""Glyphs: a synthetic, labelled image data set as large as asked, the same for the same seed.

Each sample is one character (18 classes: the ten digits and eight letters chosen to be confused
with them, such as S/5, Z/2, B/8) drawn in one of the DejaVu fonts, then jittered: rotation,
shear, anisotropic scale and translation, stroke width, clutter strokes, partial occlusion, blur,
brightness, contrast and Gaussian noise. The jitter is strong enough that a
small CNN does not reach 100%, so INT8 errors have room to show as accuracy loss.

Sample `i` of seed `s` depends only on (s, i): any range of a set can be generated on its own, in
parallel, and a set of 10,000 starts with the same 1,000 samples as a set of 1,000.

    from glyphs import generate, CLASSES
    x, y = generate(1000, seed=3, size=32)   # x: float32 [1000, 1, 32, 32] in [-1, 1]; y: int64 [1000]

Pixels are normalised as (p - 0.5) / 0.5 with p in [0, 1]. Needs numpy and Pillow only (Debian's
/usr/bin/python3 has both). Determinism holds for a given Pillow
version and font files; without DejaVu (fonts-dejavu-core) it falls back to Pillow's built-in
bitmap font, which gives a different (and easier) set: `FONT_SOURCE` says which one is in use.
"""
from __future__ import annotations

import glob
import math
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

CLASSES = list("0123456789ABEHKPSZ")
CANVAS = 64  # glyphs are drawn and jittered at this size, then downsampled to the requested size

_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
_FONT_FILES = sorted(
    f for f in glob.glob(os.path.join(_FONT_DIR, "DejaVu*.ttf")) if "MathTeX" not in os.path.basename(f)
)
FONT_SOURCE = f"{len(_FONT_FILES)} DejaVu fonts in {_FONT_DIR}" if _FONT_FILES else "Pillow's built-in bitmap font"
_font_cache: dict[tuple[int, int], ImageFont.ImageFont] = {}


def _font(index: int, size: int):
    key = (index, size)
    if key not in _font_cache:
        _font_cache[key] = ImageFont.truetype(_FONT_FILES[index], size) if _FONT_FILES else ImageFont.load_default()
    return _font_cache[key]


def _draw_glyph(rng: np.random.Generator, label: int) -> Image.Image:
    """The character, white on black, centred on the canvas, before any geometric jitter."""
    img = Image.new("L", (CANVAS, CANVAS), 0)
    draw = ImageDraw.Draw(img)
    text = CLASSES[label]
    if _FONT_FILES:
        font = _font(int(rng.integers(len(_FONT_FILES))), int(rng.integers(30, 48)))
        stroke = int(rng.choice([0, 0, 0, 1, 1, 2]))
        box = draw.textbbox((0, 0), text, font=font, stroke_width=stroke)
        x = (CANVAS - (box[2] - box[0])) / 2 - box[0]
        y = (CANVAS - (box[3] - box[1])) / 2 - box[1]
        draw.text((x, y), text, fill=255, font=font, stroke_width=stroke, stroke_fill=255)
        return img
    # The bitmap font has one size: draw it small and scale up to a comparable glyph size.
    small = Image.new("L", (16, 16), 0)
    ImageDraw.Draw(small).text((5, 2), text, fill=255, font=_font(0, 0))
    return small.resize((CANVAS, CANVAS), Image.BILINEAR)


def _affine(rng: np.random.Generator, img: Image.Image) -> Image.Image:
    angle = math.radians(rng.uniform(-22, 22))
    shear = rng.uniform(-0.3, 0.3)
    sx, sy = rng.uniform(0.7, 1.1), rng.uniform(0.7, 1.1)
    tx, ty = rng.uniform(-7, 7), rng.uniform(-7, 7)
    c, s = math.cos(angle), math.sin(angle)
    # Forward map (about the centre): rotate · shear · scale; Pillow wants the inverse.
    fwd = np.array([[c, -s], [s, c]]) @ np.array([[1, shear], [0, 1]]) @ np.diag([sx, sy])
    inv = np.linalg.inv(fwd)
    centre = np.array([CANVAS / 2, CANVAS / 2])
    offset = centre - inv @ (centre + np.array([tx, ty]))
    coeffs = (inv[0, 0], inv[0, 1], offset[0], inv[1, 0], inv[1, 1], offset[1])
    return img.transform((CANVAS, CANVAS), Image.AFFINE, coeffs, resample=Image.BILINEAR)


def _clutter(rng: np.random.Generator, img: Image.Image) -> None:
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.choice([0, 0, 1, 1, 2, 3]))):
        pts = [tuple(rng.uniform(0, CANVAS, 2)) for _ in range(2)]
        draw.line(pts, fill=int(rng.integers(60, 200)), width=int(rng.integers(1, 4)))
    if rng.random() < 0.2:  # occlude a patch of the glyph
        x0, y0 = rng.uniform(12, 44, 2)
        w, h = rng.uniform(6, 16, 2)
        draw.rectangle((x0, y0, x0 + w, y0 + h), fill=0)


def sample(seed: int, index: int, size: int = 32) -> tuple[np.ndarray, int]:
    """Sample `index` of the set with this seed: (float32 [size, size] in [-1, 1], label)."""
    rng = np.random.default_rng([seed, index])
    label = int(rng.integers(len(CLASSES)))
    img = _draw_glyph(rng, label)
    img = _affine(rng, img)
    _clutter(rng, img)
    blur = rng.choice([0.0, 0.0, 0.6, 1.0, 1.5])
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(float(blur)))
    img = img.resize((size, size), Image.BILINEAR, reducing_gap=2.0)
    p = np.asarray(img, dtype=np.float32) / 255.0
    background = rng.uniform(0.0, 0.4)
    contrast = rng.uniform(0.3, 1.0 - background)
    p = background + contrast * p
    p = p + rng.normal(0.0, rng.uniform(0.0, 0.12), p.shape).astype(np.float32)
    p = np.clip(p, 0.0, 1.0)
    return ((p - 0.5) / 0.5).astype(np.float32), label


def _chunk(args: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    seed, start, stop, size = args
    x = np.empty((stop - start, 1, size, size), dtype=np.float32)
    y = np.empty(stop - start, dtype=np.int64)
    for k, i in enumerate(range(start, stop)):
        x[k, 0], y[k] = sample(seed, i, size)
    return x, y


def generate(count: int, seed: int, size: int = 32, start: int = 0, workers: int | None = None):
    """Samples start .. start+count-1 of the set `seed`: (x float32 [count, 1, size, size], y int64 [count]).

    `workers` processes (default: the CPU count) share the work; the result does not depend on it.
    """
    workers = workers or os.cpu_count() or 1
    step = 2000
    jobs = [(seed, s, min(s + step, start + count), size) for s in range(start, start + count, step)]
    if workers == 1 or len(jobs) == 1:
        parts = [_chunk(j) for j in jobs]
    else:
        with ProcessPoolExecutor(workers) as pool:
            parts = list(pool.map(_chunk, jobs))
    if not parts:
        return np.empty((0, 1, size, size), np.float32), np.empty(0, np.int64)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


# Seeds of the splits, so that every script draws training, calibration and evaluation samples
# from disjoint streams.
TRAIN_SEED, CALIB_SEED, EVAL_SEED = 1, 2, 3


def save_contact_sheet(path: str, x: np.ndarray, y: np.ndarray, columns: int = 16) -> None:
    """A grid of samples with their labels' order preserved, to look at the data set."""
    n, _, h, w = x.shape
    rows = math.ceil(n / columns)
    sheet = Image.new("L", (columns * (w + 2), rows * (h + 2)), 128)
    for i in range(n):
        tile = Image.fromarray(((x[i, 0] * 0.5 + 0.5) * 255).clip(0, 255).astype(np.uint8))
        sheet.paste(tile, ((i % columns) * (w + 2) + 1, (i // columns) * (h + 2) + 1))
    sheet.save(path)


if __name__ == "__main__":
    import sys
    import time

    t = time.perf_counter()
    x, y = generate(int(sys.argv[1]) if len(sys.argv) > 1 else 2000, seed=TRAIN_SEED)
    print(f"{len(x)} samples in {time.perf_counter() - t:.2f} s; font: {FONT_SOURCE}")
    print("labels:", "".join(CLASSES[i] for i in y[:64]))
    out = sys.argv[2] if len(sys.argv) > 2 else "bench/.models/glyphs.png"
    os.makedirs(os.path.dirname(out), exist_ok=True)
    save_contact_sheet(out, x[:256], y[:256])
    print(out)
