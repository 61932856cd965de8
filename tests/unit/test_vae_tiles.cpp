// The VAE work as diffusers runs it: HunyuanVideo's mid-block attention over all frames of a chunk, its
// default temporal tiles, spatial tiles that recompute their overlaps, and Mochi's frames. Every figure is
// a hand count from the classes' defaults (docs/vae-sources.md, "Tiles"); validation/reference/
// count_reference.py checks the same decodes against diffusers itself.
#include <doctest/doctest.h>

#include "stage_helpers.hpp"

#include <vidperf/models/presets.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
double total_count(const std::vector<vae_tile>& tiles) {
    double n = 0;
    for (const auto& t : tiles) n += t.count;
    return n;
}
using test::flops_of;
} // namespace

TEST_CASE("HunyuanVideo's VAE mid-block attention runs over all frames of the chunk at once, by hand") {
    // 4 latent frames of 8 x 8 (no temporal tile: diffusers tiles from 5 latent frames on): one attention of
    // 4 * 64 = 256 tokens, one head of 512; FLOPs 4 * 256^2 * 512 (one per frame would be 4 times 4 * 64^2 * 512)
    const auto st = lower_vae_decode(presets_detail::hunyuan_vae(), {4, 8, 8, 0}, 1, dtype::bf16, {});
    CHECK(flops_of<attention_op>(st) == 4.0 * 256 * 256 * 512);
    int attentions = 0;
    for (const auto& u : st.ops)
        if (const auto* a = std::get_if<attention_op>(&u.op)) {
            ++attentions;
            CHECK(a->batch == 1);
            CHECK(a->heads_q == 1);
            CHECK(a->seq_q == 256);
            CHECK(a->head_dim == 512);
        }
    CHECK(attentions == 1);
    // the frame-causal mask is materialised: 256^2 scores' worth built in fp32 and cast to bf16
    CHECK(st.activation_bytes.value() >= 256.0 * 256 * 6);
}

TEST_CASE("HunyuanVideo's standard decode: 11 temporal tiles x 28 spatial tiles, 179 frames at full resolution") {
    // 129 frames at 1280x720: a 33 x 90 x 160 latent. Temporal tiles (use_framewise_decoding, on by default):
    // 4 + 1 latent frames every 3 -> starts 0, 3, ..., 30: ten of 5 frames and one of 3 (30..32), which decode
    // to 17 and 9 frames: 10 * 17 + 9 = 179. Spatial tiles (enable_tiling): 32 rows every 24 -> 32, 32, 32, 18;
    // 32 columns every 24 -> six of 32 and one of 16.
    const auto v = presets_detail::hunyuan_vae();
    const auto untiled = vae_decode_tiles(v, 33, 90, 160, {});
    CHECK(total_count(untiled) == 11);
    double frames = 0;
    for (const auto& t : untiled) frames += t.count * static_cast<double>(4 * (t.frames - 1) + 1);
    CHECK(frames == 179);

    const auto tiled = vae_decode_tiles(v, 33, 90, 160, {true});
    CHECK(total_count(tiled) == 11 * 28);
    double rows_cols = 0;
    for (const auto& t : tiled) rows_cols += t.count * static_cast<double>(t.height * t.width);
    CHECK(rows_cols == 11.0 * (3 * 32 + 18) * (6 * 32 + 16));

    // the mid-block attention of every tile: sum of (frames x h x w)^2 = (10 * 5^2 + 3^2) * (3 * 32^2 + 18^2) *
    // (6 * 32^2 + 16^2), times 4 * 512
    const latent_shape lat{33, 90, 160, 0};
    const auto st = lower_vae_decode(v, lat, 1, dtype::bf16, {true});
    CHECK(flops_of<attention_op>(st) == 4.0 * 512 * (10 * 25 + 9) * (3 * 1024 + 324) * (6 * 1024 + 256));
    // the decoder's last conv (128 -> 3) runs on 179 frames of the tiles' 912 x 1664 pixels (overlaps included)
    double out_voxels = 0;
    for (const auto& u : st.ops)
        if (const auto* c = std::get_if<conv_op>(&u.op); c && c->c_in == 128 && c->c_out == 3) {
            const auto o = detail::conv_outputs(*c);
            out_voxels += u.count * static_cast<double>(o[0] * o[1] * o[2]);
        }
    CHECK(out_voxels == 179.0 * (114 * 8) * (208 * 8));
    // the largest tile holds far less than the untiled decode, whose chunks attend over 5 x 90 x 160 tokens
    const auto whole = lower_vae_decode(v, lat, 1, dtype::bf16, {});
    CHECK(st.activation_bytes < whole.activation_bytes);
    CHECK(whole.activation_bytes.value() >= 72000.0 * 72000 * 6);
}

