#include <doctest/doctest.h>

#include <string>

#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/pipeline/planner.hpp>
#include <vidperf/pipeline/time_sensitivity.hpp>
#include <variant>
#include <vidperf/models/presets.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
pipeline_estimate run(const model_spec& m, const video_workload& w, std::string_view gpu = "h100-sxm5-80gb",
                      offload_policy off = offload_policy::none, vae_tiling tiling = {}) {
    inference_options io;
    io.tiling = tiling;
    pipeline_options po;
    po.offload = off;
    return estimate_pipeline(lower_inference(m, w, io), find_gpu(gpu), *builtin_calibration("literature", gpu).cal,
                             po);
}
} // namespace

TEST_CASE("latent token counts of each preset at its standard workload, by hand") {
    // (1 + (F-1)/t_c) * (H/s_c/p) * (W/s_c/p)
    const std::pair<const char*, extent> expected[] = {
        {"wan2.1-t2v-1.3b", 21 * 30 * 52},  // 832x480x81
        {"wan2.1-t2v-14b", 21 * 45 * 80},   // 1280x720x81
        {"wan2.1-i2v-14b", 21 * 45 * 80},
        {"wan2.2-ti2v-5b", 31 * 22 * 40},   // 1280x704x121, 16x VAE, patch 2
        {"cogvideox-2b", 13 * 30 * 45},     // 720x480x49
        {"cogvideox-5b", 13 * 30 * 45},
        {"cogvideox1.5-5b", 11 * 48 * 85},  // 1360x768x81: 21 latent frames in pairs (padded to 22)
        {"hunyuanvideo", 33 * 45 * 80},     // 1280x720x129
        {"mochi-1", 28 * 30 * 53},          // 848x480x163, 6x temporal
        {"ltx-video", 16 * 16 * 24},        // 768x512x121, 8x temporal, 32x spatial, patch 1
        {"open-sora-2.0", 33 * 36 * 64},    // 1024x576x129 ("768px" at 16:9)
    };
    for (const auto& entry : expected) {
        const char* slug = entry.first;
        const extent tokens = entry.second;
        CAPTURE(slug);
        const auto& m = find_model(slug);
        CHECK(latents(m.latent, m.standard, m.slug).tokens == tokens);
    }
}

TEST_CASE("frame counts and sizes a model cannot take are errors naming the nearest valid values") {
    const auto& wan = find_model("wan2.1-t2v-14b");
    video_workload w = wan.standard;
    w.frames = 80;
    CHECK_THROWS_WITH_AS((void)latents(wan.latent, w, wan.slug), doctest::Contains("nearest valid: 77 or 81"),
                         invalid_argument);
    w.frames = 81;
    w.width = 1270;
    CHECK_THROWS_WITH_AS((void)latents(wan.latent, w, wan.slug), doctest::Contains("1264 or 1280"), invalid_argument);
    const auto& mochi = find_model("mochi-1");
    w = mochi.standard;
    w.frames = 160;
    CHECK_THROWS_WITH_AS((void)latents(mochi.latent, w, mochi.slug), doctest::Contains("157 or 163"),
                         invalid_argument);
    CHECK_THROWS_WITH_AS((void)find_model("wan2.1-t2v-13b"), doctest::Contains("wan2.1-t2v-1.3b"), not_found);
    w = wan.standard;
    w.steps = 0;
    CHECK_THROWS_AS((void)lower_inference(wan, w), invalid_argument);
}

