// Fuzz harness: a validation measurements file (validation/measurements.hpp), read and predicted as
// vidperf_validate does, on an H100 with its literature calibration.
#include "harness.hpp"

#include <measurements.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return vidperf_fuzz::run([&] {
        const auto f = vidperf::read_measurements(vidperf_fuzz::as_text(data, size), "fuzz",
                                                  vidperf::find_gpu("h100-sxm5-80gb"),
                                                  vidperf::find_literature("h100-sxm5-80gb"));
        for (const auto& c : f.cases) {
            if (!(c.measured > 0) || !std::isfinite(c.measured)) vidperf_fuzz::finding("measured value", c.measured);
            vidperf_fuzz::check(c.best, "prediction (best)");
            vidperf_fuzz::check(c.datasheet, "prediction (datasheet)");
            vidperf_fuzz::check(c.error_best() + 1, "error (best)");
        }
    });
}
