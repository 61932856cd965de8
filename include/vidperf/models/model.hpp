#pragma once
/// \file
/// A video model: its encoders, denoiser, VAE, latent rule and standard
/// workload; and the lowering of a whole inference job into stages.

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vidperf/core/error.hpp>
#include <vidperf/models/accelerators.hpp>
#include <vidperf/models/audio.hpp>
#include <vidperf/models/chunking.hpp>
#include <vidperf/models/denoiser.hpp>
#include <vidperf/models/encoders.hpp>
#include <vidperf/models/experts.hpp>
#include <vidperf/models/parallel.hpp>
#include <vidperf/models/postprocess.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/models/vae.hpp>
#include <vidperf/models/workload.hpp>

namespace vidperf {

struct model_spec;

/// A text-to-image first stage: another model makes the image the video is conditioned on (Open-Sora 2.0's
/// t2i2v flow, scripts/diffusion/inference.py `use_t2i2v` @ Open-Sora@7ad6a96: FLUX.1-dev makes the first
/// frame, the video model continues it as image-to-video). `model` 0: the model has none.
struct image_first_stage {
    model_spec (*model)() = nullptr; ///< the image model's preset (its denoiser, VAE and latent rule)
    extent side = 0;                 ///< the image's size class: side x side pixels at the video's aspect ratio
};

struct model_spec {
    std::string_view slug;
    std::string_view name;
    task_kind task = task_kind::t2v;
    std::string_view source;
    latent_rule latent;
    denoiser_spec denoiser;
    std::array<encoder_spec, 2> text_encoders{};
    int text_encoder_count = 1; ///< 0 for image-conditioned models without text (SVD)
    encoder_spec image_encoder{};
    bool has_image_encoder = false;
    extent encode_frames = 0; ///< I2V: frames the VAE encodes for conditioning; 0 = the whole clip (Wan)
    extent encode_passes = 1; ///< conditioning clips encoded (VACE: the inactive and the reactive video)
    vae_spec vae;
    video_workload standard; ///< the workload the model's own documentation uses
    vae_tiling standard_tiling{}; ///< VAE tiling the model's reference pipeline turns on by default
    /// two experts of `denoiser`'s architecture switched by timestep (Wan2.2 A14B; models/experts.hpp)
    expert_switch experts{};
    /// long videos in overlapping iterations (SkyReels-V2 DF; models/chunking.hpp); base_frames 0: none
    diffusion_forcing forcing{};
    image_first_stage first_stage{}; ///< a text-to-image first stage (Open-Sora 2.0); model 0: none
    /// modules between the text encoder and the denoiser (LTX-2's text connectors); layers 0: none
    text_connector_spec connectors{};
    /// an audio track decoded beside the video (LTX-2): the audio VAE's decode, then the vocoder; the audio
    /// latents are the joint denoiser's (denoiser_spec::audio)
    bool has_audio = false;
    audio_vae_spec audio_vae{};
    vocoder_spec vocoder{};
};

/// The first stage's image for a video of `width` x `height`: Open-Sora's bucket of `side`^2 pixels at the
/// named aspect ratio nearest the video's (opensora/datasets/aspect.py get_aspect_ratios_dict with
/// training=True, as get_image_size calls it: the width from the ratio in steps of 16, the height from the
/// pixels, then the one step of 16 that brings the area nearest `side`^2; a portrait ratio's bucket is the
/// landscape one turned, as the dictionary's vertical entries are). 1024 x 576 for 768 at 16:9.
struct image_size {
    extent width = 0, height = 0;
};
[[nodiscard]] inline image_size first_stage_image(extent side, extent width, extent height) {
    // ASPECT_RATIO_LD_LIST as landscape width / height (5:8 and 9:16 are the portrait twins of 8:5 and 16:9)
    constexpr std::array<double, 8> ratios{2.39, 2.0, 16.0 / 9.0, 1.85, 8.0 / 5.0, 1.5, 4.0 / 3.0, 1.0};
    const bool portrait = height > width;
    const double want = std::abs(std::log(static_cast<double>(width) / static_cast<double>(height)));
    double ratio = 1.0;
    for (const double r : ratios)
        if (std::abs(std::log(r) - want) < std::abs(std::log(ratio) - want)) ratio = r;
    const double pixels = static_cast<double>(side) * static_cast<double>(side);
    constexpr extent D = 16;
    extent w = static_cast<extent>(std::sqrt(pixels * ratio) / static_cast<double>(D)) * D;
    extent h = static_cast<extent>(pixels / static_cast<double>(w) / static_cast<double>(D)) * D;
    double diff = std::abs(static_cast<double>(h * w) - pixels);
    const std::array<std::array<extent, 2>, 4> candidates{{{h - D, w}, {h + D, w}, {h, w - D}, {h, w + D}}};
    for (const auto& c : candidates) {
        const double d = std::abs(static_cast<double>(c[0] * c[1]) - pixels);
        if (d < diff) h = c[0], w = c[1], diff = d;
    }
    return portrait ? image_size{h, w} : image_size{w, h};
}

struct inference_options {
    /// VAE tiling; unset: the model's standard (what its reference pipeline turns on, model_spec::standard_tiling)
    std::optional<vae_tiling> tiling{};
    extent interpolation = 1; ///< frame-rate factor after decoding (RIFE); 1 = none
    extent upscale = 1;       ///< super-resolution factor (Real-ESRGAN, 2 or 4); 1 = none
    parallel_plan parallel{}; ///< multi-GPU denoiser (other stages run whole on every GPU)
    bool image_stage = true;  ///< run the model's text-to-image first stage where it has one
};

/// Diffusion forcing's asynchronous mode: only for a model with a timestep per frame, and a dense mask only for
/// kernels that take one.
inline void check_forcing(const video_workload& w, const model_spec& m) {
    const forcing_schedule& f = w.forcing;
    if (f.ar_step < 0 || f.causal_block < 1)
        detail::raise(errc::out_of_range, "--ar-step",
                      "diffusion forcing needs ar_step >= 0 and causal_block_size >= 1, got " +
                          std::to_string(f.ar_step) + " and " + std::to_string(f.causal_block));
    if ((f.asynchronous() || f.causal_attention) && !m.denoiser.per_frame_timesteps)
        detail::raise(errc::not_representable, f.ar_step > 0 ? "--ar-step" : f.causal_block > 1 ? "--causal-block-size"
                                                                                           : "--causal-attention",
                      "'" + std::string(m.slug) + "' has one timestep per call; the asynchronous schedule is diffusion forcing's "
                      "(SkyReels-V2 DF), whose denoiser takes a timestep per frame");
    if (f.causal_attention && w.impl != implementation::official)
        detail::raise(errc::inconsistent, "--causal-attention",
                      "--causal-attention is the official code's switch (generate_video_df.py); diffusers masks "
                      "whenever --causal-block-size is above 1");
    if (block_causal_mask(w) && (w.attention == attention_kernel::fa2 || w.attention == attention_kernel::fa3 ||
                                 w.attention == attention_kernel::sage))
        detail::raise(errc::kernel_not_available, "--attention",
                      "diffusion forcing's block-causal mask is a dense [S x S] tensor that attention kernel '" +
                          std::string(name(w.attention)) +
                          "' cannot take; use --attention sdpa-efficient, cudnn or sdpa-math");
}

/// The extra guidance passes and what the joint audio-video denoiser cannot be combined with.
inline void check_audio_video(const video_workload& w, const model_spec& m) {
    const bool av = m.denoiser.family == denoiser_family::dit_audio_video;
    if ((w.stg_pass || w.modality_pass) && !av)
        detail::raise(errc::not_representable, w.stg_pass ? "--stg" : "--modality-guidance",
                      "'" + std::string(m.slug) + "' runs no " +
                          (w.stg_pass ? "spatio-temporal" : "modality-isolation") +
                          " guidance pass; the extra guidance passes are LTX-2's (joint audio-video denoisers)");
    if (av && w.accel.cache != step_cache::none)
        detail::raise(errc::not_representable, "--cache",
                      "step caching is not modelled for the joint audio-video denoiser of '" + std::string(m.slug) + "'");
}

/// The stages of one inference job, in execution order.
[[nodiscard]] inline std::vector<stage> lower_inference(const model_spec& m, const video_workload& w,
                                                        const inference_options& opt = {}) {
    validate(w, m.slug);
    validate(w.accel, m.slug);
    check_applies(w.accel, m.denoiser.family, m.slug);
    check_forcing(w, m);
    check_audio_video(w, m);
    const latent_shape lat = latents(m.latent, w, m.slug);
    const extent passes = cfg_passes(w.cfg);
    // Wan's reference code runs its VAE in fp32, SDXL's pipeline upcasts it from fp16
    const dtype vae = vae_dtype(w.impl, m.denoiser.code, w.compute, m.vae.force_upcast);
    const vae_tiling tiling = opt.tiling.value_or(m.standard_tiling);
    std::vector<stage> stages;
    auto push = [&](stage_kind k, stage s) {
        s.kind = k;
        stages.push_back(std::move(s));
    };
    // the text-to-image first stage (Open-Sora 2.0's t2i2v, scripts/diffusion/inference.py:157-210 @ 7ad6a96):
    // the image model's own job on one frame of the bucket first_stage_image gives, its prompt through the
    // shared text encoders, one pass per step (FLUX.1-dev is guidance-distilled: modify_option_to_t2i sets the
    // DISTILLED sampler, guidance an embedding), as many steps as the video, its VAE's decode; the video model
    // then starts from the image (cond_type i2v_head: one frame VAE-encoded). The repository runs the image
    // model with its own MMDiT code and, under --offload True, swaps the two models whole (offload groups 1
    // and 2) while the text encoders stay
    const bool first = m.first_stage.model != nullptr && opt.image_stage;
    const bool grouped = first && w.impl == implementation::official;
    if (first) {
        model_spec img = m.first_stage.model();
        img.denoiser.code = m.denoiser.code;
        const image_size size = first_stage_image(m.first_stage.side, w.width, w.height);
        video_workload iw = w;
        iw.width = size.width;
        iw.height = size.height;
        iw.frames = 1;
        iw.cfg = cfg_mode::off;
        iw.accel = {};
        iw.forcing = {};
        inference_options io;
        io.tiling = vae_tiling{}; // Open-Sora's autoencoder_2d decodes whole
        for (stage s : lower_inference(img, iw, io)) {
            if (s.kind == stage_kind::text_encoder) {
                s.name = "image_prompt_" + s.name; // the shared encoder's module
            } else {
                s.kind = stage_kind::first_stage;
                s.name = "image_" + s.name;
                s.module = "image_" + s.module;
                s.offload_group = grouped ? 1 : 0;
            }
            stages.push_back(std::move(s));
        }
    }
    // prompts: the positive prompt, and the negative one when guidance is on
    const extent prompts = w.batch * passes;
    for (int i = 0; i < m.text_encoder_count; ++i) {
        const auto& e = m.text_encoders[static_cast<std::size_t>(i)];
        push(stage_kind::text_encoder, lower_encoder(e, prompts, unquantised(w.compute), unquantised(w.compute),
                                       m.text_encoder_count > 1 ? "text_encoder_" + std::string(e.name)
                                                                : std::string("text_encoder"),
                                       1));
    }
    if (m.connectors.layers > 0)
        push(stage_kind::text_encoder,
             lower_text_connectors(m.connectors, prompts, unquantised(w.compute), unquantised(w.compute), 1));
    if (m.has_image_encoder)
        push(stage_kind::image_encoder,
             lower_encoder(m.image_encoder, w.batch, unquantised(w.compute), unquantised(w.compute), "image_encoder", 1));
    // the conditioning clip (the image, then zeros for Wan; VACE's control video) is VAE-encoded
    if (m.task == task_kind::i2v || m.task == task_kind::v2v)
        push(stage_kind::vae_encode, lower_vae_encode(m.vae, m.encode_frames > 0 ? m.encode_frames : w.frames, w.height, w.width,
                                          w.batch * m.encode_passes, vae, tiling));
    else if (first) // the first stage's image, resized to the video's frames (collect_references_batch)
        push(stage_kind::vae_encode, lower_vae_encode(m.vae, 1, w.height, w.width, w.batch, vae, tiling));

    parallel_plan par = opt.parallel;
    validate(par);
    if (par.tp > 1 && is_unet(m.denoiser.family))
        detail::raise(errc::not_representable, m.slug, "tensor parallelism is not modelled for UNet denoisers");
    par.tp_layers = static_cast<int>(m.denoiser.layers * (m.denoiser.family == denoiser_family::dit_factorised ? 2 : 1) +
                                     m.denoiser.single_layers);
    par.tp_width = m.denoiser.hidden;
    const bool cfg_parallel = par.cfg == 2;
    if (cfg_parallel && w.cfg == cfg_mode::off)
        detail::raise(errc::inconsistent, m.slug, "CFG parallelism needs guidance on (this workload has cfg off)");
    if (par.sequence_degree() > 1 && is_unet(m.denoiser.family))
        detail::raise(errc::not_representable, m.slug, "sequence parallelism is not modelled for UNet denoisers");
    if (par.gpus() > 1 && m.denoiser.family == denoiser_family::dit_audio_video)
        detail::raise(errc::not_representable, m.slug,
                      "multi-GPU plans are not modelled for the joint audio-video denoiser (how its audio stream "
                      "and cross-modal attention split is the implementation's own)");
    // with CFG parallelism each GPU runs one of the two guidance passes
    const extent videos = w.cfg == cfg_mode::batched && !cfg_parallel ? w.batch * 2 : w.batch;
    const double calls =
        static_cast<double>(w.steps) * (w.cfg == cfg_mode::sequential && !cfg_parallel ? 2.0 : 1.0);
    // step caching: the served steps leave the denoiser and run the cache's probe (models/accelerators.hpp)
    const extent served = cached_steps(w.accel, w.steps);
    const double per_step = calls / static_cast<double>(w.steps);
    // diffusion forcing: the denoiser runs on each iteration's frames, every step of every iteration
    const chunk_plan chunks =
        plan_chunks(m.forcing, w.forcing, w.steps, w.frames, lat.frames, m.latent.temporal_compression, m.slug);
    if (chunks.chunked && m.experts.two_experts)
        detail::raise(errc::not_representable, m.slug, "diffusion forcing is not modelled for two-expert models");
    if (w.forcing.asynchronous() && served > 0)
        detail::raise(errc::not_representable, "--cache",
                      "step caching under diffusion forcing's asynchronous schedule is not modelled (which rows a "
                      "cache would serve when the frames sit on different steps is the method's own choice)");
    const auto chunk_latent = [&](extent frames) { return with_frames(m.latent, lat, frames); };
    // one iteration size's denoiser stage, with its calls per iteration
    const auto denoiser_stage = [&](const latent_shape& at) {
        stage whole = lower_denoiser(m.denoiser, m.latent, at, videos, w, calls);
        // the cache lives through the loop: its residuals join every denoiser call's live bytes
        whole.activation_bytes += bytes(cache_bytes(w.accel, m.denoiser, at, w.batch, cfg_parallel ? 1 : passes, w.compute));
        stage d = parallelize(whole, par, w.compute);
        keep_attention(d, w.accel.attention_keep); // sparse kernels: the attention, not its collectives
        if (cfg_parallel) { // the two halves exchange their noise predictions every step
            const double latent = static_cast<double>(w.batch * m.denoiser.out_channels * at.frames * at.height *
                                                      at.width);
            d.ops.push_back({detail::collective(collective_kind::all_gather, 2 * latent, 2, w.compute, par), 1,
                             op_role::replicated});
        }
        return d;
    };
    // the stage of the served steps carries the weights of the expert it runs on
    auto push_cache_step = [&](const stage& expert, const latent_shape& at, double iterations) {
        if (served == 0) return;
        stage st = lower_cache_step(m.denoiser, m.latent, at, videos, w,
                                    static_cast<double>(served) * per_step * iterations);
        st.activation_bytes +=
            bytes(cache_bytes(w.accel, m.denoiser, at, w.batch, cfg_parallel ? 1 : passes, w.compute));
        st = parallelize(st, par, w.compute);
        keep_attention(st, w.accel.attention_keep); // First-Block Cache runs one block
        st.name = expert.name == "denoiser_tail" ? "step_cache_tail" : "step_cache";
        st.module = expert.module;
        st.parameters = expert.parameters;
        st.weight_bytes = expert.weight_bytes;
        push(stage_kind::denoiser, std::move(st));
    };
    if (m.experts.two_experts) {
        stage den = denoiser_stage(lat);
        // the high-noise expert runs the first steps, the low-noise expert (module denoiser_2) the rest; both
        // stages stay in the list (a zero-call expert still holds its weights when nothing is offloaded).
        // Served steps come off the later (low-noise) steps first.
        const extent high = high_noise_steps(m.experts, w.steps, w.impl);
        const extent low_steps = w.steps - high;
        const extent served_low = served < low_steps ? served : low_steps;
        stage low = den;
        den.calls = static_cast<double>(high - (served - served_low)) * per_step;
        low.calls = static_cast<double>(low_steps - served_low) * per_step;
        low.name = "denoiser_2";
        low.module = "denoiser_2";
        const bool on_low = served_low * 2 >= served;
        push(stage_kind::denoiser, den); // in running order, so model offload moves each expert in once
        if (!on_low) push_cache_step(den, lat, 1);
        push(stage_kind::denoiser, low);
        if (on_low) push_cache_step(low, lat, 1);
    } else {
        // one stage per kind of iteration (models/chunking.hpp): a shorter last iteration of a chunked video is
        // denoiser_tail; under the asynchronous schedule the later full iterations, whose prefix blocks start
        // done, make fewer rows than the first: denoiser_prefixed
        for (std::size_t g = 0; g < chunks.groups.size(); ++g) {
            const auto& group = chunks.groups[g];
            if (group.count == 0) continue;
            const latent_shape at = chunks.chunked ? chunk_latent(group.frames) : lat;
            stage den = denoiser_stage(at);
            // synchronous: rows are the steps, of which the cache serves `served`
            den.calls = static_cast<double>(group.rows - served) * per_step * static_cast<double>(group.count);
            if (g > 0) den.name = group.frames < chunks.groups[0].frames ? "denoiser_tail" : "denoiser_prefixed";
            push(stage_kind::denoiser, den);
            push_cache_step(den, at, static_cast<double>(group.count));
        }
        // LTX2Pipeline's further guidance calls, each on the positive prompt alone (pipeline_ltx2.py:1485-1560
        // @ diffusers 0.42.1). Spatio-temporal guidance perturbs the self-attention of the blocks it names only in
        // a model built with perturbed_attn (2.3); LTX-2 2.0's blocks take no perturbation, so that call runs the
        // whole denoiser. Modality guidance runs without the audio-to-video and video-to-audio attention.
        auto extra_pass = [&](std::string name, bool cross_modal) {
            denoiser_spec d = m.denoiser;
            d.audio.cross_modal = cross_modal;
            stage e = lower_denoiser(d, m.latent, lat, w.batch, w, static_cast<double>(w.steps));
            e.name = std::move(name);
            push(stage_kind::denoiser, std::move(e));
        };
        if (w.stg_pass) extra_pass("denoiser_stg", true);
        if (w.modality_pass) extra_pass("denoiser_isolated", false);
    }

    // scheduler update per step: guidance combine and the solver's update on the latents, as the
    // implementation's pipeline runs them (models/implementation.hpp), else an fp32 combine and axpy
    {
        stage_builder b("scheduler", "none", dtype::fp32, dtype::fp32);
        // (a chunked video: every iteration's frames, every step)
        const extent elems = w.batch * m.vae.latent_channels * (chunks.chunked ? chunks.denoised_frames() : lat.frames) *
                             lat.height * lat.width;
        // LTX-2: its audio latents step alongside
        const extent audio = m.denoiser.family == denoiser_family::dit_audio_video
                                 ? w.batch * m.denoiser.audio.in_channels * audio_latent_frames(m.denoiser.audio, w.frames)
                                 : 0;
        if (!step_ops(b, w.impl, m.denoiser.code, elems + audio, w.cfg != cfg_mode::off, w.compute)) {
            if (w.cfg != cfg_mode::off) b.elementwise(elems + audio, 2, 1, 3);
            b.elementwise(elems + audio, 2, 1, 2);
        }
        push(stage_kind::scheduler, b.finish(static_cast<double>(w.steps)));
    }
    if (chunks.chunked && w.impl == implementation::official) {
        // the official code decodes every iteration's frames and encodes the last overlap_frames pixel frames
        // again for the next iteration (models/chunking.hpp)
        stage enc = lower_vae_encode(m.vae, m.forcing.overlap_frames, w.height, w.width, w.batch, vae, tiling);
        enc.calls = static_cast<double>(chunks.iterations - 1);
        enc.name = "vae_encode_overlap";
        push(stage_kind::vae_encode, std::move(enc));
        // one decode per iteration: the full ones, then a shorter last one (vae_decode_tail)
        extent full = 0, tail = 0, tail_frames = 0;
        for (const auto& g : chunks.groups) {
            if (g.frames == chunks.groups[0].frames) full += g.count;
            else if (g.count > 0) tail += g.count, tail_frames = g.frames;
        }
        stage dec = lower_vae_decode(m.vae, chunk_latent(chunks.groups[0].frames), w.batch, vae, tiling);
        dec.calls = static_cast<double>(full);
        push(stage_kind::vae_decode, std::move(dec));
        if (tail > 0) {
            stage last = lower_vae_decode(m.vae, chunk_latent(tail_frames), w.batch, vae, tiling);
            last.calls = static_cast<double>(tail);
            last.name = "vae_decode_tail";
            push(stage_kind::vae_decode, std::move(last));
        }
    } else { // diffusers keeps the latents and decodes the whole video once
        push(stage_kind::vae_decode, lower_vae_decode(m.vae, lat, w.batch, vae, tiling));
    }
    if (m.has_audio) { // LTX2Pipeline: the audio latents through the audio VAE, the mel spectrogram through the vocoder
        if (m.denoiser.family != denoiser_family::dit_audio_video)
            detail::raise(errc::inconsistent, m.slug, "an audio track needs the joint audio-video denoiser");
        if (m.vocoder.in_channels != m.audio_vae.out_channels * m.audio_vae.mel_bins)
            detail::raise(errc::inconsistent, m.slug,
                          "the vocoder takes " + std::to_string(m.vocoder.in_channels) +
                              " channels, the audio VAE gives " + std::to_string(m.audio_vae.out_channels) + " x " +
                              std::to_string(m.audio_vae.mel_bins) + " mel bins");
        const extent audio_latents = audio_latent_frames(m.denoiser.audio, w.frames);
        push(stage_kind::audio_decode, lower_audio_vae_decode(m.audio_vae, audio_latents, w.batch, vae, vae, 1));
        push(stage_kind::audio_decode, lower_vocoder(m.vocoder, audio_vae_decoded_frames(m.audio_vae, audio_latents),
                                                     w.batch, vae, vae, 1));
    }
    extent frames = w.frames;
    if (opt.interpolation > 1) {
        push(stage_kind::interpolation, lower_interpolation(frames, w.height, w.width, w.batch, opt.interpolation, unquantised(w.compute)));
        frames = interpolated_frames(frames, opt.interpolation);
    }
    if (opt.upscale > 1) push(stage_kind::upscaling, lower_upscaling(frames, w.height, w.width, w.batch, opt.upscale, unquantised(w.compute)));
    if (grouped) // the video model's modules move together, the other group
        for (auto& s : stages)
            if (s.kind == stage_kind::denoiser || s.kind == stage_kind::vae_encode || s.kind == stage_kind::vae_decode ||
                s.kind == stage_kind::audio_decode)
                s.offload_group = 2;
    return stages;
}

} // namespace vidperf
