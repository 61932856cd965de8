// HunyuanVideo 1.5: the dual-stream DiT with its three context streams (refined Qwen tokens, ByT5 glyph
// tokens, image tokens), its 16x / 4x VAE with space-to-depth re-samplers, and its diffusers configs.
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

TEST_CASE("HunyuanVideo 1.5's VAE: diffusers' counts per tower, an encode's FLOPs and the causal frame rule") {
    const vae_spec v = presets_detail::hunyuan15_vae();
    // diffusers 0.42.1's AutoencoderKLHunyuanVideo15() on the meta device
    CHECK(vae_tower_parameters(v, vae_encoder(v), false) == 389'324'544.0);
    CHECK(vae_tower_parameters(v, vae_decoder(v), true) == 871'309'571.0);
    // FlopCounterMode on the encoder of a 9 x 64 x 96 clip: convolutions (the attention's 1x1x1 projections
    // included, which vidperf books as GEMMs)
    const stage enc = lower_vae_encode(v, 9, 64, 96, 1, dtype::bf16, {});
    CHECK(test::flops_of<conv_op>(enc) + test::flops_of<gemm_op>(enc) ==
          doctest::Approx(794'955'350'016.0).epsilon(1e-9));
    // the first frame is re-sampled in space only: 121 frames are 31 latent frames, and back
    stage_builder b("d", "vae", dtype::bf16, dtype::bf16);
    detail::vae_walker up(b, vae_decoder(v).style, 1, 32, 31, 2, 3);
    up.run(vae_decoder(v));
    CHECK(up.frames() == 121);
    detail::vae_walker down(b, vae_encoder(v).style, 1, 32, 121, 32, 48);
    down.run(vae_encoder(v));
    CHECK(down.frames() == 31);
}

TEST_CASE("HunyuanVideo 1.5 480p T2V: 8.3B parameters, one call's FLOPs, the dense mask diffusers builds") {
    const model_spec& m = find_model("hunyuanvideo-1.5-t2v");
    // 848 x 480 x 121: 31 latent frames of 30 x 53 (16x spatial, patch 1)
    CHECK(latents(m.latent, m.standard, m.slug).tokens == 49'290);
    video_workload w = m.standard;
    const auto run = lower_inference(m, w);
    const stage& d = *find_stage(run, "denoiser");
    CHECK(d.parameters == 8'326'608'160.0);
    // FlopCounterMode of one batch-1 call on the class's modules (count_reference.txt): the GEMMs (the 1x1x1
    // patch embedding included) and the joint attention over 49,290 + 1,985 tokens
    CHECK(test::flops_of<gemm_op>(d) == doctest::Approx(2.78974e14).epsilon(1e-5));
    CHECK(test::flops_of<attention_op>(d) == doctest::Approx(1.16306e15).epsilon(1e-5));
    // diffusers' processor builds a [S x S] boolean mask (S = 51,275): 2.63 GB live in its calls
    w.impl = implementation::ideal;
    const auto ideal = lower_inference(m, w);
    CHECK(d.activation_bytes.value() - find_stage(ideal, "denoiser")->activation_bytes.value() ==
          doctest::Approx(51'275.0 * 51'275.0));
}

TEST_CASE("HunyuanVideo 1.5's configs round-trip; the step-distilled embedder and other VAE factors are refused") {
    const model_spec& m = find_model("hunyuanvideo-1.5-t2v");
    diffusers_configs c = to_diffusers(m);
    const auto back = model_from_diffusers(c, "h");
    CHECK(vae_parameters(back.spec.vae) == 1'260'634'115.0);
    CHECK(back.spec.denoiser.glyph_tokens == 256);
    auto t = nlohmann::json::parse(c.transformer);
    CHECK(t["_class_name"] == "HunyuanVideo15Transformer3DModel");
    t["use_meanflow"] = true;
    diffusers_configs bad = c;
    bad.transformer = t.dump();
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(bad, "x"), doctest::Contains("use_meanflow"), unsupported);
    auto vae = nlohmann::json::parse(c.vae);
    CHECK(vae["ffactor_temporal"] == 4);
    vae["ffactor_spatial"] = 8;
    bad = c;
    bad.vae = vae.dump();
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(bad, "x"), doctest::Contains("ffactor_spatial"), unsupported);
}

TEST_CASE("HunyuanVideo 1.5 I2V: the SigLIP tower as transformers counts it, the image's one-frame encode") {
    const model_spec& m = find_model("hunyuanvideo-1.5-i2v");
    const auto stages = lower_inference(m, m.standard);
    const stage& img = *find_stage(stages, "image_encoder");
    // transformers' SiglipVisionModel (so400m-patch14-384) on the meta device
    CHECK(img.parameters == 428'225'600.0);
    // FlopCounterMode of one 384 x 384 image: 604,223,327,232 GEMM + conv FLOPs, 66,123,122,688 attention; the
    // pooling head's run on its one probe token (0.65 % of the GEMMs, 3.4e6 of the attention) is left out
    CHECK(test::flops_of<gemm_op>(img) == doctest::Approx(604'223'327'232.0).epsilon(0.01));
    CHECK(test::flops_of<gemm_op>(img) < 604'223'327'232.0);
    CHECK(test::flops_of<attention_op>(img) == doctest::Approx(66'123'122'688.0 - 4.0 * 729 * 1152).epsilon(1e-9));
    // the conditioning image is VAE-encoded as one frame; the DiT is the T2V model's
    const stage& enc = *find_stage(stages, "vae_encode");
    CHECK(enc.parameters == 1'260'634'115.0);
    CHECK(find_stage(stages, "denoiser")->parameters == 8'326'608'160.0);
    // a folder whose model_index names the image-to-video pipeline imports as this model
    const auto back = model_from_diffusers(to_diffusers(m), "i");
    CHECK(back.spec.task == task_kind::i2v);
    CHECK(back.spec.has_image_encoder);
    CHECK(back.spec.encode_frames == 1);
}