namespace {
/// A published parameter count of one module of one preset (docs/presets-sources.md, docs/vae-sources.md).
struct published_count {
    const char* slug;
    const char* module;
    double parameters;
    const char* source;
};

// Shared modules: T5-v1.1-XXL encoder 4,762,310,656 (T5EncoderModel; FLUX.1 text_encoder_2 index total_size
// 9,524,621,312 bytes bf16); umT5-XXL encoder 5,680,910,336 (Wan2.1-T2V-1.3B-Diffusers text_encoder checkpoint
// count); llava-llama-3-8b 7,505,186,816 and CLIP ViT-L/14 text 123,060,480 (hunyuanvideo-community/HunyuanVideo
// checkpoint counts); CLIP ViT-H/14 vision 632,076,800 (SVD-XT image_encoder, Ctrl-Crash Table G.6).
constexpr double t5 = 4762310656.0, umt5 = 5680910336.0, llava = 7505186816.0, clip_l = 123060480.0,
                 clip_h = 632076800.0;
// VAEs (checkpoint element counts): Wan2.1 126,892,531 (Wan2.1-T2V-1.3B-Diffusers vae); Wan2.2 704,688,668
// (Wan2.2_VAE.pth, 196 tensors); CogVideoX 215,583,907 (GenCompositor, CogVideoX-2b vae); HunyuanVideo
// 246,478,803 (hunyuanvideo-community/HunyuanVideo vae); SVD-XT encoder 34,163,592 + decoder 63,579,183
// (Ctrl-Crash Table G.6) + quant_conv 72; LTX-Video 0.9.0 vae safetensors 1,676,798,532 bytes in fp32 (about
// 4.19e8); Mochi: README "AsymmVAE ... 362M" (the decoder, released alone) plus the encoder's 97,222,016 by hand
// from diffusers AutoencoderKLMochi, which has no published figure.
constexpr published_count published_counts[] = {
    {"wan2.1-t2v-1.3b", "denoiser", 1418996800.0, "Wan2.1-T2V-1.3B-Diffusers transformer checkpoint count"},
    {"wan2.1-t2v-1.3b", "umt5-xxl-encoder", umt5, "checkpoint count"},
    {"wan2.1-t2v-1.3b", "vae", 126892531.0, "Wan2.1-T2V-1.3B-Diffusers vae checkpoint count"},
    {"wan2.1-t2v-14b", "denoiser", 14.0e9, "Wan2.1 README: 14B"},
    {"wan2.1-t2v-14b", "umt5-xxl-encoder", umt5, "checkpoint count"},
    {"wan2.1-t2v-14b", "vae", 126892531.0, "checkpoint count"},
    {"wan2.1-i2v-14b", "denoiser", 32.8e9 / 2, "Wan2.1-I2V-14B-720P bf16 transformer file, 32.8 GB"},
    {"wan2.1-i2v-14b", "umt5-xxl-encoder", umt5, "checkpoint count"},
    {"wan2.1-i2v-14b", "clip-vit-h-14-vision", clip_h, "CLIP ViT-H/14 vision tower with projection"},
    {"wan2.1-i2v-14b", "vae", 126892531.0, "checkpoint count"},
    // Wan2.1-VACE: no published count beyond the names; diffusers' WanVACETransformer3DModel from the convert
    // script's configs on the meta device (validation/reference/count_reference.txt)
    {"wan2.1-vace-1.3b", "denoiser", 2153972032.0, "diffusers WanVACETransformer3DModel (Wan-VACE-1.3B)"},
    {"wan2.1-vace-1.3b", "umt5-xxl-encoder", umt5, "checkpoint count"},
    {"wan2.1-vace-1.3b", "vae", 126892531.0, "the Wan2.1 VAE (checkpoint count)"},
    {"wan2.1-vace-14b", "denoiser", 17337592896.0, "diffusers WanVACETransformer3DModel (Wan-VACE-14B)"},
    {"wan2.1-vace-14b", "umt5-xxl-encoder", umt5, "checkpoint count"},
    {"wan2.1-vace-14b", "vae", 126892531.0, "the Wan2.1 VAE (checkpoint count)"},
    {"skyreels-v2-df-14b-540p", "denoiser", 14e9, "SkyReels-V2 README: the 14B DF model (Wan2.1-T2V-14B's DiT)"},
    {"skyreels-v2-df-14b-540p", "umt5-xxl-encoder", umt5, "checkpoint count"},
    {"skyreels-v2-df-14b-540p", "vae", 126892531.0, "the Wan2.1 VAE (checkpoint count)"},
    // Cosmos-Predict2: "2B" and "14B" in the model names; diffusers' CosmosTransformer3DModel from the convert
    // script's Video2World configs on the meta device gives the exact counts (count_reference.txt)
    {"cosmos-predict2-2b", "denoiser", 1956413440.0, "diffusers CosmosTransformer3DModel (2B Video2World)"},
    {"cosmos-predict2-2b", "t5-11b-encoder", 4864791552.0, "transformers T5EncoderModel, google-t5/t5-11b config"},
    {"cosmos-predict2-2b", "vae", 126892531.0, "the Wan2.1 VAE (checkpoint count)"},
    {"cosmos-predict2-14b", "denoiser", 14265285632.0, "diffusers CosmosTransformer3DModel (14B Video2World)"},
    {"cosmos-predict2-14b", "t5-11b-encoder", 4864791552.0, "transformers T5EncoderModel, google-t5/t5-11b config"},
    {"cosmos-predict2-14b", "vae", 126892531.0, "the Wan2.1 VAE (checkpoint count)"},
    {"wan2.2-ti2v-5b", "denoiser", 5.0e9, "Wan2.2 README: TI2V-5B"},
    {"wan2.2-ti2v-5b", "umt5-xxl-encoder", umt5, "checkpoint count"},
    {"wan2.2-ti2v-5b", "vae", 704688668.0, "Wan2.2_VAE.pth element count"},
    // Wan2.2 README "Introduction of Wan2.2": "Each expert model has about 14B parameters, resulting in a total of
    // 27B parameters but only 14B active parameters per step"
    {"wan2.2-t2v-a14b", "denoiser", 14e9, "Wan2.2 README: each expert about 14B"},
    {"wan2.2-t2v-a14b", "denoiser_2", 14e9, "Wan2.2 README: each expert about 14B"},
    {"wan2.2-t2v-a14b", "umt5-xxl-encoder", umt5, "checkpoint count"},
    {"wan2.2-t2v-a14b", "vae", 126892531.0, "Wan2.1_VAE.pth (the A14B configs' vae_checkpoint): checkpoint count"},
    {"wan2.2-i2v-a14b", "denoiser", 14e9, "Wan2.2 README: each expert about 14B"},
    {"wan2.2-i2v-a14b", "denoiser_2", 14e9, "Wan2.2 README: each expert about 14B"},
    {"wan2.2-i2v-a14b", "umt5-xxl-encoder", umt5, "checkpoint count"},
    {"wan2.2-i2v-a14b", "vae", 126892531.0, "Wan2.1_VAE.pth (the A14B configs' vae_checkpoint): checkpoint count"},
    {"cogvideox-2b", "denoiser", 1693783872.0, "zai-org/CogVideoX-2b transformer checkpoint count"},
    {"cogvideox-2b", "t5-v1.1-xxl-encoder", t5, "checkpoint count"},
    {"cogvideox-2b", "vae", 215583907.0, "CogVideoX-2b vae checkpoint count"},
    {"cogvideox-5b", "denoiser", 5570283072.0, "finetrainers docs: trainable parameters of a full fine-tune"},
    {"cogvideox-5b", "t5-v1.1-xxl-encoder", t5, "checkpoint count"},
    {"cogvideox-5b", "vae", 215583907.0, "checkpoint count"},
    {"cogvideox1.5-5b", "denoiser", (4.98e9 + 4.95e9 + 1.22e9) / 2,
     "THUDM/CogVideoX1.5-5B transformer shards 4.98 + 4.95 + 1.22 GB in bf16"},
    {"cogvideox1.5-5b", "t5-v1.1-xxl-encoder", t5, "checkpoint count"},
    {"cogvideox1.5-5b", "vae", 215583907.0, "checkpoint count"},
    {"hunyuanvideo", "denoiser", 12821012544.0, "hunyuanvideo-community/HunyuanVideo transformer checkpoint count"},
    {"hunyuanvideo", "llava-llama-3-8b", llava, "checkpoint count"},
    {"hunyuanvideo", "clip-vit-l-14-text", clip_l, "checkpoint count"},
    {"hunyuanvideo", "vae", 246478803.0, "hunyuanvideo-community/HunyuanVideo vae checkpoint count"},
    {"hunyuanvideo-i2v", "denoiser", 12821012544.0, "as HunyuanVideo: token_replace adds no parameter (diffusers)"},
    {"hunyuanvideo-i2v", "llava-llama-3-8b", llava, "checkpoint count"},
    {"hunyuanvideo-i2v", "clip-vit-l-14-text", clip_l, "checkpoint count"},
    {"hunyuanvideo-i2v", "clip-vit-l-14-336-vision", 303507456.0,
     "transformers CLIPVisionModel from openai/clip-vit-large-patch14-336's config on the meta device"},
    {"hunyuanvideo-i2v", "vae", 246478803.0, "the HunyuanVideo VAE (checkpoint count)"},
    {"mochi-1", "denoiser", 10.0e9, "genmoai/mochi README: 10 billion parameter diffusion model"},
    {"mochi-1", "t5-v1.1-xxl-encoder", t5, "checkpoint count"},
    {"mochi-1", "vae", 362e6 + 97222016.0, "README: AsymmVAE decoder 362M; encoder by hand"},
    {"ltx-video", "denoiser", 1923385472.0, "finetrainers docs: trainable parameters of a full fine-tune"},
    {"ltx-video", "t5-v1.1-xxl-encoder", t5, "checkpoint count"},
    {"ltx-video", "vae", (1676798532.0 - 22912.0) / 4, "Lightricks/LTX-Video vae safetensors, fp32, less its header"},
    {"ltx-video-13b", "denoiser", 13e9, "Lightricks/LTX-Video README: LTXV-13B (ltxv-13b-0.9.7-dev)"},
    {"ltx-video-13b", "t5-v1.1-xxl-encoder", t5, "checkpoint count"},
    {"ltx-video-13b", "vae", 1246913522.0,
     "diffusers AutoencoderKLLTXVideo from get_vae_config(\"0.9.7\") (count_reference.txt)"},
    {"ltx-2", "denoiser", 18876174592.0,
     "diffusers LTX2VideoTransformer3DModel from get_ltx2_transformer_config(\"2.0\") (count_reference.txt)"},
    {"ltx-2", "gemma-3-12b", 12187325040.0,
     "transformers Gemma3ForConditionalGeneration from google/gemma-3-12b-it's config (count_reference.txt)"},
    {"ltx-2", "ltx-2-text-connectors", 1431475200.0,
     "diffusers LTX2TextConnectors from get_ltx2_connectors_config(\"2.0\") (count_reference.txt)"},
    {"ltx-2", "vae", 1222479601.0, "diffusers AutoencoderKLLTX2Video, get_ltx2_video_vae_config(\"2.0\")"},
    {"ltx-2", "ltx-2-audio-vae", 53248146.0, "diffusers AutoencoderKLLTX2Audio, get_ltx2_audio_vae_config(\"2.0\")"},
    {"ltx-2", "ltx-2-vocoder", 55592802.0, "diffusers LTX2Vocoder, get_ltx2_vocoder_config(\"2.0\")"},
    {"allegro", "denoiser", 2.8e9, "rhymes-ai/Allegro README model table: DiT 2.8B"},
    {"allegro", "t5-v1.1-xxl-encoder", t5, "checkpoint count"},
    {"allegro", "vae", 175e6, "rhymes-ai/Allegro README model table: VAE 175M"},
    {"kandinsky-5-t2v-lite", "denoiser", 2e9, "kandinskylab/kandinsky-5 README: Kandinsky 5.0 Video Lite, 2B"},
    {"kandinsky-5-t2v-lite", "qwen2.5-vl-7b", 8.29e9, "Qwen/Qwen2.5-VL-7B-Instruct model card: 8.29B parameters"},
    {"kandinsky-5-t2v-lite", "clip-vit-l-14-text", clip_l, "openai/clip-vit-large-patch14 text tower"},
    {"kandinsky-5-t2v-lite", "vae", 246478803.0, "the HunyuanVideo VAE (checkpoint count)"},
    {"hunyuanvideo-1.5-t2v", "denoiser", 8.3e9, "Tencent-Hunyuan/HunyuanVideo-1.5 README: 8.3B parameters"},
    {"hunyuanvideo-1.5-t2v", "qwen2.5-vl-7b-language-model", 7070619136.0,
     "transformers Qwen2_5_VLTextModel from Qwen2.5-VL-7B-Instruct's config on the meta device"},
    {"hunyuanvideo-1.5-t2v", "byt5-small-glyph", 217657472.0,
     "transformers T5EncoderModel from google/byt5-small's config on the meta device (vocab 384)"},
    {"hunyuanvideo-1.5-t2v", "vae", 1260634115.0,
     "diffusers AutoencoderKLHunyuanVideo15 defaults (count_reference.txt)"},
    {"hunyuanvideo-1.5-i2v", "denoiser", 8.3e9, "Tencent-Hunyuan/HunyuanVideo-1.5 README: 8.3B parameters"},
    {"hunyuanvideo-1.5-i2v", "qwen2.5-vl-7b-language-model", 7070619136.0,
     "transformers Qwen2_5_VLTextModel from Qwen2.5-VL-7B-Instruct's config on the meta device"},
    {"hunyuanvideo-1.5-i2v", "byt5-small-glyph", 217657472.0,
     "transformers T5EncoderModel from google/byt5-small's config on the meta device (vocab 384)"},
    {"hunyuanvideo-1.5-i2v", "siglip-so400m-vision", 428225600.0,
     "transformers SiglipVisionModel from google/siglip-so400m-patch14-384's config on the meta device"},
    {"hunyuanvideo-1.5-i2v", "vae", 1260634115.0,
     "diffusers AutoencoderKLHunyuanVideo15 defaults (count_reference.txt)"},
    {"open-sora-2.0", "denoiser", 23.8e9 / 2, "hpcai-tech/Open-Sora-v2 Open_Sora_v2.safetensors, 23.8 GB in bf16"},
    {"open-sora-2.0", "t5-v1.1-xxl-encoder", t5, "checkpoint count"},
    {"open-sora-2.0", "clip-vit-l-14-text", clip_l, "checkpoint count"},
    {"open-sora-2.0", "vae", 246478803.0, "the HunyuanVideo VAE (configs/diffusion/inference: hunyuan_vae)"},
    // the t2i2v flow's first stage: hpcai-tech/Open-Sora-v2 flux1-dev.safetensors 23.8 GB and flux1-dev-ae 335 MB
    {"open-sora-2.0", "image_denoiser", 23.8e9 / 2, "hpcai-tech/Open-Sora-v2 flux1-dev.safetensors, 23.8 GB in bf16"},
    {"open-sora-2.0", "image_vae", 335e6 / 4, "hpcai-tech/Open-Sora-v2 flux1-dev-ae.safetensors, 335 MB in fp32"},
    {"svd-xt", "denoiser", 1524623082.0, "stable-video-diffusion-img2vid-xt UNet (Ctrl-Crash Table G.6)"},
    {"svd-xt", "clip-vit-h-14-vision", clip_h, "SVD-XT image_encoder (Ctrl-Crash Table G.6)"},
    {"svd-xt", "vae", 34163592.0 + 63579183.0 + 72.0, "Ctrl-Crash Table G.6 encoder + decoder, and quant_conv"},
    {"flux.1-dev", "denoiser", 11901408320.0, "element count public model catalogs record for FLUX.1-dev"},
    {"flux.1-dev", "t5-v1.1-xxl-encoder", t5, "FLUX.1-dev text_encoder_2: total_size 9,524,621,312 bytes / 2"},
    {"flux.1-dev", "clip-vit-l-14-text", clip_l, "openai/clip-vit-large-patch14 text tower"},
    {"flux.1-dev", "vae", 83819683.0, "diffusers AutoencoderKL from FLUX.1-dev vae/config.json (count_reference.txt)"},
    {"sd-1.5", "denoiser", 860e6, "Stable Diffusion v1 model card: an 860M UNet"},
    {"sd-1.5", "clip-vit-l-14-text", clip_l, "Stable Diffusion v1 model card: a 123M text encoder"},
    {"sd-1.5", "vae", 83653863.0, "diffusers AutoencoderKL from the vae/config.json (count_reference.txt)"},
    {"sdxl", "denoiser", 2.6e9, "SDXL paper (arXiv 2307.01952) Table 1: a 2.6B UNet"},
    {"sdxl", "clip-vit-l-14-text", clip_l, "openai/clip-vit-large-patch14 text tower"},
    // SDXL paper section 2.1: both text encoders together 817M; less CLIP-L's 123,060,480
    {"sdxl", "openclip-vit-bigg-14-text", 817e6 - clip_l, "SDXL paper: 817M text-encoder parameters in total"},
    {"sdxl", "vae", 83653863.0, "diffusers AutoencoderKL from the vae/config.json (count_reference.txt)"},
};
} // namespace

