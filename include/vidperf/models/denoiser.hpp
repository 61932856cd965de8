#pragma once
/// \file
/// Denoiser backbones lowered to ops. Each family describes one block of the
/// published architecture as linear layers, attention calls, norms and
/// elementwise kernels; stage_builder turns that into both the op list and
/// the parameter count.
///
/// Families:
///  - dit_cross: DiT with full 3-D self-attention over video tokens and
///    cross-attention to the text (Wan 2.x, LTX-Video);
///  - dit_factorised: the same blocks in spatial / temporal pairs, the first
///    attending within a frame, the second across frames at one position
///    (Latte, Open-Sora 1.x STDiT); `layers` counts the pairs;
///  - mmdit_joint: one stream of [text; video] tokens with joint attention and
///    shared weights, separate adaptive norms (CogVideoX);
///  - mmdit_dual_single: dual-stream blocks (separate text and video weights,
///    joint attention) followed by single-stream blocks with parallel
///    attention and MLP (HunyuanVideo, Open-Sora 2.0);
///  - mmdit_asymmetric: dual-stream blocks whose text stream is narrower than
///    the video stream (Mochi 1);
///  - dit_adaln_lora: a DiT whose every norm takes its modulation through a low-rank
///    D -> r -> 3 D projection of the timestep embedding, with cross-attention to the text
///    straight from the encoder's width, and no biases (NVIDIA Cosmos-Predict2);
///  - dit_text_visual: self-attention blocks over the text tokens, then visual blocks of
///    self-attention, cross-attention to those tokens and a bias-free MLP, every block modulated
///    through its own projection of a narrow timestep embedding (Kandinsky 5);
///  - unet_2d: the 2-D UNet of image models (Stable Diffusion 1.x, SDXL; unet.hpp);
///  - unet_temporal: a UNet with temporal layers (Stable Video Diffusion; unet.hpp).

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include <vidperf/core/error.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/models/unet.hpp>
#include <vidperf/models/workload.hpp>
#include <vidperf/ops/ops.hpp>
#include <vidperf/core/names.hpp>

