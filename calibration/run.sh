#!/usr/bin/env bash
# Calibrates the GPU this runs on: builds the microbenchmark suite, the fitter
# and the vidperf CLI, writes the op shapes of a few video models at their
# standard workloads, measures (under 8 minutes on an H100 in all: the
# measurement budget is what the build leaves of them; about 3 with --quick),
# and fits. The last part of the measurement budget (30 % of it, at most 120 s)
# is the sustained-load section: minutes of back-to-back GEMMs with NVML
# clock and power readings, for the clocks a long job runs at.
#
#   calibration/run.sh OUT_DIR [--quick] [other vidperf-calibrate options]
#
# Leaves OUT_DIR/raw.jsonl (the measurements, with their metadata record),
# OUT_DIR/calibration.json (vidperf.calibration/1), OUT_DIR/calibration.hpp
# (the same as a constexpr header), OUT_DIR/shapes/*.json (what was measured
# from), OUT_DIR/suite.log (progress) and OUT_DIR/build.log. Needs cmake, a
# C++20 compiler and the CUDA toolkit; cuDNN 9 and NCCL are used when found
# (without them the attention / convolution / collective sections are left
# out). The other dependencies come from scripts/install-deps.sh when run as
# root on Debian.
set -euo pipefail
started=$(date +%s)
if (($# < 1)); then
    echo "usage: calibration/run.sh OUT_DIR [--quick] [vidperf-calibrate options]" >&2
    exit 2
fi
out=$(mkdir -p "$1" && cd "$1" && pwd)
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then bash scripts/install-deps.sh >&2; fi
build="$root/build/calibration"
# name nvcc explicitly: a build folder configured once without it would otherwise keep its cached "not found"
cuda_args=()
if nvcc=$(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2> /dev/null); then cuda_args=(-DCMAKE_CUDA_COMPILER="$nvcc"); fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DVIDPERF_BUILD_TESTS=OFF -DVIDPERF_BUILD_BENCHMARKS=OFF \
    -DVIDPERF_BUILD_EXAMPLES=ON -DVIDPERF_BUILD_CALIBRATION=ON ${cuda_args[@]+"${cuda_args[@]}"} > "$out/build.log" 2>&1 || {
    cat "$out/build.log" >&2
    exit 1
}
grep -E '^-- vidperf: ' "$out/build.log" >&2 || true
if grep -q 'the calibration suite (calibration/suite) is skipped' "$out/build.log"; then
    echo "calibration/run.sh: the CUDA toolkit (nvcc) was not found, so the suite cannot be built" >&2
    exit 1
fi
cmake --build "$build" --target vidperf_calibrate vidperf_fit -j "$(nproc)" >> "$out/build.log" 2>&1 || {
    tail -50 "$out/build.log" >&2
    exit 1
}

# The op shapes of the preset models at their standard workloads (`vidperf shapes`).
# Without the CLI (or its `shapes` command) the suite measures its built-in shapes.
cli="$build/examples/vidperf"
shape_args=()
if cmake --build "$build" --target vidperf_cli -j "$(nproc)" >> "$out/build.log" 2>&1 &&
    "$cli" shapes --help > /dev/null 2>&1; then
    mkdir -p "$out/shapes"
    for model in wan2.1-t2v-14b wan2.1-t2v-1.3b cogvideox-5b hunyuanvideo; do
        if "$cli" shapes --model "$model" --out "$out/shapes/$model.json" >> "$out/build.log" 2>&1; then
            shape_args+=(--shapes "$out/shapes/$model.json")
        else
            echo "calibration/run.sh: warning: \`vidperf shapes --model $model\` failed (see $out/build.log);" \
                "its shapes are not measured" >&2
        fi
    done
else
    echo "calibration/run.sh: warning: \`vidperf shapes\` is not available (the CLI did not build or has no" \
        "shapes command); the suite measures its built-in shapes" >&2
fi

# the measurement budget: what is left of 8 minutes after the build (450 s at most, --quick 180 s), unless
# the caller gave --budget-s
budget_args=()
if [[ " $* " != *" --budget-s "* ]]; then
    full=450
    [[ " $* " == *" --quick "* ]] && full=180
    left=$((465 - ($(date +%s) - started)))
    ((left > full)) && left=$full
    ((left < 120)) && left=120
    budget_args=(--budget-s "$left")
fi

echo "measuring (progress below and in $out/suite.log; raw results: $out/raw.jsonl)" >&2
"$build/calibration/vidperf-calibrate" --out "$out/raw.jsonl" ${shape_args[@]+"${shape_args[@]}"} \
    ${budget_args[@]+"${budget_args[@]}"} "$@" \
    2> >(tee "$out/suite.log" >&2)
"$build/calibration/vidperf-fit" "$out/raw.jsonl" --out "$out/calibration.json" --header "$out/calibration.hpp" \
    --name measured_calibration | tee "$out/fit.txt"