TEST_CASE("parameter counts of every preset's denoiser, text encoders and VAE against published figures (3 %)") {
    for (const auto& m : model_presets()) {
        CAPTURE(m.slug);
        const auto stages = lower_inference(m, m.standard);
        for (const auto& s : stages) {
            if (s.parameters == 0) continue; // scheduler work
            const std::string module = s.module;
            CAPTURE(module);
            const published_count* row = nullptr;
            for (const auto& p : published_counts)
                if (m.slug == p.slug && module == p.module) row = &p;
            REQUIRE_MESSAGE(row != nullptr, "no published parameter count for this module");
            const std::string source = row->source;
            CAPTURE(source);
            CHECK(module_parameters(stages, module) == doctest::Approx(row->parameters).epsilon(0.03));
        }
    }
}

TEST_CASE("VAE structures reproduce their checkpoints' element counts exactly") {
    using namespace presets_detail;
    CHECK(vae_parameters(wan21_vae()) == 126892531.0);
    CHECK(vae_parameters(wan22_vae()) == 704688668.0);
    CHECK(vae_parameters(cogvideox_vae()) == 215583907.0);
    CHECK(vae_parameters(hunyuan_vae()) == 246478803.0);
    CHECK(vae_parameters(svd_vae()) == 34163592.0 + 63579183.0 + 72.0);
    // the decoders alone: Wan2.1 73,295,331 (+ conv2, 272), Mochi 362,526,595 by hand ("362M" published)
    const latent_shape lat{3, 4, 4, 48};
    CHECK(lower_vae_decode(wan21_vae(), lat, 1, dtype::bf16, {}).ops.size() > 0);
    stage_builder b("d", "vae", dtype::bf16, dtype::bf16);
    detail::vae_walker walk(b, vae_decoder(mochi_vae()).style, 1, 12, 3, 4, 4);
    walk.run(vae_decoder(mochi_vae()));
    CHECK(b.parameter_count() == 362526595.0);
    stage_builder w("d", "vae", dtype::bf16, dtype::bf16);
    detail::vae_walker wan_walk(w, vae_decoder(wan21_vae()).style, 1, 16, 3, 4, 4);
    wan_walk.run(vae_decoder(wan21_vae()));
    CHECK(w.parameter_count() == 73295331.0 + 272.0);
}

