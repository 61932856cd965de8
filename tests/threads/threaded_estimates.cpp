// Many threads estimating at once, as a scheduler embedding vidperf does: every preset on several GPUs,
// inference, training, the planner and op predictions, from 8 threads sharing the catalog, the presets, the
// built-in calibrations and one imported diffusers model. Every result must be bit-identical to the same
// work done on one thread. Built as ctest threads.estimates in every build, and under ThreadSanitizer by
// the tsan preset (scripts/sanitize.sh), where any data race fails the run.
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <vidperf/all.hpp>

namespace {

using namespace vidperf;

/// The figures one unit of work produces, in a fixed order.
std::vector<double> work(std::size_t unit, const std::shared_ptr<const model_spec>& imported) {
    static constexpr const char* gpus[] = {"a100-sxm4-80gb", "h100-sxm5-80gb", "h200-sxm-141gb", "rtx4090-24gb",
                                           "mi300x-192gb"};
    const auto& presets = model_presets();
    std::vector<double> out;
    const std::size_t model_index = unit % (presets.size() + 1);
    const std::shared_ptr<const model_spec> model =
        model_index == presets.size() ? imported : borrow(presets[model_index]);
    const target t = resolve_target(gpus[unit % std::size(gpus)], unit % 3 == 0 ? "datasheet" : "best");

    inference_request r;
    r.steps = 2 + static_cast<extent>(unit % 3);
    r.gpus = unit % 4 == 0 ? 2 : 1;
    if (r.gpus > 1) r.parallel = parallel_mode::cfg;
    try {
        if (const auto outcome = try_estimate(make_job(model, r), t.spec(), t.constants()); outcome) {
            out.push_back(outcome.value->latency().value());
            out.push_back(outcome.value->pipeline.memory.device_total.value());
        } else {
            out.push_back(-static_cast<double>(outcome.code));
        }
    } catch (const vidperf::error& e) { // a rule of the job (guidance off with CFG parallelism)
        out.push_back(-static_cast<double>(e.code()));
    }

    // training step of the same model
    training_options opt;
    try {
        const training_step s = estimate_training(*model, model->standard, opt, t.spec(), t.constants());
        out.push_back(s.step.value());
        out.push_back(s.memory.total.value());
    } catch (const vidperf::error& e) {
        out.push_back(-static_cast<double>(e.code()));
    }
    // the largest frame count that fits, and one op
    try {
        const inference_job job = make_job(model, inference_request{});
        out.push_back(static_cast<double>(max_frames(job, t.spec(), t.constants()).frames));
    } catch (const vidperf::error& e) {
        out.push_back(-static_cast<double>(e.code()));
    }
    const gemm_op g{.m = 4096 + static_cast<extent>(unit), .n = 5120, .k = 5120};
    out.push_back(predict(g, t.spec(), t.constants()).time.value());
    // names, parsed from many threads
    out.push_back(static_cast<double>(parse<attention_kernel>(unit % 2 == 0 ? "fa3" : "fa2", "attention")));
    return out;
}

} // namespace

int main() try {
    const std::string folder = std::string(VIDPERF_SOURCE_DIR) + "/tests/data/diffusers/wan2.1-t2v-1.3b";
    const std::shared_ptr<const model_spec> imported = resolve_model(folder);
    constexpr std::size_t units = 96;
    constexpr unsigned threads = 8;

    std::vector<std::vector<double>> serial(units);
    for (std::size_t u = 0; u < units; ++u) serial[u] = work(u, imported);

    std::vector<std::vector<double>> parallel(units);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            // every thread does every unit, in a different order; thread t keeps the units u with u % threads == t
            for (std::size_t i = 0; i < units; ++i) {
                const std::size_t u = (i * 7 + t * 13) % units;
                std::vector<double> r = work(u, imported);
                if (u % threads == t) parallel[u] = std::move(r);
            }
        });
    for (auto& th : pool) th.join();

    std::size_t figures = 0;
    for (std::size_t u = 0; u < units; ++u) {
        if (parallel[u].size() != serial[u].size() ||
            std::memcmp(parallel[u].data(), serial[u].data(), serial[u].size() * sizeof(double)) != 0) {
            std::fprintf(stderr, "threads.estimates: unit %zu differs between one thread and %u threads\n", u, threads);
            return 1;
        }
        figures += serial[u].size();
    }
    std::printf("threads.estimates: %zu units x %u threads, %zu figures bit-identical to one thread\n", units,
                threads, figures);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "threads.estimates: %s\n", e.what());
    return 2;
}
