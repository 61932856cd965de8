// Fuzz harness: a calibration JSON file (io/calibration_json.hpp). What is read must pass validate() and
// price a small job on its GPU (or the H100) to finite figures.
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return vidperf_fuzz::run([&] {
        const vidperf::loaded_calibration c = vidperf::calibration_from_json(vidperf_fuzz::as_text(data, size));
        const vidperf::gpu_spec* g = vidperf::try_find_gpu(c.cal.gpu_slug);
        const vidperf::gpu_spec& gpu = g != nullptr ? *g : vidperf::find_gpu("h100-sxm5-80gb");
        const vidperf::inference_job job = vidperf_fuzz::small_job(vidperf::find_model("wan2.1-t2v-1.3b"));
        vidperf_fuzz::price(job, gpu, c.cal);
    });
}