TEST_CASE("VAE decode frames follow the causal rule: Wan 21 latent frames decode to 81") {
    using namespace presets_detail;
    for (const auto& v : {wan21_vae(), hunyuan_vae(), cogvideox_vae(), ltx_vae(), mochi_vae()}) {
        CAPTURE(v.name);
        const extent latent_frames = 5;
        stage_builder b("d", "vae", dtype::bf16, dtype::bf16);
        detail::vae_walker walk(b, vae_decoder(v).style, 1, v.latent_channels, latent_frames, 4, 4);
        walk.run(vae_decoder(v));
        CHECK(walk.frames() == v.temporal_compression * (latent_frames - 1) + 1);
    }
}

TEST_CASE("more frames, pixels, steps or batch never predict less time or memory") {
    for (const auto& m : model_presets()) {
        CAPTURE(m.slug);
        const auto base = run(m, m.standard);
        auto check_more = [&](video_workload w) {
            const auto e = run(m, w);
            CHECK(e.latency >= base.latency);
            CHECK(e.memory.allocator_peak >= base.memory.allocator_peak);
        };
        video_workload w = m.standard;
        w.steps += 10;
        check_more(w);
        w = m.standard;
        w.batch = 2;
        check_more(w);
        w = m.standard;
        w.frames += frame_step(m.latent);
        check_more(w);
        w = m.standard;
        w.width += 2 * m.latent.size_multiple;
        check_more(w);
    }
}

