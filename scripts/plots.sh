#!/usr/bin/env bash
# The five standard plots from a fresh clone, in one command:
#   bash scripts/plots.sh [OUT_DIR]          (default build/plots)
# Builds the CLI (installing what it needs), writes its outputs for Wan2.1-T2V-1.3B on A100, H100 and H200
# into OUT_DIR/data, and draws time vs frames, cost vs price, scaling efficiency, time by op kind and a
# roofline of the job's ops as PNG and SVG into OUT_DIR (scripts/plot.py; needs python3-matplotlib, which
# scripts/install-deps.sh installs).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${1:-build/plots}"
data="${out}/data"
mkdir -p "${data}"

bash scripts/install-deps.sh >&2
cmake --preset release >&2
cmake --build --preset release --target vidperf_cli -j "$(nproc 2>/dev/null || echo 2)" >&2
vidperf=build/release/examples/vidperf

model=wan2.1-t2v-1.3b
gpus=a100-sxm4-80gb,h100-sxm5-80gb,h200-sxm-141gb
"${vidperf}" sweep --model "${model}" --gpu "${gpus}" --over frames=17:161:16 --format csv > "${data}/sweep_frames.csv"
"${vidperf}" compare --model "${model}" --gpu "${gpus}" --json > "${data}/compare.json"
"${vidperf}" scale --model "${model}" --gpu h100-sxm5-80gb --counts 1,2,4 --csv > "${data}/scale.csv"
"${vidperf}" list gpus --json > "${data}/gpus.json"
for g in ${gpus//,/ }; do
    "${vidperf}" shapes --model "${model}" --gpu "${g}" --out "${data}/shapes_${g}.json"
done

# the Debian python3 has matplotlib (python3-matplotlib); another python3 first on PATH may not
python=python3
for p in /usr/bin/python3 python3; do
    if "${p}" -c "import matplotlib" 2>/dev/null; then python="${p}"; break; fi
done
"${python}" scripts/plot.py --in "${data}" --out "${out}"
echo "plots in ${out}"
