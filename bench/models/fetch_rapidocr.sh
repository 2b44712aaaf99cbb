#!/usr/bin/env bash
# A real pretrained export from outside PyTorch for issue 11's placement bench: PaddleOCR's
# PP-OCRv4 text recognizer (convolutions, then SVTR transformer blocks with MatMul attention,
# LayerNormalization and HardSwish), converted by Paddle2ONNX and shipped in PyPI's
# rapidocr-onnxruntime wheel. Writes bench/.models/rapidocr/{rec.onnx,cls.onnx} and a calibration
# set of rendered text lines (48×320, normalised as RapidOCR feeds them).
#
#   bash bench/models/fetch_rapidocr.sh          # OUT=DIR to write elsewhere
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-bench/.models/rapidocr}
PY=${PY:-python3}
mkdir -p "$OUT"
if [ ! -f "$OUT/rec.onnx" ]; then
  tmp=$(mktemp -d)
  "$PY" -m pip download -q --no-deps rapidocr-onnxruntime==1.4.4 -d "$tmp"
  "$PY" - "$tmp"/rapidocr_onnxruntime-1.4.4-py3-none-any.whl "$OUT" <<'PYEOF'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name, target in (("rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx", "rec.onnx"), ("rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx", "cls.onnx")):
        with open(f"{out}/{target}", "wb") as f:
            f.write(z.read(name))
PYEOF
  rm -rf "$tmp"
fi
[ -f "$OUT/lines/calib.npy" ] || /usr/bin/python3 bench/models/make_text_lines.py "$OUT/lines"
echo "rapidocr models ready in $OUT"
