#pragma once
/// \file
/// Set-ups: how a GPU runs a job — its attention kernel and the denoiser's
/// dtype. The same job is often run differently on different GPUs (FA3 and
/// fp8 on an H100, FA2 and bf16 on an A100), and the buyer's verdict depends
/// on it, so comparisons take a set-up per GPU, or the fastest each GPU
/// supports (`best_setup`).

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <vidperf/core/error.hpp>
#include <vidperf/core/names.hpp>
#include <vidperf/hardware/gpu_spec.hpp>
#include <vidperf/pipeline/job.hpp>
#include <vidperf/roofline/calibration.hpp>

namespace vidperf {

struct setup {
    std::optional<attention_kernel> attention; ///< unset: the implementation's default for the model
    std::optional<dtype> compute;              ///< unset: the request's
};

/// "fa3,fp8": each item an attention kernel or a dtype name, at most one of each.
[[nodiscard]] inline setup parse_setup(std::string_view text, std::string_view field) {
    setup s;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t comma = std::min(text.find(',', pos), text.size());
        const std::string_view item = text.substr(pos, comma - pos);
        pos = comma + 1;
        if (item.empty())
            raise(errc::inconsistent, field, "empty item in the set-up '" + std::string(text) + "' (e.g. fa3,fp8)");
        if (const auto k = try_parse<attention_kernel>(item)) {
            if (s.attention) raise(errc::inconsistent, field, "two attention kernels in '" + std::string(text) + "'");
            s.attention = *k;
        } else if (const auto d = try_parse<dtype>(item)) {
            if (s.compute) raise(errc::inconsistent, field, "two dtypes in '" + std::string(text) + "'");
            s.compute = *d;
        } else {
            raise(errc::unknown_name, field,
                  "'" + std::string(item) + "' is neither an attention kernel (" + known_names<attention_kernel>() +
                      ") nor a dtype (bf16 fp16 fp8)");
        }
        if (comma == text.size()) break;
    }
    return s;
}

/// The request with the set-up's choices applied.
[[nodiscard]] inline inference_request with_setup(inference_request r, const setup& s) {
    if (s.attention) r.attention = s.attention;
    if (s.compute) r.compute = *s.compute;
    return r;
}

/// "fa3, fp8_e4m3" as the job runs it.
[[nodiscard]] inline std::string setup_text(const inference_job& j) {
    return std::string(name(j.work.attention)) + ", " + std::string(name(j.work.compute));
}

struct setup_estimate {
    setup chosen;
    inference_job job;
    job_estimate estimate;
};

/// The fastest set-up `gpu` supports for the job asked by `base`: every attention kernel the GPU and the
/// implementation run, in bf16 and (where the GPU has fp8 tensor cores) fp8; the fastest that fits in
/// memory, else the fastest. Raises when no set-up runs at all.
[[nodiscard]] inline setup_estimate best_setup(const std::shared_ptr<const model_spec>& model,
                                               const inference_request& base, const gpu_spec& gpu,
                                               const calibration& cal) {
    std::optional<setup_estimate> best;
    std::string last_error;
    for (const auto k : all_attention_kernels) {
        for (const dtype d : {dtype::bf16, dtype::fp8_e4m3}) {
            const setup s{k, d};
            inference_request r = with_setup(base, s);
            r.weights.reset(); // the implementation's storage for this dtype
            std::optional<inference_job> j;
            try {
                j = make_job(model, r);
            } catch (const error& e) {
                last_error = e.what();
                continue;
            }
            auto o = try_estimate(*j, gpu, cal);
            if (!o) {
                if (!o.message.empty()) last_error = o.message;
                continue;
            }
            const bool fits = o.value->pipeline.fits;
            const bool better = !best || (fits && !best->estimate.pipeline.fits) ||
                                (fits == best->estimate.pipeline.fits && o.value->latency() < best->estimate.latency());
            if (better) best = setup_estimate{s, std::move(*j), std::move(*o.value)};
        }
    }
    if (!best)
        raise(errc::kernel_not_available, "--best-setup",
              "no attention kernel and dtype runs this job on '" + std::string(gpu.slug) + "'" +
                  (last_error.empty() ? std::string() : " (last: " + last_error + ")"));
    return std::move(*best);
}

} // namespace vidperf
