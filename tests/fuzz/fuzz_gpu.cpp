// Fuzz harness: a GPU JSON file (io/gpu_json.hpp). What is read must price a small job to finite figures.
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return vidperf_fuzz::run([&] {
        const vidperf::loaded_gpu g = vidperf::gpu_from_json(vidperf_fuzz::as_text(data, size));
        const vidperf::inference_job job = vidperf_fuzz::small_job(vidperf::find_model("wan2.1-t2v-1.3b"));
        vidperf_fuzz::price(job, g.spec, vidperf::datasheet_calibration);
        if (const vidperf::calibration* c = vidperf::try_find_literature(g.spec.slug))
            vidperf_fuzz::price(job, g.spec, *c);
    });
}
