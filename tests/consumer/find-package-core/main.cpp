// The standard-library core: a whole job, lowered and priced, with nothing but <vidperf/vidperf.hpp>.
#include <vidperf/vidperf.hpp>

#include <cstdio>

int main() {
    using namespace vidperf;
    const inference_job job = make_job(find_model("wan2.1-t2v-1.3b"), {});
    const gpu_spec& gpu = find_gpu("h100-sxm5-80gb");
    const job_estimate e = estimate(job, gpu, *builtin_calibration("best", gpu.slug).cal);
    const double s = e.latency().value();
    if (!(s > 1.0 && s < 1e5) || !e.pipeline.fits) {
        std::printf("unexpected estimate: %.3f s, fits %d\n", s, static_cast<int>(e.pipeline.fits));
        return 1;
    }
    std::printf("wan2.1-t2v-1.3b on h100-sxm5-80gb: %.1f s, %.1f GB\n", s,
                e.pipeline.memory.device_total.value() / 1e9);
    return 0;
}
