"""Writes the glyph benchmark data that every bench glyph model shares.

    /usr/bin/python3 bench/models/make_glyph_data.py bench/.models/glyphs [--size 32] [--eval 10000] [--calib 512]

OUT/eval.npy     float32 [eval, 1, size, size], evaluation samples (seed glyphs.EVAL_SEED)
OUT/labels.txt   their labels, one integer a line
OUT/calib/       one .npy a sample, float32 [1, 1, size, size], named 00000.npy … (seed glyphs.CALIB_SEED)
OUT/calib.npy    the same calibration samples as one array [calib, 1, size, size]
OUT/sheet.png    the first 256 evaluation samples, to look at

10,000 evaluation samples let a paired bootstrap resolve about half a point of top-1 for a model
near 95% (the interval's half-width is roughly 2·sqrt(discordant fraction / n)).
"""
import argparse
import os

import numpy as np

import glyphs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--eval", type=int, default=10_000)
    ap.add_argument("--calib", type=int, default=512)
    args = ap.parse_args()
    os.makedirs(os.path.join(args.out, "calib"), exist_ok=True)

    x, y = glyphs.generate(args.eval, glyphs.EVAL_SEED, args.size)
    np.save(os.path.join(args.out, "eval.npy"), x)
    with open(os.path.join(args.out, "labels.txt"), "w") as f:
        f.write("".join(f"{int(v)}\n" for v in y))
    glyphs.save_contact_sheet(os.path.join(args.out, "sheet.png"), x[:256], y[:256])

    c, _ = glyphs.generate(args.calib, glyphs.CALIB_SEED, args.size)
    np.save(os.path.join(args.out, "calib.npy"), c)
    for i in range(len(c)):
        np.save(os.path.join(args.out, "calib", f"{i:05d}.npy"), c[i : i + 1])
    counts = np.bincount(y, minlength=len(glyphs.CLASSES))
    print(f"{args.out}: eval {x.shape}, calib {c.shape}; per-class eval counts {counts.min()}..{counts.max()}; {glyphs.FONT_SOURCE}")


if __name__ == "__main__":
    main()
