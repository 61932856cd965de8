// LTX-Video 0.9.5 / 0.9.7's VAE (space-to-depth down-samplers, residual depth-to-space up-samplers, a decoder
// conditioned on the decode timestep) and the 13B preset built on it; its diffusers config in and out.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "stage_helpers.hpp"

#include <vidperf/io/diffusers.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
using test::find_stage;

nlohmann::json vae_json(const model_spec& m) { return nlohmann::json::parse(to_diffusers(m).vae); }

} // namespace

TEST_CASE("LTX 0.9.5's VAE: diffusers' parameter counts per tower and its FLOPs on a small clip") {
    const vae_spec v = presets_detail::ltx_095_vae();
    // diffusers 0.42.1's AutoencoderKLLTXVideo with get_vae_config("0.9.7") on the meta device
    CHECK(vae_tower_parameters(v, vae_encoder(v), false) == 694'098'881.0);
    CHECK(vae_tower_parameters(v, vae_decoder(v), true) == 552'814'641.0);
    // FlopCounterMode on the same class: encode of 17 x 128 x 192 pixels, decode of 3 x 4 x 6 latents with the
    // decode timestep (the three time embedders' GEMMs are the 48,758,784 addmm FLOPs)
    const stage enc = lower_vae_encode(v, 17, 128, 192, 1, dtype::bf16, {});
    CHECK(test::flops_of<conv_op>(enc) == doctest::Approx(1'290'505'125'888.0).epsilon(1e-9));
    const stage dec = lower_vae_decode(v, latent_shape{3, 4, 6, 72}, 1, dtype::bf16, {});
    CHECK(test::flops_of<conv_op>(dec) == doctest::Approx(563'626'377'216.0).epsilon(1e-9));
    CHECK(test::flops_of<gemm_op>(dec) == doctest::Approx(48'758'784.0).epsilon(1e-9));
}

TEST_CASE("LTX-2's VAE: the 0.9.5 layout without timestep conditioning, diffusers' counts at 768 x 512 x 121") {
    // diffusers 0.42.1's AutoencoderKLLTX2Video with scripts/convert_ltx2_to_diffusers.py get_ltx2_video_vae_config
    // ("2.0") (timestep_conditioning false, as converted) on the meta device: the 0.9.5 VAE's widths, layers and
    // re-samplers, without the decoder's time embedders, scale-shift tables and timestep_scale_multiplier
    vae_spec v = presets_detail::ltx_095_vae();
    v.timestep_conditioning = false;
    CHECK(vae_tower_parameters(v, vae_encoder(v), false) == 694'098'881.0);
    CHECK(vae_tower_parameters(v, vae_decoder(v), true) == 528'380'720.0);
    CHECK(vae_parameters(v) == 1'222'479'601.0); // the published count
    // FlopCounterMode on LTX2Pipeline's decode (no timestep) of [1, 128, 16, 16, 24] latents: untiled, and with
    // enable_tiling() four tiles of 16 x 16, 16 x 10, 2 x 16 and 2 x 10 latents
    const latent_shape lat{16, 16, 24, 16 * 16 * 24};
    const stage dec = lower_vae_decode(v, lat, 1, dtype::bf16, {});
    CHECK(test::flops_of<conv_op>(dec) == doctest::Approx(60'215'273'717'760.0).epsilon(1e-9));
    CHECK(test::flops_of<gemm_op>(dec) == 0.0);
    vae_tiling tiled;
    tiled.enabled = true;
    const stage tiles = lower_vae_decode(v, lat, 1, dtype::bf16, tiled);
    CHECK(test::flops_of<conv_op>(tiles) == doctest::Approx(73'387'364'843'520.0).epsilon(1e-9));
    CHECK(test::flops_of<gemm_op>(tiles) == 0.0);
}

TEST_CASE("LTX 0.9.5's VAE keeps the causal frame rule: 16 latent frames are 121, and back") {
    const vae_spec v = presets_detail::ltx_095_vae();
    stage_builder b("d", "vae", dtype::bf16, dtype::bf16);
    detail::vae_walker dec(b, vae_decoder(v).style, 1, v.latent_channels, 16, 2, 3);
    dec.run(vae_decoder(v));
    CHECK(dec.frames() == 121);
    detail::vae_walker enc(b, vae_encoder(v).style, 1, v.latent_channels, 121, 64, 96);
    enc.run(vae_encoder(v));
    CHECK(enc.frames() == 16);
    // a clip the space-to-depth down-samplers cannot fold is an error, not a wrong count
    CHECK_THROWS_AS((void)lower_vae_encode(v, 121, 100, 96, 1, dtype::bf16, {}), invalid_argument);
}

TEST_CASE("LTX-Video 13B: the 0.9.7 transformer on the 0.9.5 VAE, at LTXConditionPipeline's defaults") {
    const model_spec& m = find_model("ltx-video-13b");
    // 704 x 512 x 161: 21 latent frames of 16 x 22 tokens
    CHECK(latents(m.latent, m.standard, m.slug).tokens == 21 * 16 * 22);
    video_workload w = m.standard;
    w.impl = implementation::ideal;
    const auto stages = lower_inference(m, w);
    const stage& d = *find_stage(stages, "denoiser");
    CHECK(d.parameters == 13'042'569'344.0);
    const auto small_stages = lower_inference(find_model("ltx-video"), w);
    const stage& small = *find_stage(small_stages, "denoiser");
    // the same block at 4096 wide, 48 deep, on 256 prompt tokens: more than 6x the 2B's GEMM work
    CHECK(test::flops_of<gemm_op>(d) > 6 * test::flops_of<gemm_op>(small));
    CHECK(find_stage(stages, "vae_decode")->parameters == 1'246'913'522.0);
}

TEST_CASE("an LTX 0.9.5 VAE config round-trips and what is not modelled is refused naming the field") {
    const model_spec& m = find_model("ltx-video-13b");
    const nlohmann::json vae = vae_json(m);
    CHECK(vae["block_out_channels"] == nlohmann::json({128, 256, 512, 1024, 2048}));
    CHECK(vae["decoder_block_out_channels"] == nlohmann::json({256, 512, 1024}));
    CHECK(vae["downsample_type"] == nlohmann::json({"spatial", "temporal", "spatiotemporal", "spatiotemporal"}));
    CHECK(vae_parameters(test::with_vae("ltx-video-13b", vae).vae) == vae_parameters(m.vae));

    auto refused = [&](const char* field, const nlohmann::json& value, const char* message) {
        CAPTURE(field);
        nlohmann::json bad = vae;
        bad[field] = value;
        CHECK_THROWS_WITH((void)test::with_vae("ltx-video-13b", bad), doctest::Contains(message));
    };
    refused("upsample_factor", {1, 1, 1}, "upsample_factor");
    refused("upsample_residual", {false, false, false}, "upsample_residual");
    refused("decoder_inject_noise", {true, true, true, true}, "decoder_inject_noise");
    refused("downsample_type", {"conv", "conv", "conv", "conv"}, "downsample_type");
    refused("down_block_types",
            {"LTXVideo095DownBlock3D", "LTXVideoDownBlock3D", "LTXVideo095DownBlock3D", "LTXVideo095DownBlock3D"},
            "down_block_types");
    refused("decoder_block_out_channels", {256, 512, 2048}, "decoder_block_out_channels");
    refused("spatio_temporal_scaling", {true, true, true, false}, "compress 8x");
    // without the decoder's timestep conditioning: the count diffusers' AutoencoderKLLTXVideo gives (0.42.1)
    nlohmann::json plain = vae;
    plain["timestep_conditioning"] = false;
    CHECK(vae_parameters(test::with_vae("ltx-video-13b", plain).vae) == 1'222'479'601.0);
    // the 0.9.0 VAE still imports as before
    CHECK(vae_parameters(model_from_diffusers(to_diffusers(find_model("ltx-video")), "y").spec.vae) ==
          419'193'649.0);
}
