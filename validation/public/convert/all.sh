#!/usr/bin/env bash
# Reruns every converter of the public op-measurement corpus, rewriting ../data/*.csv.
#
# usage: all.sh MIRRORS
#   MIRRORS: a folder holding one git directory per source repository, named
#   <owner>+<name> (either the git directory itself or a folder with it under repo/).
# Converters of numbers transcribed from papers and issues take no input.
set -euo pipefail
if [ $# -ne 1 ]; then
    echo "usage: $0 MIRRORS" >&2
    exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
mirrors="$1"
py="${PYTHON:-python3}"

mirror() {
    local d="$mirrors/$1"
    if [ -d "$d/repo" ]; then d="$d/repo"; fi
    if ! git -C "$d" rev-parse --git-dir >/dev/null 2>&1; then
        echo "error: no git directory for $1 under $mirrors" >&2
        exit 1
    fi
    printf '%s' "$d"
}

"$py" "$here/neusight.py" "$(mirror sitar-lab+NeuSight)"
"$py" "$here/xla.py" "$(mirror ROCm+xla)"
"$py" "$here/vidur.py" "$(mirror microsoft+vidur)"
"$py" "$here/azure-bench.py" "$(mirror Azure+AI-benchmarking-guide)"
"$py" "$here/deepgemm.py" "$(mirror deepseek-ai+DeepGEMM)"
"$py" "$here/nccl-tests.py" "$(mirror stas00+ml-engineering)"
"$py" "$here/gpu-benches.py" "$(mirror te42kyfo+gpu-benches)"
"$py" "$here/gpu-benches-l2.py" "$(mirror te42kyfo+gpu-benches)"
"$py" "$here/fa3-paper.py"
"$py" "$here/fa2-repo.py"
"$py" "$here/mamf.py"
"$py" "$here/tileops.py"
"$py" "$here/nvbandwidth.py"

"$py" "$here/check.py"
