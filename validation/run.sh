#!/usr/bin/env bash
# Measures this machine's GPU for vidperf's validation: builds the vidperf CLI, writes the shapes
# of a few preset models (`vidperf shapes`), and runs validation/measure/measure.py (PyTorch):
# framework ops at the presets' shapes, denoiser blocks, whole denoiser steps and a VAE decode,
# all with random bf16 weights. Under 8 minutes on an H100 (the measurement budget shrinks by
# whatever the build took).
#
#   validation/run.sh OUT_DIR [measure.py options, e.g. --budget 300]
#
# Leaves OUT_DIR/raw.jsonl (vidperf.validation-raw/1: the metadata record, then op / block /
# skipped records), OUT_DIR/shapes/*.json (the shapes measured from), OUT_DIR/summary.json (counts,
# what the budget cut, parameter counts), OUT_DIR/measure.log (progress) and OUT_DIR/build.log.
# Needs cmake, a C++20 compiler and python3 with torch (CUDA); the C++ dependencies come from
# scripts/install-deps.sh when run as root on Debian. PYTHON overrides the interpreter.
#
#   validation/run.sh OUT_DIR --device cpu --smoke
# runs the same path on a CPU with every shape shrunk to a toy size: a check of the scripts, in
# seconds, not a measurement.
set -euo pipefail
started=$(date +%s)
if (($# < 1)) || [[ $1 == -* ]]; then
    echo "usage: validation/run.sh OUT_DIR [measure.py options]" >&2
    exit 2
fi
out=$(mkdir -p "$1" && cd "$1" && pwd)
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
python=${PYTHON:-python3}

device=cuda
user_budget=0
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case ${args[$i]} in
    --device) device=${args[$((i + 1))]:-cuda} ;;
    --device=*) device=${args[$i]#--device=} ;;
    --budget | --budget=*) user_budget=1 ;;
    esac
done

# torch first: no point building when it cannot measure
if ! "$python" -c 'import torch' 2> /dev/null; then
    echo "validation/run.sh: $python cannot import torch (install PyTorch, or set PYTHON)" >&2
    exit 1
fi
if [[ $device == cuda* ]] && ! "$python" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)'; then
    echo "validation/run.sh: torch sees no CUDA GPU (run with --device cpu --smoke to check the scripts)" >&2
    exit 1
fi

