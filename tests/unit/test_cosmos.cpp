// Cosmos-Predict2 (dit-adaln-lora): low-rank modulation per token under per-frame timesteps, T5-11B's ReLU
// feed-forward, and CosmosTransformer3DModel configs in and out.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "stage_helpers.hpp"

#include <vidperf/io/diffusers.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
const stage& stage_named(const std::vector<stage>& stages, std::string_view name) {
    const stage* s = test::find_stage(stages, name);
    REQUIRE_MESSAGE(s != nullptr, "no stage " << name);
    return *s;
}

double gemm_flops(const stage& s) { return test::flops_of<gemm_op>(s); }
} // namespace

TEST_CASE("Cosmos-Predict2: one call's GEMM FLOPs as diffusers counts them, the modulation run per token") {
    const model_spec& m = find_model("cosmos-predict2-2b");
    video_workload w = m.standard;
    w.impl = implementation::ideal;
    const auto stages = lower_inference(m, w); // the stage below refers into it
    const stage& den = stage_named(stages, "denoiser");
    // validation/reference/count_reference.txt: CosmosTransformer3DModel under FlopCounterMode, timestep [1, 1, 24, 1, 1]
    CHECK(den.parameters == 1'956'413'440.0);
    CHECK(gemm_flops(den) == doctest::Approx(3.07996e14).epsilon(1e-5));
    // one timestep per video instead: the 3 x 28 + 1 low-rank projections (2048 -> 256 -> 6144 / 4096) shrink
    // from every token (24 x 44 x 80 = 84,480) to one row
    model_spec one = m;
    one.denoiser.per_frame_timesteps = false;
    const double tokens = 24.0 * 44 * 80, D = 2048, r = 256;
    const double lora = 2.0 * (3 * 28 * (D * r + r * 3 * D) + (D * r + r * 2 * D));
    const double frame_mlp = 2.0 * (D * D + D * 3 * D);
    const auto per_video = lower_inference(one, w);
    CHECK(gemm_flops(den) - gemm_flops(stage_named(per_video, "denoiser")) ==
          doctest::Approx((tokens - 1) * lora + (24 - 1) * frame_mlp).epsilon(1e-9));
}

TEST_CASE("T5-11B's encoder: one ReLU projection per layer, 4,864,791,552 parameters as transformers counts") {
    const model_spec& m = find_model("cosmos-predict2-14b");
    const auto stages = lower_inference(m, m.standard); // the stage below refers into it
    const stage& enc = stage_named(stages, "text_encoder");
    CHECK(enc.parameters == 4'864'791'552.0);
    encoder_spec gated = m.text_encoders[0];
    gated.relu_ffn = false; // v1.1's gated GELU would add a second 1024 x 65536 projection per layer
    CHECK(lower_encoder(gated, 1, dtype::bf16, dtype::bf16, "t", 1).parameters - enc.parameters ==
          doctest::Approx(24.0 * 1024 * 65536));
}

TEST_CASE("text encoder configs carry T5's feed-forward: T5-11B's ReLU and v1.1's gated GELU survive a round trip") {
    const auto parameters = [](const model_spec& m) {
        for (const auto& s : lower_inference(m, m.standard))
            if (s.kind == stage_kind::text_encoder) return s.parameters;
        return 0.0;
    };
    diffusers_configs c = to_diffusers(find_model("cosmos-predict2-2b"));
    CHECK(nlohmann::json::parse(c.text_encoder).at("feed_forward_proj") == "relu");
    CHECK(parameters(model_from_diffusers(c, "c").spec) == 4'864'791'552.0);
    // Wan's umT5 written by vidperf and read into the Cosmos model: gated again, as its config says
    c.text_encoder = to_diffusers(find_model("wan2.1-t2v-1.3b")).text_encoder;
    CHECK(nlohmann::json::parse(c.text_encoder).at("feed_forward_proj") == "gated-gelu");
    CHECK_FALSE(model_from_diffusers(c, "c").spec.text_encoders[0].relu_ffn);
    auto te = nlohmann::json::parse(c.text_encoder);
    te["feed_forward_proj"] = "gated-silu";
    c.text_encoder = te.dump();
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("feed_forward_proj"), error);
}

TEST_CASE("CosmosTransformer3DModel folders import; options Cosmos-Predict2 leaves off are refused by name") {
    const auto c2 = load_diffusers_folder(
        std::string(VIDPERF_SOURCE_DIR) + "/tests/data/diffusers/save_config/cosmos-predict2-14b", "c");
    CHECK(c2.spec.denoiser.family == denoiser_family::dit_adaln_lora);
    CHECK(c2.spec.denoiser.layers == 36);
    CHECK(c2.spec.denoiser.adaln_lora == 256);
    diffusers_configs c = to_diffusers(find_model("cosmos-predict2-2b"));
    CHECK(nlohmann::json::parse(c.model_index).at("_class_name") == "Cosmos2VideoToWorldPipeline");
    for (const auto& option : {std::pair<std::string, nlohmann::json>{"extra_pos_embed_type", "learnable"},
                                     {"concat_padding_mask", false},
                                     {"use_crossattn_projection", true},
                                     {"img_context_dim_in", 1152},
                                     {"adaln_lora_dim", 0}}) {
        const std::string& key = option.first; // not a structured binding: CAPTURE's lambda takes it
        CAPTURE(key);
        auto t = nlohmann::json::parse(to_diffusers(find_model("cosmos-predict2-2b")).transformer);
        t[key] = option.second;
        c.transformer = t.dump();
        CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains(key.c_str()), error);
    }
}
