#!/usr/bin/env bash
# Builds the vidperf command-line tool (target vidperf_cli) and runs it.
# Arguments go to the tool; without arguments it runs the default job below.
# Build output goes to stderr so that stdout carries only the tool's output.
# Works from any directory.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh >&2

cmake --preset release >&2
cmake --build --preset release --target vidperf_cli -j "$(nproc 2>/dev/null || echo 2)" >&2

if (($# == 0)); then
    # the main job: Wan2.1-T2V-14B at its standard 720p workload on A100, H100 and H200, run as its README
    # runs it on one GPU (its own generate.py with --offload_model True: the fp32 DiT and the T5 take turns)
    set -- compare --model wan2.1-t2v-14b --gpu a100-sxm4-80gb,h100-sxm5-80gb,h200-sxm-141gb --offload model
fi
exec build/release/examples/vidperf "$@"
