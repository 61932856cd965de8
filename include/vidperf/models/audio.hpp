#pragma once
/// \file
/// The audio decode path of a joint audio-video model (LTX-2): the audio VAE's decoder turns the audio
/// latents into a stereo mel spectrogram, and a HiFi-GAN-style vocoder turns the spectrogram into a
/// waveform. Both are lowered to ops the way models/vae.hpp lowers the video VAEs: one walk over the layers
/// emits the ops and counts the parameters, so the two cannot drift apart.
///
/// - Audio VAE (diffusers AutoencoderKLLTX2Audio): 2-D convolutions over (time, mel bins) of a stereo
///   spectrogram, resnets with parameter-free RMS ("pixel") norms, causal along time (all of a kernel's
///   time padding before the first frame), nearest 2x up-sampling in time and mel followed by a 3x3 conv
///   whose first time row is dropped (so T latent frames decode to 4T - 3 mel frames).
/// - Vocoder (diffusers LTX2Vocoder): the spectrogram's two channels x mel bins become the channels of a
///   1-D signal over time; a 7-tap conv widens it, then each up-sampling layer is a leaky ReLU, a
///   transposed conv that halves the width and multiplies the length by its factor, and several resnets
///   (dilated convs) run on the same input and averaged; a last 7-tap conv gives the waveform.
///
/// docs/presets-sources.md (LTX-2's audio decode) lists the configs and the counts these lowerings
/// reproduce exactly (parameters and convolution FLOPs, against FlopCounterMode on the meta device).

#include <algorithm>
#include <array>
#include <cstddef>
#include <cmath>
#include <string>
#include <string_view>

#include <vidperf/core/error.hpp>
#include <vidperf/models/stage.hpp>

namespace vidperf {

// ------------------------------------------------------------------ specs

/// An audio VAE as diffusers' AutoencoderKLLTX2Audio (models/autoencoders/autoencoder_kl_ltx2_audio.py)
/// builds it from its config. The defaults are LTX-2 2.0's published config (the same for 2.3):
/// scripts/convert_ltx2_to_diffusers.py get_ltx2_audio_vae_config("2.0").
struct audio_vae_spec {
    std::string_view name = "ltx-2-audio-vae";
    extent base_channels = 128;                 ///< `base_channels`
    std::array<extent, 4> ch_mult{1, 2, 4, 0};  ///< `ch_mult`, from the finest level; 0 ends the list
    extent num_res_blocks = 2;                  ///< resnets per encoder level (the decoder runs one more)
    extent in_channels = 2;                     ///< the encoder's input (stereo mel spectrogram)
    extent out_channels = 2;                    ///< `output_channels`: the decoder's output
    extent latent_channels = 8;
    extent mel_bins = 64;                       ///< mel bins of the spectrogram; the latent has mel_bins / latent_factor
    /// `causality_axis` "height" (time, the spectrogram's third axis); false = "none". The class's
    /// "width" variants are not modelled.
    bool causal = true;
    bool group_norm = false;       ///< `norm_type` "group" (GroupNorm, 2c parameters); false = "pixel" (none)
    bool mid_attention = false;    ///< `mid_block_add_attention`
    /// An attention block after every resnet of level l (0 = finest), where `attn_resolutions` holds
    /// resolution / 2^l (2.0: attn_resolutions None, no attention).
    std::array<bool, 4> level_attention{};
    bool double_z = true;          ///< the encoder outputs mean and log-variance (2 x latent_channels)
    /// The latent's downsampling in time and mel (the class's LATENT_DOWNSAMPLE_FACTOR, which the pipeline
    /// uses for both); the decoder's up-samplers must match it.
    extent latent_factor = 4;
    // the config's sample_rate (16000) and mel_hop_length (160) set how many latents a second of audio makes;
    // the joint denoiser's audio_stream_spec carries them (audio_latent_frames, models/denoiser.hpp)
};

/// A vocoder as diffusers' LTX2Vocoder (pipelines/ltx2/vocoder.py) builds it from its config, with leaky
/// ReLU activations and no anti-aliasing (LTX-2 2.0: act_fn "leaky_relu", antialias False; 2.3's
/// snake-beta, anti-aliased LTX2VocoderWithBWE is not modelled). The defaults are 2.0's published config:
/// scripts/convert_ltx2_to_diffusers.py get_ltx2_vocoder_config("2.0").
struct vocoder_spec {
    std::string_view name = "ltx-2-vocoder";
    /// Channels of the 1-D input: the VAE's output channels x mel bins (2 x 64); the spectrogram's
    /// (channels, mel) axes are flattened into one.
    extent in_channels = 128;
    extent hidden_channels = 1024;  ///< after conv_in; every up-sampling layer halves it
    extent out_channels = 2;        ///< stereo waveform
    std::array<extent, 8> upsample_kernels{16, 15, 8, 4, 4};  ///< transposed-conv kernels; 0 ends the list
    std::array<extent, 8> upsample_factors{6, 5, 2, 2, 2};    ///< their strides (length factors)
    std::array<extent, 4> resnet_kernels{3, 7, 11};           ///< one resnet per kernel after each up-sampler; 0 ends
    /// Dilations of each resnet's first convs (one conv pair per dilation); 0 ends a list.
    std::array<std::array<extent, 4>, 4> resnet_dilations{{{1, 3, 5, 0}, {1, 3, 5, 0}, {1, 3, 5, 0}, {}}};
    bool final_bias = true;        ///< `final_bias`: conv_out has a bias
    bool final_activation = true;  ///< `final_act_fn` "tanh" (or "clamp"); false = None
    extent output_sample_rate = 24000; ///< `output_sampling_rate`, Hz
};

namespace detail {

/// Entries of a 0-terminated list.
template <std::size_t N>
[[nodiscard]] constexpr std::size_t list_size(const std::array<extent, N>& a) noexcept {
    std::size_t n = 0;
    while (n < N && a[n] > 0) ++n;
    return n;
}

/// Walks the audio VAE's encoder or decoder over a (time, mel) grid, emitting ops into a builder and
/// tracking the tensor's shape and the largest tensor it makes.
class audio_vae_walker {
public:
    audio_vae_walker(stage_builder& b, const audio_vae_spec& s, extent videos, extent frames, extent mel, dtype compute)
        : m_b(b), m_s(s), m_videos(videos), m_t(frames), m_m(mel), m_compute(compute) {}

