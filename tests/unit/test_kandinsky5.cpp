// Kandinsky 5.0 T2V Lite: the text-then-visual block DiT, the Qwen2.5-VL text encoder as its pipeline runs it
// (logits and an idle vision tower included), and the Kandinsky5Transformer3DModel config in and out.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "stage_helpers.hpp"

#include <vidperf/io/diffusers.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
using test::find_stage;
} // namespace

TEST_CASE("Kandinsky 5 Lite: diffusers' parameter count and one call's FLOPs at 768 x 512 x 121") {
    const model_spec& m = find_model("kandinsky-5-t2v-lite");
    // 31 latent frames of 32 x 48 patches
    CHECK(latents(m.latent, m.standard, m.slug).tokens == 47'616);
    video_workload w = m.standard;
    w.impl = implementation::ideal;
    const auto stages = lower_inference(m, w);
    const stage& d = *find_stage(stages, "denoiser");
    // diffusers 0.42.1's Kandinsky5Transformer3DModel from config_5s_sft.yaml on the meta device (the README's "2B")
    CHECK(d.parameters == 2'007'702'848.0);
    // FlopCounterMode of one batch-1 call with 256 text tokens (count_reference.txt): the GEMMs, and the attention
    // of 32 visual blocks over 47,616 tokens, their cross-attention and the two text blocks
    CHECK(test::flops_of<gemm_op>(d) == doctest::Approx(1.37187e14).epsilon(1e-5));
    CHECK(test::flops_of<attention_op>(d) == doctest::Approx(5.22857e14).epsilon(1e-5));
    // guidance runs as two batch-1 calls per step
    CHECK(d.calls == doctest::Approx(100.0));
}

TEST_CASE("Qwen2.5-VL as a text encoder: q/k/v biases, logits at every position, the vision tower loaded") {
    const encoder_spec q = presets_detail::qwen25_vl_7b_text();
    const stage full = lower_encoder(q, 1, dtype::bf16, dtype::bf16, "q", 1);
    // language model 7,070,619,136 + lm_head 544,997,376 + vision tower 676,550,144 (transformers on meta)
    CHECK(full.parameters == 8'292'166'656.0);
    encoder_spec plain = q;
    plain.lm_head = false;
    plain.idle_parameters = 0;
    const stage lm = lower_encoder(plain, 1, dtype::bf16, dtype::bf16, "q", 1);
    CHECK(lm.parameters == 7'070'619'136.0);
    // the logits: 384 positions x 3584 x 152064, twice for a multiply-add
    CHECK(test::flops_of<gemm_op>(full) - test::flops_of<gemm_op>(lm) ==
          doctest::Approx(2.0 * 384 * 3584 * 152064).epsilon(1e-12));
    plain.qkv_bias = false; // the biases: 3584 + 2 x 512 per layer
    CHECK(lm.parameters - lower_encoder(plain, 1, dtype::bf16, dtype::bf16, "q", 1).parameters == 28.0 * 4608);
}

TEST_CASE("a Kandinsky5Transformer3DModel config round-trips; sparse attention is refused naming the field") {
    const model_spec& m = find_model("kandinsky-5-t2v-lite");
    diffusers_configs c = to_diffusers(m);
    auto t = nlohmann::json::parse(c.transformer);
    CHECK(t["axes_dims"] == nlohmann::json({16, 24, 24}));
    CHECK(t["visual_cond"] == true);
    const auto back = model_from_diffusers(c, "k");
    CHECK(back.spec.denoiser.in_channels == 33);
    CHECK(back.spec.denoiser.heads == 28);
    t["attention_type"] = "nabla";
    c.transformer = t.dump();
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("attention_type"), unsupported);
    t["attention_type"] = "regular";
    t["model_dim"] = 1800; // not a multiple of the 64-wide heads
    c.transformer = t.dump();
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("axes_dims"), schema_error);
}
