// Fuzz harness: the calibration suite's raw JSON-lines file, read and fitted as vidperf-fit does
// (calibration/fit.hpp). A fit that succeeds must produce a calibration that validate() accepts and that
// prices a small job to finite figures.
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return vidperf_fuzz::run([&] {
        const vidperf::raw_measurements raw = vidperf::parse_raw(vidperf_fuzz::as_text(data, size), "fuzz");
        const vidperf::gpu_spec& h100 = vidperf::find_gpu("h100-sxm5-80gb");
        const vidperf::fit_result r =
            vidperf::fit_calibration(raw, h100, vidperf::find_literature("h100-sxm5-80gb"), "fuzz");
        vidperf::validate(r.cal.cal, "fuzz");
        vidperf_fuzz::price(vidperf_fuzz::small_job(vidperf::find_model("wan2.1-t2v-1.3b")), h100, r.cal.cal);
    });
}
