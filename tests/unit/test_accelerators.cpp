#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <variant>

#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
struct totals {
    double denoiser_calls = 0;   ///< calls of the full denoiser stages
    double cache_calls = 0;      ///< calls of the served steps
    double attention_flops = 0;  ///< self-attention FLOPs of the full denoiser calls
    double other_flops = 0;      ///< everything else in the full denoiser calls
    double outside_flops = 0;    ///< FLOPs of every non-denoiser stage
    double denoiser_live = 0;    ///< the largest activation bytes of a denoiser stage
};

totals sum(const std::vector<stage>& stages) {
    totals t;
    for (const auto& s : stages) {
        if (s.kind != stage_kind::denoiser) {
            for (const auto& u : s.ops) t.outside_flops += cost(u.op).flops.value() * u.count * s.calls;
            continue;
        }
        if (s.name == "step_cache") {
            t.cache_calls += s.calls;
            continue;
        }
        t.denoiser_calls += s.calls;
        t.denoiser_live = std::max(t.denoiser_live, s.activation_bytes.value());
        for (const auto& u : s.ops) {
            const double f = cost(u.op).flops.value() * u.count * s.calls;
            if (u.role == op_role::self_attention && std::holds_alternative<attention_op>(u.op))
                t.attention_flops += f;
            else
                t.other_flops += f;
        }
    }
    return t;
}

video_workload with(const model_spec& m, acceleration a) {
    video_workload w = m.standard;
    w.accel = a;
    return w;
}
} // namespace

TEST_CASE("a step cache serves its share of the steps and changes nothing outside the denoiser") {
    const auto& m = find_model("wan2.1-t2v-14b"); // 50 steps, guidance as two calls per step
    const totals base = sum(lower_inference(m, m.standard));
    for (auto method : {step_cache::teacache, step_cache::first_block, step_cache::magcache}) {
        CAPTURE(name(method));
        const totals t = sum(lower_inference(m, with(m, {method, 0.4, 1})));
        CHECK(t.denoiser_calls == 60);                // 30 of 50 steps run the denoiser, two calls each
        CHECK(t.cache_calls == 40);                   // 20 steps served, for both guidance passes
        CHECK(t.outside_flops == base.outside_flops); // encoders, scheduler and VAE untouched
        CHECK(t.attention_flops == doctest::Approx(base.attention_flops * 0.6).epsilon(1e-12));
        // the cache's residuals live through the loop: [N, D] per guidance branch, 2 tensors (1 for MagCache)
        const double nd = 75600.0 * 5120 * 2; // tokens x width x bf16
        CHECK(t.denoiser_live - base.denoiser_live ==
              doctest::Approx((method == step_cache::magcache ? 1 : 2) * 2 * nd).epsilon(1e-9));
    }
    // a served step costs a small share of a full one, First-Block Cache the most (it runs one block)
    const auto gpu = find_gpu("h100-sxm5-80gb");
    const auto cal = *builtin_calibration("literature", "h100-sxm5-80gb").cal;
    auto served_share = [&](step_cache c) {
        double full = 0, served = 0;
        for (const auto& s : lower_inference(m, with(m, {c, 0.5, 1}))) {
            if (s.name == "denoiser") full = estimate_pipeline({s}, gpu, cal, {}).latency.value() / s.calls;
            if (s.name == "step_cache") served = estimate_pipeline({s}, gpu, cal, {}).latency.value() / s.calls;
        }
        return served / full;
    };
    CHECK(served_share(step_cache::magcache) < served_share(step_cache::teacache));
    CHECK(served_share(step_cache::teacache) < 0.01);
    CHECK(served_share(step_cache::first_block) == doctest::Approx(1.0 / 40).epsilon(0.25)); // 1 of 40 blocks
}

TEST_CASE("sparse attention keeps its share of the self-attention FLOPs and nothing else changes") {
    const auto& m = find_model("hunyuanvideo");
    const totals base = sum(lower_inference(m, m.standard));
    const totals t = sum(lower_inference(m, with(m, {step_cache::none, 0, 0.3})));
    CHECK(t.attention_flops == doctest::Approx(0.3 * base.attention_flops).epsilon(1e-12));
    CHECK(t.other_flops == base.other_flops);
    CHECK(t.outside_flops == base.outside_flops);
    CHECK(t.denoiser_calls == base.denoiser_calls);
    CHECK(t.denoiser_live == base.denoiser_live); // flash-style kernels: no new memory
    // across GPUs the all-to-alls that move Q, K, V and O stay whole: only the attention shrinks
    inference_options four;
    four.parallel.ulysses = 4;
    auto collectives = [&](double keep) {
        double bytes_moved = 0;
        for (const auto& s : lower_inference(m, with(m, {step_cache::none, 0, keep}), four))
            for (const auto& u : s.ops)
                if (const auto* c = std::get_if<collective_op>(&u.op)) bytes_moved += static_cast<double>(c->elements) * u.count * s.calls;
        return bytes_moved;
    };
    CHECK(collectives(0.3) == collectives(1.0));
    CHECK(collectives(1.0) > 0);
    // a UNet's attention is not modelled as sparse
    const auto& svd = find_model("svd-xt");
    CHECK_THROWS_WITH_AS((void)lower_inference(svd, with(svd, {step_cache::none, 0, 0.5})),
                         doctest::Contains("DiT denoisers"), unsupported);
}

TEST_CASE("step-distilled checkpoints are steps and guidance: fewer denoiser calls, the same calls") {
    const auto& m = find_model("wan2.1-t2v-14b");
    video_workload w = m.standard;
    w.steps = 4;
    w.cfg = cfg_mode::off;
    const totals base = sum(lower_inference(m, m.standard));
    const totals t = sum(lower_inference(m, w));
    CHECK(t.denoiser_calls == 4);
    CHECK(t.attention_flops == doctest::Approx(base.attention_flops * 4 / 100).epsilon(1e-12));
}

TEST_CASE("caching with two experts serves the low-noise expert's steps first, and bad shares are refused") {
    const auto& m = find_model("wan2.2-t2v-a14b"); // 26 high-noise and 14 low-noise steps of 40
    auto calls = [&](double skip) {
        std::map<std::string, double> c;
        for (const auto& s : lower_inference(m, with(m, {step_cache::magcache, skip, 1}))) c[s.name] = s.calls;
        return c;
    };
    auto c = calls(0.25); // 10 steps served, all low-noise
    CHECK(c["denoiser"] == 52);
    CHECK(c["denoiser_2"] == 8);
    CHECK(c["step_cache"] == 20);
    c = calls(0.5); // 20 served: all 14 low-noise steps and 6 high-noise
    CHECK(c["denoiser"] == 40);
    CHECK(c["denoiser_2"] == 0);
    CHECK(c["step_cache"] == 40);

    const auto& wan = find_model("wan2.1-t2v-1.3b");
    CHECK_THROWS_WITH_AS((void)lower_inference(wan, with(wan, {step_cache::teacache, 0.99, 1})),
                         doctest::Contains("cache_skip"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)lower_inference(wan, with(wan, {step_cache::none, 0.3, 1})),
                         doctest::Contains("needs a step cache"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)lower_inference(wan, with(wan, {step_cache::none, 0, 0.001})),
                         doctest::Contains("attention_keep"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)lower_inference(wan, with(wan, {step_cache::none, 0, std::nan("")})),
                         doctest::Contains("attention_keep"), invalid_argument);
}
