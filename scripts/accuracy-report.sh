#!/usr/bin/env bash
# Regenerates docs/accuracy.md from the committed validation data (one command; never edit the report by hand).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-deps.sh >&2
cmake --preset release >&2
cmake --build --preset release --target vidperf_validate -j "$(nproc 2>/dev/null || echo 2)" >&2
build/release/validation/vidperf_validate --cases validation/published/cases.csv \
    --bounds validation/published/bounds.json --data validation/data --report docs/accuracy.md
