#!/usr/bin/env bash
# Builds the real-exports corpus (issue 10) into bench/.models/real/ (gitignored): models written
# by real converters, each with a <name>.json naming its converter, opset and input shape, for
# bench/real-exports.ts. Random weights (no downloads): what matters is each converter's graph.
#
#   bash bench/models/make_real_exports.sh            # every model (a few minutes, ~9 GB of venvs)
#   SMALL=1 bash bench/models/make_real_exports.sh    # the small models only
#   OUT=test/fixtures/real FIXTURES=1 bash ...         # the tiny set committed for CI's test
#
# Each converter gets its own virtualenv under $VENVS (default ~/.cache/quantgate-real-exports;
# outside the repository, several GB): their protobuf and numpy pins do not agree. Versions are
# pinned to the ones measured; a converter that will not install is skipped with a message.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-bench/.models/real}
VENVS=${VENVS:-${XDG_CACHE_HOME:-$HOME/.cache}/quantgate-real-exports}
PY=${PY:-python3}
mkdir -p "$OUT" "$VENVS"
flags=()
[ -n "${SMALL:-}" ] && flags+=(--small)
[ -n "${FIXTURES:-}" ] && flags+=(--fixtures)

# venv NAME PACKAGE... : creates $VENVS/NAME with the packages unless it has them already.
venv() {
  local name=$1; shift
  local dir="$VENVS/$name"
  if [ ! -f "$dir/.installed" ]; then
    "$PY" -m venv "$dir" && "$dir/bin/pip" install -q "$@" && touch "$dir/.installed" || { echo "skipped $name: pip install $* failed" >&2; return 1; }
  fi
}

status=0
# Paddle2ONNX runs Polygraphy's constant folding and installs it by itself when missing (from an
# extra index): install it from PyPI up front.
if venv paddle paddlepaddle==3.3.1 paddle2onnx==2.1.0 onnx==1.17.0 onnxruntime==1.32.0 polygraphy==0.53.6 onnx_graphsurgeon==0.6.1 sympy; then
  "$VENVS/paddle/bin/python" bench/models/export_paddle.py "$OUT" "${flags[@]}" || status=1
fi
# Paddle2ONNX 1.x, as many published Paddle models were converted: weights as Constant nodes.
if [ -z "${FIXTURES:-}" ] && venv paddle-legacy paddlepaddle==2.6.2 paddle2onnx==1.2.11; then
  "$VENVS/paddle-legacy/bin/python" bench/models/export_paddle.py "$OUT" "${flags[@]}" || status=1
fi
if venv tf tensorflow-cpu==2.21.0 tf2onnx==1.17.0 onnx==1.23.2; then
  "$VENVS/tf/bin/python" bench/models/export_tf.py "$OUT" "${flags[@]}" || status=1
fi
if venv skl scikit-learn==1.9.1 skl2onnx==1.20.0 onnxmltools==1.16.0 lightgbm==4.7.0 onnx==1.23.2; then
  "$VENVS/skl/bin/python" bench/models/export_sklearn.py "$OUT" "${flags[@]}" || status=1
fi
if venv torch torch==2.15.0 torchvision==0.29.2 onnxscript==0.7.2 onnx==1.23.2; then
  "$VENVS/torch/bin/python" bench/models/export_torch_dynamo.py "$OUT" "${flags[@]}" || status=1
fi
rm -rf "$OUT/paddle_src"
echo "real exports in $OUT"
exit $status
