// Must not compile: a memory bandwidth (bytes/s) passed where a compute rate
// (FLOP/s) is expected. Built twice by tests/CMakeLists.txt: with
// VIDPERF_SHOULD_FAIL_TO_COMPILE the bad call is made and compilation must
// fail; without it the same code with the right type must compile.
#include <vidperf/core/quantity.hpp>

namespace {

double f(vidperf::flops_per_second r) { return r.value(); }

} // namespace

double use() {
#ifdef VIDPERF_SHOULD_FAIL_TO_COMPILE
    return f(vidperf::bytes_per_second{1.0});
#else
    return f(vidperf::flops_per_second{1.0});
#endif
}
