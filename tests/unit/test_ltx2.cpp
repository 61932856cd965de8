// LTX-2 (2.0): the joint audio-video denoiser, Gemma 3 and the text connectors, the extra guidance calls, the
// audio track's decode. The figures are diffusers 0.42.1's classes (and transformers' Gemma3ForConditionalGeneration)
// built on the meta device from the published configs and counted under FlopCounterMode
// (validation/reference/count_reference.py --only ltx-2, count_reference.txt).
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "stage_helpers.hpp"

#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
using test::find_stage;
using test::flops_of;

const stage& named(const std::vector<stage>& stages, std::string_view name) {
    const stage* s = find_stage(stages, name);
    REQUIRE_MESSAGE(s != nullptr, "no stage " << name);
    return *s;
}

inference_job job(const inference_request& r) { return make_job(borrow(find_model("ltx-2")), r); }
} // namespace

TEST_CASE("LTX-2's modules: diffusers' and transformers' parameter counts") {
    const model_spec& m = find_model("ltx-2");
    const auto stages = lower_inference(m, m.standard);
    CHECK(named(stages, "text_encoder").parameters == 12'187'325'040.0); // Gemma 3 12B with its idle vision tower
    CHECK(named(stages, "text_connectors").parameters == 1'431'475'200.0);
    CHECK(named(stages, "denoiser").parameters == 18'876'174'592.0);
    CHECK(named(stages, "vae_decode").parameters == 1'222'479'601.0);
    CHECK(named(stages, "audio_vae_decode").parameters == 53'248'146.0);
    CHECK(named(stages, "vocoder").parameters == 55'592'802.0);
    CHECK(named(stages, "audio_vae_decode").kind == stage_kind::audio_decode);
    CHECK(named(stages, "vocoder").kind == stage_kind::audio_decode);
    CHECK(named(stages, "text_connectors").kind == stage_kind::text_encoder);
}

TEST_CASE("LTX-2's calls at the standard workload: FLOPs as FlopCounterMode counts them") {
    const model_spec& m = find_model("ltx-2");
    const auto stages = lower_inference(m, m.standard);
    // 768 x 512 x 121: 16 x 16 x 24 = 6,144 video tokens and round(121 / 24 x 25) = 126 audio tokens
    const stage& den = named(stages, "denoiser"); // the prompt batched with the negative one
    CHECK(flops_of<gemm_op>(den) == doctest::Approx(326'941'884'284'928.0).epsilon(1e-12));
    CHECK(flops_of<attention_op>(den) == doctest::Approx(70'600'809'775'104.0).epsilon(1e-12));
    CHECK(den.calls == 30);
    const stage& stg = named(stages, "denoiser_stg"); // 2.0's blocks take no perturbation: a whole call
    CHECK(flops_of<gemm_op>(stg) == doctest::Approx(163'470'942'142'464.0).epsilon(1e-12));
    CHECK(stg.calls == 30);
    const stage& iso = named(stages, "denoiser_isolated"); // isolate_modalities=True
    CHECK(flops_of<gemm_op>(iso) == doctest::Approx(143'476'795'637'760.0).epsilon(1e-12));
    CHECK(flops_of<attention_op>(iso) == doctest::Approx(34'691'593'273'344.0).epsilon(1e-12));
    CHECK(iso.parameters == den.parameters); // the cross-modal weights are loaded all the same
    // Gemma 3's logits over its tied embedding are part of its GEMMs; the connectors on both prompts
    CHECK(flops_of<gemm_op>(named(stages, "text_encoder")) == doctest::Approx(48'190'539'694'080.0).epsilon(1e-12));
    const stage& con = named(stages, "text_connectors");
    CHECK(flops_of<gemm_op>(con) == doctest::Approx(5'858'603'827'200.0).epsilon(1e-12));
    CHECK(flops_of<attention_op>(con) == doctest::Approx(128'849'018'880.0).epsilon(1e-12));
    CHECK(flops_of<conv_op>(named(stages, "vae_decode")) == doctest::Approx(60'215'273'717'760.0).epsilon(1e-12));
    CHECK(flops_of<conv_op>(named(stages, "audio_vae_decode")) == doctest::Approx(308'097'482'752.0).epsilon(1e-12));
    CHECK(flops_of<conv_op>(named(stages, "vocoder")) == doctest::Approx(696'080'197'632.0).epsilon(1e-12));
    // the three denoiser stages share one module: its weights are counted once
    CHECK(all_resident_weights(stages, false).value() ==
          doctest::Approx(module_weight_bytes(stages, "denoiser").value() +
                          module_weight_bytes(stages, "gemma-3-12b").value() +
                          module_weight_bytes(stages, "ltx-2-text-connectors").value() +
                          module_weight_bytes(stages, "vae").value() +
                          module_weight_bytes(stages, "ltx-2-audio-vae").value() +
                          module_weight_bytes(stages, "ltx-2-vocoder").value()));
}

TEST_CASE("audio latents: LTX2Pipeline's round(frames / fps x 25), half to even as Python rounds") {
    const audio_stream_spec& a = find_model("ltx-2").denoiser.audio;
    CHECK(audio_latent_frames(a, 121) == 126); // 126.04
    CHECK(audio_latent_frames(a, 12) == 12);   // 12.5 -> 12
    CHECK(audio_latent_frames(a, 36) == 38);   // 37.5 -> 38
    CHECK(audio_latent_frames(a, 1) == 1);     // 1.04
    // the audio VAE's 4T - 3 mel frames, the vocoder's x 240 samples (24 kHz from 100 mel frames a second)
    const model_spec& m = find_model("ltx-2");
    CHECK(audio_vae_decoded_frames(m.audio_vae, 126) == 501);
    CHECK(vocoder_samples(m.vocoder, 501) == 120'240);
    audio_stream_spec bad = a;
    bad.frame_rate = 0;
    CHECK_THROWS_AS((void)audio_latent_frames(bad, 121), vidperf::error);
}

TEST_CASE("LTX-2's guidance calls follow the request") {
    // the standard: the batched CFG call, then the STG and the modality-isolation calls on the prompt alone
    const auto all = lower_inference(*job({}).model, job({}).work);
    CHECK(find_stage(all, "denoiser_stg") != nullptr);
    CHECK(find_stage(all, "denoiser_isolated") != nullptr);
    inference_request r;
    r.stg_pass = false;
    auto j = job(r);
    auto stages = lower_inference(*j.model, j.work);
    CHECK(find_stage(stages, "denoiser_stg") == nullptr);
    CHECK(find_stage(stages, "denoiser_isolated") != nullptr);
    r.modality_pass = false;
    r.cfg = cfg_mode::off;
    j = job(r);
    stages = lower_inference(*j.model, j.work);
    CHECK(find_stage(stages, "denoiser_isolated") == nullptr);
    // guidance off: one call of one video per step, half the batched call's GEMMs but the per-video parts
    const double batched = flops_of<gemm_op>(named(all, "denoiser"));
    const double single = flops_of<gemm_op>(named(stages, "denoiser"));
    CHECK(single == doctest::Approx(batched / 2).epsilon(1e-12));
    CHECK(single == doctest::Approx(flops_of<gemm_op>(named(all, "denoiser_stg"))).epsilon(1e-12));
}

TEST_CASE("what LTX-2's denoiser cannot be combined with, and the extra passes elsewhere, are refused") {
    inference_request stg;
    stg.stg_pass = true;
    CHECK_THROWS_AS((void)make_job(borrow(find_model("ltx-video")), stg), vidperf::error);
    inference_request cache;
    cache.accel.cache = step_cache::teacache;
    cache.accel.cache_skip = 0.3;
    CHECK_THROWS_AS((void)job(cache), vidperf::error);
    const model_spec& m = find_model("ltx-2");
    inference_options two;
    two.parallel.ulysses = 2;
    CHECK_THROWS_AS((void)lower_inference(m, m.standard, two), vidperf::error);
    CHECK_THROWS_AS((void)to_diffusers(m), vidperf::error);
    model_spec odd = m;
    odd.vocoder.in_channels = 64;
    CHECK_THROWS_AS((void)lower_inference(odd, odd.standard), vidperf::error);
}

TEST_CASE("the audio decode refuses sizes it cannot describe") {
    const audio_vae_spec a{};
    const vocoder_spec v{};
    CHECK_THROWS_AS((void)lower_audio_vae_decode(a, 0, 1, dtype::bf16, dtype::bf16, 1), vidperf::error);
    CHECK_THROWS_AS((void)lower_audio_vae_decode(a, extent{1} << 50, 1, dtype::bf16, dtype::bf16, 1), vidperf::error);
    CHECK_THROWS_AS((void)lower_vocoder(v, extent{1} << 45, 1, dtype::bf16, dtype::bf16, 1), vidperf::error);
    vocoder_spec w = v;
    w.upsample_kernels = {4, 15, 8, 4, 4, 0, 0, 0}; // a kernel shorter than its stride
    CHECK_THROWS_AS((void)lower_vocoder(w, 12, 1, dtype::bf16, dtype::bf16, 1), vidperf::error);
    // a waveform within a tensor (2^40 x 240 samples) whose resnet stack (x 1024 channels x 3) is not
    CHECK(vocoder_samples(v, extent{1} << 40) == 240 * (extent{1} << 40));
    CHECK_THROWS_WITH_AS((void)lower_vocoder(v, extent{1} << 40, 1, dtype::bf16, dtype::bf16, 1),
                         doctest::Contains("beyond any GPU"), vidperf::error);
    w = v;
    w.resnet_dilations[0][0] = extent{1} << 30; // a dilation no kernel has
    CHECK_THROWS_WITH_AS((void)lower_vocoder(w, 12, 1, dtype::bf16, dtype::bf16, 1),
                         doctest::Contains("resnet_dilations"), vidperf::error);
    w = v;
    w.hidden_channels = extent{1} << 40;
    CHECK_THROWS_WITH_AS((void)lower_vocoder(w, 12, 1, dtype::bf16, dtype::bf16, 1),
                         doctest::Contains("hidden_channels"), vidperf::error);
    // the audio VAE: widths past any model, and attention whose scores outgrow a tensor while the convs do not
    audio_vae_spec wide = a;
    wide.ch_mult = {1, 2, extent{1} << 40, 0};
    CHECK_THROWS_WITH_AS((void)lower_audio_vae_decode(wide, 12, 1, dtype::bf16, dtype::bf16, 1),
                         doctest::Contains("ch_mult"), vidperf::error);
    audio_vae_spec attends = a;
    attends.mid_attention = true;
    CHECK_NOTHROW((void)lower_audio_vae_decode(a, extent{1} << 20, 1, dtype::bf16, dtype::bf16, 1));
    CHECK_THROWS_WITH_AS((void)lower_audio_vae_decode(attends, extent{1} << 20, 1, dtype::bf16, dtype::bf16, 1),
                         doctest::Contains("beyond any GPU"), vidperf::error);
    CHECK_NOTHROW((void)lower_audio_vae_decode(attends, 126, 1, dtype::bf16, dtype::bf16, 1));
}

namespace {
const std::string ltx2_folder = std::string(VIDPERF_SOURCE_DIR) + "/tests/data/diffusers/save_config/ltx-2";

/// The fixture folder's texts (written by diffusers' save_config and transformers' to_json_file:
/// validation/reference/write_save_config_fixtures.py), to edit one field at a time.
struct ltx2_texts {
    nlohmann::json transformer, vae, connectors, audio_vae, vocoder, text_encoder;
    [[nodiscard]] diffusers_configs configs() const {
        diffusers_configs c;
        c.transformer = transformer.dump();
        c.vae = vae.dump();
        c.connectors = connectors.dump();
        c.audio_vae = audio_vae.dump();
        c.vocoder = vocoder.dump();
        c.text_encoder = text_encoder.dump();
        return c;
    }
};

ltx2_texts read_ltx2_texts() {
    auto read = [](const char* rel) {
        return nlohmann::json::parse(detail::read_text_file(ltx2_folder + "/" + rel + "/config.json", "test"));
    };
    return {read("transformer"), read("vae"),     read("connectors"),
            read("audio_vae"),   read("vocoder"), read("text_encoder")};
}
} // namespace

TEST_CASE("an LTX-2 folder written by diffusers' save_config imports as the preset, module by module") {
    const auto loaded = load_diffusers_folder(ltx2_folder, "my-ltx2");
    const model_spec& m = find_model("ltx-2");
    const auto mine = lower_inference(loaded.spec, m.standard);
    const auto preset = lower_inference(m, m.standard);
    REQUIRE(mine.size() == preset.size());
    for (std::size_t i = 0; i < mine.size(); ++i) {
        CAPTURE(preset[i].name);
        CHECK(mine[i].name == preset[i].name);
        CHECK(mine[i].parameters == preset[i].parameters);
        CHECK(flops_of<gemm_op>(mine[i]) == flops_of<gemm_op>(preset[i]));
        CHECK(flops_of<attention_op>(mine[i]) == flops_of<attention_op>(preset[i]));
        CHECK(flops_of<conv_op>(mine[i]) == flops_of<conv_op>(preset[i]));
    }
    // the counts of the classes that wrote the folder (count_reference.txt)
    CHECK(named(mine, "text_encoder").parameters == 12'187'325'040.0);
    CHECK(named(mine, "text_connectors").parameters == 1'431'475'200.0);
    CHECK(named(mine, "audio_vae_decode").parameters == 53'248'146.0);
    CHECK(named(mine, "vocoder").parameters == 55'592'802.0);
    CHECK(loaded.spec.text_encoders[0].head_dim == 256);
}

TEST_CASE("LTX-2 configs: a changed field changes what it says, what is not modelled is refused naming it") {
    const ltx2_texts base = read_ltx2_texts();
    auto load = [](const ltx2_texts& t) { return model_from_diffusers(t.configs(), "x"); };
    {
        // the audio VAE's rates count the audio latents: 48 kHz makes 3x as many
        ltx2_texts t = base;
        t.audio_vae["sample_rate"] = 48000;
        const auto loaded = load(t);
        CHECK(audio_latent_frames(loaded.spec.denoiser.audio, 121) == 378);
        // a text encoder without its vision tower: Gemma 3's language model alone (11,766,034,176)
        t = base;
        t.text_encoder = base.text_encoder["text_config"];
        const auto text_only = load(t);
        CHECK(named(lower_inference(text_only.spec, text_only.spec.standard), "text_encoder").parameters ==
              11'766'034'176.0);
        // the LTX-2 VAE with its decoder's timestep conditioning has the 0.9.5 VAE's count
        t = base;
        t.vae["timestep_conditioning"] = true;
        CHECK(vae_parameters(load(t).spec.vae) == 1'246'913'522.0);
    }
    auto refused = [&](nlohmann::json ltx2_texts::*file, const char* key, const nlohmann::json& value) {
        CAPTURE(key);
        ltx2_texts t = base;
        (t.*file)[key] = value;
        CHECK_THROWS_WITH_AS((void)load(t), doctest::Contains(key), vidperf::error);
    };
    refused(&ltx2_texts::transformer, "gated_attn", true);
    refused(&ltx2_texts::transformer, "perturbed_attn", true);
    refused(&ltx2_texts::transformer, "cross_attention_dim", 2048);
    refused(&ltx2_texts::transformer, "audio_in_channels", 64); // the audio VAE's latents are 8 x 16
    refused(&ltx2_texts::transformer, "activation_fn", "gelu");
    refused(&ltx2_texts::connectors, "per_modality_projections", true);
    refused(&ltx2_texts::connectors, "audio_connector_num_layers", 8);
    refused(&ltx2_texts::audio_vae, "causality_axis", "width");
    refused(&ltx2_texts::audio_vae, "ch_mult", nlohmann::json::array());
    refused(&ltx2_texts::vocoder, "antialias", true);
    refused(&ltx2_texts::vocoder, "act_fn", "snakebeta");
    refused(&ltx2_texts::vocoder, "resnet_dilations", {{1, 3, 5}});
    refused(&ltx2_texts::vae, "down_block_types", {"LTXVideo095DownBlock3D"});
    refused(&ltx2_texts::vae, "upsample_type", {"spatial", "spatial", "spatial"});
    {
        ltx2_texts t = base;
        t.text_encoder["vision_config"]["hidden_size"] = 1024;
        CHECK_THROWS_WITH_AS((void)load(t), doctest::Contains("hidden_size"), vidperf::error);
        t = base;
        t.text_encoder["text_config"]["sliding_window"] = 512;
        CHECK_THROWS_WITH_AS((void)load(t), doctest::Contains("sliding_window"), vidperf::error);
    }
}
