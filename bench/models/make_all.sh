#!/usr/bin/env bash
# Makes every model and data set the benchmarks use, under bench/.models/ (gitignored). Training
# runs on the CPU with Debian's python3-torch and python3-onnx (its export check; libonnx-testdata
# alone leaves an empty `onnx` namespace there); the rest needs PyPI numpy/onnx (python3).
# About 30 minutes on 2 cores. Each step is skipped when its output exists.
# GLYPH_ARCHS picks the trained glyph classifiers: glyphnet (residual CNN) and glyphmobile
# (MobileNetV3-like, trained on 30,000 samples for 3 epochs: about 6 minutes alone) by default;
# glyphformer (attention MatMuls) is opt-in: GLYPH_ARCHS="glyphnet glyphmobile glyphformer".
set -euo pipefail
cd "$(dirname "$0")/../.."
M=bench/.models
TORCH_PY=${TORCH_PY:-/usr/bin/python3}
PY=${PY:-python3}
mkdir -p "$M"
[ -f "$M/glyphs/eval.npy" ] || "$TORCH_PY" bench/models/make_glyph_data.py "$M/glyphs"
for arch in ${GLYPH_ARCHS:-glyphnet glyphmobile}; do
  size=()
  [ "$arch" = glyphmobile ] && size=(--train 30000 --epochs 3)
  [ -f "$M/$arch.onnx" ] || "$TORCH_PY" bench/models/train_glyphs.py "$arch" "$M/$arch.onnx" --eval-data "$M/glyphs" "${size[@]}"
done
[ -f "$M/resnet50.onnx" ] || "$TORCH_PY" bench/export_resnet50.py "$M/resnet50.onnx"
[ -f "$M/resnet50.raw11.onnx" ] || "$TORCH_PY" bench/models/export_resnet50_raw.py "$M/resnet50.raw11.onnx"
[ -d "$M/imagenet-like/calib" ] || "$PY" bench/models/make_imagenet_like.py "$M/imagenet-like" --count 64
[ -f "$M/otherconv/otherconv.onnx" ] || "$TORCH_PY" bench/models/make_other_converter.py "$M/otherconv"
echo "bench models ready in $M"
