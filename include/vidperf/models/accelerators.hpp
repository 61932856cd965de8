#pragma once
/// \file
/// Inference accelerators users switch on, as workload options. Each changes
/// what its method changes and nothing else:
///
///  - step caching (`step_cache`): a share of the sampling steps is served
///    from a cache instead of the full denoiser. A served step still runs the
///    method's probe and adds the cached residual; the cache holds residuals
///    of the whole token sequence for each guidance branch.
///      teacache     TeaCache (Liu et al., "Timestep Embedding Tells: It's Time to Cache for Video Diffusion
///                   Model", CVPR 2025; ali-vilab/TeaCache): each step embeds the patches and the timestep and
///                   modulates the first block's normalised input to decide; a served step adds the cached
///                   residual and runs the output head. Cache: the residual and the previous modulated input.
///      first-block  First-Block Cache (chengzeyi/ParaAttention; diffusers FirstBlockCacheConfig): the first
///                   transformer block always runs; when its residual barely changed the remaining blocks are
///                   skipped and their cached residual added. Cache: both residuals.
///      magcache     MagCache (Ma et al., "MagCache: Fast Video Generation with Magnitude-Aware Cache", 2025;
///                   Zehong-Ma/MagCache): skips by magnitude ratios calibrated once, offline; a served step
///                   embeds, adds the cached residual and runs the head. Cache: the residual.
///    Which steps a threshold serves depends on the content and the threshold, so the share is the user's
///    (`cache_skip`); docs/accelerators.md lists the shares that published runs imply. Served steps are taken
///    from the later steps (the methods keep the first ones: MagCache's retention ratio, TeaCache's first
///    and last steps): with two experts (Wan2.2 A14B) they come off the low-noise expert first.
///  - sparse attention (`attention_keep`): the share of the video self-attention work a block-sparse kernel
///    keeps (sliding-tile attention, Sparse VideoGen, radial attention). The kernel skips whole tiles, so its
///    time scales with the tiles it keeps (STA: "achieves proportional speedup with sparsity"); the share is
///    the average over layers and steps (a method that keeps its first steps dense averages them in).
///
/// Step-distilled checkpoints (4-8 steps, guidance distilled) need no option: `steps` and `cfg off` say it.

#include <cstdint>
#include <string>
#include <variant>

#include <vidperf/core/error.hpp>
#include <vidperf/core/names.hpp>
#include <vidperf/models/denoiser.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/models/workload.hpp>

