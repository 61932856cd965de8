#!/usr/bin/env bash
# Regenerates docs/accuracy.md and its two plots from the committed validation data (one command; never edit
# the report by hand): published end-to-end figures, the public op corpus, and measured files when present.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-deps.sh >&2
# the plots need matplotlib (Debian's python3-matplotlib; the report alone does not)
if ! /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-matplotlib >&2
fi
cmake --preset release >&2
cmake --build --preset release --target vidperf_validate -j "$(nproc 2>/dev/null || echo 2)" >&2
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
build/release/validation/vidperf_validate --cases validation/published/cases.csv \
    --bounds validation/published/bounds.json --data validation/data \
    --public validation/public/data --public-bounds validation/public/bounds.json \
    --report docs/accuracy.md --plot-csv "$rows"
/usr/bin/python3 scripts/plot-accuracy.py "$rows" docs
