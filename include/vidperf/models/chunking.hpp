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
///
/// The asynchronous mode (`forcing_schedule`: --ar_step a, --causal_block_size
/// b) staggers the frames of an iteration: in blocks of b latent frames, each
/// block a rows of the timestep matrix behind the one before it, the prefix's
/// floor(O / b) blocks already done. Every row is one denoiser call on all of
/// the iteration's frames (both codes pass the iteration's own length as the
/// window), and every frame still steps `steps` times, so an iteration of N
/// blocks, P of them prefix, makes
///
///   rows = steps + (N - 1 - P) * min(a, steps)
///
/// calls (a block that would start before the one ahead of it finishes waits
/// for it: a lag of at most `steps`). tests/data/skyreels/forcing_rows.csv holds
/// the rows of diffusers' own generate_timestep_matrix over 1,152 cases; the
/// unit tests check this closed form against every one. The README's 30 s
/// video (--ar_step 5 --causal_block_size 5, 25-frame iterations, a 5-frame
/// prefix): 50 rows in the first iteration, 45 in each later one, against 30.

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

/// Denoiser calls (timestep-matrix rows) of one iteration of `blocks` causal blocks, `ready` of them the
/// prefix, over `steps` sampling steps with a lag of `ar_step` rows per block.
[[nodiscard]] constexpr extent forcing_rows(extent blocks, extent ready, extent steps, extent ar_step) noexcept {
    const extent lag = ar_step < steps ? ar_step : steps;
    const extent waiting = blocks > ready + 1 ? blocks - ready - 1 : 0;
    return steps + waiting * lag;
}

/// The iterations of one video: at most three kinds (the first, the later full ones, a shorter last one).
struct chunk_plan {
    struct group {
        extent frames = 0; ///< latent frames each iteration of the group denoises
        extent count = 0;  ///< iterations of this kind
        extent rows = 0;   ///< denoiser calls (per guidance pass) of each: the steps, more when asynchronous
    };
    std::array<group, 3> groups{}; ///< in running order; unused kinds have count 0
    extent iterations = 1;
    extent overlap_latent = 0;     ///< latent frames each later iteration takes from the last
    bool chunked = false;          ///< more than one iteration

    [[nodiscard]] constexpr extent denoised_frames() const noexcept {
        extent n = 0;
        for (const auto& g : groups) n += g.frames * g.count;
        return n;
    }
    /// Denoiser calls per guidance pass over the whole video.
    [[nodiscard]] constexpr extent rows() const noexcept {
        extent n = 0;
        for (const auto& g : groups) n += g.rows * g.count;
        return n;
    }
};

/// The iterations of a video of `latent_frames` latent frames (`pixel_frames` pixel frames) under `df` and
/// the schedule `s` over `steps` steps; `temporal_compression` is the VAE's. Refuses an overlap that leaves an
/// iteration nothing to make, and an asynchronous iteration whose frames do not split into causal blocks.
[[nodiscard]] inline chunk_plan plan_chunks(const diffusion_forcing& df, const forcing_schedule& s, extent steps,
                                            extent pixel_frames, extent latent_frames, extent temporal_compression,
                                            std::string_view model) {
    const auto where = [&] { return "model '" + std::string(model) + "'"; }; // built only for an error
    if (s.causal_block < 1)
        detail::raise(errc::out_of_range, where(),
                      "diffusion forcing's causal_block_size must be at least 1, got " + std::to_string(s.causal_block));
    if (s.ar_step < 0)
        detail::raise(errc::out_of_range, where(), "diffusion forcing's ar_step must be at least 0, got " +
                                                     std::to_string(s.ar_step));
    chunk_plan p;
    // one iteration of `frames` latent frames, `ready` of them the prefix, added to its kind
    const auto add = [&](extent frames, extent ready) {
        if (frames % s.causal_block != 0)
            detail::raise(errc::inconsistent, where(),
                          "an iteration of " + std::to_string(frames) + " latent frames does not split into causal "
                          "blocks of " + std::to_string(s.causal_block) +
                              " (the frames of every iteration must divide by --causal-block-size)");
        const extent rows = forcing_rows(frames / s.causal_block, ready / s.causal_block, steps, s.ar_step);
        for (auto& g : p.groups)
            if (g.count > 0 && g.frames == frames && g.rows == rows) {
                ++g.count;
                return;
            }
        for (auto& g : p.groups)
            if (g.count == 0) {
                g = {frames, 1, rows};
                return;
            }
    };
    if (df.base_frames == 0 || pixel_frames <= df.base_frames) {
        add(latent_frames, 0);
        return p;
    }
    if (df.overlap_frames < 1 || df.overlap_frames >= df.base_frames)
        detail::raise(errc::inconsistent, where(),
                      "diffusion forcing needs 1 <= overlap_frames < base_frames, got overlap " +
                          std::to_string(df.overlap_frames) + " of base " + std::to_string(df.base_frames));
    const extent c = temporal_compression > 0 ? temporal_compression : 1;
    const extent base = (df.base_frames - 1) / c + 1;
    const extent overlap = (df.overlap_frames - 1) / c + 1;
    if (overlap >= base)
        detail::raise(errc::inconsistent, where(),
                      "diffusion forcing's overlap of " + std::to_string(overlap) + " latent frames leaves nothing of a " +
                          std::to_string(base) + "-frame iteration to make");
    p.chunked = true;
    p.overlap_latent = overlap;
    p.iterations = 1 + (latent_frames - base - 1) / (base - overlap) + 1;
    add(base, 0);
    for (extent i = 1; i < p.iterations; ++i) {
        const extent finished = i * (base - overlap) + overlap;
        const extent left = latent_frames > finished ? latent_frames - finished : 0;
        add(left + overlap < base ? left + overlap : base, overlap); // the prefix: its whole causal blocks
    }
    return p;
}

} // namespace vidperf