    void decoder() {
        const std::size_t levels = list_size(m_s.ch_mult);
        extent c = m_s.base_channels * m_s.ch_mult[levels - 1];
        conv(m_s.latent_channels, c, 3);
        middle(c);
        for (std::size_t up = 0; up < levels; ++up) { // from the coarsest level to the finest
            const std::size_t l = levels - 1 - up;
            const extent out = m_s.base_channels * m_s.ch_mult[l];
            for (extent i = 0; i <= m_s.num_res_blocks; ++i) {
                resnet(c, out);
                c = out;
                if (m_s.level_attention[l]) attention(c);
            }
            if (l != 0) upsample(c);
        }
        norm(c);
        act(c);
        conv(c, m_s.out_channels, 3);
    }

    void encoder() {
        const std::size_t levels = list_size(m_s.ch_mult);
        extent c = m_s.base_channels;
        conv(m_s.in_channels, c, 3);
        for (std::size_t l = 0; l < levels; ++l) {
            const extent out = m_s.base_channels * m_s.ch_mult[l];
            for (extent i = 0; i < m_s.num_res_blocks; ++i) {
                resnet(c, out);
                c = out;
                if (m_s.level_attention[l]) attention(c);
            }
            if (l + 1 != levels) downsample(c);
        }
        middle(c);
        norm(c);
        act(c);
        conv(c, m_s.double_z ? 2 * m_s.latent_channels : m_s.latent_channels, 3);
    }

    [[nodiscard]] extent frames() const { return m_t; }
    [[nodiscard]] extent mel() const { return m_m; }
    [[nodiscard]] double largest_tensor_elements() const { return m_largest; }

private:
    [[nodiscard]] extent pixels() const { return m_videos * m_t * m_m; }
    void tensor(extent c) {
        const double e = static_cast<double>(pixels()) * static_cast<double>(c);
        m_largest = e > m_largest ? e : m_largest;
    }

