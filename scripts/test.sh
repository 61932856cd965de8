#!/usr/bin/env bash
# Builds vidperf and runs every test: unit tests, compile-time checks,
# must-not-compile tests, consumer projects, the CLI cases and the bad-input
# battery, the benchmark smoke run (release build, GCC); then the same unit,
# CLI, battery and threads tests under clang's ASan + UBSan and ThreadSanitizer
# (scripts/sanitize.sh), and every fuzz harness for VIDPERF_FUZZ_SECONDS
# (default 30) each (scripts/fuzz.sh).
# Works from any directory. Extra arguments go to the release ctest (e.g. -L unit).
# VIDPERF_QUICK=1 runs the release build and tests only.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset release
cmake --build --preset release -j "${jobs}"
ctest --preset release --output-on-failure -j "${jobs}" "$@"

if [[ ${VIDPERF_QUICK:-0} == 1 ]]; then
    echo "test.sh: VIDPERF_QUICK=1: sanitizer and fuzz runs skipped"
    exit 0
fi
bash scripts/sanitize.sh
bash scripts/fuzz.sh "${VIDPERF_FUZZ_SECONDS:-30}"
