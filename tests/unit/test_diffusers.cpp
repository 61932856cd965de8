#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include <vidperf/io/diffusers.hpp>
#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
double latency(const model_spec& m, const video_workload& w) {
    return estimate_pipeline(lower_inference(m, w), find_gpu("h100-sxm5-80gb"), find_literature("h100-sxm5-80gb"),
                             pipeline_options{})
        .latency.value();
}
double parameters(const model_spec& m, std::string_view stage_name) {
    for (const auto& s : lower_inference(m, m.standard))
        if (s.name == stage_name) return s.parameters;
    return 0;
}
} // namespace

TEST_CASE("a diffusers folder (Wan2.1-T2V-1.3B fixture) reads into the same model as the preset") {
    const auto loaded =
        load_diffusers_folder(std::string(VIDPERF_SOURCE_DIR) + "/tests/data/diffusers/wan2.1-t2v-1.3b", "my-wan");
    const auto& preset = find_model("wan2.1-t2v-1.3b");
    CHECK(loaded.spec.slug == "my-wan");
    CHECK(loaded.spec.denoiser.layers == 30);
    CHECK(loaded.spec.denoiser.hidden == 1536);
    CHECK(loaded.spec.text_encoders[0].vocab == 256384);
    CHECK(loaded.spec.vae.family == vae_family::wan);
    CHECK(loaded.spec.vae.widths[3] == 384);
    CHECK(vae_parameters(loaded.spec.vae) == doctest::Approx(vae_parameters(preset.vae)));
    CHECK(parameters(loaded.spec, "denoiser") == doctest::Approx(parameters(preset, "denoiser")));
    CHECK(parameters(loaded.spec, "text_encoder") == doctest::Approx(parameters(preset, "text_encoder")));
    CHECK(latency(loaded.spec, preset.standard) == doctest::Approx(latency(preset, preset.standard)));
}

TEST_CASE("round trip: preset -> diffusers configs -> model gives the same estimate") {
    for (const auto& m : model_presets()) {
        // Open-Sora 2.0 has no diffusers transformer class; LTX-2's export is not written yet (its import is)
        if (m.slug == "open-sora-2.0" || m.slug == "ltx-2") {
            CHECK_THROWS_AS((void)to_diffusers(m), unsupported);
            continue;
        }
        CAPTURE(m.slug);
        const auto back = model_from_diffusers(to_diffusers(m), m.slug);
        CHECK(latency(back.spec, m.standard) == doctest::Approx(latency(m, m.standard)).epsilon(1e-12));
        CHECK(parameters(back.spec, "denoiser") == doctest::Approx(parameters(m, "denoiser")).epsilon(1e-12));
    }
}

TEST_CASE("bad diffusers configs are errors naming the file and field") {
    diffusers_configs c;
    c.transformer = R"({"_class_name": "SD3Transformer2DModel"})";
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("WanTransformer3DModel"), schema_error);
    c.transformer = R"({"_class_name": "WanTransformer3DModel", "num_layers": 30})";
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("num_attention_heads"), schema_error);
    c.transformer = "{\"_class_name\": \"WanTransformer3DModel\",\n \"num_layers\": }";
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("line 2"), parse_error);
    CHECK_THROWS_AS((void)load_diffusers_folder("/nonexistent/model", "x"), not_found);
}