    /// A k x k conv at stride 1 padded to keep the grid (LTX2AudioCausalConv2d): causal puts the time
    /// axis's k - 1 rows of padding before the first frame; the mel axis is padded on both sides.
    void conv(extent cin, extent cout, extent k) {
        conv_op c;
        c.batch = m_videos;
        c.c_in = cin;
        c.c_out = cout;
        c.input = {1, m_t, m_m};
        c.kernel = {1, k, k};
        c.pad_before = {0, m_s.causal ? k - 1 : (k - 1) / 2, (k - 1) / 2};
        c.pad_after = {0, m_s.causal ? 0 : k - 1 - (k - 1) / 2, k - 1 - (k - 1) / 2};
        emit(c);
    }
    void emit(const conv_op& c, bool bias = true) {
        m_b.conv(c, bias);
        const auto out = conv_outputs(c);
        m_t = out[1];
        m_m = out[2];
        tensor(c.c_out);
    }

    void norm(extent c) {
        if (m_s.group_norm)
            m_b.norm(pointwise_kind::layernorm, pixels(), c, 2);
        else // LTX2AudioPixelNorm: x / sqrt(mean over channels of x^2 + eps), no parameters
            m_b.norm(pointwise_kind::rmsnorm, pixels(), c, 0);
    }
    void act(extent c) { m_b.elementwise(pixels() * c, 1, 1, 4); } // SiLU

    void resnet(extent cin, extent cout) { // LTX2AudioResnetBlock without a timestep embedding (temb_ch 0)
        norm(cin);
        act(cin);
        conv(cin, cout, 3);
        norm(cout);
        act(cout);
        conv(cout, cout, 3);
        if (cin != cout) { // nin_shortcut: a 1x1 conv (conv_shortcut is never asked for)
            conv_op c;
            c.batch = m_videos;
            c.c_in = cin;
            c.c_out = cout;
            c.input = {1, m_t, m_m};
            m_b.conv(c);
        }
        m_b.elementwise(pixels() * cout, 2, 1, 1); // residual
    }

    void middle(extent c) {
        resnet(c, c);
        if (m_s.mid_attention) attention(c);
        resnet(c, c);
    }

    /// LTX2AudioAttnBlock: one head as wide as the block over every (time, mel) position, its q, k, v and
    /// output projections 1x1 convs, the scores materialised by two batched matrix products (torch.bmm)
    /// and a softmax.
    void attention(extent c) {
        norm(c);
        const extent px = m_t * m_m;
        conv_op proj;
        proj.batch = m_videos;
        proj.c_in = c;
        proj.c_out = c;
        proj.input = {1, m_t, m_m};
        for (int i = 0; i < 3; ++i) m_b.conv(proj); // q, k, v
        m_b.elementwise(pixels() * c, 1, 1, 0);     // q permuted to (positions, c), made contiguous
        bmm(px, px, c); // q k: [px, c] x [c, px]
        const extent square = m_videos * px * px;
        m_b.elementwise(square, 1, 1, 1); // the 1/sqrt(c) scale
        pointwise_op soft;
        soft.kind = pointwise_kind::softmax;
        soft.elements = square;
        soft.row_length = px;
        soft.type = m_compute;
        m_b.pointwise(soft);
        m_b.elementwise(square, 1, 1, 0); // the scores transposed, made contiguous
        bmm(c, px, px); // v attn^T: [c, px] x [px, px]
        m_b.transient(2.0 * static_cast<double>(square) * size_bytes(m_compute)); // scores and their transpose
        m_b.conv(proj); // proj_out
        m_b.elementwise(pixels() * c, 2, 1, 1);
    }

    /// One torch.bmm per video of activations (no weights): [m, k] x [k, n].
    void bmm(extent m, extent n, extent k) {
        gemm_op g;
        g.m = m;
        g.n = n;
        g.k = k;
        g.batch = m_videos;
        g.a = g.b = g.c = m_compute;
        m_b.gemm(g);
    }

    /// LTX2AudioUpsample: nearest 2x in time and mel, a 3x3 conv on the doubled grid, then (causal) the
    /// first time row dropped, a view.
    void upsample(extent c) {
        pointwise_op near;
        near.elements = pixels() * c;
        near.output_elements = 4 * near.elements;
        near.flops_per_element = 0;
        near.type = m_compute;
        m_b.pointwise(near);
        m_t *= 2;
        m_m *= 2;
        tensor(c);
        conv(c, c, 3);
        if (m_s.causal) m_t -= 1;
    }

    /// LTX2AudioDownsample: an explicit pad (causal: two time rows before; one mel column after), then a
    /// 3x3 conv at stride 2.
    void downsample(extent c) {
        conv_op d;
        d.batch = m_videos;
        d.c_in = c;
        d.c_out = c;
        d.input = {1, m_t, m_m};
        d.kernel = {1, 3, 3};
        d.stride = {1, 2, 2};
        d.pad_before = {0, m_s.causal ? 2 : 0, 0};
        d.pad_after = {0, m_s.causal ? 0 : 1, 1};
        emit(d);
    }

