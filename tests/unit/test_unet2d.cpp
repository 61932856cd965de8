// The 2-D UNet family (Stable Diffusion 1.5, SDXL): its lowering against the reference classes' counts,
// diffusers' UNet2DConditionModel configs in and out, and the configs it cannot describe.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "stage_helpers.hpp"

#include <vidperf/io/diffusers.hpp>
#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
using test::flops_of;

const stage& find_stage(const std::vector<stage>& stages, std::string_view name) {
    const stage* s = test::find_stage(stages, name);
    REQUIRE_MESSAGE(s != nullptr, "no stage " << name);
    return *s;
}

/// The configs of vidperf's SD 1.5 export with diffusers' own unet/config.json (tests/data/diffusers/save_config).
diffusers_configs sd15_folder() {
    diffusers_configs c = to_diffusers(find_model("sd-1.5"));
    const std::string unet = std::string(VIDPERF_SOURCE_DIR) + "/tests/data/diffusers/save_config/sd-1.5/unet/config.json";
    c.unet = detail::read_text_file(unet, "test");
    return c;
}
} // namespace

TEST_CASE("SD 1.5 and SDXL denoisers: parameters and FLOPs of one call as diffusers' UNet2DConditionModel counts") {
    // reference: validation/reference/count_reference.txt (UNet2DConditionModel on the meta device under
    // torch.utils.flop_counter.FlopCounterMode, 2 FLOPs per multiply-add), batched guidance: 2 latents per call
    struct expected {
        const char* slug;
        double parameters, dense, attention;
    };
    for (const expected& e : {expected{"sd-1.5", 859'520'964, 1.35444e12, 2.52105e11},
                              expected{"sdxl", 2'567'463'684, 1.19546e13, 1.56783e12}}) {
        CAPTURE(e.slug);
        const model_spec& m = find_model(e.slug);
        video_workload w = m.standard;
        w.impl = implementation::ideal;
        const auto stages = lower_inference(m, w);
        const stage& d = find_stage(stages, "denoiser");
        CHECK(d.parameters == e.parameters);
        CHECK(flops_of<gemm_op>(d) + flops_of<conv_op>(d) == doctest::Approx(e.dense).epsilon(1e-5));
        CHECK(flops_of<attention_op>(d) == doctest::Approx(e.attention).epsilon(1e-5));
    }
}

TEST_CASE("the SD 1.x UNet has eight heads on every level; SDXL 64-wide heads and ten-block transformers") {
    const unet_spec& sd = find_model("sd-1.5").denoiser.unet;
    CHECK(unet_head_dim(sd, 320) == 40);
    CHECK(unet_head_dim(sd, 1280) == 160);
    const unet_spec& xl = find_model("sdxl").denoiser.unet;
    CHECK(xl.levels == 3);
    CHECK(unet_head_dim(xl, 1280) == 64);
    // the largest attention is the 64 x 64-token level of SDXL (a 1024 px image): 4096 tokens, 10 heads
    const auto stages = lower_inference(find_model("sdxl"), find_model("sdxl").standard);
    extent longest = 0;
    for (const auto& o : find_stage(stages, "denoiser").ops)
        if (const auto* a = std::get_if<attention_op>(&o.op)) longest = std::max(longest, a->seq_q);
    CHECK(longest == 64 * 64);
}

TEST_CASE("SDXL's pipeline decodes in fp32 when it runs in fp16 (force_upcast); SD 1.5's does not") {
    auto vae_dtype_of = [](std::string_view slug, dtype compute) {
        video_workload w = find_model(slug).standard;
        w.compute = compute;
        w.weights = compute;
        for (const auto& s : lower_inference(find_model(slug), w))
            if (s.name == "vae_decode")
                for (const auto& o : s.ops)
                    if (const auto* c = std::get_if<conv_op>(&o.op)) return c->type;
        return dtype::fp32;
    };
    CHECK(vae_dtype_of("sdxl", dtype::fp16) == dtype::tf32);
    CHECK(vae_dtype_of("sdxl", dtype::bf16) == dtype::bf16);
    CHECK(vae_dtype_of("sd-1.5", dtype::fp16) == dtype::fp16);
}

TEST_CASE("UNet2DConditionModel folders written by diffusers import as the presets; refusals name the field") {
    const auto sd = model_from_diffusers(sd15_folder(), "sd");
    CHECK(sd.spec.denoiser.family == denoiser_family::unet_2d);
    CHECK(sd.spec.denoiser.unet.heads == 8); // attention_head_dim 8: diffusers' legacy name for the head count
    CHECK(sd.spec.denoiser.unet.cross_dim == 768);
    const auto xl = load_diffusers_folder(std::string(VIDPERF_SOURCE_DIR) + "/tests/data/diffusers/save_config/sdxl",
                                          "xl");
    CHECK(xl.spec.denoiser.unet.transformer_layers[2] == 10);
    CHECK(xl.spec.denoiser.unet.added_time_ids == 6); // (2816 - 1280) / 256
    CHECK(xl.spec.text_encoder_count == 2);

    auto refused = [](const std::string& key, const nlohmann::json& value, const char* says) {
        CAPTURE(key);
        diffusers_configs c = sd15_folder();
        auto unet = nlohmann::json::parse(c.unet);
        unet[key] = value;
        c.unet = unet.dump();
        CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains(says), error);
    };
    refused("down_block_types", {"CrossAttnDownBlock2D", "SimpleCrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                                 "DownBlock2D"}, "SimpleCrossAttnDownBlock2D");
    refused("up_block_types", {"UpBlock2D", "UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"}, "mirror");
    refused("block_out_channels", {320, 640, 1280, 1280, 1280}, "1 to 4 widths");
    refused("block_out_channels", {320, 640, 1280}, "down_block_types");
    refused("attention_head_dim", {5, 10, 10, 20}, "one width");
    refused("transformer_layers_per_block", {1, 2}, "transformer_layers_per_block");
    refused("class_embed_type", "timestep", "class_embed_type");
    refused("resnet_time_scale_shift", "scale_shift", "resnet_time_scale_shift");
    refused("addition_embed_type", "image", "addition_embed_type");
    refused("cross_attention_dim", 0, "cross_attention_dim");
    refused("layers_per_block", 0, "layers_per_block");
    refused("attention_head_dim", 7, "heads of width"); // 320 channels do not split into 7 heads
}
