#!/usr/bin/env bash
# For the lead, on the GPU machine (CUDA 13 + nvcc, NVML, driver 580, g++, CMake; no TensorRT,
# no Node, no network). Run from the repository root with a carried Node and a TensorRT header
# set copied into an ignored folder:
#
#   NODE=.device/node/bin/node TENSORRT_ROOT=.device/tensorrt/10.13 bash native/device-check.sh
#
# (carry node_modules/node-addon-api and node_modules/node-api-headers: the build needs them.)
# Builds the addon and its C++ unit tests against the machine's CUDA 13 headers, compiles a CUDA
# busy loop with nvcc, then runs native/tools/device-probe.mjs: capabilities(), device memory,
# NVML power idle and under load, and the TensorRT paths that must fail cleanly without TensorRT.
# Everything lands in $OUT (device-check.json, device-check.log); without $OUT, in .device/out.
set -uo pipefail
cd "$(dirname "$0")/.."

out="${OUT:-.device/out}"
mkdir -p "$out"
log="$out/device-check.log"
exec > >(tee "$log") 2>&1

node_bin="${NODE:-$(command -v node || echo .device/node/bin/node)}"
export TENSORRT_ROOT="${TENSORRT_ROOT:-.device/tensorrt/10.13}"
cuda_root="${CUDA_HOME:-/usr/local/cuda-13.0}"
[ -d "$cuda_root" ] || cuda_root=/usr/local/cuda
export CUDA_HOME="$cuda_root"
# The runtime libraries, where this machine keeps them (dlopen finds them through this path).
export LD_LIBRARY_PATH="/usr/local/nvidia/lib64:$cuda_root/targets/x86_64-linux/lib:$cuda_root/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

echo "== machine"
"$node_bin" --version || { echo "no Node at $node_bin (set NODE)"; exit 1; }
nvidia-smi --query-gpu=name,driver_version,memory.total,power.limit --format=csv || true
nvcc --version | tail -2 || true
g++ --version | head -1; cmake --version | head -1
ls "$TENSORRT_ROOT/include/NvInfer.h" "$cuda_root/include/cuda_runtime_api.h" || true
ls "$cuda_root/include/nvml.h" "$cuda_root/targets/x86_64-linux/include/nvml.h" 2>/dev/null || echo "no nvml.h under $cuda_root: set NVML_HOME to a folder with include/nvml.h"

echo "== build the addon (CUDA $cuda_root, TensorRT headers $TENSORRT_ROOT)"
build="$out/native-build"
if ! "$node_bin" scripts/build-native.mjs --strict --verbose --out "$build"; then
  # g++ 13 may warn where CI's g++ 12 does not: say so, and build without -Werror to go on.
  echo "device-check: the zero-warning build failed (see above); retrying with QG_NATIVE_WERROR=0"
  if ! QG_NATIVE_WERROR=0 "$node_bin" scripts/build-native.mjs --strict --verbose --out "$build"; then
    echo "device-check: the addon did not build"
    exit 1
  fi
fi

echo "== C++ unit tests"
"$build/native_unit_tests"

echo "== CUDA busy loop"
nvcc -O2 -o "$out/busy_loop" native/tools/busy_loop.cu || { echo "device-check: nvcc failed"; exit 1; }

echo "== probe"
"$node_bin" native/tools/device-probe.mjs "$build/Release/quantgate_trt.node" "$out/busy_loop" "$out/device-check.json"
status=$?
# The build folder is large and the JSON says what matters.
rm -rf "$build/CMakeFiles"
exit $status