TEST_CASE("a GPU better on every spec never predicts slower - guidance off halves the denoiser") {
    const auto& m = find_model("wan2.1-t2v-14b");
    const auto stages = lower_inference(m, m.standard);
    const auto h100 = estimate_pipeline(stages, find_gpu("h100-sxm5-80gb"), datasheet_calibration, {});
    const auto h200 = estimate_pipeline(stages, find_gpu("h200-sxm-141gb"), datasheet_calibration, {});
    CHECK(h200.latency <= h100.latency);
    video_workload off = m.standard;
    off.cfg = cfg_mode::off;
    const auto one = run(m, off);
    const auto two = run(m, m.standard);
    double d1 = 0, d2 = 0;
    for (const auto& s : one.stages)
        if (s.name == "denoiser") d1 = s.latency.value();
    for (const auto& s : two.stages)
        if (s.name == "denoiser") d2 = s.latency.value();
    CHECK(d2 == doctest::Approx(2 * d1).epsilon(0.001));
}

TEST_CASE("offload trades memory for transfer time - peak is the max over stages, not the sum") {
    const auto& m = find_model("wan2.1-t2v-14b");
    const auto none = run(m, m.standard);
    const auto model = run(m, m.standard, "h100-sxm5-80gb", offload_policy::model);
    const auto seq = run(m, m.standard, "h100-sxm5-80gb", offload_policy::sequential);
    CHECK(model.memory.allocator_peak < none.memory.allocator_peak);
    CHECK(seq.memory.allocator_peak < model.memory.allocator_peak);
    CHECK(model.latency > none.latency);
    CHECK(seq.latency > model.latency);
    double sum = 0;
    for (const auto& s : lower_inference(m, m.standard)) sum += s.activation_bytes.value();
    CHECK(none.memory.activations.value() < sum);
    CHECK(none.memory.device_total > none.memory.allocator_peak);
}