    stage_builder& m_b;
    const audio_vae_spec& m_s;
    extent m_videos, m_t, m_m;
    dtype m_compute;
    double m_largest = 0;
};

/// The widest channel count the audio modules take: far past any model's, and small enough that the products
/// the lowering forms of a few sizes stay exact.
inline constexpr extent max_audio_channels = extent{1} << 24;

inline void require_channels(extent c, std::string_view where, std::string_view field) {
    if (c > max_audio_channels)
        raise(errc::out_of_range, where,
              "field '" + std::string(field) + "' (" + std::to_string(c) + ") is beyond any model (at most " +
                  std::to_string(max_audio_channels) + ")");
}

inline void check_audio_vae(const audio_vae_spec& s, std::string_view where) {
    require_positive(static_cast<double>(s.base_channels), where, "base_channels");
    require_channels(s.base_channels, where, "base_channels");
    for (std::size_t l = 0; l < list_size(s.ch_mult); ++l)
        require_channels(s.ch_mult[l] > max_audio_channels / s.base_channels ? max_audio_channels + 1
                                                                             : s.base_channels * s.ch_mult[l],
                         where, "base_channels x ch_mult");
    require_channels(s.in_channels, where, "in_channels");
    require_channels(s.out_channels, where, "out_channels");
    require_channels(s.latent_channels, where, "latent_channels");
    require_channels(s.mel_bins, where, "mel_bins");
    require_channels(s.latent_factor, where, "latent_factor");
    require_positive(static_cast<double>(list_size(s.ch_mult)), where, "ch_mult");
    require_positive(static_cast<double>(s.num_res_blocks), where, "num_res_blocks");
    require_positive(static_cast<double>(s.in_channels), where, "in_channels");
    require_positive(static_cast<double>(s.out_channels), where, "out_channels");
    require_positive(static_cast<double>(s.latent_channels), where, "latent_channels");
    require_positive(static_cast<double>(s.mel_bins), where, "mel_bins");
    require_positive(static_cast<double>(s.latent_factor), where, "latent_factor");
    if (s.mel_bins % s.latent_factor != 0)
        raise(errc::inconsistent, where,
              "field 'mel_bins' (" + std::to_string(s.mel_bins) + ") must be a multiple of 'latent_factor' (" +
                  std::to_string(s.latent_factor) + ")");
    const std::size_t levels = list_size(s.ch_mult);
    if ((extent{1} << (levels - 1)) != s.latent_factor)
        raise(errc::inconsistent, where,
              "field 'ch_mult' has " + std::to_string(levels) + " levels, so the decoder up-samples by 2^" +
                  std::to_string(levels - 1) + ", which does not undo 'latent_factor' " +
                  std::to_string(s.latent_factor));
}

} // namespace detail

// ------------------------------------------------------------------ audio VAE

/// Mel frames the decode returns for `latent_frames`: latent_factor x T - (latent_factor - 1) (4T - 3, at
/// least 1), the vocoder's input length. The class cuts (or zero-pads) the decoder's output to it whatever
/// the causality axis ("none" too: its test is `causality_axis is not None`); a causal decoder makes exactly
/// that many (each up-sampler drops a row), a non-causal one 4T.
[[nodiscard]] inline extent audio_vae_decoded_frames(const audio_vae_spec& s, extent latent_frames) {
    detail::check_audio_vae(s, "audio_vae_decoded_frames");
    require_positive(static_cast<double>(latent_frames), "audio_vae_decoded_frames", "latent_frames");
    if (latent_frames > max_tensor_elements / s.latent_factor)
        raise(errc::out_of_range, "audio_vae_decoded_frames",
              "field 'latent_frames' (" + std::to_string(latent_frames) + ") is beyond any tensor");
    const extent t = latent_frames * s.latent_factor - (s.latent_factor - 1);
    return t > 1 ? t : 1;
}

/// Parameters of the audio VAE's encoder and / or decoder (both: the whole class, as the checkpoint holds
/// it; the latent statistics are buffers, not parameters).
[[nodiscard]] inline double audio_vae_parameters(const audio_vae_spec& s, bool encoder = true, bool decoder = true) {
    detail::check_audio_vae(s, "audio_vae_parameters");
    const extent side = extent{2} << detail::list_size(s.ch_mult); // a grid every down-sampler can take
    double n = 0;
    if (encoder) {
        stage_builder b("", "", dtype::bf16, dtype::bf16);
        b.count_only();
        detail::audio_vae_walker walk(b, s, 1, side, side, dtype::bf16);
        walk.encoder();
        n += b.parameter_count();
    }
    if (decoder) {
        stage_builder b("", "", dtype::bf16, dtype::bf16);
        b.count_only();
        detail::audio_vae_walker walk(b, s, 1, 2, 2, dtype::bf16);
        walk.decoder();
        n += b.parameter_count();
    }
    return n;
}

/// The audio VAE's decode of `videos` latents of `latent_frames` frames (each latent_channels x
/// mel_bins / latent_factor), as LTX2Pipeline runs it (`audio_vae.decode`, one batch, no slicing): the
/// decoder's ops; the parameters are the whole class's (the encoder's weights are loaded too).
[[nodiscard]] inline stage lower_audio_vae_decode(const audio_vae_spec& s, extent latent_frames, extent videos,
                                                  dtype compute, dtype weights, double calls) {
    constexpr std::string_view where = "lower_audio_vae_decode";
    detail::check_audio_vae(s, where);
    require_positive(static_cast<double>(latent_frames), where, "latent_frames");
    require_positive(static_cast<double>(videos), where, "videos");
    require_positive(calls, where, "calls");
    // the grid only grows, to latent_factor x the latent frames by mel_bins, and no tensor is wider than the
    // widest level: both bounded (in doubles) before the walk forms its products
    double widest = static_cast<double>(std::max(s.latent_channels, s.out_channels));
    bool attends = s.mid_attention;
    for (std::size_t l = 0; l < detail::list_size(s.ch_mult); ++l) {
        widest = std::max(widest, static_cast<double>(s.base_channels * s.ch_mult[l]));
        attends = attends || s.level_attention[l];
    }
    const double grid = static_cast<double>(latent_frames) * static_cast<double>(s.latent_factor) *
                        static_cast<double>(s.mel_bins);
    const double limit = static_cast<double>(max_tensor_elements);
    if (static_cast<double>(videos) * grid * widest > limit ||
        (attends && static_cast<double>(videos) * grid * grid > limit))
        raise(errc::out_of_range, where,
              "the decode of " + std::to_string(videos) + " x " + std::to_string(latent_frames) +
                  " latent frames makes a tensor beyond any GPU's");
    stage_builder b("audio_vae_decode", std::string(s.name), compute, weights);
    detail::audio_vae_walker walk(b, s, videos, latent_frames, s.mel_bins / s.latent_factor, compute);
    walk.decoder();
    // the output is cut (or zero-padded) to audio_vae_decoded_frames x mel_bins: a view when it is cut
    const extent decoded = audio_vae_decoded_frames(s, latent_frames);
    if (walk.frames() < decoded || walk.mel() < s.mel_bins)
        b.elementwise(videos * s.out_channels * decoded * s.mel_bins, 1, 1, 0);
    b.parameters(audio_vae_parameters(s, true, false));
    // the largest tensor (the resnet's skip input, or the up-sampled grid) stays alive beside the running
    // conv's input and output
    b.resident(walk.largest_tensor_elements() * size_bytes(compute));
    stage st = b.finish(calls);
    st.kind = stage_kind::audio_decode;
    return st;
}

// ------------------------------------------------------------------ vocoder

namespace detail {

/// The length a ConvTranspose1d of kernel k, stride s and padding (k - s) / 2 makes of `l` samples (LTX2Vocoder's
/// up-samplers): (l - 1) s - 2 p + k.
[[nodiscard]] constexpr extent transposed_length(extent l, extent k, extent s) noexcept {
    return (l - 1) * s - 2 * ((k - s) / 2) + k;
}

inline void check_vocoder(const vocoder_spec& v, std::string_view where) {
    require_positive(static_cast<double>(v.in_channels), where, "in_channels");
    require_positive(static_cast<double>(v.hidden_channels), where, "hidden_channels");
    require_positive(static_cast<double>(v.out_channels), where, "out_channels");
    require_channels(v.in_channels, where, "in_channels");
    require_channels(v.hidden_channels, where, "hidden_channels");
    require_channels(v.out_channels, where, "out_channels");
    auto window = [&](extent k, std::string_view field) {
        if (k > max_window)
            raise(errc::out_of_range, where,
                  "field '" + std::string(field) + "' (" + std::to_string(k) + ") is beyond any kernel (at most " +
                      std::to_string(max_window) + ")");
    };
    for (std::size_t i = 0; i < list_size(v.upsample_kernels); ++i) {
        window(v.upsample_kernels[i], "upsample_kernels");
        window(v.upsample_factors[i], "upsample_factors");
    }
    for (std::size_t j = 0; j < list_size(v.resnet_kernels); ++j) {
        window(v.resnet_kernels[j], "resnet_kernels");
        for (std::size_t d = 0; d < list_size(v.resnet_dilations[j]); ++d)
            window(v.resnet_dilations[j][d], "resnet_dilations");
    }
    const std::size_t ups = list_size(v.upsample_kernels);
    require_positive(static_cast<double>(ups), where, "upsample_kernels");
    if (list_size(v.upsample_factors) != ups)
        raise(errc::inconsistent, where, "fields 'upsample_kernels' and 'upsample_factors' must list as many entries");
    const std::size_t res = list_size(v.resnet_kernels);
    require_positive(static_cast<double>(res), where, "resnet_kernels");
    for (std::size_t j = 0; j < res; ++j)
        require_positive(static_cast<double>(list_size(v.resnet_dilations[j])), where, "resnet_dilations");
    for (std::size_t i = 0; i < ups; ++i)
        if (v.upsample_kernels[i] < v.upsample_factors[i])
            raise(errc::out_of_range, where,
                  "up-sampling layer " + std::to_string(i) + ": kernel " + std::to_string(v.upsample_kernels[i]) +
                      " is below its factor " + std::to_string(v.upsample_factors[i]) +
                      " (the class's padding (k - s) / 2 would be negative)");
    if ((v.hidden_channels >> ups) < 1 || v.hidden_channels % (extent{1} << ups) != 0)
        raise(errc::inconsistent, where,
              "field 'hidden_channels' (" + std::to_string(v.hidden_channels) + ") must halve evenly " +
                  std::to_string(ups) + " times");
}

/// A 1-D conv over `length` samples as a conv_op on a (1, 1, length) grid, padded as PyTorch's
/// padding="same" (dilation x (k - 1) in all, the odd one after), so the length is kept.
[[nodiscard]] inline conv_op vocoder_conv(extent videos, extent cin, extent cout, extent length, extent k,
                                          extent dilation = 1) {
    conv_op c;
    c.batch = videos;
    c.c_in = cin;
    c.c_out = cout;
    c.input = {1, 1, length};
    c.kernel = {1, 1, k};
    c.dilation = {1, 1, dilation};
    const extent pad = dilation * (k - 1);
    c.pad_before = {0, 0, pad / 2};
    c.pad_after = {0, 0, pad - pad / 2};
    return c;
}

} // namespace detail

/// Samples the vocoder makes from `mel_frames`: each transposed conv maps L to (L - 1) s - 2 p + k with
/// p = (k - s) / 2 (LTX-2: 240 samples per mel frame, 24 kHz from 100 frames/s).
[[nodiscard]] inline extent vocoder_samples(const vocoder_spec& v, extent mel_frames) {
    detail::check_vocoder(v, "vocoder_samples");
    require_positive(static_cast<double>(mel_frames), "vocoder_samples", "mel_frames");
    extent l = mel_frames;
    for (std::size_t i = 0; i < detail::list_size(v.upsample_kernels); ++i) {
        const extent k = v.upsample_kernels[i], s = v.upsample_factors[i];
        if (l > max_tensor_elements / s)
            raise(errc::out_of_range, "vocoder_samples",
                  "field 'mel_frames' (" + std::to_string(mel_frames) + ") makes a waveform beyond any tensor");
        l = detail::transposed_length(l, k, s);
    }
    return l;
}

/// The vocoder on `videos` mel spectrograms of `mel_frames` frames (the audio VAE's output, its channels x
/// mel bins flattened into `in_channels`), as LTX2Pipeline calls it once after the audio decode.
[[nodiscard]] inline stage lower_vocoder(const vocoder_spec& v, extent mel_frames, extent videos, dtype compute,
                                         dtype weights, double calls) {
    constexpr std::string_view where = "lower_vocoder";
    detail::check_vocoder(v, where);
    require_positive(static_cast<double>(mel_frames), where, "mel_frames");
    require_positive(static_cast<double>(videos), where, "videos");
    require_positive(calls, where, "calls");
    const std::size_t res = detail::list_size(v.resnet_kernels);
    // lengths only grow (every kernel is at least its factor) and widths only halve: the largest tensor, the
    // resnets' stack, is bounded (in doubles) before the products below are formed
    const extent samples = vocoder_samples(v, mel_frames);
    if (static_cast<double>(videos) * static_cast<double>(std::max(v.in_channels, v.hidden_channels)) *
            static_cast<double>(samples) * static_cast<double>(res) >
        static_cast<double>(max_tensor_elements))
        raise(errc::out_of_range, where,
              "the vocoder on " + std::to_string(videos) + " x " + std::to_string(mel_frames) +
                  " mel frames makes a tensor beyond any GPU's");
    stage_builder b("vocoder", std::string(v.name), compute, weights);
    const auto leaky = [&](extent elements) { b.elementwise(elements, 1, 1, 2); };
    extent l = mel_frames;
    // (batch, channels, time, mel) transposed to (batch, channels, mel, time) and flattened: one copy
    b.elementwise(videos * v.in_channels * l, 1, 1, 0);
    b.conv(detail::vocoder_conv(videos, v.in_channels, v.hidden_channels, l, 7));
    extent c = v.hidden_channels;
    double kept = 0; // elements alive beside the running op: the resnets' outputs and their stack
    for (std::size_t i = 0; i < detail::list_size(v.upsample_kernels); ++i) {
        const extent k = v.upsample_kernels[i], s = v.upsample_factors[i];
        leaky(videos * c * l);
        // ConvTranspose1d(c, c/2, k, stride s, padding (k - s)/2) over l inputs does l * c * c/2 * k
        // multiply-adds (every input times every tap; FlopCounterMode counts it so). Modelled as the equal
        // work of its polyphase form: output phase j (of s) is an ordinary stride-1 conv over the l inputs
        // with the taps j, j + s, j + 2s, ...; with k = q s + r, r phases have q + 1 taps and s - r have q.
        // Two conv_ops of r (c/2) and (s - r) (c/2) output channels then hold exactly the k c c/2 weights,
        // do exactly the multiply-adds and write the s l samples (an odd k - s adds one more, left out).
        const extent half = c / 2, q = k / s, r = k % s;
        if (r > 0) b.conv(detail::vocoder_conv(videos, c, r * half, l, q + 1), false);
        if (q > 0) b.conv(detail::vocoder_conv(videos, c, (s - r) * half, l, q), false);
        b.parameters(static_cast<double>(half)); // the bias
        c = half;
        l = detail::transposed_length(l, k, s);
        const extent n = videos * c * l;
        for (std::size_t j = 0; j < res; ++j) { // the resnets, each on the up-sampler's output
            for (std::size_t d = 0; d < detail::list_size(v.resnet_dilations[j]); ++d) {
                leaky(n);
                b.conv(detail::vocoder_conv(videos, c, c, l, v.resnet_kernels[j], v.resnet_dilations[j][d]));
                leaky(n);
                b.conv(detail::vocoder_conv(videos, c, c, l, v.resnet_kernels[j]));
                b.elementwise(n, 2, 1, 1); // residual
            }
        }
        b.elementwise(n * static_cast<extent>(res), 1, 1, 0); // torch.stack of the outputs
        pointwise_op mean;
        mean.kind = pointwise_kind::reduction;
        mean.elements = n * static_cast<extent>(res);
        mean.output_elements = n;
        mean.type = compute;
        b.pointwise(mean);
        // the outputs and their stack are alive together, beside the up-sampler's output
        const double live = static_cast<double>(n) * (2.0 * static_cast<double>(res) + 1.0);
        kept = live > kept ? live : kept;
    }
    leaky(videos * c * l); // act_out
    b.conv(detail::vocoder_conv(videos, c, v.out_channels, l, 7), v.final_bias);
    if (v.final_activation) b.elementwise(videos * v.out_channels * l, 1, 1, 4); // tanh (or clamp)
    b.resident(kept * size_bytes(compute));
    stage st = b.finish(calls);
    st.kind = stage_kind::audio_decode;
    return st;
}

} // namespace vidperf
