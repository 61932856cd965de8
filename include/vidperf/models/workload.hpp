#pragma once
/// \file
/// What a user asks a video model to make, and the latent-token arithmetic
/// that turns it into the denoiser's sequence length:
///   latent frames  T = 1 + (F - 1) / t_c   (causal VAEs keep the first frame)
///   latent size    h = H / s_c, w = W / s_c
///   tokens         N = (T / p_t) * (h / p_h) * (w / p_w)
/// A frame count or size the model cannot take is an error that names the
/// nearest valid values.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <vidperf/core/dtype.hpp>
#include <vidperf/core/error.hpp>
#include <vidperf/models/implementation.hpp>
#include <vidperf/ops/ops.hpp>
#include <vidperf/core/names.hpp>

namespace vidperf {

/// What a model makes from what: text to video, image to video, both from one checkpoint, text to image
/// (one frame: FLUX.1), or video to video (a control or source video is VAE-encoded: Wan2.1-VACE).
enum class task_kind : std::uint8_t { t2v, i2v, ti2v, t2i, v2v };

template <>
struct enum_names<task_kind> {
    static constexpr std::string_view what = "task";
    static constexpr auto entries = std::to_array<name_entry<task_kind>>(
        {{task_kind::t2v, "t2v"}, {task_kind::i2v, "i2v"}, {task_kind::ti2v, "ti2v"}, {task_kind::t2i, "t2i"},
         {task_kind::v2v, "v2v"}});
};

/// Classifier-free guidance: off (guidance-distilled models), the conditional
/// and unconditional passes batched together, or run one after the other.
enum class cfg_mode : std::uint8_t { off, batched, sequential };

template <>
struct enum_names<cfg_mode> {
    static constexpr std::string_view what = "guidance mode";
    static constexpr auto entries = std::to_array<name_entry<cfg_mode>>({
        {cfg_mode::off, "off"},
        {cfg_mode::batched, "batched"},
        {cfg_mode::sequential, "sequential"}});
};

/// Number of denoiser passes per step per video (2 with guidance, 1 without).
[[nodiscard]] constexpr extent cfg_passes(cfg_mode c) noexcept { return c == cfg_mode::off ? 1 : 2; }

/// A step cache that serves some sampling steps from cached residuals (models/accelerators.hpp).
enum class step_cache : std::uint8_t { none, teacache, first_block, magcache };

template <>
struct enum_names<step_cache> {
    static constexpr std::string_view what = "step cache";
    static constexpr auto entries = std::to_array<name_entry<step_cache>>({
        {step_cache::none, "none"},
        {step_cache::teacache, "teacache"},
        {step_cache::first_block, "first-block"},
        {step_cache::magcache, "magcache"}});
};

/// Accelerators of a job (models/accelerators.hpp): none by default.
struct acceleration {
    step_cache cache = step_cache::none;
    double cache_skip = 0;     ///< share of the sampling steps the cache serves, [0, 0.95]
    double attention_keep = 1; ///< share of the video self-attention a block-sparse kernel keeps, [0.01, 1]
};

/// Diffusion forcing's schedule (SkyReels-V2 DF: generate_video_df.py --ar_step, --causal_block_size,
/// --causal_attention; models/chunking.hpp). The latent frames of an iteration are denoised in blocks of
/// `causal_block` frames, each block starting `ar_step` rows of the timestep matrix after the one before it;
/// ar_step 0 is the synchronous mode, every frame on the same step.
struct forcing_schedule {
    extent ar_step = 0;
    extent causal_block = 1;
    /// a block-causal attention mask: diffusers sets it whenever causal_block > 1, the official code only
    /// under --causal_attention (which this field stands for there)
    bool causal_attention = false;

