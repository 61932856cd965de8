#!/usr/bin/env bash
# Fuzzes every reader of outside input with libFuzzer (ASan + UBSan, preset sanitize): each harness of
# tests/fuzz for SECONDS (default 60) from its committed corpus, two at a time.
#
#   bash scripts/fuzz.sh [SECONDS] [HARNESS ...]      e.g. bash scripts/fuzz.sh 600 gpu diffusers
#
# New inputs that reach new code go to build/sanitize/fuzz-work/<harness> (the committed corpus is not
# touched); a finding (crash, sanitizer report, an exception other than vidperf::error, a non-finite figure)
# is written to build/sanitize/fuzz-findings/ and fails the run. Copy a finding into tests/fuzz/corpus/<harness>/
# as finding-<what> once fixed: the replay tests keep it. Prints each harness's executions.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-60}
shift || true
harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
    harnesses=(gpu calibration storage diffusers op fit measurements job)
fi
if ! [[ ${seconds} =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz.sh: SECONDS must be a whole number >= 1, got '${seconds}'" >&2
    exit 2
fi

jobs=$(nproc 2>/dev/null || echo 2)
build=build/sanitize
cmake --preset sanitize >/dev/null
targets=()
for h in "${harnesses[@]}"; do
    [[ -f tests/fuzz/fuzz_${h}.cpp ]] || { echo "fuzz.sh: no harness '${h}' (tests/fuzz/fuzz_${h}.cpp)" >&2; exit 2; }
    targets+=("vidperf_fuzz_${h}")
done
cmake --build --preset sanitize -j "${jobs}" --target "${targets[@]}"

mkdir -p "${build}/fuzz-findings" "${build}/fuzz-logs"
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

fuzz_one() {
    local h=$1
    local work="${build}/fuzz-work/${h}"
    mkdir -p "${work}"
    "${build}/tests/fuzz/vidperf_fuzz_${h}" -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 \
        -dict=tests/fuzz/json.dict -artifact_prefix="${build}/fuzz-findings/${h}-" -print_final_stats=1 \
        "${work}" "tests/fuzz/corpus/${h}" >"${build}/fuzz-logs/${h}.log" 2>&1
}

failed=()
running=0
pids=()
names=()
for h in "${harnesses[@]}"; do
    fuzz_one "${h}" &
    pids+=($!)
    names+=("${h}")
    running=$((running + 1))
    if ((running >= jobs)); then
        wait -n || true
        running=$((running - 1))
    fi
done
for i in "${!pids[@]}"; do
    wait "${pids[$i]}" 2>/dev/null || true
done

printf '%-14s %12s %10s %8s  %s\n' harness executions exec/s corpus result
for h in "${harnesses[@]}"; do
    log="${build}/fuzz-logs/${h}.log"
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "${log}" | grep -o '[0-9]*$' || echo 0)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "${log}" | grep -o '[0-9]*$' || echo 0)
    corpus=$(find "${build}/fuzz-work/${h}" -type f | wc -l)
    if grep -q 'Done [0-9]* runs' "${log}" && ! grep -qE 'ERROR: |runtime error|fuzz finding' "${log}"; then
        result=ok
    else
        result="FINDING: see ${log}"
        failed+=("${h}")
    fi
    printf '%-14s %12s %10s %8s  %s\n' "${h}" "${runs:-0}" "${rate:-0}" "${corpus}" "${result}"
done
if ((${#failed[@]} > 0)); then
    echo "fuzz.sh: findings in ${failed[*]}; inputs in ${build}/fuzz-findings/" >&2
    for h in "${failed[@]}"; do grep -m5 -E 'ERROR|runtime error|fuzz finding|Test unit written' "${build}/fuzz-logs/${h}.log" >&2 || true; done
    exit 1
fi
