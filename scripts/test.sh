#!/usr/bin/env bash
# Builds vidperf and runs every test: unit tests, compile-time checks,
# must-not-compile tests, consumer projects and the benchmark smoke run.
# Works from any directory. Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset release
cmake --build --preset release -j "${jobs}"
ctest --preset release --output-on-failure -j "${jobs}" "$@"
