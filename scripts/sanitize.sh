#!/usr/bin/env bash
# Runs the tests that matter for memory safety and undefined behaviour under clang's sanitizers:
#   preset sanitize: ASan + UBSan with float-cast-overflow, float-divide-by-zero, the integer checks and
#     nullability (cmake/sanitize-ignorelist.txt spares system headers the checks of well-defined behaviour):
#     the unit tests, the CLI cases, the bad-input battery, the fitter's tool test, the threads test and the
#     fuzz harnesses replaying their corpus;
#   preset tsan: ThreadSanitizer on the threads test (many threads estimating at once).
# Works from any directory; scripts/test.sh calls it after the release tests. Extra arguments go to both ctest runs.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=$(nproc 2>/dev/null || echo 2)

echo "sanitize: ASan + UBSan build (clang)"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize -j "${jobs}" --target vidperf_tests vidperf_cli vidperf_fit vidperf_validate \
    vidperf_threads vidperf_fuzzers
ctest --preset sanitize --output-on-failure -j "${jobs}" "$@"

echo "sanitize: ThreadSanitizer build (clang)"
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j "${jobs}" --target vidperf_threads
ctest --preset tsan --output-on-failure "$@"