namespace {
/// Parameters of one tower-level module counted by diffusers 0.42.1 on the meta device from the published
/// configs (validation/reference/count_reference.py; its output is validation/reference/count_reference.txt).
struct reference_count {
    const char* slug;
    double denoiser;
    double vae;
};
constexpr reference_count reference_counts[] = {
    {"wan2.1-t2v-1.3b", 1'418'996'800, 126'892'531}, {"wan2.1-t2v-14b", 14'288'491'584, 126'892'531},
    {"wan2.1-i2v-14b", 16'394'878'784, 126'892'531}, {"wan2.2-ti2v-5b", 4'999'787'712, 704'688'668},
    {"cogvideox-2b", 1'693'783'872, 215'583'907},    {"cogvideox-5b", 5'570'283'072, 215'583'907},
    {"cogvideox1.5-5b", 5'570'676'352, 215'583'907}, {"hunyuanvideo", 12'821'012'544, 246'478'803},
    {"mochi-1", 10'027'677'744, 459'748'611},        {"ltx-video", 1'923'385'472, 419'193'649},
    {"wan2.2-t2v-a14b", 14'288'491'584, 126'892'531}, {"wan2.2-i2v-a14b", 14'288'901'184, 126'892'531},
    {"flux.1-dev", 11'901'408'320, 83'819'683},       {"svd-xt", 1'524'623'082, 97'742'847},
    {"sd-1.5", 859'520'964, 83'653'863},              {"sdxl", 2'567'463'684, 83'653'863},
    {"hunyuanvideo-i2v", 12'821'012'544, 246'478'803}, {"wan2.1-vace-1.3b", 2'153'972'032, 126'892'531},
    {"wan2.1-vace-14b", 17'337'592'896, 126'892'531}, {"skyreels-v2-df-14b-540p", 14'288'491'584, 126'892'531},
    {"cosmos-predict2-2b", 1'956'413'440, 126'892'531}, {"cosmos-predict2-14b", 14'265'285'632, 126'892'531},
    {"ltx-video-13b", 13'042'569'344, 1'246'913'522},
    {"allegro", 2'771'907'856, 174'955'751},
    {"kandinsky-5-t2v-lite", 2'007'702'848, 246'478'803},
    {"hunyuanvideo-1.5-t2v", 8'326'608'160, 1'260'634'115},
    {"hunyuanvideo-1.5-i2v", 8'326'608'160, 1'260'634'115},
    {"ltx-2", 18'876'174'592, 1'222'479'601},
};
} // namespace

TEST_CASE("folders written by diffusers' own save_config import with the reference parameter counts") {
    for (const auto& r : reference_counts) {
        CAPTURE(r.slug);
        const auto loaded = load_diffusers_folder(
            std::string(VIDPERF_SOURCE_DIR) + "/tests/data/diffusers/save_config/" + r.slug, r.slug);
        CHECK(parameters(loaded.spec, "denoiser") == r.denoiser);
        CHECK(vae_parameters(loaded.spec.vae) == r.vae);
        // and the presets themselves
        CHECK(parameters(find_model(r.slug), "denoiser") == r.denoiser);
    }
}

TEST_CASE("diffusers' 2-D AutoencoderKL: FLUX's without quant convs, Stable Diffusion's with them") {
    // counts of diffusers 0.42.1's AutoencoderKL on the meta device: FLUX.1 83,819,683 (latent 16, no quant
    // convs), Stable Diffusion 1.5 / SDXL 83,653,863 (latent 4, quant_conv and post_quant_conv)
    diffusers_configs c = to_diffusers(find_model("flux.1-dev"));
    const auto flux = model_from_diffusers(c, "flux");
    CHECK(vae_parameters(flux.spec.vae) == 83'819'683.0);
    auto vae = nlohmann::json::parse(c.vae);
    vae["latent_channels"] = 4;
    vae.erase("use_quant_conv");
    vae.erase("use_post_quant_conv"); // diffusers' defaults: both on
    c.vae = vae.dump();
    CHECK(vae_parameters(model_from_diffusers(c, "sd").spec.vae) == 83'653'863.0);
    vae["use_quant_conv"] = false; // one without the other is not modelled
    c.vae = vae.dump();
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("use_quant_conv"), unsupported);
    // FLUX's packed 64 input channels are 16 latent channels in 2 x 2 patches
    CHECK(flux.spec.denoiser.in_channels == 16);
    CHECK(flux.spec.latent.patch_h == 2);
}

TEST_CASE("a UNet pipeline folder: Stable Video Diffusion's unet/config.json, and UNets vidperf cannot model") {
    const auto svd = load_diffusers_folder(std::string(VIDPERF_SOURCE_DIR) + "/tests/data/diffusers/save_config/svd-xt",
                                           "svd");
    CHECK(svd.spec.denoiser.family == denoiser_family::unet_temporal);
    CHECK(svd.spec.denoiser.unet.head_dim == 64);       // 320 / 5 ... 1280 / 20
    CHECK(svd.spec.denoiser.unet.added_time_ids == 3);  // 768 / 256
    CHECK(!svd.spec.denoiser.unet.attention[3]);        // the last down block has no transformer
    diffusers_configs c = to_diffusers(find_model("svd-xt"));
    auto unet = nlohmann::json::parse(c.unet);
    unet["num_attention_heads"] = {5, 10, 10, 20}; // 64-, 64-, 128- and 64-wide heads
    c.unet = unet.dump();
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("one head width"), unsupported);
    unet["num_attention_heads"] = {5, 10, 20, 20};
    unet["transformer_layers_per_block"] = 2;
    c.unet = unet.dump();
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("transformer_layers_per_block"),
                         unsupported);
}

