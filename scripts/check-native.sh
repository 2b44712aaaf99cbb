#!/usr/bin/env bash
# CI's compile check of the TensorRT addon: builds it at zero warnings (-Werror on our sources;
# TensorRT, CUDA and Node headers included as system headers) against TensorRT 10.13 and 11.1's
# public headers (../shared/third_party/tensorrt, beside the repository in this workplace) and
# the CUDA 12 runtime and NVML headers from PyPI's wheels, then runs the addon's C++ unit tests.
# The 10.13 build is left in native/build, where the loader finds it, so the tests of the real
# addon (test/integration/tensorrt-addon.test.ts) run after this. Nothing here runs TensorRT.
#
# Skips with one line when the header folder is absent (no TensorRT headers, nothing to check).
set -euo pipefail
cd "$(dirname "$0")/.."

trt_headers="${QG_TENSORRT_HEADERS:-../shared/third_party/tensorrt}"
if [ ! -d "$trt_headers/10.13/include" ] || [ ! -d "$trt_headers/11.1/include" ]; then
  echo "native compile check: skipped: no TensorRT header sets in $trt_headers (10.13/include, 11.1/include)"
  exit 0
fi

# CUDA 12 runtime headers (+ crt/ from nvcc's wheel) and nvml.h, unzipped into an ignored folder.
cuda="native/build/cuda12-headers"
if [ ! -f "$cuda/include/cuda_runtime_api.h" ] || [ ! -f "$cuda/include/nvml.h" ] || [ ! -f "$cuda/include/crt/host_defines.h" ]; then
  wheels="$(mktemp -d)"
  python3 -m pip download --quiet --no-deps -d "$wheels" \
    nvidia-cuda-runtime-cu12==12.9.79 nvidia-cuda-nvcc-cu12==12.9.86 nvidia-nvml-dev-cu12==12.9.79
  rm -rf "$cuda" && mkdir -p "$cuda/include"
  python3 - "$wheels" "$cuda/include" <<'PY'
import sys, zipfile, pathlib
wheels, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for wheel in sorted(wheels.glob('*.whl')):
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            parts = name.split('/')
            # nvidia/<component>/include/<path>
            if len(parts) > 3 and parts[0] == 'nvidia' and parts[2] == 'include' and not name.endswith('/'):
                target = out.joinpath(*parts[3:])
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(name))
PY
  rm -rf "$wheels"
fi

for version in 11.1 10.13; do
  out="native/build/trt-$version"
  # 10.13 last and into native/build itself: the build the tests load.
  [ "$version" = "10.13" ] && out="native/build"
  echo "native compile check: TensorRT $version headers, CUDA 12 headers"
  TENSORRT_ROOT="$trt_headers/$version" CUDA_HOME="$cuda" NVML_HOME="$cuda" \
    node scripts/build-native.mjs --strict --out "$out"
done

native/build/native_unit_tests
