#!/usr/bin/env bash
# Calibrates the GPU this runs on: builds the microbenchmark suite and the
# fitter, measures (about 3-6 minutes on an H100), and fits.
#
#   calibration/run.sh OUT_DIR [--quick]
#
# Leaves OUT_DIR/raw.jsonl (the measurements, with their metadata record),
# OUT_DIR/calibration.json (vidperf.calibration/1) and OUT_DIR/calibration.hpp
# (the same as a constexpr header). Needs cmake, a C++20 compiler and the CUDA
# toolkit; the other dependencies come from scripts/install-deps.sh when run
# as root on Debian.
set -euo pipefail
if (($# < 1)); then
    echo "usage: calibration/run.sh OUT_DIR [--quick]" >&2
    exit 2
fi
out=$(mkdir -p "$1" && cd "$1" && pwd)
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then bash scripts/install-deps.sh >&2; fi
build="$root/build/calibration"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DVIDPERF_BUILD_TESTS=OFF -DVIDPERF_BUILD_BENCHMARKS=OFF \
    -DVIDPERF_BUILD_EXAMPLES=OFF -DVIDPERF_BUILD_CALIBRATION=ON > "$out/build.log" 2>&1 || {
    cat "$out/build.log" >&2
    exit 1
}
cmake --build "$build" --target vidperf_calibrate vidperf_fit -j "$(nproc)" >> "$out/build.log" 2>&1 || {
    tail -50 "$out/build.log" >&2
    exit 1
}
echo "measuring (progress below; raw results: $out/raw.jsonl)" >&2
"$build/calibration/vidperf-calibrate" --out "$out/raw.jsonl" "$@"
"$build/calibration/vidperf-fit" "$out/raw.jsonl" --out "$out/calibration.json" --header "$out/calibration.hpp" \
    --name measured_calibration | tee "$out/fit.txt"
