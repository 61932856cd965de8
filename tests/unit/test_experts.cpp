#include <doctest/doctest.h>

#include <string>

#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
pipeline_estimate run(const model_spec& m, const video_workload& w, offload_policy off,
                      std::string_view gpu = "h100-sxm5-80gb") {
    pipeline_options po;
    po.offload = off;
    return estimate_pipeline(lower_inference(m, w), find_gpu(gpu), *builtin_calibration("literature", gpu).cal, po);
}

const stage_estimate& stage_named(const pipeline_estimate& e, std::string_view name) {
    for (const auto& s : e.stages)
        if (s.name == name) return s;
    FAIL("no stage " << name);
    return e.stages.front();
}
} // namespace

TEST_CASE("the switching step of Wan2.2 A14B follows each code's timestep grid and shift") {
    // Expected counts were computed with numpy from the two samplers' own formulas (not from this code):
    //   official  np.linspace(np.float32(0.999), 0, N+1)[:-1], s = k σ / (1 + (k-1) σ), t = int64(1000 s)
    //   diffusers np.linspace(1, 0.001, N+1)[:-1], same shift, t = 1000 s
    // and counted t >= boundary x 1000.
    const auto& t2v = find_model("wan2.2-t2v-a14b").experts;
    const auto& i2v = find_model("wan2.2-i2v-a14b").experts;
    CHECK(high_noise_steps(t2v, 40, implementation::official) == 26);
    CHECK(high_noise_steps(t2v, 50, implementation::official) == 32);
    CHECK(high_noise_steps(t2v, 20, implementation::official) == 13);
    CHECK(high_noise_steps(t2v, 4, implementation::official) == 3);
    CHECK(high_noise_steps(t2v, 1, implementation::official) == 1);
    CHECK(high_noise_steps(t2v, 1000, implementation::official) == 632);
    CHECK(high_noise_steps(i2v, 40, implementation::official) == 15);
    CHECK(high_noise_steps(i2v, 7, implementation::official) == 3);
    CHECK(high_noise_steps(i2v, 100, implementation::official) == 36);
    CHECK(high_noise_steps(t2v, 40, implementation::ideal) == 26); // ideal follows the official sampler
    CHECK(high_noise_steps(t2v, 40, implementation::diffusers) == 13); // flow_shift 3.0
    CHECK(high_noise_steps(t2v, 50, implementation::diffusers) == 16);
    CHECK(high_noise_steps(i2v, 40, implementation::diffusers) == 11);
    // one expert: every step
    CHECK(high_noise_steps(find_model("wan2.1-t2v-14b").experts, 50, implementation::official) == 50);
}

TEST_CASE("Wan2.2 A14B lowers into two experts of the 14B architecture, each with its share of the calls") {
    const auto& m = find_model("wan2.2-t2v-a14b");
    const auto stages = lower_inference(m, m.standard);
    const stage* high = nullptr;
    const stage* low = nullptr;
    for (const auto& s : stages) {
        if (s.name == "denoiser") high = &s;
        if (s.name == "denoiser_2") low = &s;
    }
    REQUIRE(high != nullptr);
    REQUIRE(low != nullptr);
    CHECK(high->kind == stage_kind::denoiser);
    CHECK(low->kind == stage_kind::denoiser);
    CHECK(high->module != low->module);
    // 40 steps, guidance as two calls each: 26 high-noise steps, 14 low-noise
    CHECK(high->calls == 52);
    CHECK(low->calls == 28);
    // each expert is diffusers' WanTransformer3DModel("Wan2.2-T2V-A14B") on the meta device: 14,288,491,584
    CHECK(high->parameters == 14'288'491'584.0);
    CHECK(low->parameters == 14'288'491'584.0);
    const auto& i2v = find_model("wan2.2-i2v-a14b");
    for (const auto& s : lower_inference(i2v, i2v.standard))
        if (s.kind == stage_kind::denoiser) CHECK(s.parameters == 14'288'901'184.0); // 36 input channels, no CLIP
    // no image encoder: Wan2.2 I2V conditions on the VAE-encoded image alone
    for (const auto& s : lower_inference(i2v, i2v.standard)) CHECK(s.kind != stage_kind::image_encoder);
}

TEST_CASE("two experts: both resident without offload, one at a time under model offload") {
    const auto& m = find_model("wan2.2-t2v-a14b");
    video_workload w = m.standard;
    w.impl = implementation::official;
    const auto resident = run(m, w, offload_policy::none);
    const auto swapped = run(m, w, offload_policy::model);
    const double expert = 14'288'491'584.0 * 2; // bf16 bytes of one expert
    // under model offload the peak holds one expert's weights alone
    CHECK(swapped.memory.weights.value() == doctest::Approx(expert).epsilon(1e-12));
    // without offload both experts are resident: one expert (28.6 GB) more than Wan2.1-T2V-14B, the same
    // architecture with the same encoder and VAE, at the same workload
    const auto& single = find_model("wan2.1-t2v-14b");
    const auto one = run(single, w, offload_policy::none);
    CHECK(resident.memory.weights.value() - one.memory.weights.value() == doctest::Approx(expert).epsilon(1e-9));
    // model offload moves each expert in once (and the one it replaces out)
    CHECK(stage_named(swapped, "denoiser").transfer.value() > 0);
    CHECK(stage_named(swapped, "denoiser_2").transfer.value() ==
          doctest::Approx(stage_named(swapped, "denoiser").transfer.value()).epsilon(1e-12));
    // the time per call is the same architecture's: latency splits as the calls do
    CHECK(stage_named(resident, "denoiser").latency.value() / stage_named(resident, "denoiser_2").latency.value() ==
          doctest::Approx(52.0 / 28.0).epsilon(1e-9));
}

TEST_CASE("an expert the sampler never reaches runs nothing and moves nothing, but holds its weights") {
    const auto& m = find_model("wan2.2-t2v-a14b");
    video_workload w = m.standard;
    w.steps = 1; // t = 999: the high-noise expert alone
    const auto swapped = run(m, w, offload_policy::model);
    const auto& low = stage_named(swapped, "denoiser_2");
    CHECK(low.calls == 0);
    CHECK(low.latency.value() == 0);
    CHECK(low.transfer.value() == 0);
    const auto resident = run(m, w, offload_policy::none);
    CHECK(resident.memory.weights.value() > 2 * 2 * 14'288'491'584.0); // both experts and the rest
}
