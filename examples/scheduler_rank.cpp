// For scheduler authors: rank 1,000 candidate placements (model x GPU x GPU count x set-up) by predicted
// job time, the way a cluster scheduler would per decision.
//
// The pattern: reject what a GPU cannot run with runs_on() (no lowering, no allocation, no exception),
// lower each (model, count, set-up) once, and re-price the lowered stages on every GPU with reprice()
// (no allocation). Prints the best placements and how many candidates per second it ranks.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <vidperf/vidperf.hpp>

int main() {
    using namespace vidperf;
    struct candidate {
        const model_spec* model;
        const gpu_spec* gpu;
        int gpus;
        attention_kernel kernel;
        dtype compute;
        double seconds = 0;
        bool fits = false;
        bool runs = false;
        bool datasheet = false; ///< no measured or literature calibration: the datasheet ideal (optimistic)
    };
    // the candidates: every preset x the catalog x 1/2/4/8 GPUs x two set-ups, the first 1,000
    std::vector<candidate> cands;
    for (const auto& m : model_presets())
        for (const int n : {1, 2, 4, 8})
            for (const auto& [k, d] : {std::pair{attention_kernel::fa2, dtype::bf16}, std::pair{attention_kernel::fa3, dtype::fp8_e4m3}})
                for (const auto& g : gpu_catalog)
                    if (cands.size() < 1000) cands.push_back({&m, &g, n, k, d});
    const auto start = std::chrono::steady_clock::now();
    std::size_t lowered = 0;
    for (std::size_t i = 0; i < cands.size();) {
        // one lowering per (model, count, set-up, link); the candidates of a group are contiguous
        auto& c0 = cands[i];
        inference_request r;
        r.gpus = c0.gpus;
        r.parallel = c0.gpus > 1 ? parallel_mode::ulysses : parallel_mode::none;
        r.attention = c0.kernel;
        r.compute = c0.compute;
        std::size_t end = i;
        while (end < cands.size() && cands[end].model == c0.model && cands[end].gpus == c0.gpus &&
               cands[end].kernel == c0.kernel)
            ++end;
        std::optional<inference_job> job;
        try {
            job = make_job(*c0.model, r);
        } catch (const error&) { // e.g. a UNet with sequence parallelism: no candidate of the group runs
            i = end;
            continue;
        }
        std::vector<stage> stages[2]; // lowered on NVLink and on PCIe, when a GPU of the group needs it
        for (std::size_t k = i; k < end; ++k) {
            auto& c = cands[k];
            const calibration_choice choice = builtin_calibration("best", c.gpu->slug);
            const calibration& cal = *choice.cal;
            c.datasheet = choice.fell_back;
            if (runs_on(*job, *c.gpu, cal) != errc{}) continue; // cheap rejection
            const int link = static_cast<int>(link_on(*job, *c.gpu) == link_kind::pcie);
            if (stages[link].empty()) {
                inference_options io = job->inference;
                io.parallel.link = link == 1 ? link_kind::pcie : link_kind::nvlink;
                try {
                    stages[link] = lower_inference(*job->model, job->work, io);
                    ++lowered;
                } catch (const error&) { // e.g. Ulysses degree that does not divide the heads
                    break;
                }
            }
            try {
                const quick_estimate q = reprice(stages[link], *c.gpu, cal, job->pipeline);
                c.seconds = q.latency.value();
                c.fits = q.fits;
                c.runs = true;
            } catch (const error&) {
            }
        }
        i = end;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::vector<const candidate*> ok;
    for (const auto& c : cands)
        if (c.runs && c.fits) ok.push_back(&c);
    std::sort(ok.begin(), ok.end(), [](const candidate* a, const candidate* b) {
        return a->seconds * a->gpus < b->seconds * b->gpus; // GPU-seconds per video: the scarce resource
    });
    std::printf("%zu candidates: %zu run and fit, %zu lowerings; ranked in %.3f s = %.0f candidates per second\n",
                cands.size(), ok.size(), lowered, elapsed, static_cast<double>(cands.size()) / elapsed);
    std::printf("fewest GPU-seconds per video:\n");
    for (std::size_t i = 0; i < ok.size() && i < 5; ++i)
        std::printf("  %-16.*s on %d x %-16.*s %-3.*s %-8.*s %9.1f s per video%s\n",
                    static_cast<int>(ok[i]->model->slug.size()), ok[i]->model->slug.data(), ok[i]->gpus,
                    static_cast<int>(ok[i]->gpu->slug.size()), ok[i]->gpu->slug.data(),
                    static_cast<int>(name(ok[i]->kernel).size()), name(ok[i]->kernel).data(),
                    static_cast<int>(name(ok[i]->compute).size()), name(ok[i]->compute).data(), ok[i]->seconds,
                    ok[i]->datasheet ? "  * datasheet ideal (no measured or literature calibration): optimistic" : "");
    return ok.empty() ? 1 : 0;
}
