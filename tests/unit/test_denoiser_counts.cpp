// Denoiser parts an independent count with diffusers' classes found missing or extra (validation/reference/
// count_reference.py), each counted by hand from the class's layers.
#include <doctest/doctest.h>

#include <vidperf/models/presets.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
// by value: callers pass the temporary a lowering returns
stage denoiser_of(const std::vector<stage>& stages) {
    for (const auto& s : stages)
        if (s.name == "denoiser") return s;
    FAIL("no denoiser stage");
    return stages.front();
}
double denoiser_parameters(const model_spec& m) { return denoiser_of(lower_inference(m, m.standard)).parameters; }
} // namespace

TEST_CASE("HunyuanVideo's token refiner: its own timestep and pooled-text embedders, by hand") {
    // HunyuanVideoTokenRefiner: time_text_embed = a timestep MLP 256 -> 3072 -> 3072 and a projection of the
    // text tokens' mean 4096 -> 3072 -> 3072; then two refiner blocks of width T = 3072 (norm1 2T, qkv 3T^2 + 3T,
    // out T^2 + T, norm2 2T, MLP 4T^2 + 4T + 4T^2 + T, adaLN gate 2T^2 + 2T)
    model_spec m = find_model("hunyuanvideo");
    const double with = denoiser_parameters(m);
    m.denoiser.refiner_layers = 0;
    const double without = denoiser_parameters(m);
    const double T = 3072;
    const double embedders = (256 * T + T) + (T * T + T) + (4096 * T + T) + (T * T + T);
    const double block = 2 * T + (3 * T * T + 3 * T) + (T * T + T) + 2 * T + (4 * T * T + 4 * T) + (4 * T * T + T) +
                         (2 * T * T + 2 * T);
    CHECK(with - without == embedders + 2 * block);
    CHECK(with == 12'821'012'544.0); // diffusers HunyuanVideoTransformer3DModel, HYVideo-T/2-cfgdistill
}

TEST_CASE("CogVideoX: the timestep MLP takes the full width, and a final LayerNorm, by hand") {
    // time_proj = Timesteps(inner_dim): linear_1 is 3072 -> 512, not 256 -> 512
    model_spec m = find_model("cogvideox-5b");
    CHECK(m.denoiser.time_freq_dim == 3072);
    const double full = denoiser_parameters(m);
    m.denoiser.time_freq_dim = 256;
    CHECK(full - denoiser_parameters(m) == (3072 - 256) * 512);
    // with norm_final (2 x 3072) the totals are diffusers' CogVideoXTransformer3DModel counts
    CHECK(full == 5'570'283'072.0);
    CHECK(denoiser_parameters(find_model("cogvideox-2b")) == 1'693'783'872.0);
    CHECK_FALSE(find_model("cogvideox-2b").denoiser.rotary); // sin-cos positions, no parameters either way
}

TEST_CASE("LTX-Video's norm before cross-attention has no affine parameters") {
    model_spec m = find_model("ltx-video");
    const double ltx = denoiser_parameters(m);
    m.denoiser.cross_norm_affine = 2; // Wan's LayerNorm with weight and bias
    CHECK(denoiser_parameters(m) - ltx == 28.0 * 2 * 2048);
    CHECK(ltx == 1'923'385'472.0);
}

TEST_CASE("Mochi's denoiser counted by hand, layer by layer: the caption pool and the last block included") {
    const double D = 3072, T = 1536, P = 4096;
    const double patch = 12 * 4 * D + D;                             // 2x2 patch conv of 12 channels
    const double time = (256 * D + D) + (D * D + D);                 // timestep MLP
    const double pool = (P * 2 * P + 2 * P) + (P * P + P) + (P * D + D); // attention pool: to_kv, to_q, to_out
    const double caption = P * T + T;                                // caption_proj
    const double rope = 3 * 24 * 64;                                 // pos_frequencies
    // a block: modulations D -> 4D and D -> 4T; q, k, v without bias (video D -> D, text T -> D); four q/k norms
    // of 128; outputs D -> D and D -> T with bias; SwiGLU MLPs 3 x 8192 x D and 3 x 4096 x T without bias
    const double block = (D * 4 * D + 4 * D) + (D * 4 * T + 4 * T) + 3 * D * D + 3 * T * D + 4 * 128 + (D * D + D) +
                         (D * T + T) + 3 * 8192 * D + 3 * 4096 * T;
    // the last block (context_pre_only): the text gets one scale (D -> T) and no output projection or MLP
    const double last = (D * 4 * D + 4 * D) + (D * T + T) + 3 * D * D + 3 * T * D + 4 * 128 + (D * D + D) +
                        3 * 8192 * D;
    const double out = (D * 2 * D + 2 * D) + (D * 48 + 48);         // norm_out modulation, proj_out
    const auto& m = find_model("mochi-1");
    CHECK(denoiser_parameters(m) == patch + time + pool + caption + rope + 47 * block + last + out);
    CHECK(denoiser_parameters(m) == 10'027'677'744.0); // diffusers MochiTransformer3DModel()

    // attention: 48 joint layers over 44,520 video + 256 text tokens, 24 heads of 128, batch 2 (guidance), and the
    // pool's one query over 257 keys, 8 heads of 512
    const stage den = denoiser_of(lower_inference(m, m.standard));
    double attention = 0;
    for (const auto& u : den.ops)
        if (std::holds_alternative<attention_op>(u.op)) attention += u.count * cost(u.op).flops.value();
    CHECK(attention == 48.0 * 4 * 2 * 24 * 44776.0 * 44776 * 128 + 4.0 * 2 * 8 * 257 * 512);
}

TEST_CASE("Stable Video Diffusion's UNet matches diffusers' count exactly") {
    CHECK(denoiser_parameters(find_model("svd-xt")) == 1'524'623'082.0); // UNetSpatioTemporalConditionModel()
}