TEST_CASE("VAE tiling lowers the decode peak and recomputes the tiles' overlaps") {
    // CogVideoX-5b at 720x480: a 60 x 90 latent in diffusers' 30 x 45 tiles started every 25 x 36 rows and
    // columns: rows 30 + 30 + 10 = 70, columns 45 + 45 + 18 = 108; every op of this decoder scales with the
    // area, so the tiled decode does 70 * 108 / (60 * 90) = 1.4 times the work
    const auto& m = find_model("cogvideox-5b");
    const latent_shape lat = latents(m.latent, m.standard, m.slug);
    const auto full = lower_vae_decode(m.vae, lat, 1, dtype::bf16, {});
    const auto tiled = lower_vae_decode(m.vae, lat, 1, dtype::bf16, {true});
    CHECK(tiled.activation_bytes < full.activation_bytes);
    double f1 = 0, f2 = 0;
    for (const auto& u : full.ops) f1 += cost(u.op).flops.value() * u.count;
    for (const auto& u : tiled.ops) f2 += cost(u.op).flops.value() * u.count;
    CHECK(f2 == doctest::Approx(1.4 * f1).epsilon(1e-12));
    CHECK(tiled.parameters == full.parameters);
}

TEST_CASE("the attention kernel changes the answer - FA3 is refused off Hopper") {
    const auto& m = find_model("hunyuanvideo");
    video_workload w = m.standard;
    w.attention = attention_kernel::fa3;
    const auto fa3 = run(m, w);
    w.attention = attention_kernel::fa2;
    const auto fa2 = run(m, w);
    CHECK(fa3.latency < fa2.latency);
    w.attention = attention_kernel::fa3;
    CHECK_THROWS_AS((void)run(m, w, "a100-sxm4-80gb"), unsupported);
}