# the CLI
if [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
    bash scripts/install-deps.sh >&2 || echo "validation/run.sh: warning: scripts/install-deps.sh failed;" \
        "building with what is installed" >&2
fi
build="$root/build/validation"
echo "building the vidperf CLI (log: $out/build.log)" >&2
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DVIDPERF_BUILD_TESTS=OFF -DVIDPERF_BUILD_BENCHMARKS=OFF \
    -DVIDPERF_BUILD_CALIBRATION=OFF > "$out/build.log" 2>&1 || {
    tail -50 "$out/build.log" >&2
    exit 1
}
# the CLI's target is vidperf_cli (its binary is called vidperf)
cmake --build "$build" --target vidperf_cli -j "$(nproc)" >> "$out/build.log" 2>&1 ||
    cmake --build "$build" --target vidperf -j "$(nproc)" >> "$out/build.log" 2>&1 || {
    tail -50 "$out/build.log" >&2
    exit 1
}
cli="$build/examples/vidperf"
if ! "$cli" shapes --help > /dev/null 2>&1; then
    echo "validation/run.sh: $cli has no \`shapes\` command" >&2
    exit 1
fi

# the shapes: ops at the presets' standard workloads; blocks, steps and the VAE decode with
# guidance off and batch 1 (one denoiser call of one video)
mkdir -p "$out/shapes"
shapes() {
    local name=$1
    shift
    "$cli" shapes "$@" --out "$out/shapes/$name.json" >> "$out/build.log" 2>&1 || {
        echo "validation/run.sh: warning: \`vidperf shapes $*\` failed (see $out/build.log); not measured" >&2
        return 1
    }
    echo "$out/shapes/$name.json"
}
ops=() blocks=() steps=() vaes=()
for m in wan2.1-t2v-14b wan2.1-t2v-1.3b cogvideox-5b hunyuanvideo; do
    f=$(shapes "ops-$m" --model "$m") && ops+=("$f")
done
# in order of priority: each section measures from the first, and what its budget leaves is cut
f=$(shapes wan2.1-t2v-14b-1280x720x81 --model wan2.1-t2v-14b --width 1280 --height 720 --frames 81 --no-cfg) &&
    blocks+=("$f")
f=$(shapes wan2.1-t2v-14b-832x480x81 --model wan2.1-t2v-14b --width 832 --height 480 --frames 81 --no-cfg) &&
    blocks+=("$f")
f=$(shapes wan2.1-t2v-1.3b-832x480x81 --model wan2.1-t2v-1.3b --width 832 --height 480 --frames 81 --no-cfg) &&
    blocks+=("$f") && steps+=("$f")
f=$(shapes cogvideox-5b-720x480x49 --model cogvideox-5b --width 720 --height 480 --frames 49 --no-cfg) &&
    blocks+=("$f") && steps+=("$f")
f=$(shapes hunyuanvideo-1280x720x65 --model hunyuanvideo --width 1280 --height 720 --frames 65 --no-cfg) &&
    blocks+=("$f")
f=$(shapes hunyuanvideo-1280x720x129 --model hunyuanvideo --width 1280 --height 720 --frames 129 --no-cfg) &&
    blocks+=("$f")
f=$(shapes cogvideox-2b-720x480x49 --model cogvideox-2b --width 720 --height 480 --frames 49 --no-cfg) &&
    blocks+=("$f") && steps+=("$f")
f=$(shapes wan2.1-t2v-14b-832x480x81 --model wan2.1-t2v-14b --width 832 --height 480 --frames 81 --no-cfg) &&
    steps+=("$f")
f=$(shapes wan2.1-t2v-1.3b-832x480x17 --model wan2.1-t2v-1.3b --width 832 --height 480 --frames 17 --no-cfg) &&
    vaes+=("$f")
f=$(shapes wan2.1-t2v-1.3b-832x480x81 --model wan2.1-t2v-1.3b --width 832 --height 480 --frames 81 --no-cfg) &&
    vaes+=("$f")
if ((${#ops[@]} + ${#blocks[@]} + ${#steps[@]} + ${#vaes[@]} == 0)); then
    echo "validation/run.sh: no shapes file could be written" >&2
    exit 1
fi

# the measurement budget: 420 s, less what the build took beyond about 15 s, so that the whole run
# stays under 8 minutes (python start-up, CUDA initialisation and the last item's overrun included)
budget=()
if ((user_budget == 0)) && [[ $device == cuda* ]]; then
    spent=$(($(date +%s) - started))
    b=$((435 - spent))
    ((b > 420)) && b=420
    ((b < 60)) && b=60
    budget=(--budget "$b")
fi
command_line="validation/run.sh $*"
sel() { # --flag file... (nothing when the list is empty)
    local flag=$1
    shift
    (($# > 0)) && printf '%s\n' "$flag" "$@"
    return 0
}
mapfile -t files < <(sel --ops ${ops[@]+"${ops[@]}"}; sel --block ${blocks[@]+"${blocks[@]}"}
    sel --step ${steps[@]+"${steps[@]}"}; sel --vae ${vaes[@]+"${vaes[@]}"})
echo "measuring (progress below and in $out/measure.log)" >&2
"$python" validation/measure/measure.py --out "$out/raw.jsonl" --summary "$out/summary.json" \
    --command "$command_line" --block-attention fa2,cudnn "${files[@]}" ${budget[@]+"${budget[@]}"} "$@" \
    2> >(tee "$out/measure.log" >&2)

# where it goes
slug=$("$python" - "$out/raw.jsonl" << 'EOF'
import json, sys
m = json.loads(open(sys.argv[1]).readline())
if m.get("device") == "cpu":
    print("cpu-smoke")
else:  # a GPU vidperf has no slug for: its name, lower case, as a slug
    print(m.get("gpu_slug") or "".join(c if c.isalnum() else "-" for c in m.get("gpu", "gpu").lower()).strip("-"))
EOF
)
date_dir=$(date -u +%Y-%m-%d)
echo
echo "raw measurements: $out/raw.jsonl ($(wc -l < "$out/raw.jsonl") records; shapes in $out/shapes/," \
    "summary in $out/summary.json); took $(($(date +%s) - started)) s"
if [[ $device == cuda* ]]; then
    echo "commit it unedited: mkdir -p validation/data/$slug/$date_dir &&" \
        "cp -r $out/raw.jsonl $out/summary.json $out/shapes validation/data/$slug/$date_dir/"
else
    echo "(a CPU smoke run: a check of the scripts, not data; do not commit it under validation/data/)"
fi
