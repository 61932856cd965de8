#pragma once
/// \file
/// `recommend`: the buyer's checklist as one call. For every offered GPU, every
/// GPU count and the GPU's set-up (given, or the fastest it supports), the job
/// is estimated and costed per finished job (price x GPUs x time, with
/// utilisation, reruns and queueing: cost.hpp); rows that fit in memory, meet
/// the deadline and, with a throughput target, need no more GPUs than are
/// available rank first, cheapest first. Each row says why it ranks where it
/// does in one line.

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <vidperf/cost/cost.hpp>
#include <vidperf/hardware/gpu_spec.hpp>
#include <vidperf/pipeline/job.hpp>
#include <vidperf/pipeline/setup.hpp>
#include <vidperf/roofline/calibration.hpp>

namespace vidperf {

/// A GPU on offer and what one GPU-hour of it costs.
struct gpu_offer {
    const gpu_spec* gpu = nullptr;
    const calibration* cal = nullptr;
    double price_per_gpu_hour = 0;
    std::optional<setup> given_setup; ///< unset: the fastest set-up the GPU supports (best_setup)
};

struct recommend_options {
    std::vector<int> counts{1};          ///< GPUs per job to consider
    parallel_mode parallel = parallel_mode::ulysses; ///< how a multi-GPU job shares the denoiser
    double utilisation = 1;
    double reruns_per_100 = 0;
    double queue_delay_h = 0;
    std::optional<double> videos_per_hour; ///< a throughput target: replicas of the job run side by side
    std::optional<double> deadline_s;      ///< one video must finish within this
    int gpus_available = 1 << 20;          ///< GPUs of each type there are
};

struct recommendation {
    const gpu_spec* gpu = nullptr;
    int gpus_per_job = 1;
    std::string setup;             ///< "fa3, fp8_e4m3"
    std::optional<inference_job> job;
    std::optional<job_estimate> estimate;
    cost_breakdown<double> cost{};
    int replicas = 1;              ///< jobs running side by side for the throughput target
    int gpus_total = 1;            ///< replicas x GPUs per job
    double dollars_per_hour = 0;   ///< what the GPUs cost per hour of running
    bool feasible = false;         ///< fits, meets the deadline and the GPU count
    std::string reason;            ///< one line: why it ranks where it does
};

namespace detail {
inline std::string percent(double share) { return std::to_string(static_cast<int>(std::lround(100 * share))) + "%"; }
} // namespace detail

/// Every (GPU, count, set-up) for the job asked by `base`, ranked: feasible rows first, cheapest per finished
/// job first; rows that cannot run at all are kept at the end with the reason.
[[nodiscard]] inline std::vector<recommendation> recommend(const std::shared_ptr<const model_spec>& model,
                                                           const inference_request& base,
                                                           const std::vector<gpu_offer>& offers,
                                                           const recommend_options& o) {
    if (offers.empty()) raise(errc::inconsistent, "recommend", "no GPU offered");
    if (o.counts.empty()) raise(errc::inconsistent, "recommend", "no GPU count to consider");
    require_in_range(o.utilisation, 1e-6, 1.0, "recommend", "utilisation");
    require_non_negative(o.reruns_per_100, "recommend", "reruns_per_100");
    if (o.videos_per_hour) require_positive(*o.videos_per_hour, "recommend", "videos_per_hour");
    if (o.deadline_s) require_positive(*o.deadline_s, "recommend", "deadline_s");
    std::vector<recommendation> rows;
    for (const auto& offer : offers) {
        if (offer.gpu == nullptr || offer.cal == nullptr) raise(errc::inconsistent, "recommend", "an offer has no GPU");
        require_positive(offer.price_per_gpu_hour, "recommend",
                         "price of " + std::string(offer.gpu->slug) + " (dollars per GPU-hour)");
        for (const int n : o.counts) {
            recommendation r;
            r.gpu = offer.gpu;
            r.gpus_per_job = n;
            inference_request req = base;
            req.gpus = n;
            req.parallel = n > 1 ? o.parallel : parallel_mode::none;
            try {
                if (offer.given_setup) {
                    inference_job j = make_job(model, with_setup(req, *offer.given_setup));
                    r.estimate = estimate(j, *offer.gpu, *offer.cal);
                    r.job = std::move(j);
                } else {
                    auto b = best_setup(model, req, *offer.gpu, *offer.cal);
                    r.job = std::move(b.job);
                    r.estimate = std::move(b.estimate);
                }
            } catch (const error& e) {
                r.reason = std::string("cannot run: ") + e.what();
                rows.push_back(std::move(r));
                continue;
            }
            const job_estimate& e = *r.estimate;
            r.setup = setup_text(*r.job);
            cost_inputs<double> in;
            in.runtime = e.latency();
            in.gpus = n;
            in.price_per_gpu_hour = dollars(offer.price_per_gpu_hour);
            in.utilisation = o.utilisation;
            in.reruns_per_100 = o.reruns_per_100;
            in.queue_delay = seconds(o.queue_delay_h * units::seconds_per_hour);
            r.cost = cost_per_job(in);
            // finished videos per hour of one replica (n GPUs): the cost model's jobs per GPU per day x n / 24
            const double per_replica_per_hour = r.cost.jobs_per_day_per_gpu * n / 24.0;
            r.replicas = o.videos_per_hour ? static_cast<int>(std::ceil(*o.videos_per_hour / per_replica_per_hour)) : 1;
            r.gpus_total = r.replicas * n;
            r.dollars_per_hour = r.gpus_total * offer.price_per_gpu_hour;
            const bool fits = e.pipeline.fits;
            const bool in_time = !o.deadline_s || e.latency().value() <= *o.deadline_s;
            const bool enough = r.gpus_total <= o.gpus_available;
            r.feasible = fits && in_time && enough;
            const auto [kind, share] = e.dominant_kind();
            std::string why = std::string(name(e.bound())) + "-bound, " + std::string(name(kind)) + " " +
                              detail::percent(share) + " of the time";
            if (!fits)
                why = "does not fit: " + std::to_string(static_cast<int>(e.pipeline.memory.device_total.value() / 1e9)) +
                      " GB of " + std::to_string(static_cast<int>(offer.gpu->hbm_capacity.value() / 1e9)) + " GB; " + why;
            else if (!in_time)
                why = "misses the deadline (" + std::to_string(static_cast<int>(e.latency().value())) + " s > " +
                      std::to_string(static_cast<int>(*o.deadline_s)) + " s); " + why;
            else if (!enough)
                why = "needs " + std::to_string(r.gpus_total) + " GPUs, " + std::to_string(o.gpus_available) +
                      " available; " + why;
            if (n > 1) why += "; collectives " + detail::percent(e.pipeline.communication_share);
            if (offer.cal->profile == "datasheet")
                why += "; datasheet ideal (no measured or literature calibration for this GPU): optimistic";
            r.reason = why;
            rows.push_back(std::move(r));
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const recommendation& a, const recommendation& b) {
        if (a.feasible != b.feasible) return a.feasible;
        if (a.estimate.has_value() != b.estimate.has_value()) return a.estimate.has_value();
        return a.cost.total < b.cost.total;
    });
    return rows;
}

} // namespace vidperf