namespace vidperf {

enum class denoiser_family : std::uint8_t {
    dit_cross,
    dit_factorised,
    mmdit_joint,
    mmdit_dual_single,
    mmdit_asymmetric,
    unet_temporal,
    unet_2d,
    dit_adaln_lora,
    dit_text_visual,
    /// LTX-2's joint audio-video DiT: a video and an audio stream of different widths, each with self- and
    /// text cross-attention and an MLP, plus audio-to-video and video-to-audio cross-attention in every block
    dit_audio_video,
};

/// True for the UNet families (lowered by lower_unet, not block by block).
[[nodiscard]] constexpr bool is_unet(denoiser_family f) noexcept {
    return f == denoiser_family::unet_temporal || f == denoiser_family::unet_2d;
}

template <>
struct enum_names<denoiser_family> {
    static constexpr std::string_view what = "denoiser family";
    static constexpr auto entries = std::to_array<name_entry<denoiser_family>>({
        {denoiser_family::dit_cross, "dit-cross"},
        {denoiser_family::dit_factorised, "dit-factorised"},
        {denoiser_family::mmdit_joint, "mmdit-joint"},
        {denoiser_family::mmdit_dual_single, "mmdit-dual-single"},
        {denoiser_family::mmdit_asymmetric, "mmdit-asymmetric"},
        {denoiser_family::unet_temporal, "unet-temporal"},
        {denoiser_family::unet_2d, "unet-2d"},
        {denoiser_family::dit_adaln_lora, "dit-adaln-lora"},
        {denoiser_family::dit_text_visual, "dit-text-visual"},
        {denoiser_family::dit_audio_video, "dit-audio-video"}});
};

enum class mlp_kind : std::uint8_t { gelu, swiglu };

/// The audio stream of a joint audio-video denoiser (dit_audio_video; diffusers LTX2VideoTransformer3DModel's
/// audio_* config fields). Its tokens are audio latent frames, audio_latent_frames() of them per video.
struct audio_stream_spec {
    extent hidden = 0;      ///< audio-stream width (heads x head_dim); 0 = no audio stream
    extent heads = 0;       ///< also the heads of the audio-to-video and video-to-audio attention
    extent head_dim = 0;
    extent ffn = 0;         ///< audio MLP inner width
    extent in_channels = 0; ///< latent channels x latent mel bins per audio token (LTX-2: 8 x 16)
    extent out_channels = 0;
    extent text_dim = 0;    ///< width of the audio text embedding into its caption projection
    extent sample_rate = 16000; ///< audio samples per second
    extent hop = 160;           ///< samples per mel frame
    extent compression = 4;     ///< mel frames per latent frame
    /// video frames per second the pipeline pairs the audio with (LTX2Pipeline's frame_rate): the audio lasts
    /// frames / frame_rate seconds
    double frame_rate = 24;
    /// the audio-to-video and video-to-audio attention run; false in modality-isolation guidance's pass
    /// (isolate_modalities), which still holds their weights
    bool cross_modal = true;
};

/// Audio latent frames of a `frames`-frame video: LTX2Pipeline's round(frames / frame_rate x sample_rate / hop /
/// compression) (25 latents a second for LTX-2; 121 frames at 24 fps: 126), rounded as Python rounds, half to
/// even (std::nearbyint in the default rounding mode).
[[nodiscard]] inline extent audio_latent_frames(const audio_stream_spec& a, extent frames) {
    constexpr std::string_view where = "audio_latent_frames";
    detail::require_positive(static_cast<double>(a.sample_rate), where, "audio.sample_rate");
    detail::require_positive(static_cast<double>(a.hop), where, "audio.hop");
    detail::require_positive(static_cast<double>(a.compression), where, "audio.compression");
    detail::require_positive(a.frame_rate, where, "audio.frame_rate");
    const double x = static_cast<double>(frames) / a.frame_rate * static_cast<double>(a.sample_rate) /
                     static_cast<double>(a.hop) / static_cast<double>(a.compression);
    if (!(x >= 0 && x <= static_cast<double>(max_frames_per_video) * 1e3))
        detail::raise(errc::out_of_range, where,
                      "the audio of " + std::to_string(frames) + " frames at " + std::to_string(a.frame_rate) +
                          " fps is beyond any clip");
    return static_cast<extent>(std::nearbyint(x));
}

struct denoiser_spec {
    denoiser_family family = denoiser_family::dit_cross;
    extent layers = 0;        ///< cross / joint / dual-stream blocks
    extent single_layers = 0; ///< single-stream blocks (mmdit_dual_single)
    extent hidden = 0;        ///< video-stream width D
    extent text_hidden = 0;   ///< text-stream width inside blocks (mmdit_asymmetric); 0 = hidden
    extent heads = 0;
    extent head_dim = 0;
    extent ffn = 0;           ///< video MLP inner width
    extent text_ffn = 0;      ///< text MLP inner width (mmdit_asymmetric); 0 = ffn
    mlp_kind mlp = mlp_kind::gelu;
    extent in_channels = 16;  ///< latent channels into the patch embedding (with I2V condition channels)
    extent out_channels = 16;
    extent text_dim = 4096;   ///< text-encoder output width
    extent text_tokens = 512; ///< text sequence length the denoiser sees
    extent image_tokens = 0;  ///< extra image-conditioning tokens for cross-attention (Wan I2V: CLIP)
    extent image_dim = 0;
    extent refiner_layers = 0;  ///< text token-refiner blocks before the DiT (HunyuanVideo)
    /// Text tokens the refiner (and the text projection) takes where fewer than the joint context
    /// (HunyuanVideo 1.5: the 1000 Qwen tokens of 1985); 0 = text_tokens
    extent refiner_tokens = 0;
    /// A glyph text stream joining the context (HunyuanVideo 1.5's ByT5 tokens: LayerNorm, Linear to D, GELU,
    /// Linear, GELU, Linear); 0 = none
    extent glyph_tokens = 0;
    extent glyph_dim = 0;
    /// Learned vectors of D added to the context streams by type (HunyuanVideo 1.5's cond_type_embed: 3)
    extent context_type_embeddings = 0;
    /// The joint attention takes a dense [S x S] boolean mask of the padded context, built per call
    /// (HunyuanVideo 1.5's processor on diffusers' native SDPA backend); 0 bytes where false
    bool dense_joint_mask = false;
    extent pooled_dim = 0;      ///< pooled text vector added to the timestep embedding (CLIP-L: 768); 0 = none
    bool guidance_embed = false; ///< guidance-distilled: an embedding of the guidance scale
    extent time_freq_dim = 256; ///< sinusoidal timestep features
    extent time_embed_dim = 0;  ///< width of the timestep embedding; 0 = hidden
    bool qk_norm = true;
    bool rotary = true;        ///< rotary positions on q and k (mmdit_joint: CogVideoX-2b adds fixed sin-cos positions)
    int cross_norm_affine = 2; ///< parameters per channel of the norm before cross-attention: Wan's LayerNorm 2, LTX's RMSNorm 0
    reference_code code = reference_code::none; ///< whose code its implementations run (models/implementation.hpp)
    bool expand_timesteps = false; ///< diffusers' pipeline runs the timestep MLP on every token (Wan2.2 TI2V-5B)
    bool official_expand_timesteps = false; ///< the model's own repository does (every Wan2.2 model)
    /// The model's own repository holds the weights in fp32 and runs the GEMMs under bf16 autocast
    /// (Wan2.1: WanModel.from_pretrained without a dtype; see weight_storage in implementation.hpp).
    bool official_fp32_weights = false;
    /// VACE (Wan2.1-VACE): blocks of the main architecture run on the control tokens before the main
    /// blocks; block i's hint is added after main block i x vace_stride. 0 = none
    extent vace_blocks = 0;
    extent vace_stride = 1;       ///< main blocks between two hints (the config's vace_layers: 0, stride, ...)
    extent vace_in_channels = 0;  ///< control latent channels (Wan: 16 inactive + 16 reactive + 64 mask = 96)
    /// Diffusion forcing (SkyReels-V2 DF): a timestep per latent frame. The timestep MLP and the 6 D projection
    /// run on every frame, and the codes repeat the projection to every token in fp32 ([6, tokens, D] live)
    bool per_frame_timesteps = false;
    /// SkyReels-V2's inject_sample_info: an embedding of the fps class (2 x D) through D -> D -> 6 D
    bool fps_embedding = false;
    extent adaln_lora = 0; ///< dit_adaln_lora: the rank of the modulation projections (Cosmos: 256)
    audio_stream_spec audio{}; ///< dit_audio_video only
    unet_spec unet{}; ///< the UNet families only
};

namespace detail {

/// adaLN modulation and residual/gate arithmetic around one sub-block of `tokens` x `dim`.
inline void modulated_residual(stage_builder& b, extent tokens, extent dim) {
    b.elementwise(tokens * dim, 3, 1, 2); // x * (1 + scale) + shift
    b.elementwise(tokens * dim, 3, 1, 2); // x + gate * y
}

inline void mlp(stage_builder& b, extent tokens, extent dim, extent inner, mlp_kind kind) {
    if (kind == mlp_kind::swiglu) {
        b.linear(tokens, dim, inner, false); // gate
        b.linear(tokens, dim, inner, false); // up
        b.elementwise(tokens * inner, 2, 1, 5); // silu(gate) * up
        b.linear(tokens, inner, dim, false);
    } else {
        b.linear(tokens, dim, inner, true);
        b.elementwise(tokens * inner, 1, 1, 8); // GELU (tanh approximation)
        b.linear(tokens, inner, dim, true);
    }
}

inline attention_op make_attention(extent batch, extent heads, extent seq_q, extent seq_kv, extent head_dim,
                                   attention_kernel kernel) {
    attention_op a;
    a.batch = batch;
    a.heads_q = heads;
    a.seq_q = seq_q;
    a.seq_kv = seq_kv;
    a.head_dim = head_dim;
    a.kernel = kernel;
    return a;
}

/// Timestep embedding MLP (sinusoid -> hidden -> hidden) per video.
inline void time_embedding(stage_builder& b, const denoiser_spec& s, extent videos) {
    const extent t = s.time_embed_dim ? s.time_embed_dim : s.hidden;
    b.linear(videos, s.time_freq_dim, t);
    b.elementwise(videos * t);
    b.linear(videos, t, t);
}

/// The MM-DiT output: adaLN (shift, scale) from the timestep embedding, the final norm over the video
/// rows, the unpatchify projection; the joint residual stream stays alive across the call.
inline void mmdit_output(stage_builder& b, extent videos, extent te, extent video_rows, extent joint_rows, extent D,
                         extent patch_out, int norm_affine, dtype compute, double extra_bytes = 0) {
    b.linear(videos, te, 2 * D);
    b.role(op_role::sequence);
    b.norm(pointwise_kind::layernorm, video_rows, D, norm_affine);
    b.linear(video_rows, D, patch_out);
    b.role(op_role::replicated);
    b.resident(static_cast<double>(joint_rows) * static_cast<double>(D) * size_bytes(compute) * 2.0 + extra_bytes);
}

} // namespace detail

/// One denoiser call (one step, one CFG pass or both when batched) as ops.
/// `videos` is the batch the call runs on (batch x 2 with batched CFG).
[[nodiscard]] inline stage lower_denoiser(const denoiser_spec& s, const latent_rule& rule, const latent_shape& lat,
                                          extent videos, const video_workload& w, double calls) {
    const std::string where = "lower_denoiser";
    check_attention(w.impl, s.code, w.attention);
    if (is_unet(s.family))
        return lower_unet(s.unet, lat, videos, w, calls, s.family == denoiser_family::unet_temporal);
    detail::require_positive(static_cast<double>(s.layers), where, "layers");
    detail::require_positive(static_cast<double>(s.hidden), where, "hidden");
    detail::require_positive(static_cast<double>(s.heads), where, "heads");
    const extent D = s.hidden;
    const extent H = s.heads;
    const extent hd = s.head_dim ? s.head_dim : D / H;
    const extent A = H * hd; // attention width
    const extent N = lat.tokens;
    const extent L = s.text_tokens;
    const extent NV = videos * N; // video rows in every GEMM
    const extent LV = videos * L;
    const extent patch = rule.patch_t * rule.patch_h * rule.patch_w;
    const extent patch_in = s.in_channels * patch; // patch embedding: a GEMM over tokens
    const extent patch_out = s.out_channels * patch;
    const attention_kernel k = w.attention;
    // a non-ideal implementation with its own block kernels replaces the block's pointwise kernels below
    const bool ideal_pw = !has_block_ops(w.impl, s.code);
    const bool per_token = per_token_timesteps(w.impl, s.expand_timesteps, s.official_expand_timesteps);
    block_shape bs;
    bs.videos = videos;
    bs.video_rows = NV;
    bs.text_rows = LV;
    bs.image_rows = videos * s.image_tokens;
    bs.width = D;
    bs.attn_width = A;
    bs.head_dim = hd;
    bs.ffn = s.ffn;
    bs.qk_norm = s.qk_norm;

    const extent time_rows = s.per_frame_timesteps ? videos * ((lat.frames + rule.patch_t - 1) / rule.patch_t) : videos;
    stage_builder b("denoiser", "denoiser", w.compute, w.weights);
    if (per_token) // also the time projection to 6 D, in place of the one below
        per_token_time_embedding(b, w.impl, NV, s.time_freq_dim, D, w.compute);
    else if (s.family != denoiser_family::dit_adaln_lora && s.family != denoiser_family::dit_audio_video) // own
        detail::time_embedding(b, s, time_rows);
    if (s.fps_embedding) { // nn.Embedding(2, D), then Linear(D, D), SiLU, Linear(D, 6 D)
        b.parameters(2.0 * static_cast<double>(D));
        b.linear(videos, D, D);
        b.elementwise(videos * D);
        b.linear(videos, D, 6 * D);
    }

    switch (s.family) {
    case denoiser_family::dit_cross:
    case denoiser_family::dit_factorised: {
        // patch embedding (Conv3d with kernel = stride = patch: a GEMM over tokens)
        b.role(op_role::sequence);
        b.linear(NV, patch_in, D);
        b.role(op_role::replicated);
        // text embedding MLP: text_dim -> D -> D
        b.linear(LV, s.text_dim, D);
        b.elementwise(LV * D);
        b.linear(LV, D, D);
        if (!per_token) b.linear(time_rows, D, 6 * D); // time projection to the 6 modulation vectors
        if (s.image_tokens > 0) {   // CLIP image tokens through an MLP projector
            const extent IV = videos * s.image_tokens;
            b.norm(pointwise_kind::layernorm, IV, s.image_dim, 2);
            b.linear(IV, s.image_dim, s.image_dim);
            b.elementwise(IV * s.image_dim);
            b.linear(IV, s.image_dim, D);
            b.norm(pointwise_kind::layernorm, IV, D, 2);
        }
        // diffusion forcing's block-causal mask (models/workload.hpp block_causal_mask): one [S x S] boolean
        // mask per call, broadcast over the videos
        const bool causal_mask = s.per_frame_timesteps && block_causal_mask(w);
        // one block whose self-attention runs over `seq` tokens in `groups` independent groups
        auto block = [&](extent groups, extent seq) {
            b.parameters(6.0 * static_cast<double>(D)); // per-block modulation table
            b.role(op_role::sequence);
            if (ideal_pw) {
                b.norm(pointwise_kind::layernorm, NV, D, 0);
                detail::modulated_residual(b, NV, D);
            }
            b.linear(NV, D, A);
            b.linear(NV, D, A);
            b.linear(NV, D, A);
            if (s.qk_norm) {
                if (ideal_pw) {
                    b.norm(pointwise_kind::rmsnorm, NV, A, 1);
                    b.norm(pointwise_kind::rmsnorm, NV, A, 1);
                } else {
                    b.parameters(2.0 * static_cast<double>(A));
                }
            }
            if (ideal_pw) b.elementwise(2 * NV * A, 2, 1, 3); // rotary embedding on q and k
            b.role(op_role::self_attention);
            if (causal_mask) {
                // scaled_dot_product_attention turns the boolean mask into an additive one of the query's dtype
                // (where(logical_not(mask), -inf, 0)) on every call, and the kernel reads it for every head
                const extent pairs = seq * seq;
                b.role(op_role::replicated);
                b.elementwise(pairs, 1, 1, 1);
                b.transient(3.0 * static_cast<double>(pairs)); // logical_not's booleans and the additive mask
                b.role(op_role::self_attention);
                b.elementwise(H * pairs, 1, 0, 0);
            }
            b.attention(detail::make_attention(groups, H, seq, seq, hd, k));
            b.role(op_role::sequence);
            b.linear(NV, A, D);
            // cross-attention to the text (and image) tokens
            if (ideal_pw)
                b.norm(pointwise_kind::layernorm, NV, D, s.cross_norm_affine);
            else
                b.parameters(static_cast<double>(s.cross_norm_affine) * static_cast<double>(D));
            b.linear(NV, D, A);
            if (s.qk_norm) {
                if (ideal_pw)
                    b.norm(pointwise_kind::rmsnorm, NV, A, 1);
                else
                    b.parameters(static_cast<double>(A));
            }
            b.role(op_role::replicated); // the text's keys and values, on every GPU
            b.linear(LV, D, A);
            b.linear(LV, D, A);
            if (s.qk_norm) b.norm(pointwise_kind::rmsnorm, LV, A, 1);
            b.role(op_role::cross_attention);
            b.attention(detail::make_attention(videos, H, N, L, hd, k));
            if (s.image_tokens > 0) {
                const extent IV = videos * s.image_tokens;
                b.role(op_role::replicated);
                b.linear(IV, D, A);
                b.linear(IV, D, A);
                if (s.qk_norm) b.norm(pointwise_kind::rmsnorm, IV, A, 1);
                b.role(op_role::cross_attention);
                b.attention(detail::make_attention(videos, H, N, s.image_tokens, hd, k));
                b.role(op_role::sequence);
                if (ideal_pw) b.elementwise(NV * A, 2, 1, 1); // add the two attention outputs
            }
            b.role(op_role::sequence);
            b.linear(NV, A, D);
            if (ideal_pw) {
                b.elementwise(NV * D, 2, 1, 1); // residual
                // MLP
                b.norm(pointwise_kind::layernorm, NV, D, 0);
                detail::modulated_residual(b, NV, D);
            }
            detail::mlp(b, NV, D, s.ffn, s.mlp);
            if (!ideal_pw) block_ops(b, w.impl, s.code, block_part::cross, bs, w.compute, w.weights, per_token);
            b.role(op_role::replicated);
        };
        if (s.vace_blocks > 0) {
            // VACE: the control latents' own patch embedding, then the VACE blocks (each a block of the main
            // architecture, the first with a proj_in added to the video stream, each with a proj_out giving
            // its hint); every hint stays alive until its main block adds it
            if (s.vace_stride < 1 || (s.vace_blocks - 1) * s.vace_stride >= s.layers)
                detail::raise(errc::inconsistent, where,
                              "VACE hints every " + std::to_string(s.vace_stride) + " blocks from " +
                                  std::to_string(s.vace_blocks) + " VACE blocks need more than the model's " +
                                  std::to_string(s.layers) + " blocks");
            b.role(op_role::sequence);
            b.linear(NV, s.vace_in_channels * patch, D);
            b.linear(NV, D, D);
            b.elementwise(NV * D, 2, 1, 1);
            b.begin_repeat(static_cast<double>(s.vace_blocks));
            block(videos, N);
            b.role(op_role::sequence);
            b.linear(NV, D, D);
            b.role(op_role::replicated);
            b.end_repeat();
            b.role(op_role::sequence);
            b.begin_repeat(static_cast<double>(s.vace_blocks));
            b.elementwise(NV * D, 2, 1, 2); // x + hint * scale after the hint's main block
            b.end_repeat();
            b.role(op_role::replicated);
        }
        b.begin_repeat(static_cast<double>(s.layers));
        if (s.family == denoiser_family::dit_factorised) {
            const extent frames = (lat.frames + rule.patch_t - 1) / rule.patch_t;
            const extent per_frame = N / frames;
            block(videos * frames, per_frame); // spatial: within each frame
            block(videos * per_frame, frames); // temporal: across frames at each position
        } else {
            block(videos, N);
        }
        b.end_repeat();
        // output head
        b.parameters(2.0 * static_cast<double>(D));
        b.role(op_role::sequence);
        b.norm(pointwise_kind::layernorm, NV, D, 0);
        b.linear(NV, D, patch_out);
        b.role(op_role::replicated);
        // the residual stream and its block input, and VACE's hints (each [tokens x D] until its main block)
        b.resident((static_cast<double>(NV + LV) * 2.0 + static_cast<double>(s.vace_blocks) * static_cast<double>(NV)) *
                       static_cast<double>(D) * size_bytes(w.compute) +
                   (s.per_frame_timesteps && w.impl != implementation::ideal
                        ? 6.0 * static_cast<double>(NV) * static_cast<double>(D) * 4.0 // the per-token table, fp32
                        : 0.0) +
                   (causal_mask ? static_cast<double>(N) * static_cast<double>(N) : 0.0)); // the boolean mask
        break;
    }
    case denoiser_family::dit_adaln_lora: {
        // Cosmos-Predict2 (diffusers CosmosTransformer3DModel): the padding mask joins the latent channels; the
        // timestep MLP D -> D -> 3 D (no biases) and an RMSNorm of the sinusoid; per frame under per-frame
        // timesteps, expanded to every token before the blocks, so the low-rank modulation GEMMs run per token
        const extent mod_rows = s.per_frame_timesteps ? NV : videos;
        const extent r = s.adaln_lora;
        detail::require_positive(static_cast<double>(r), where, "adaln_lora");
        b.role(op_role::sequence);
        b.linear(NV, (s.in_channels + 1) * patch, D, false);
        b.role(op_role::replicated);
        b.linear(time_rows, D, D, false);
        b.elementwise(time_rows * D);
        b.linear(time_rows, D, 3 * D, false);
        b.norm(pointwise_kind::rmsnorm, time_rows, D, 1);
        auto modulation = [&](extent out) { // SiLU, D -> r -> out, plus the timestep MLP's 3 D
            b.role(mod_rows == NV ? op_role::sequence : op_role::replicated);
            b.linear(mod_rows, D, r, false);
            b.linear(mod_rows, r, out, false);
            b.role(op_role::sequence);
        };
        auto adaptive_norm = [&] { // CosmosAdaLayerNormZero: shift, scale and gate, then LayerNorm and modulation
            modulation(3 * D);
            if (ideal_pw) {
                b.norm(pointwise_kind::layernorm, NV, D, 0);
                detail::modulated_residual(b, NV, D);
            }
        };
        b.begin_repeat(static_cast<double>(s.layers));
        adaptive_norm();
        b.linear(NV, D, A, false);
        b.linear(NV, D, A, false);
        b.linear(NV, D, A, false);
        b.norm(pointwise_kind::rmsnorm, NV, A, 0); // per-head RMSNorm on q and k, weights of head_dim
        b.norm(pointwise_kind::rmsnorm, NV, A, 0);
        b.parameters(2.0 * static_cast<double>(hd));
        if (ideal_pw) b.elementwise(2 * NV * A, 2, 1, 3); // rotary embedding on q and k
        b.role(op_role::self_attention);
        b.attention(detail::make_attention(videos, H, N, N, hd, k));
        b.role(op_role::sequence);
        b.linear(NV, A, D, false);
        adaptive_norm();
        b.linear(NV, D, A, false);
        b.norm(pointwise_kind::rmsnorm, NV, A, 0);
        b.role(op_role::replicated); // the text's keys and values, from the encoder's width
        b.linear(LV, s.text_dim, A, false);
        b.linear(LV, s.text_dim, A, false);
        b.norm(pointwise_kind::rmsnorm, LV, A, 0);
        b.parameters(2.0 * static_cast<double>(hd));
        b.role(op_role::cross_attention);
        b.attention(detail::make_attention(videos, H, N, L, hd, k));
        b.role(op_role::sequence);
        b.linear(NV, A, D, false);
        adaptive_norm();
        b.linear(NV, D, s.ffn, false);
        b.elementwise(NV * s.ffn, 1, 1, 8); // GELU
        b.linear(NV, s.ffn, D, false);
        b.role(op_role::replicated);
        b.end_repeat();
        modulation(2 * D); // the output norm's shift and scale
        b.norm(pointwise_kind::layernorm, NV, D, 0);
        b.linear(NV, D, patch_out, false);
        b.role(op_role::replicated);
        b.resident(static_cast<double>(NV + LV) * 2.0 * static_cast<double>(D) * size_bytes(w.compute) +
                   (s.per_frame_timesteps ? 2.0 * static_cast<double>(NV) * 4.0 * static_cast<double>(D) *
                                                size_bytes(w.compute)
                                          : 0.0)); // the per-token timestep embeddings (3 D and D)
        break;
    }
    case denoiser_family::dit_text_visual: {
        // Kandinsky 5 (diffusers Kandinsky5Transformer3DModel): the timestep MLP (a D-wide sinusoid to the
        // narrow time width, above) plus the pooled CLIP text through a Linear and an affine LayerNorm; the
        // text tokens through a Linear and an affine LayerNorm; text blocks, then visual blocks; each block
        // projects SiLU(time) to its own shift / scale / gate vectors. Attention: per-head RMSNorm on q and k
        // (head_dim weights each), biases on q, k, v and out; MLPs without biases, exact GELU
        const extent te = s.time_embed_dim ? s.time_embed_dim : D;
        detail::require_positive(static_cast<double>(s.pooled_dim), where, "pooled_dim");
        b.linear(videos, s.pooled_dim, te);
        b.norm(pointwise_kind::layernorm, videos, te, 2);
        b.linear(LV, s.text_dim, D);
        b.norm(pointwise_kind::layernorm, LV, D, 2);
        b.role(op_role::sequence);
        b.linear(NV, patch_in, D);
        b.role(op_role::replicated);
        auto pre_norm = [&](extent rows) {
            b.norm(pointwise_kind::layernorm, rows, D, 0);
            detail::modulated_residual(b, rows, D);
        };
        // one attention: queries from `q_rows` (`seq_q` per video), keys and values from `kv_rows`
        auto attend = [&](extent q_rows, extent kv_rows, extent seq_q, extent seq_kv, bool rope, op_role q_role,
                          op_role kv_role, op_role attn_role) {
            b.role(q_role);
            b.linear(q_rows, D, A);
            b.norm(pointwise_kind::rmsnorm, q_rows, A, 0);
            b.role(kv_role);
            b.linear(kv_rows, D, A);
            b.linear(kv_rows, D, A);
            b.norm(pointwise_kind::rmsnorm, kv_rows, A, 0);
            b.parameters(2.0 * static_cast<double>(hd));
            b.role(q_role);
            if (rope) b.elementwise(2 * q_rows * A, 2, 1, 3);
            b.role(attn_role);
            b.attention(detail::make_attention(videos, H, seq_q, seq_kv, hd, k));
            b.role(q_role);
            b.linear(q_rows, A, D);
        };
        auto mlp = [&](extent rows) {
            b.linear(rows, D, s.ffn, false);
            b.elementwise(rows * s.ffn, 1, 1, 8); // GELU
            b.linear(rows, s.ffn, D, false);
        };
        b.begin_repeat(static_cast<double>(s.refiner_layers)); // text blocks: self-attention and MLP
        b.linear(videos, te, 6 * D);
        pre_norm(LV);
        attend(LV, LV, L, L, true, op_role::replicated, op_role::replicated, op_role::replicated);
        pre_norm(LV);
        mlp(LV);
        b.end_repeat();
        b.begin_repeat(static_cast<double>(s.layers)); // visual blocks
        b.role(op_role::replicated);
        b.linear(videos, te, 9 * D);
        b.role(op_role::sequence);
        pre_norm(NV);
        attend(NV, NV, N, N, true, op_role::sequence, op_role::sequence, op_role::self_attention);
        pre_norm(NV);
        attend(NV, LV, N, L, false, op_role::sequence, op_role::replicated, op_role::cross_attention);
        pre_norm(NV);
        mlp(NV);
        b.role(op_role::replicated);
        b.end_repeat();
        b.linear(videos, te, 2 * D); // the output norm's shift and scale
        b.role(op_role::sequence);
        b.norm(pointwise_kind::layernorm, NV, D, 0);
        b.linear(NV, D, patch_out);
        b.role(op_role::replicated);
        b.resident(static_cast<double>(NV + LV) * 2.0 * static_cast<double>(D) * size_bytes(w.compute));
        break;
    }
    case denoiser_family::mmdit_joint: {
        const extent J = N + L;
        const extent JV = videos * J;
        const extent te = s.time_embed_dim ? s.time_embed_dim : D;
        b.role(op_role::sequence);
        b.linear(NV, patch_in, D);
        b.role(op_role::replicated);
        b.linear(LV, s.text_dim, D);   // text projection
        if (!s.rotary) b.elementwise(JV * D, 2, 1, 1); // fixed sin-cos positions added to the embedded tokens
        b.begin_repeat(static_cast<double>(s.layers));
        // norm1 and norm2: LayerNormZero, each a linear(time_embed -> 6 D) on the timestep embedding
        for (int i = 0; i < 2; ++i) {
            b.role(op_role::replicated);
            b.linear(videos, te, 6 * D);
            b.role(op_role::sequence); // joint rows split with the video (text rows approximated as split too)
            if (ideal_pw) {
                b.norm(pointwise_kind::layernorm, JV, D, 2);
                detail::modulated_residual(b, JV, D);
            } else {
                b.parameters(2.0 * static_cast<double>(D));
            }
        }
        b.linear(JV, D, A);
        b.linear(JV, D, A);
        b.linear(JV, D, A);
        if (s.qk_norm) { // per-head LayerNorm on q and k: weight and bias of head_dim each
            if (ideal_pw) {
                b.norm(pointwise_kind::layernorm, JV, A, 0);
                b.norm(pointwise_kind::layernorm, JV, A, 0);
            }
            b.parameters(4.0 * static_cast<double>(hd));
        }
        if (ideal_pw && s.rotary) b.elementwise(2 * NV * A, 2, 1, 3); // rotary embedding on the video part
        b.role(op_role::self_attention);
        b.attention(detail::make_attention(videos, H, J, J, hd, k));
        b.role(op_role::sequence);
        b.linear(JV, A, D);
        detail::mlp(b, JV, D, s.ffn, s.mlp);
        if (!ideal_pw) block_ops(b, w.impl, s.code, block_part::joint, bs, w.compute, w.weights, per_token);
        b.role(op_role::replicated);
        b.end_repeat();
        b.role(op_role::sequence); // CogVideoX's norm_final (LayerNorm with weight and bias) on the video rows
        if (ideal_pw)
            b.norm(pointwise_kind::layernorm, NV, D, 2);
        else
            b.parameters(2.0 * static_cast<double>(D));
        b.role(op_role::replicated);
        detail::mmdit_output(b, videos, te, NV, JV, D, patch_out, 2, w.compute);
        break;
    }
    case denoiser_family::dit_audio_video: {
        // LTX-2 (diffusers LTX2VideoTransformer3DModel @ 0.42.1, transformer_ltx2.py): per video and stream a
        // timestep MLP to 6 modulation vectors, and four more for the cross-modal attention's scale/shift (4)
        // and gate (1); captions through a GELU MLP per stream; every norm a parameter-free RMSNorm, q and k
        // RMS-normed across heads with a weight; RoPE on every self- and cross-modal attention. Its ops keep the
        // replicated role but the video self-attention's (the share --attention-keep scales): multi-GPU plans
        // are refused for this family (lower_inference)
        const audio_stream_spec& au = s.audio;
        detail::require_positive(static_cast<double>(au.hidden), where, "audio.hidden");
        detail::require_positive(static_cast<double>(au.heads), where, "audio.heads");
        detail::require_positive(au.frame_rate, where, "audio.frame_rate");
        const extent Da = au.hidden;
        const extent Ha = au.heads;
        const extent hda = au.head_dim ? au.head_dim : Da / Ha;
        const extent Aa = Ha * hda; // audio attention width, and the cross-modal attention's
        const extent Na = audio_latent_frames(au, w.frames);
        detail::require_positive(static_cast<double>(Na), where, "audio latent frames");
        const extent NaV = videos * Na;
        // LTX2AdaLayerNormSingle: sinusoid -> d -> d (SiLU), SiLU, d -> n d
        auto adaln_single = [&](extent d, extent n) {
            b.linear(videos, s.time_freq_dim, d);
            b.elementwise(videos * d);
            b.linear(videos, d, d);
            b.elementwise(videos * d);
            b.linear(videos, d, n * d);
        };
        adaln_single(D, 6);
        adaln_single(Da, 6);
        adaln_single(D, 4);  // av_cross_attn_video_scale_shift
        adaln_single(Da, 4); // av_cross_attn_audio_scale_shift
        adaln_single(D, 1);  // av_cross_attn_video_a2v_gate
        adaln_single(Da, 1); // av_cross_attn_audio_v2a_gate
        b.linear(LV, s.text_dim, D); // caption_projection: Linear, GELU (tanh), Linear
        b.elementwise(LV * D, 1, 1, 8);
        b.linear(LV, D, D);
        b.linear(LV, au.text_dim, Da);
        b.elementwise(LV * Da, 1, 1, 8);
        b.linear(LV, Da, Da);
        b.linear(NV, patch_in, D); // proj_in
        b.linear(NaV, au.in_channels, Da);

        // one attention: q from `rows` x `qdim`, k and v from `kv_rows` x `kvdim`, `heads` x `hdim` wide, output
        // back to `qdim`; rotary on q and k where `rope`; `seq_q`, `seq_kv` per video
        auto attention = [&](extent rows, extent qdim, extent kv_rows, extent kvdim, extent heads, extent hdim,
                             extent seq_q, extent seq_kv, bool rope, op_role attn_role = op_role::replicated) {
            const extent width = heads * hdim;
            b.linear(rows, qdim, width);
            b.linear(kv_rows, kvdim, width);
            b.linear(kv_rows, kvdim, width);
            b.norm(pointwise_kind::rmsnorm, rows, width, 1);
            b.norm(pointwise_kind::rmsnorm, kv_rows, width, 1);
            if (rope) b.elementwise((rows + kv_rows) * width, 2, 1, 3);
            b.role(attn_role);
            b.attention(detail::make_attention(videos, heads, seq_q, seq_kv, hdim, k));
            b.linear(rows, width, qdim);
        };
        auto cross_modal_parameters = [&](extent qdim, extent kvdim) { // one such attention's weights, unrun
            return static_cast<double>(qdim * Aa + Aa) + 2.0 * static_cast<double>(kvdim * Aa + Aa) +
                   static_cast<double>(Aa * qdim + qdim) + 2.0 * static_cast<double>(Aa);
        };
        b.begin_repeat(static_cast<double>(s.layers));
        b.parameters(6.0 * static_cast<double>(D + Da) + 5.0 * static_cast<double>(D + Da)); // modulation tables
        // video self-attention, then audio self-attention
        b.norm(pointwise_kind::rmsnorm, NV, D, 0);
        detail::modulated_residual(b, NV, D);
        attention(NV, D, NV, D, H, hd, N, N, true, op_role::self_attention);
        b.norm(pointwise_kind::rmsnorm, NaV, Da, 0);
        detail::modulated_residual(b, NaV, Da);
        attention(NaV, Da, NaV, Da, Ha, hda, Na, Na, true);
        // text cross-attention of each stream (keys and values from its caption projection)
        b.norm(pointwise_kind::rmsnorm, NV, D, 0);
        attention(NV, D, LV, D, H, hd, N, L, false);
        b.elementwise(NV * D, 2, 1, 1);
        b.norm(pointwise_kind::rmsnorm, NaV, Da, 0);
        attention(NaV, Da, LV, Da, Ha, hda, Na, L, false);
        b.elementwise(NaV * Da, 2, 1, 1);
        if (au.cross_modal) {
            // audio-to-video (q video, k/v audio) and video-to-audio (q audio, k/v video), each on both streams'
            // normed states scaled and shifted by its own pair of modulation vectors, then a gated residual
            b.norm(pointwise_kind::rmsnorm, NV, D, 0);
            b.norm(pointwise_kind::rmsnorm, NaV, Da, 0);
            b.elementwise(NV * D, 3, 1, 2);
            b.elementwise(NaV * Da, 3, 1, 2);
            attention(NV, D, NaV, Da, Ha, hda, N, Na, true);
            b.elementwise(NV * D, 3, 1, 2);
            b.elementwise(NV * D, 3, 1, 2);
            b.elementwise(NaV * Da, 3, 1, 2);
            attention(NaV, Da, NV, D, Ha, hda, Na, N, true);
            b.elementwise(NaV * Da, 3, 1, 2);
        } else {
            b.parameters(cross_modal_parameters(D, Da) + cross_modal_parameters(Da, D));
        }
        // the MLPs (GELU, tanh)
        b.norm(pointwise_kind::rmsnorm, NV, D, 0);
        detail::modulated_residual(b, NV, D);
        detail::mlp(b, NV, D, s.ffn, mlp_kind::gelu);
        b.norm(pointwise_kind::rmsnorm, NaV, Da, 0);
        detail::modulated_residual(b, NaV, Da);
        detail::mlp(b, NaV, Da, au.ffn, mlp_kind::gelu);
        b.end_repeat();
        // output heads: a 2 x d table with the embedded timestep, LayerNorm without affine, the projection
        b.parameters(2.0 * static_cast<double>(D + Da));
        b.norm(pointwise_kind::layernorm, NV, D, 0);
        b.elementwise(NV * D, 3, 1, 2);
        b.linear(NV, D, patch_out);
        b.norm(pointwise_kind::layernorm, NaV, Da, 0);
        b.elementwise(NaV * Da, 3, 1, 2);
        b.linear(NaV, Da, au.out_channels);
        // both residual streams and their block inputs, and both projected captions
        b.resident((2.0 * static_cast<double>(NV * D + NaV * Da) + static_cast<double>(LV * (D + Da))) *
                   size_bytes(w.compute));
        break;
    }
    case denoiser_family::unet_temporal:
    case denoiser_family::unet_2d: break; // lowered by lower_unet above
    case denoiser_family::mmdit_dual_single:
    case denoiser_family::mmdit_asymmetric: {
        const bool asym = s.family == denoiser_family::mmdit_asymmetric;
        const extent T = asym && s.text_hidden ? s.text_hidden : D;
        const extent TF = asym && s.text_ffn ? s.text_ffn : s.ffn;
        const extent J = N + L;
        const extent JV = videos * J;
        const extent te = s.time_embed_dim ? s.time_embed_dim : D;
        // the text the refiner takes (HunyuanVideo 1.5: the Qwen tokens; the glyph and image tokens join later)
        const extent LQ = videos * (s.refiner_tokens > 0 ? s.refiner_tokens : L);
        if (s.refiner_tokens + s.glyph_tokens + s.image_tokens > L && s.refiner_tokens > 0)
            detail::raise(errc::inconsistent, where,
                          "the refiner's, glyph and image tokens (" + std::to_string(s.refiner_tokens) + " + " +
                              std::to_string(s.glyph_tokens) + " + " + std::to_string(s.image_tokens) +
                              ") exceed the context of " + std::to_string(L));
        b.role(op_role::sequence);
        b.linear(NV, patch_in, D);
        b.role(op_role::replicated);
        b.linear(LQ, s.text_dim, T);
        if (s.glyph_tokens > 0) { // HunyuanVideo15ByT5TextProjection
            const extent GV = videos * s.glyph_tokens;
            b.norm(pointwise_kind::layernorm, GV, s.glyph_dim, 2);
            b.linear(GV, s.glyph_dim, T);
            b.elementwise(GV * T, 1, 1, 8);
            b.linear(GV, T, T);
            b.elementwise(GV * T, 1, 1, 8);
            b.linear(GV, T, T);
        }
        if (s.image_tokens > 0) { // an image stream: LayerNorm, Linear, GELU, Linear to D, LayerNorm
            const extent IV = videos * s.image_tokens;
            b.norm(pointwise_kind::layernorm, IV, s.image_dim, 2);
            b.linear(IV, s.image_dim, s.image_dim);
            b.elementwise(IV * s.image_dim, 1, 1, 8);
            b.linear(IV, s.image_dim, T);
            b.norm(pointwise_kind::layernorm, IV, T, 2);
        }
        if (s.context_type_embeddings > 0) {
            b.parameters(static_cast<double>(s.context_type_embeddings) * static_cast<double>(T));
            b.elementwise(LV * T, 2, 1, 1);
        }
        if (asym) { // Mochi's caption attention pool into the conditioning (MochiAttentionPool, 8 heads)
            const extent P = s.text_dim, heads = 8;
            b.elementwise(LV * P, 2, 1, 1);    // the prompt tokens' mean: the pool's one query
            b.linear(videos * (L + 1), P, 2 * P); // keys and values of [mean; tokens]
            b.linear(videos, P, P);            // the mean's query
            b.attention(detail::make_attention(videos, heads, 1, L + 1, P / heads, k));
            b.linear(videos, P, te);           // to the conditioning width, added to the timestep embedding
            b.parameters(3.0 * static_cast<double>(H * (hd / 2))); // learned RoPE frequencies (pos_frequencies)
        }
        if (s.pooled_dim > 0) { // pooled text vector MLP into the timestep embedding
            b.linear(videos, s.pooled_dim, te);
            b.linear(videos, te, te);
        }
        if (s.guidance_embed) {
            b.linear(videos, s.time_freq_dim, te);
            b.linear(videos, te, te);
        }
        if (s.refiner_layers > 0) { // self-attention refiner blocks on the text tokens
            // the refiner's own conditioning (HunyuanVideoTokenRefiner.time_text_embed): a timestep MLP and an
            // MLP of the text tokens' masked mean
            b.linear(videos, s.time_freq_dim, T);
            b.elementwise(videos * T);
            b.linear(videos, T, T);
            const extent LR = LQ / videos;
            b.elementwise(LQ * s.text_dim, 2, 1, 1);
            b.linear(videos, s.text_dim, T);
            b.elementwise(videos * T);
            b.linear(videos, T, T);
            b.begin_repeat(static_cast<double>(s.refiner_layers));
            b.norm(pointwise_kind::layernorm, LQ, T, 2);
            b.linear(LQ, T, 3 * T);
            b.attention(detail::make_attention(videos, H, LR, LR, T / H, k));
            b.linear(LQ, T, T);
            b.norm(pointwise_kind::layernorm, LQ, T, 2);
            detail::mlp(b, LQ, T, 4 * T, mlp_kind::gelu);
            b.linear(videos, te, 2 * T); // adaLN gate
            b.end_repeat();
        }
        b.begin_repeat(static_cast<double>(s.layers));
        // video stream
        b.linear(videos, te, (asym ? 4 : 6) * D); // modulation
        b.role(op_role::sequence);
        if (ideal_pw) {
            b.norm(pointwise_kind::layernorm, NV, D, 0);
            detail::modulated_residual(b, NV, D);
        }
        b.linear(NV, D, 3 * A, !asym); // Mochi's projections carry no bias
        b.role(op_role::replicated);
        // text stream; Mochi's last block keeps only the text's queries, keys and values (context_pre_only):
        // its text modulation is one scale, and it has no text output projection or MLP
        const double layers = static_cast<double>(s.layers);
        const double text_full = asym ? layers - 1 : layers;
        b.begin_repeat(text_full);
        b.linear(videos, te, (asym ? 4 : 6) * T);
        if (asym) {
            b.begin_repeat(1);
            b.linear(videos, te, T);
        }
        b.begin_repeat(layers);
        b.norm(pointwise_kind::layernorm, LV, T, 0);
        detail::modulated_residual(b, LV, T);
        b.linear(LV, T, 3 * A, !asym);
        b.role(op_role::sequence);
        if (s.qk_norm) {
            if (ideal_pw) {
                b.norm(pointwise_kind::rmsnorm, JV, A, 0);
                b.norm(pointwise_kind::rmsnorm, JV, A, 0);
            }
            b.parameters(4.0 * static_cast<double>(hd)); // q, k norms per stream
        }
        if (ideal_pw) b.elementwise(2 * NV * A, 2, 1, 3);
        b.role(op_role::self_attention);
        b.attention(detail::make_attention(videos, H, J, J, hd, k));
        b.role(op_role::sequence);
        b.linear(NV, A, D);
        if (ideal_pw) b.norm(pointwise_kind::layernorm, NV, D, 0);
        detail::mlp(b, NV, D, s.ffn, s.mlp);
        b.role(op_role::replicated);
        b.begin_repeat(text_full);
        b.linear(LV, A, T);
        b.norm(pointwise_kind::layernorm, LV, T, 0);
        detail::mlp(b, LV, T, TF, s.mlp);
        b.begin_repeat(layers);
        if (!ideal_pw) block_ops(b, w.impl, s.code, block_part::dual, bs, w.compute, w.weights, per_token);
        b.end_repeat();
        if (s.single_layers > 0) {
            b.begin_repeat(static_cast<double>(s.single_layers));
            b.linear(videos, te, 3 * D);
            b.role(op_role::sequence); // joint rows split with the video (text rows approximated as split too)
            if (ideal_pw) {
                b.norm(pointwise_kind::layernorm, JV, D, 0);
                detail::modulated_residual(b, JV, D);
            }
            b.linear(JV, D, 3 * A + s.ffn); // qkv and MLP-in in one GEMM
            if (s.qk_norm) {
                if (ideal_pw) {
                    b.norm(pointwise_kind::rmsnorm, JV, A, 0);
                    b.norm(pointwise_kind::rmsnorm, JV, A, 0);
                }
                b.parameters(2.0 * static_cast<double>(hd));
            }
            if (ideal_pw) b.elementwise(2 * NV * A, 2, 1, 3);
            b.role(op_role::self_attention);
            b.attention(detail::make_attention(videos, H, J, J, hd, k));
            b.role(op_role::sequence);
            b.elementwise(JV * s.ffn, 1, 1, 8);
            b.linear(JV, A + s.ffn, D); // attention out and MLP-out in one GEMM
            if (!ideal_pw) block_ops(b, w.impl, s.code, block_part::single, bs, w.compute, w.weights, per_token);
            b.role(op_role::replicated);
            b.end_repeat();
        }
        // a dense boolean mask of the joint sequence, one byte per pair, per video
        const double mask = s.dense_joint_mask && w.impl != implementation::ideal
                                ? static_cast<double>(videos) * static_cast<double>(J) * static_cast<double>(J)
                                : 0.0;
        detail::mmdit_output(b, videos, te, NV, JV, D, patch_out, 0, w.compute, mask);
        break;
    }
    }
    return b.finish(calls);
}

} // namespace vidperf
