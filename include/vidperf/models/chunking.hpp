#pragma once
/// \file
/// Long videos in overlapping chunks (diffusion forcing: SkyReels-V2's DF models).
///
/// A video longer than `base_frames` is made in iterations of at most
/// `base_frames` pixel frames; each iteration after the first starts from the
/// last `overlap_frames` of the video made so far, which it does not denoise
/// again. In latent frames (causal VAE, compression c: n -> (n - 1) / c + 1;
/// L the video's, B the base's, O the overlap's), as both codes compute it
/// (SkyReels-V2 skyreels_v2_infer/pipelines/diffusion_forcing_pipeline.py:535-561
/// @ SkyReels-V2@abed76f; diffusers pipeline_skyreels_v2_diffusion_forcing.py
/// prepare_latents and __call__ @ diffusers 0.42.1):
///
///   iterations  n = 1 + (L - B - 1) / (B - O) + 1              (integer division)
///   iteration 0 denoises B latent frames; iteration i > 0 denoises
///   min(L - (i (B - O) + O) + O, B) frames, the first O of them the prefix
///
/// Every denoiser call of an iteration runs on all of its frames (the prefix
/// too: it conditions the rest). The official code decodes each iteration's
/// frames and encodes the last `overlap_frames` pixel frames again for the
/// next; diffusers keeps the latents and decodes the whole video once.

#include <array>
#include <cstdint>
#include <string>

#include <vidperf/core/error.hpp>
#include <vidperf/models/workload.hpp>

namespace vidperf {

/// Diffusion forcing's chunking of a long video; base_frames 0: the model makes a video in one pass.
struct diffusion_forcing {
    extent base_frames = 0;    ///< pixel frames one iteration makes (SkyReels-V2 540P: 97)
    extent overlap_frames = 0; ///< pixel frames each later iteration takes from the last (17 or 37)
};

/// The iterations of one video: at most two sizes (every iteration but the last has `base` latent frames).
struct chunk_plan {
    struct group {
        extent frames = 0; ///< latent frames each iteration of the group denoises
        extent count = 0;  ///< iterations of this size
    };
    std::array<group, 2> groups{}; ///< groups[1].count is 0 when every iteration has the same size
    extent iterations = 1;
    extent overlap_latent = 0;     ///< latent frames each later iteration takes from the last
    bool chunked = false;          ///< more than one iteration

    [[nodiscard]] constexpr extent denoised_frames() const noexcept {
        return groups[0].frames * groups[0].count + groups[1].frames * groups[1].count;
    }
};

/// The iterations of a video of `latent_frames` latent frames (`pixel_frames` pixel frames) under `df`;
/// `temporal_compression` is the VAE's. Refuses an overlap that leaves an iteration nothing to make.
[[nodiscard]] inline chunk_plan plan_chunks(const diffusion_forcing& df, extent pixel_frames, extent latent_frames,
                                            extent temporal_compression, std::string_view model) {
    chunk_plan p;
    p.groups[0] = {latent_frames, 1};
    if (df.base_frames == 0 || pixel_frames <= df.base_frames) return p;
    const std::string where = "model '" + std::string(model) + "'";
    if (df.overlap_frames < 1 || df.overlap_frames >= df.base_frames)
        detail::raise(errc::inconsistent, where,
                      "diffusion forcing needs 1 <= overlap_frames < base_frames, got overlap " +
                          std::to_string(df.overlap_frames) + " of base " + std::to_string(df.base_frames));
    const extent c = temporal_compression > 0 ? temporal_compression : 1;
    const extent base = (df.base_frames - 1) / c + 1;
    const extent overlap = (df.overlap_frames - 1) / c + 1;
    if (overlap >= base)
        detail::raise(errc::inconsistent, where,
                      "diffusion forcing's overlap of " + std::to_string(overlap) + " latent frames leaves nothing of a " +
                          std::to_string(base) + "-frame iteration to make");
    p.chunked = true;
    p.overlap_latent = overlap;
    p.iterations = 1 + (latent_frames - base - 1) / (base - overlap) + 1;
    p.groups[0] = {base, 1};
    for (extent i = 1; i < p.iterations; ++i) {
        const extent finished = i * (base - overlap) + overlap;
        const extent left = latent_frames > finished ? latent_frames - finished : 0;
        const extent size = left + overlap < base ? left + overlap : base;
        if (size == base)
            ++p.groups[0].count;
        else
            p.groups[1] = {size, p.groups[1].count + 1};
    }
    return p;
}

} // namespace vidperf
