// Must not compile: a plain double converted implicitly to a duration. Built
// twice by tests/CMakeLists.txt: with VIDPERF_SHOULD_FAIL_TO_COMPILE the
// copy-initialisation from 1.0 must fail; without it the explicit
// construction must compile.
#include <vidperf/core/quantity.hpp>

double use() {
#ifdef VIDPERF_SHOULD_FAIL_TO_COMPILE
    vidperf::seconds s = 1.0;
#else
    vidperf::seconds s{1.0};
#endif
    return s.value();
}