TEST_CASE("the largest frame count that fits: it fits, the next valid count does not") {
    const auto& m = find_model("wan2.1-t2v-14b");
    const auto& gpu = find_gpu("a100-sxm4-40gb");
    const auto& cal = *builtin_calibration("literature", gpu.slug).cal;
    inference_request offloaded; // diffusers holds the DiT in bf16 (the official code keeps it in fp32)
    offloaded.impl = implementation::diffusers;
    offloaded.offload = offload_policy::model;
    const auto r = max_frames(make_job(m, offloaded), gpu, cal);
    CAPTURE(r.frames);
    REQUIRE(r.frames > 0);
    CHECK(valid_frames(m.latent, r.frames));
    CHECK(r.device_at_frames <= gpu.hbm_capacity);
    CHECK(r.device_at_next > gpu.hbm_capacity);
    CHECK(r.next_frames == r.frames + frame_step(m.latent));
    // with everything resident on a 40 GB card even the shortest clip of the 14B model does not fit
    inference_request resident;
    resident.impl = implementation::diffusers;
    const auto none = max_frames(make_job(m, resident), gpu, cal);
    CHECK(none.frames == 0);
    CHECK(none.device_at_next > gpu.hbm_capacity);
}

TEST_CASE("factorised spatial/temporal attention: same weights as twice the blocks, attention by hand") {
    denoiser_spec full;
    full.family = denoiser_family::dit_cross;
    full.layers = 8;
    full.hidden = 1152;
    full.heads = 16;
    full.head_dim = 72;
    full.ffn = 4608;
    full.in_channels = 4;
    full.out_channels = 4;
    full.text_tokens = 300;
    denoiser_spec fact = full;
    fact.family = denoiser_family::dit_factorised;
    fact.layers = 4; // pairs
    latent_rule rule;
    const latent_shape lat{16, 40, 64, 16 * 20 * 32}; // 16 latent frames of 20 x 32 tokens
    video_workload w;
    w.steps = 1;
    const auto a = lower_denoiser(full, rule, lat, 1, w, 1);
    const auto b = lower_denoiser(fact, rule, lat, 1, w, 1);
    CHECK(b.parameters == doctest::Approx(a.parameters));
    double self_attention = 0;
    for (const auto& u : b.ops)
        if (const auto* att = std::get_if<attention_op>(&u.op); att && att->seq_kv == att->seq_q)
            self_attention += cost(*att).flops.value() * u.count;
    // per pair: spatial 4 * (frames) * heads * (640^2) * d + temporal 4 * (640) * heads * 16^2 * d
    const double per_pair = 4.0 * 16 * 16 * 640.0 * 640 * 72 + 4.0 * 640 * 16 * 16.0 * 16 * 72;
    CHECK(self_attention == doctest::Approx(4 * per_pair));
}

TEST_CASE("text encoders on the host: their weights leave the GPU, their time moves to the CPU rate") {
    const auto& m = find_model("wan2.1-t2v-14b");
    const auto stages = lower_inference(m, m.standard);
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto& cal = find_literature(gpu.slug);
    pipeline_options gpu_only;
    pipeline_options host;
    host.text_encoders_on_host = true;
    const auto a = estimate_pipeline(stages, gpu, cal, gpu_only);
    const auto b = estimate_pipeline(stages, gpu, cal, host);
    const double t5_bytes = module_parameters(stages, "umt5-xxl-encoder") * 2.0;
    CHECK(a.memory.weights.value() - b.memory.weights.value() == doctest::Approx(t5_bytes));
    REQUIRE(b.stages.front().on_host);
    double flops = 0;
    for (const auto& u : stages.front().ops) flops += cost(u.op).flops.value() * u.count;
    CHECK(b.stages.front().latency.value() >= flops / 2e12 * (1 - 1e-9)); // at most the host's assumed rate
    CHECK(b.stages.front().latency > a.stages.front().latency);
}