    [[nodiscard]] constexpr bool asynchronous() const noexcept { return ar_step > 0 || causal_block > 1; }
};

struct video_workload {
    extent width = 0;
    extent height = 0;
    extent frames = 0;
    extent steps = 0;
    cfg_mode cfg = cfg_mode::batched;
    extent batch = 1;                          ///< videos generated together
    dtype weights = dtype::bf16;               ///< denoiser weight storage (bf16, fp16, fp8, int8, nf4)
    dtype compute = dtype::bf16;               ///< activations and GEMM inputs
    attention_kernel attention = attention_kernel::fa2;
    /// whose code runs the job (models/implementation.hpp): `ideal` lowers the architecture alone
    implementation impl = implementation::ideal;
    acceleration accel{};       ///< step caching and sparse attention
    forcing_schedule forcing{}; ///< diffusion forcing's asynchronous mode (models with per-frame timesteps)
    /// Guidance passes besides classifier-free guidance, each one more denoiser call per step on the positive
    /// prompt alone (LTX2Pipeline: spatio-temporal guidance while stg_scale > 0, modality-isolation guidance
    /// while modality_scale > 1; joint audio-video denoisers only)
    bool stg_pass = false;
    bool modality_pass = false;
};

/// Whether the job's code builds diffusion forcing's block-causal attention mask: diffusers whenever the causal
/// blocks hold more than one frame (SkyReelsV2Transformer3DModel, num_frame_per_block > 1), the official code
/// under --causal_attention (transformer.py set_ar_attention). Both build it dense, [1, 1, S, S] booleans, and
/// hand it to scaled_dot_product_attention, which attends to every pair and adds the mask; the ideal lowering
/// has no mask.
[[nodiscard]] constexpr bool block_causal_mask(const video_workload& w) noexcept {
    switch (w.impl) {
    case implementation::diffusers: return w.forcing.causal_block > 1;
    case implementation::official: return w.forcing.causal_attention;
    default: return false;
    }
}

/// which frame counts and sizes it accepts.
struct latent_rule {
    extent temporal_compression = 4; ///< t_c
    extent spatial_compression = 8;  ///< s_c
    extent patch_t = 1;
    extent patch_h = 2;
    extent patch_w = 2;
    bool causal = true;       ///< first frame kept: T = 1 + (F-1)/t_c; else T = F/t_c
    extent size_multiple = 16; ///< H and W must be multiples of this
    extent min_frames = 1;
};

struct latent_shape {
    extent frames = 0; ///< latent frames T
    extent height = 0; ///< latent h
    extent width = 0;  ///< latent w
    extent tokens = 0; ///< per video, after patchify
};

namespace detail {
[[nodiscard]] constexpr extent round_to_multiple(extent v, extent m) { return ((v + m / 2) / m) * m; }
} // namespace detail

/// Frames in the step of valid frame counts: causal VAEs take F = t_c * p_t * k + 1.
[[nodiscard]] constexpr extent frame_step(const latent_rule& r) noexcept {
    return r.temporal_compression * r.patch_t;
}

/// True when the model can take `frames` frames.
[[nodiscard]] constexpr bool valid_frames(const latent_rule& r, extent frames) noexcept {
    if (frames < r.min_frames) return false;
    const extent step = frame_step(r);
    return r.causal ? (frames - 1) % step == 0 : frames % step == 0;
}

/// The valid frame counts just below and above `frames` (equal when valid).
struct frame_neighbours {
    extent below = 0;
    extent above = 0;
};
[[nodiscard]] constexpr frame_neighbours nearest_valid_frames(const latent_rule& r, extent frames) noexcept {
    const extent step = frame_step(r);
    const extent offset = r.causal ? 1 : 0;
    extent k = (frames - offset) / step;
    if (k < 0) k = 0;
    extent below = k * step + offset;
    if (below < r.min_frames) below = r.min_frames;
    extent above = below;
    while (above < frames) above += step;
    if (below > frames) below = above;
    return {below, above};
}

/// Latent shape and token count of one video; raises when the workload is not one the model takes.
/// `lat` with `frames` latent frames and the tokens they patchify into under `r` (a diffusion-forcing iteration).
[[nodiscard]] constexpr latent_shape with_frames(const latent_rule& r, latent_shape lat, extent frames) noexcept {
    lat.frames = frames;
    lat.tokens = ((frames + r.patch_t - 1) / r.patch_t) * (lat.height / r.patch_h) * (lat.width / r.patch_w);
    return lat;
}

[[nodiscard]] inline latent_shape latents(const latent_rule& r, const video_workload& w, std::string_view model) {
    const std::string where = "model '" + std::string(model) + "'";
    detail::require_positive(static_cast<double>(w.width), where, "width");
    detail::require_positive(static_cast<double>(w.height), where, "height");
    detail::require_positive(static_cast<double>(w.frames), where, "frames");
    if (!valid_frames(r, w.frames)) {
        const auto n = nearest_valid_frames(r, w.frames);
        const std::string rule = r.causal ? "F = " + std::to_string(frame_step(r)) + "k + 1"
                                          : "F = " + std::to_string(frame_step(r)) + "k";
        detail::raise(errc::out_of_range, where,
                      "field 'frames' = " + std::to_string(w.frames) + " is not a frame count the model takes (" +
                          rule + (r.min_frames > 1 ? ", at least " + std::to_string(r.min_frames) : "") +
                          "); nearest valid: " + std::to_string(n.below) +
                          (n.above != n.below ? " or " + std::to_string(n.above) : ""));
    }
    for (auto [value, field] : {std::pair<extent, std::string_view>{w.width, "width"}, {w.height, "height"}}) {
        if (value % r.size_multiple != 0) {
            const extent lo = (value / r.size_multiple) * r.size_multiple;
            detail::raise(errc::out_of_range, where,
                          "field '" + std::string(field) + "' = " + std::to_string(value) + " must be a multiple of " +
                              std::to_string(r.size_multiple) + "; nearest valid: " +
                              (lo > 0 ? std::to_string(lo) + " or " : "") + std::to_string(lo + r.size_multiple));
        }
    }
    latent_shape s;
    s.height = w.height / r.spatial_compression;
    s.width = w.width / r.spatial_compression;
    return with_frames(r, s, r.causal ? 1 + (w.frames - 1) / r.temporal_compression : w.frames / r.temporal_compression);
}

/// Checks the non-shape fields of a workload.
/// Limits of one job, far above any real one (720p x 81 frames is 7.5e7 pixels); what exceeds them is refused
/// by validate() before lowering forms products of sizes.
inline constexpr extent max_steps = 100'000;
inline constexpr extent max_batch = 4096;
inline constexpr extent max_side = extent{1} << 20;             ///< width or height, pixels
inline constexpr extent max_frames_per_video = extent{1} << 20;
inline constexpr extent max_pixels = extent{1} << 40;           ///< width x height x frames x batch

inline void validate(const video_workload& w, std::string_view model) {
    const std::string where = "model '" + std::string(model) + "'";
    detail::require_positive(static_cast<double>(w.steps), where, "steps");
    detail::require_positive(static_cast<double>(w.batch), where, "batch");
    // sizes far beyond any video are refused here, before lowering multiplies them
    const auto at_most = [&](extent v, extent limit, std::string_view field) {
        if (v > limit)
            detail::raise(errc::out_of_range, where,
                          "field '" + std::string(field) + "' must be at most " + std::to_string(limit) + ", got " +
                              std::to_string(v));
    };
    at_most(w.steps, max_steps, "steps");
    at_most(w.batch, max_batch, "batch");
    at_most(w.width, max_side, "width");
    at_most(w.height, max_side, "height");
    at_most(w.frames, max_frames_per_video, "frames");
    if (w.width >= 1 && w.height >= 1 && w.frames >= 1) {
        const double pixels = static_cast<double>(w.width) * static_cast<double>(w.height) *
                              static_cast<double>(w.frames) * static_cast<double>(w.batch);
        if (pixels > static_cast<double>(max_pixels))
            detail::raise(errc::out_of_range, where,
                          "width x height x frames x batch = " + std::to_string(w.width) + " x " +
                              std::to_string(w.height) + " x " + std::to_string(w.frames) + " x " +
                              std::to_string(w.batch) + " exceeds 2^40 pixels (1.1e12: eight 8K videos of 4,000 frames)");
    }
    if (w.compute == dtype::fp64 || w.weights == dtype::fp64)
        detail::raise(errc::dtype_not_supported, where,
                      std::string("field '") + (w.compute == dtype::fp64 ? "compute" : "weights") +
                          "' is fp64: vidperf has no fp64 GEMM, attention or convolution (fp64 is a storage dtype "
                          "of pointwise kernels only)");
    if (!compute_class_of(w.compute))
        detail::raise(errc::dtype_not_supported, where,
                      "field 'compute' dtype '" + std::string(name(w.compute)) + "' is a storage-only format");
}

} // namespace vidperf
