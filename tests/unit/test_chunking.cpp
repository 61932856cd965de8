// Diffusion forcing (SkyReels-V2 DF): a long video in overlapping iterations, as both codes plan them.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "stage_helpers.hpp"

#include <vidperf/io/diffusers.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
using test::find_stage;

const stage& named(const std::vector<stage>& stages, std::string_view name) {
    const stage* s = find_stage(stages, name);
    REQUIRE_MESSAGE(s != nullptr, "no stage " << name);
    return *s;
}

extent conv_frames(const stage& s) { // frames of the first convolution's input: the clip the stage works on
    for (const auto& o : s.ops)
        if (const auto* c = std::get_if<conv_op>(&o.op)) return c->input[0];
    return 0;
}
} // namespace

TEST_CASE("diffusion forcing iterations: the README's 10 s, 30 s and 237-frame videos") {
    const diffusion_forcing df{97, 17}; // base_num_frames 97 (25 latent frames), overlap_history 17 (5)
    // 257 frames = 65 latent frames: 1 + (65 - 25 - 1) / 20 + 1 = 3 iterations of 25
    chunk_plan p = plan_chunks(df, 257, 65, 4, "m");
    CHECK(p.chunked);
    CHECK(p.iterations == 3);
    CHECK(p.groups[0].frames == 25);
    CHECK(p.groups[0].count == 3);
    CHECK(p.groups[1].count == 0);
    CHECK(p.overlap_latent == 5);
    // the README's own example: 237 frames, "(237-97-(97-17)x1+17-1)//4+1=20" latent frames in the last iteration
    p = plan_chunks(df, 237, 60, 4, "m");
    CHECK(p.iterations == 3);
    CHECK(p.groups[0].count == 2);
    CHECK(p.groups[1].frames == 20);
    CHECK(p.groups[1].count == 1);
    // 737 frames (30 s): 185 latent frames, 9 iterations of 25
    p = plan_chunks(df, 737, 185, 4, "m");
    CHECK(p.iterations == 9);
    CHECK(p.denoised_frames() == 9 * 25);
    // a video no longer than one iteration is made in one pass
    p = plan_chunks(df, 97, 25, 4, "m");
    CHECK_FALSE(p.chunked);
    CHECK(p.groups[0].frames == 25);
    CHECK_THROWS_WITH_AS((void)plan_chunks({97, 97}, 257, 65, 4, "m"), doctest::Contains("overlap"), error);
    CHECK_THROWS_WITH_AS((void)plan_chunks({97, 0}, 257, 65, 4, "m"), doctest::Contains("overlap"), error);
}

TEST_CASE("SkyReels-V2 DF: every step of every iteration runs the denoiser on that iteration's frames") {
    const model_spec& m = find_model("skyreels-v2-df-14b-540p");
    video_workload w = m.standard; // 960 x 544 x 257, 30 steps, two guidance passes, official code
    auto stages = lower_inference(m, w);
    const stage* den = find_stage(stages, "denoiser");
    REQUIRE(den != nullptr);
    CHECK(den->calls == 30 * 2 * 3);
    CHECK(find_stage(stages, "denoiser_tail") == nullptr);
    // the official code decodes each iteration (25 latent frames) and encodes the 17 overlap frames again
    const stage* dec = find_stage(stages, "vae_decode");
    const stage* enc = find_stage(stages, "vae_encode_overlap");
    REQUIRE(dec != nullptr);
    REQUIRE(enc != nullptr);
    CHECK(dec->calls == 3);
    CHECK(enc->calls == 2);
    const extent iteration_frames = conv_frames(*dec); // before `stages` is replaced below
    // diffusers keeps the latents: one decode of the whole video, no encode
    w.impl = implementation::diffusers;
    stages = lower_inference(m, w);
    CHECK(find_stage(stages, "vae_encode_overlap") == nullptr);
    CHECK(named(stages, "vae_decode").calls == 1);
    CHECK(conv_frames(named(stages, "vae_decode")) > iteration_frames);
    // the README's 237 frames: a shorter last iteration gets its own stage of the same module
    w.frames = 237;
    stages = lower_inference(m, w);
    const stage* tail = find_stage(stages, "denoiser_tail");
    REQUIRE(tail != nullptr);
    CHECK(tail->module == "denoiser");
    CHECK(tail->calls == 30 * 2);
    CHECK(named(stages, "denoiser").calls == 30 * 2 * 2);
    // a clip within one iteration is one pass
    w.frames = 97;
    stages = lower_inference(m, w);
    CHECK(named(stages, "denoiser").calls == 30 * 2);
}

TEST_CASE("per-frame timesteps: the timestep MLP runs per latent frame and the per-token table is live") {
    model_spec m = find_model("skyreels-v2-df-14b-540p");
    video_workload w = m.standard;
    w.frames = 97; // one iteration: 25 latent frames, 25 x 34 x 60 = 51,000 tokens
    const double with = named(lower_inference(m, w), "denoiser").activation_bytes.value();
    m.denoiser.per_frame_timesteps = false;
    const double without = named(lower_inference(m, w), "denoiser").activation_bytes.value();
    CHECK(with - without == doctest::Approx(6.0 * 51000 * 5120 * 4)); // [6, tokens, D] in fp32
}

TEST_CASE("SkyReelsV2Transformer3DModel: diffusion forcing from its DF pipeline, the fps embedding's weights") {
    diffusers_configs c = to_diffusers(find_model("skyreels-v2-df-14b-540p"));
    CHECK(nlohmann::json::parse(c.transformer).at("_class_name") == "SkyReelsV2Transformer3DModel");
    CHECK(nlohmann::json::parse(c.model_index).at("_class_name") == "SkyReelsV2DiffusionForcingPipeline");
    const auto df = model_from_diffusers(c, "df");
    CHECK(df.spec.denoiser.per_frame_timesteps);
    CHECK(df.spec.forcing.base_frames == 97);
    c.model_index = R"({"_class_name": "SkyReelsV2Pipeline"})"; // the plain text-to-video pipeline
    const auto plain = model_from_diffusers(c, "t2v");
    CHECK_FALSE(plain.spec.denoiser.per_frame_timesteps);
    CHECK(plain.spec.forcing.base_frames == 0);
    // inject_sample_info (SkyReels-V2-DF-1.3B): Embedding(2, D), Linear(D, D), Linear(D, 6 D), with biases
    auto t = nlohmann::json::parse(c.transformer);
    t["inject_sample_info"] = true;
    c.transformer = t.dump();
    const auto fps = model_from_diffusers(c, "fps");
    const auto params = [](const model_spec& m) {
        for (const auto& s : lower_inference(m, m.standard))
            if (s.name == "denoiser") return s.parameters;
        return 0.0;
    };
    const double D = 5120;
    CHECK(params(fps.spec) - params(plain.spec) == doctest::Approx(2 * D + D * D + D + D * 6 * D + 6 * D));
}
