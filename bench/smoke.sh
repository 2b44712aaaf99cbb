#!/usr/bin/env bash
# Every benchmark command that README.md and bench/README.md cite, run on small models with short
# settings, so that none of them rots between the full runs that give the published figures. CI runs
# this (.ci/run); test/unit/readme-commands.test.ts fails when a cited command is missing here.
# What it prints are not results: small models, few samples, a busy machine.
#
#   bash bench/smoke.sh      # about 5 minutes on 2 cores (the small models: half a minute)
#
# Needs what the full runs need: Debian's python3-torch, python3-torchvision and python3-onnx
# (training, exports), and python3 with PyPI onnx==1.17.0, onnxruntime, numpy and ml_dtypes (ONNX
# Runtime's quantizer, the reference evaluator).
set -euo pipefail
cd "$(dirname "$0")/.."
export QUANTGATE_BENCH_MODELS=${QUANTGATE_BENCH_MODELS:-${TMPDIR:-/tmp}/quantgate-bench-small}
export QUANTGATE_BENCH_SMALL=1

step() {
  echo "::group::$*"
  local t0=$SECONDS
  "$@"
  echo "::endgroup::"
  echo "smoke: $* ($((SECONDS - t0)) s)"
}

step bash bench/models/make_all.sh
step env OUT="$QUANTGATE_BENCH_MODELS/rapidocr" bash bench/models/fetch_rapidocr.sh
# README.md's Benchmarks table.
step node --import tsx bench/model-io.ts --repeat 1
step node --import tsx bench/quantize-vs-ort.ts --methods minmax --min-time-ms 200
step node --import tsx bench/accuracy-vs-ort.ts --methods percentile
step node --import tsx bench/accuracy-vs-ort.ts --data "$QUANTGATE_BENCH_MODELS/glyphs50k" --models glyphformer --methods percentile
step node --import tsx bench/float16-fidelity.ts
step node --import tsx bench/harness-overhead.ts --repeat 1 --blocks 2
step node --import tsx bench/spin-policy.ts --rounds 2 --block-ms 100
# bench/README.md's issue 11 scripts (setup-time and noisy-neighbour need no models: .ci/run runs them).
step node --import tsx bench/int8-placement.ts --small --models glyphnet,glyphmobile,glyphformer,resnet50,ppocr-rec
step node --import tsx bench/ort-kernels.ts --small --models demo,glyphmobile
step node --import tsx bench/int8-budget.ts --small
step node --import tsx bench/int8-dynamic.ts --small
echo "smoke: every benchmark command ran"