TEST_CASE("post-processing stages: Real-ESRGAN's parameter count, RIFE's frame arithmetic") {
    // RRDBNet x4plus: 23 RRDB x 3 dense blocks of 5 convs, by hand 16,697,987 parameters (published 16.7M)
    const auto up = lower_upscaling(10, 480, 832, 1, 4, dtype::bf16);
    CHECK(up.parameters == doctest::Approx(16697987.0));
    CHECK(up.calls == 10.0);
    CHECK(interpolated_frames(81, 2) == 161);
    CHECK(interpolated_frames(81, 4) == 321);
    CHECK(interpolated_frames(81, 1) == 81);
    const auto rife = lower_interpolation(81, 480, 832, 1, 2, dtype::bf16);
    CHECK(rife.calls == 80.0); // one IFNet call per new frame
    CHECK(rife.parameters == doctest::Approx(5.3e6).epsilon(0.05));
    CHECK_THROWS_AS((void)lower_upscaling(10, 480, 832, 1, 3, dtype::bf16), invalid_argument);
    // upscaling runs on the interpolated frames
    const auto& m = find_model("wan2.1-t2v-1.3b");
    inference_options io;
    io.interpolation = 2;
    io.upscale = 2;
    const auto stages = lower_inference(m, m.standard, io);
    CHECK(stages.back().name == "upscaling");
    CHECK(stages.back().calls == 161.0);
}

TEST_CASE("largest resolution that fits - cheapest fitting GPU at the user's prices") {
    const auto& m = find_model("wan2.1-t2v-14b");
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto& cal = find_literature(gpu.slug);
    inference_request diffusers; // the DiT in bf16
    diffusers.impl = implementation::diffusers;
    const inference_job job = make_job(m, diffusers);
    const auto r = max_resolution(job, gpu, cal);
    REQUIRE(r.width > 0);
    CHECK(r.width % 16 == 0);
    CHECK(r.height % 16 == 0);
    CHECK(r.device_at_size <= gpu.hbm_capacity);
    CHECK(r.device_at_next > gpu.hbm_capacity);
    CHECK(r.width >= 1280); // the standard 720p job fits, so the answer is at least that

    const auto& a100 = find_gpu("a100-sxm4-80gb");
    const auto& l4 = find_gpu("l4-24gb");
    std::vector<priced_gpu> offers{{&a100, try_find_literature(a100.slug), 1.50},
                                   {&gpu, try_find_literature(gpu.slug), 3.50},
                                   {&l4, &datasheet_calibration, 0.50}};
    const auto best = cheapest_fitting_gpu(job, offers);
    REQUIRE(best.gpu != nullptr);
    CHECK(best.gpu->slug != "l4-24gb"); // 24 GB does not hold the 14B model
    // the choice is the cheaper of the two that fit, by price x time
    const auto e_a = estimate(job, a100, find_literature(a100.slug)).pipeline;
    const auto e_h = estimate(job, gpu, cal).pipeline;
    const double cost_a = 1.50 * e_a.latency.value() / 3600, cost_h = 3.50 * e_h.latency.value() / 3600;
    CHECK(best.gpu->slug == (cost_a < cost_h ? "a100-sxm4-80gb" : "h100-sxm5-80gb"));
    CHECK(best.cost.value() == doctest::Approx(std::min(cost_a, cost_h)));
    offers[0].dollars_per_hour = -1;
    CHECK_THROWS_AS((void)cheapest_fitting_gpu(job, offers), invalid_argument);
}

TEST_CASE("time sensitivities by autodiff: a compute-bound job moves with the peak, not the bandwidth") {
    const auto& m = find_model("wan2.1-t2v-14b");
    video_workload w = m.standard;
    w.impl = implementation::ideal; // the architecture alone (the official code adds memory-bound fp32 work)
    const auto stages = lower_inference(m, w);
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto s = time_sensitivities(stages, gpu, find_literature(gpu.slug), attention_kernel::fa2);
    // time ~ 1/peak for compute-bound ops: elasticity near -1; memory-bound ops are a small share
    CHECK(s[0].elasticity < -0.9);
    CHECK(s[0].elasticity > -1.0001);
    CHECK(s[1].elasticity > -0.1);
    CHECK(s[1].elasticity <= 0.0);
    // attention's share of the time is its efficiency's elasticity
    CHECK(s[4].elasticity < -0.3);
    // a finite difference agrees with the derivative
    gpu_spec faster = gpu;
    faster.dense_peak[static_cast<std::size_t>(compute_class::bf16)] =
        faster.dense_peak[static_cast<std::size_t>(compute_class::bf16)] * 1.001;
    double t0 = 0, t1 = 0;
    for (const auto& st : stages)
        for (const auto& u : st.ops) {
            t0 += predict(u.op, gpu, find_literature(gpu.slug)).time.value() * u.count * st.calls;
            t1 += predict(u.op, faster, find_literature(gpu.slug)).time.value() * u.count * st.calls;
        }
    CHECK((t1 / t0 - 1) / 0.001 == doctest::Approx(s[0].elasticity).epsilon(0.01));
}
