// Allegro: its DiT (the cross-attention family without q/k norms), its VAE (2-D resnets with temporal convs,
// decoded only in fixed tiles whose outputs are kept until the blend), and the diffusers configs in and out.
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

TEST_CASE("Allegro's VAE: diffusers' parameter counts per tower and the FLOPs of one tile each way") {
    const vae_spec v = presets_detail::allegro_vae();
    // diffusers 0.42.1's AutoencoderKLAllegro() on the meta device: encoder + quant_conv, decoder + post_quant_conv
    CHECK(vae_tower_parameters(v, vae_encoder(v), false) == 64'001'104.0);
    CHECK(vae_tower_parameters(v, vae_decoder(v), true) == 110'954'647.0);
    // FlopCounterMode on the encoder of one 24 x 320 x 320 tile and the decoder of one 6 x 40 x 40 latent tile:
    // convolutions, and the per-frame mid-block attention's q/k/v/out projections (1.51e10 mm + 5.03e9 addmm)
    const stage enc = lower_vae_encode(v, 24, 320, 320, 1, dtype::bf16, {});
    CHECK(test::flops_of<conv_op>(enc) == doctest::Approx(15'253'084'569'600.0).epsilon(1e-6));
    const stage dec = lower_vae_decode(v, latent_shape{6, 40, 40, 0}, 1, dtype::bf16, {});
    CHECK(test::flops_of<conv_op>(dec) == doctest::Approx(30'442'822'041'600.0).epsilon(1e-6));
    CHECK(test::flops_of<gemm_op>(dec) == doctest::Approx(15'099'494'400.0 + 5'033'164'800.0).epsilon(1e-9));
}

TEST_CASE("Allegro decodes in tiles only: 75 of 6 x 40 x 40 at 1280 x 720 x 88, each output kept") {
    const vae_spec v = presets_detail::allegro_vae();
    // floor((N - tile) / stride) + 1 per axis: frames (22 - 6) / 4 + 1 = 5, rows (90 - 40) / 25 + 1 = 3,
    // columns (160 - 40) / 30 + 1 = 5
    const auto tiles = vae_decode_tiles(v, 22, 90, 160, {});
    REQUIRE(tiles.size() == 1);
    CHECK(tiles[0].frames == 6);
    CHECK(tiles[0].height == 40);
    CHECK(tiles[0].width == 40);
    CHECK(tiles[0].count == 75);
    // the same with enable_tiling(): the class has no other decode
    CHECK(vae_decode_tiles(v, 22, 90, 160, {true})[0].count == 75);
    // 75 tiles of 3 x 24 x 320 x 320 pixels held for the blend: in tf32 (fp32 storage) 2.21 GB more than one tile
    const stage one = lower_vae_decode(v, latent_shape{6, 40, 40, 0}, 1, dtype::tf32, {});
    const stage all = lower_vae_decode(v, latent_shape{22, 90, 160, 0}, 1, dtype::tf32, {});
    CHECK(all.activation_bytes.value() - one.activation_bytes.value() ==
          doctest::Approx(74.0 * 3 * 24 * 320 * 320 * 4).epsilon(1e-9));
    CHECK(test::flops_of<conv_op>(all) == doctest::Approx(75 * test::flops_of<conv_op>(one)).epsilon(1e-12));
    // a video smaller than one tile has no decode; a tile size of one's own is refused
    CHECK_THROWS_WITH_AS((void)vae_decode_tiles(v, 22, 30, 160, {}), doctest::Contains("320 pixels of height"),
                         invalid_argument);
    CHECK_THROWS_WITH_AS((void)vae_decode_tiles(v, 22, 90, 160, {true, 0, 32, 32}), doctest::Contains("fixed"),
                         unsupported);
}

TEST_CASE("Allegro at the README's 1280 x 720 x 88, 100 steps: the DiT, the T5 and the tiled fp32 decode") {
    const model_spec& m = find_model("allegro");
    // 88 frames are 22 latent frames (not causal), 45 x 80 patches: the README's "79.2K" context
    CHECK(latents(m.latent, m.standard, m.slug).tokens == 79'200);
    const auto stages = lower_inference(m, m.standard);
    const stage& d = *find_stage(stages, "denoiser");
    CHECK(d.parameters == 2'771'907'856.0);
    // no q/k norms and no norm before the cross-attention: the self-attention dominates one call
    CHECK(test::flops_of<attention_op>(d) > 4 * test::flops_of<gemm_op>(d));
    // the official code (and diffusers' example) loads the VAE in fp32: its weights are 4 bytes each
    const stage& vae = *find_stage(stages, "vae_decode");
    CHECK(vae.weight_bytes.value() == doctest::Approx(174'955'751.0 * 4));
    // 88 frames is not a multiple the VAE takes away from: 90 frames is refused naming the nearest valid counts
    video_workload w = m.standard;
    w.frames = 90;
    CHECK_THROWS_WITH_AS((void)latents(m.latent, w, m.slug), doctest::Contains("88 or 92"), invalid_argument);
}

TEST_CASE("an AutoencoderKLAllegro config round-trips; temporal up-sampling must mirror the down-sampling") {
    const model_spec& m = find_model("allegro");
    const nlohmann::json vae = nlohmann::json::parse(to_diffusers(m).vae);
    CHECK(vae["_class_name"] == "AutoencoderKLAllegro");
    CHECK(vae["temporal_upsample_blocks"] == nlohmann::json({false, true, true, false}));
    CHECK(vae_parameters(test::with_vae("allegro", vae).vae) == 174'955'751.0);
    nlohmann::json bad = vae;
    bad["temporal_upsample_blocks"] = {true, true, false, false};
    CHECK_THROWS_WITH_AS((void)test::with_vae("allegro", bad), doctest::Contains("temporal_upsample_blocks"), unsupported);
    bad = vae;
    bad["down_block_types"] = {"AllegroDownBlock3D", "DownEncoderBlock2D", "AllegroDownBlock3D", "AllegroDownBlock3D"};
    CHECK_THROWS_WITH_AS((void)test::with_vae("allegro", bad), doctest::Contains("down_block_types"), schema_error);
    bad = vae;
    bad["temporal_compression_ratio"] = 8;
    CHECK_THROWS_WITH_AS((void)test::with_vae("allegro", bad), doctest::Contains("temporal_compression_ratio"), unsupported);
    // the transformer: a cross-attention width other than the blocks' is refused
    diffusers_configs c = to_diffusers(m);
    auto t = nlohmann::json::parse(c.transformer);
    CHECK(t["_class_name"] == "AllegroTransformer3DModel");
    t["cross_attention_dim"] = 4096;
    c.transformer = t.dump();
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("cross_attention_dim"), unsupported);
}