TEST_CASE("a two-transformer pipeline folder written by diffusers imports as two experts with its switch") {
    for (const char* slug : {"wan2.2-t2v-a14b", "wan2.2-i2v-a14b"}) {
        CAPTURE(slug);
        const auto loaded =
            load_diffusers_folder(std::string(VIDPERF_SOURCE_DIR) + "/tests/data/diffusers/save_config/" + slug, slug);
        const auto& e = loaded.spec.experts;
        CHECK(e.two_experts);
        CHECK(e.boundary == find_model(slug).experts.boundary); // model_index.json boundary_ratio
        CHECK(e.diffusers_shift == 3.0);                         // scheduler_config.json flow_shift
        // the folder's own scheduler places the switch: 13 (T2V) and 11 (I2V) of 40 steps, as diffusers runs them
        CHECK(high_noise_steps(e, 40, implementation::diffusers) == (std::string(slug) == "wan2.2-t2v-a14b" ? 13 : 11));
        video_workload w = find_model(slug).standard;
        w.impl = implementation::diffusers;
        int experts = 0;
        for (const auto& s : lower_inference(loaded.spec, w)) experts += s.kind == stage_kind::denoiser;
        CHECK(experts == 2);
        CHECK(loaded.spec.task == find_model(slug).task); // I2V: 36 input channels, the clip VAE-encoded
    }
    // a second transformer without a switch, or a switch without one, is refused naming both
    diffusers_configs c = to_diffusers(find_model("wan2.2-t2v-a14b"));
    auto index = nlohmann::json::parse(c.model_index);
    index.erase("boundary_ratio");
    c.model_index = index.dump();
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("'boundary_ratio'"), invalid_argument);
    c = to_diffusers(find_model("wan2.2-t2v-a14b"));
    c.scheduler.clear();
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("scheduler_config.json"), schema_error);
}

TEST_CASE("exported configs carry what diffusers needs to build the same model") {
    // Wan2.2's VAE works on 2x2-patchified pixels: without in/out_channels 12 diffusers builds conv_in 3 -> 160
    // and conv_out 256 -> 3 (3x3x3): 12*160*27 - 3*160*27 + (256*12*27 + 12) - (256*3*27 + 3) = 101,097 fewer
    // parameters, 704,587,571 instead of 704,688,668
    const auto wan22 = to_diffusers(find_model("wan2.2-ti2v-5b"));
    const auto vae = nlohmann::json::parse(wan22.vae);
    CHECK(vae.at("in_channels") == 12);
    CHECK(vae.at("out_channels") == 12);
    CHECK(vae.at("patch_size") == 2);
    CHECK(nlohmann::json::parse(wan22.model_index).at("expand_timesteps") == true);
    CHECK(nlohmann::json::parse(to_diffusers(find_model("wan2.1-t2v-14b")).vae).at("in_channels") == 3);

    // CogVideoX-5b rotates q and k; 2b adds fixed sin-cos positions (diffusers' default, false)
    CHECK(nlohmann::json::parse(to_diffusers(find_model("cogvideox-5b")).transformer)
              .at("use_rotary_positional_embeddings") == true);
    CHECK(nlohmann::json::parse(to_diffusers(find_model("cogvideox-2b")).transformer)
              .at("use_rotary_positional_embeddings") == false);

    // Mochi's decoder widths under the key AutoencoderKLMochi takes
    const auto mochi = nlohmann::json::parse(to_diffusers(find_model("mochi-1")).vae);
    CHECK(mochi.at("decoder_block_out_channels") == nlohmann::json({128, 256, 512, 768}));
    CHECK_FALSE(mochi.contains("block_out_channels"));

    // a CogVideoX transformer config without the key is diffusers' default: no rotary embedding
    auto cog = to_diffusers(find_model("cogvideox-5b"));
    auto t = nlohmann::json::parse(cog.transformer);
    t.erase("use_rotary_positional_embeddings");
    cog.transformer = t.dump();
    CHECK_FALSE(model_from_diffusers(cog, "x").spec.denoiser.rotary);
}

TEST_CASE("HunyuanVideo-I2V folders: the image condition type sets the text tokens the DiT sees") {
    const auto tr = load_diffusers_folder(
        std::string(VIDPERF_SOURCE_DIR) + "/tests/data/diffusers/save_config/hunyuanvideo-i2v", "i2v");
    CHECK(tr.spec.task == task_kind::i2v);
    CHECK(tr.spec.has_image_encoder);
    CHECK(tr.spec.denoiser.text_tokens == 576 / 4 + 252); // token_replace keeps every 4th image token
    diffusers_configs c = to_diffusers(find_model("hunyuanvideo-i2v"));
    auto t = nlohmann::json::parse(c.transformer);
    CHECK(t.at("image_condition_type") == "token_replace");
    CHECK(nlohmann::json::parse(c.model_index).at("_class_name") == "HunyuanVideoImageToVideoPipeline");
    t["image_condition_type"] = "latent_concat"; // the 33-channel model: every 2nd image token
    t["in_channels"] = 33;
    t["guidance_embeds"] = false;
    c.transformer = t.dump();
    const auto lc = model_from_diffusers(c, "lc");
    CHECK(lc.spec.denoiser.text_tokens == 576 / 2 + 252);
    CHECK(lc.spec.denoiser.in_channels == 33);
    t["image_condition_type"] = "clip_tokens";
    c.transformer = t.dump();
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(c, "x"), doctest::Contains("image_condition_type"), error);
    // the text-to-video model is still read without the field
    CHECK(model_from_diffusers(to_diffusers(find_model("hunyuanvideo")), "t2v").spec.task == task_kind::t2v);
}
