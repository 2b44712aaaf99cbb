#!/usr/bin/env bash
# Makes every model and data set the benchmarks use, under bench/.models/ (gitignored). Training
# runs on the CPU with Debian's python3-torch and python3-onnx (its export check; libonnx-testdata
# alone leaves an empty `onnx` namespace there); the rest needs PyPI numpy/onnx (python3).
# About an hour on 2 cores. Each step is skipped when its output exists.
# GLYPH_ARCHS picks the trained glyph classifiers: glyphnet (residual CNN, 8 epochs on 80,000
# samples), glyphmobile (MobileNetV3-like) and glyphformer (vision transformer), the last two on
# 30,000 samples for 3 epochs. glyphs50k is a 50,000-sample evaluation set (its first 10,000 are
# glyphs/'s): the transformer's accuracy needs it to resolve 0.2 points.
#
# QUANTGATE_BENCH_MODELS=DIR writes elsewhere (the benchmarks read the same variable).
# QUANTGATE_BENCH_SMALL=1 makes the same files at a size that only proves the benchmark commands run
# (a few hundred samples, one short epoch; about two minutes): CI does that (bench/smoke.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
M=${QUANTGATE_BENCH_MODELS:-bench/.models}
small=${QUANTGATE_BENCH_SMALL:-}
if [ -n "$small" ]; then
  eval_small=(--eval 400 --calib 64); eval50k=(--eval 800 --calib 64); train=(--train 1000 --epochs 1); images=(--count 8); held_out=16
else
  eval_small=(); eval50k=(--eval 50000); train=(); images=(--count 64); held_out=512
fi
TORCH_PY=${TORCH_PY:-/usr/bin/python3}
PY=${PY:-python3}
mkdir -p "$M"
[ -f "$M/glyphs/eval.npy" ] || "$TORCH_PY" bench/models/make_glyph_data.py "$M/glyphs" "${eval_small[@]}"
[ -f "$M/glyphs50k/eval.npy" ] || "$TORCH_PY" bench/models/make_glyph_data.py "$M/glyphs50k" "${eval50k[@]}"
for arch in ${GLYPH_ARCHS:-glyphnet glyphmobile glyphformer}; do
  size=("${train[@]}")
  [ "$arch" != glyphnet ] && [ -z "$small" ] && size=(--train 30000 --epochs 3)
  [ -f "$M/$arch.onnx" ] || "$TORCH_PY" bench/models/train_glyphs.py "$arch" "$M/$arch.onnx" --eval-data "$M/glyphs" "${size[@]}"
done
[ -f "$M/resnet50.onnx" ] || "$TORCH_PY" bench/export_resnet50.py "$M/resnet50.onnx"
[ -f "$M/resnet50.raw11.onnx" ] || "$TORCH_PY" bench/models/export_resnet50_raw.py "$M/resnet50.raw11.onnx"
[ -d "$M/imagenet-like/calib" ] || "$PY" bench/models/make_imagenet_like.py "$M/imagenet-like" "${images[@]}"
[ -f "$M/imagenet-like-eval/calib.npy" ] || "$PY" bench/models/make_imagenet_like.py "$M/imagenet-like-eval" --count "$held_out" --seed 1
[ -f "$M/otherconv/otherconv.onnx" ] || "$TORCH_PY" bench/models/make_other_converter.py "$M/otherconv"
echo "bench models ready in $M"
