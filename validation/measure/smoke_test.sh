#!/usr/bin/env bash
# ctest validation.measure_smoke: runs measure.py end to end on a CPU with toy shapes when the
# interpreter has torch; otherwise exits 77 (reported as skipped) and says why.
#   smoke_test.sh PYTHON OUT_FILE
set -euo pipefail
py=$1
out=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! "$py" -c 'import torch' 2> /dev/null; then
    echo "$py cannot import torch: the measurement scripts are not exercised here (pip install torch runs them on the CPU)"
    exit 77
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$py" "$here/measure.py" --device cpu --smoke --out "$out" 2> "$log" || {
    cat "$log"
    exit 1
}
records=$(grep -c . "$out")
blocks=$(grep -c '"record": "block"' "$out" || true)
if ((records < 10)) || ! grep -q '"block": "vae_decode"' "$out" || ! grep -q '"block": "denoiser_step"' "$out"; then
    cat "$log"
    echo "measure.py --smoke wrote $records records ($blocks blocks); want ops, blocks, a denoiser step and a VAE decode"
    exit 1
fi
echo "measure.py --smoke: $records records, $blocks blocks"