namespace vidperf {

/// Limits of the options: at most 95 % of the steps served from a cache; at least 1 % of the attention kept.
inline constexpr double max_cache_skip = 0.95;
inline constexpr double min_attention_keep = 0.01;

/// The steps a cache serves of `steps` (the rest run the denoiser).
[[nodiscard]] inline extent cached_steps(const acceleration& a, extent steps) noexcept {
    if (a.cache == step_cache::none || a.cache_skip <= 0) return 0;
    const auto served = static_cast<extent>(a.cache_skip * static_cast<double>(steps) + 0.5);
    return served < steps ? served : steps - 1; // the first step always runs
}

/// Refuses an acceleration outside its range, naming the field.
inline void validate(const acceleration& a, std::string_view where) {
    if (!(a.cache_skip >= 0 && a.cache_skip <= max_cache_skip))
        detail::raise(errc::out_of_range, where,
                      "field 'cache_skip' (the share of steps served from the cache) must be in [0, 0.95], got " +
                          detail::number_text(a.cache_skip));
    if (a.cache == step_cache::none && a.cache_skip > 0)
        detail::raise(errc::inconsistent, where, "a cache_skip share needs a step cache (teacache, first-block or magcache)");
    if (!(a.attention_keep >= min_attention_keep && a.attention_keep <= 1))
        detail::raise(errc::out_of_range, where,
                      "field 'attention_keep' (the share of self-attention a sparse kernel keeps) must be in "
                      "[0.01, 1], got " + detail::number_text(a.attention_keep));
}

/// Refuses an accelerator on a denoiser its method does not apply to (a UNet), naming the option and the model.
inline void check_applies(const acceleration& a, denoiser_family family, std::string_view model) {
    if (!is_unet(family)) return;
    if (a.cache != step_cache::none)
        detail::raise(errc::not_representable, "--cache",
                      "step caching (TeaCache, First-Block Cache, MagCache) is modelled for DiT denoisers; '" +
                          std::string(model) + "' has a UNet");
    if (a.attention_keep < 1)
        detail::raise(errc::not_representable, "--attention-keep",
                      "sparse attention is modelled for the video self-attention of DiT denoisers; '" +
                          std::string(model) + "' has a UNet");
}

/// Scales the video self-attention of a denoiser stage by the kept share (after parallelize: the collectives
/// that move Q, K, V and O between GPUs stay whole).
inline void keep_attention(stage& s, double keep) {
    if (keep >= 1) return;
    for (auto& u : s.ops)
        if (u.role == op_role::self_attention && std::holds_alternative<attention_op>(u.op)) u.count *= keep;
}

/// What one served step runs per guidance call: the probe and the residual add of `method`, on `videos` videos of
/// the denoiser `s`. Its weights are the denoiser's (the caller sets module and weight bytes).
[[nodiscard]] inline stage lower_cache_step(const denoiser_spec& s, const latent_rule& rule, const latent_shape& lat,
                                            extent videos, const video_workload& w, double calls) {
    const extent D = s.hidden;
    const extent NV = videos * lat.tokens;
    const extent patch = rule.patch_t * rule.patch_h * rule.patch_w;
    if (w.accel.cache == step_cache::first_block) {
        // the embeddings, the first block and the head: the denoiser lowered with one block
        denoiser_spec one = s;
        one.layers = 1;
        one.single_layers = 0;
        stage st = lower_denoiser(one, rule, lat, videos, w, calls);
        stage_builder b("", "", w.compute, w.weights);
        b.role(op_role::sequence);
        b.elementwise(NV * D, 2, 1, 1); // + the cached residual of the remaining blocks
        b.elementwise(NV * D, 2, 1, 3); // |r - r_prev| summed: the first block's relative change
        const stage extra = b.finish(1);
        st.ops.insert(st.ops.end(), extra.ops.begin(), extra.ops.end());
        st.name = "step_cache";
        return st;
    }
    stage_builder b("step_cache", "denoiser", w.compute, w.weights);
    b.role(op_role::sequence);
    b.linear(NV, s.in_channels * patch, D); // patch embedding
    if (w.accel.cache == step_cache::teacache) {
        b.norm(pointwise_kind::layernorm, NV, D, 0); // the first block's norm1, modulated by the timestep
        b.elementwise(NV * D, 3, 1, 2);
        b.elementwise(NV * D, 2, 1, 3); // relative L1 distance to the previous modulated input
    }
    b.elementwise(NV * D, 2, 1, 1); // + the cached residual
    b.norm(pointwise_kind::layernorm, NV, D, 0); // the output head
    b.elementwise(NV * D, 3, 1, 2);
    b.linear(NV, D, s.out_channels * patch);
    b.resident(static_cast<double>(NV) * static_cast<double>(D) * size_bytes(w.compute));
    return b.finish(calls);
}

/// Bytes the cache holds for the whole job: `tensors` [N, D] tensors per video and guidance branch.
[[nodiscard]] inline double cache_bytes(const acceleration& a, const denoiser_spec& s, const latent_shape& lat,
                                        extent batch, extent branches, dtype compute) {
    const int tensors = a.cache == step_cache::none ? 0 : a.cache == step_cache::magcache ? 1 : 2;
    return static_cast<double>(tensors) * static_cast<double>(branches) * static_cast<double>(batch) *
           static_cast<double>(lat.tokens) * static_cast<double>(s.hidden) * size_bytes(compute);
}

} // namespace vidperf