TEST_CASE("Mochi decodes every latent frame and drops the first five at the end") {
    // 28 latent frames: x3, x2, x1 in time -> 168 frames through the last resnets and the output projection,
    // then frames 5.. are kept: (28 - 1) * 6 + 1 = 163
    const auto v = presets_detail::mochi_vae();
    const auto st = lower_vae_decode(v, {28, 4, 4, 0}, 1, dtype::bf16, {});
    bool found = false;
    for (const auto& u : st.ops)
        if (const auto* g = std::get_if<gemm_op>(&u.op); g && g->k == 128 && g->n == 3) {
            CHECK(g->m == 168 * 32 * 32);
            found = true;
        }
    CHECK(found);
    // with enable_tiling() at 848x480 (60 x 106 latent): rows 32, 32, 12 and columns 32, 32, 32, 32, 10
    const auto tiles = vae_decode_tiles(v, 28, 60, 106, {true});
    CHECK(total_count(tiles) == 15);
    double area = 0;
    for (const auto& t : tiles) area += t.count * static_cast<double>(t.height * t.width);
    CHECK(area == 76.0 * 138);
}

TEST_CASE("VAE encode tiles: HunyuanVideo's 16 + 1 frame tiles every 12, Wan2.2's tiles on the patchified input") {
    const auto hy = vae_encode_tiles(presets_detail::hunyuan_vae(), 129, 720, 1280, {});
    REQUIRE(hy.size() == 2); // starts 0, 12, ..., 120: ten of 17 frames, then 9
    CHECK(hy[0].frames == 17);
    CHECK(hy[0].count == 10);
    CHECK(hy[1].frames == 9);
    CHECK(hy[1].count == 1);
    // AutoencoderKLWan cuts 256-wide tiles every 192 from the 2x2-patchified input: 512 pixels every 384
    const auto wan = vae_encode_tiles(presets_detail::wan22_vae(), 121, 704, 1280, {true});
    double rows = 0, cols = 0;
    for (const auto& t : wan) {
        if (t.width == 512) rows += t.count * static_cast<double>(t.height) / 3; // three 512-wide columns
        if (t.height == 512) cols += t.count * static_cast<double>(t.width) / 1; // one 512-high row
    }
    CHECK(rows == 512 + 320);          // rows start at 0 and 384
    CHECK(cols == 3 * 512 + 128);      // columns start at 0, 384, 768, 1152
    CHECK(total_count(wan) == 2 * 4);
}

TEST_CASE("tile sizes given in latent units keep the class's overlap - impossible tilings are errors") {
    const auto cog = presets_detail::cogvideox_vae();
    // CogVideoX's 30 x 45 latent tiles overlap by 5 rows and 9 columns: 16-wide tiles start every 11 rows (6 tiles
    // over 60) and every 7 columns (13 over 90)
    CHECK(total_count(vae_decode_tiles(cog, 13, 60, 90, {true, 0, 16, 16})) == 6 * 13);
    CHECK_THROWS_AS((void)vae_decode_tiles(cog, 13, 60, 90, {true, 0, 5, 16}), invalid_argument);
    // diffusers' AutoencoderKLTemporalDecoder has no tiled decode; Mochi has no temporal tiles
    CHECK_THROWS_AS((void)vae_decode_tiles(presets_detail::svd_vae(), 25, 72, 128, {true}), unsupported);
    CHECK_THROWS_AS((void)vae_decode_tiles(presets_detail::mochi_vae(), 28, 60, 106, {false, 4}), unsupported);
    // LTX's temporal tiles (off by default) when a tile is given: 3 latent frames every latent frame
    const auto ltx = vae_decode_tiles(presets_detail::ltx_vae(), 16, 16, 24, {false, 2});
    CHECK(total_count(ltx) == 16);
}
