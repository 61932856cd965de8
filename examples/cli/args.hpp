#pragma once
// vidperf CLI: flags to library values. Every number is read strictly (the whole text, finite, in range,
// an integer where it counts things) and every enum through the library's names tables, so a bad value is
// refused naming the flag, the value and what is allowed.

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include <vidperf/core/error.hpp>
#include <vidperf/core/names.hpp>
#include <vidperf/pipeline/job.hpp>

namespace vidperf::cli {

inline std::string shown(std::string_view text) {
    std::string s(text.substr(0, 64));
    if (text.size() > 64) s += "...";
    return "'" + s + "'";
}

/// A whole-string integer in [lo, hi].
inline long long parse_int(std::string_view text, std::string_view flag, long long lo,
                           long long hi = std::numeric_limits<int>::max()) {
    long long v = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end)
        raise(errc::out_of_range, flag, "expected an integer, got " + shown(text));
    if (v < lo || v > hi)
        raise(errc::out_of_range, flag,
                      "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                          std::to_string(v));
    return v;
}

/// A number as a message shows it: 15 significant digits, exponent form for the very small and very large (so a
/// bound of 1e-9 never reads as 0).
inline std::string real_text(double v) {
    std::array<char, 32> buf{};
    const auto [ptr, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::general, 15);
    return ec == std::errc() ? std::string(buf.data(), ptr) : number_text(v);
}

/// A whole-string finite number in [lo, hi].
inline double parse_real(std::string_view text, std::string_view flag, double lo, double hi) {
    std::string s(text);
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(s, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (s.empty() || used != s.size() || !std::isfinite(v))
        raise(errc::not_finite, flag, "expected a finite number, got " + shown(text));
    if (!(v >= lo && v <= hi))
        raise(errc::out_of_range, flag,
                      "must be in [" + real_text(lo) + ", " + real_text(hi) + "], got " + real_text(v));
    return v;
}

/// Comma-separated items, none empty.
inline std::vector<std::string> split_list(std::string_view text, std::string_view flag) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (true) {
        const std::size_t comma = text.find(',', pos);
        const std::string_view item = text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
        if (item.empty())
            raise(errc::inconsistent, flag, "empty item in the list " + shown(text) + " (comma-separated)");
        out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    if (out.size() > 64) raise(errc::out_of_range, flag, "at most 64 items, got " + std::to_string(out.size()));
    return out;
}

/// GPU counts: "1,2,4,8".
inline std::vector<int> parse_counts(std::string_view text, std::string_view flag) {
    std::vector<int> out;
    for (const auto& item : split_list(text, flag)) out.push_back(static_cast<int>(parse_int(item, flag, 1, 4096)));
    return out;
}

/// "gpu=dollars,gpu=dollars".
inline std::vector<std::pair<std::string, double>> parse_prices(std::string_view text, std::string_view flag) {
    std::vector<std::pair<std::string, double>> out;
    for (const auto& item : split_list(text, flag)) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            raise(errc::inconsistent, flag, "entry " + shown(item) + " must be GPU=dollars_per_hour");
        out.emplace_back(item.substr(0, eq), parse_real(item.substr(eq + 1), std::string(flag) + " " + item.substr(0, eq), 1e-6, 1e6));
    }
    return out;
}

/// An optional flag value, read by `read` when the user gave it.
template <class T, class Read>
std::optional<T> if_given(const std::string& text, Read read) {
    if (text.empty()) return std::nullopt;
    return read(text);
}

/// Flags of a video job shared by the subcommands that run one.
struct video_flags {
    std::string width, height, frames, steps, batch = "1";
    bool no_cfg = false;
    std::string cfg;
    std::string dtype_s = "bf16";
    std::string weights_s;
    std::string offload = "none";
    bool vae_tiling = false;
    bool no_vae_tiling = false;
    std::string attention;
    std::string implementation;
    bool text_encoder_on_cpu = false;
    std::string host_tflops, host_GBps;
    std::string interpolate = "1", upscale = "1";
    std::string gpus = "1";
    std::string parallel;
    std::string ulysses, ring;
    bool cfg_parallel = false;
    bool fsdp = false;
    std::string link;
    std::string network_GBps;
    std::string ring_overlap = "0";
    std::string cache, cache_skip, attention_keep;
    std::string ar_step, causal_block_size;
    bool causal_attention = false;
    bool no_image_stage = false;
    std::string stg, modality_guidance;
};

inline void add_implementation_flag(CLI::App* sc, std::string& value) {
    sc->add_option("--implementation", value,
                   "ideal | diffusers | official: whose code runs the job (its casts, unfused norms, RoPE, "
                   "scheduler; docs/implementations.md); default: what the model's README runs");
}

inline void add_video_flags(CLI::App* sc, video_flags& f) {
    sc->add_option("--width", f.width, "frame width in pixels (default: the model's standard workload)");
    sc->add_option("--height", f.height, "frame height in pixels");
    sc->add_option("--frames", f.frames, "frames per video");
    sc->add_option("--steps", f.steps, "denoising steps");
    sc->add_option("--batch", f.batch, "videos generated together")->default_str("1");
    sc->add_flag("--no-cfg", f.no_cfg, "no classifier-free guidance (one pass per step)");
    sc->add_option("--cfg", f.cfg, "guidance passes: batched | sequential | off (default: the model's)");
    sc->add_option("--dtype", f.dtype_s,
                   "denoiser dtype: bf16 | fp16 | fp8 (fp8 weights and GEMMs; attention in fp8 only with fa3 or "
                   "cudnn; encoders and VAE stay bf16)")
        ->default_str("bf16");
    sc->add_option("--weights", f.weights_s,
                   "denoiser weights in memory when they differ from --dtype (default: what the implementation "
                   "holds; fp32 for Wan2.1's official code), int8, nf4 ...");
    sc->add_option("--offload", f.offload, "none | model | sequential")->default_str("none");
    sc->add_flag("--vae-tiling", f.vae_tiling,
                 "decode the VAE in tiles as diffusers' vae.enable_tiling() does (the class's own tiles)");
    sc->add_flag("--no-vae-tiling", f.no_vae_tiling,
                 "decode without enable_tiling() where the model's pipeline turns it on (HunyuanVideo, Mochi)");
    sc->add_option("--interpolate", f.interpolate, "frame-rate factor after decoding with RIFE 4.x (2, 4, ...)");
    sc->add_option("--upscale", f.upscale, "super-resolution factor with Real-ESRGAN (2 or 4)");
    sc->add_option("--gpus", f.gpus, "GPUs running one job together (the denoiser split by --parallel)")
        ->default_str("1");
    sc->add_option("--parallel", f.parallel, "ulysses | ring | usp | cfg | tp (how --gpus share the denoiser)");
    sc->add_option("--ulysses", f.ulysses, "Ulysses degree for --parallel usp");
    sc->add_option("--ring", f.ring, "ring-attention degree for --parallel usp");
    sc->add_flag("--cfg-parallel", f.cfg_parallel,
                 "with --parallel usp: the two guidance passes on two halves of the GPUs as well");
    sc->add_flag("--fsdp", f.fsdp, "shard the denoiser's weights over the GPUs (gathered layer by layer)");
    sc->add_option("--link", f.link,
                   "nvlink | pcie | network: the GPUs' interconnect (default: the GPU's own, NVLink where it has it)");
    sc->add_option("--network-GBps", f.network_GBps, "per-GPU network bandwidth per direction (--link network)");
    sc->add_option("--ring-overlap", f.ring_overlap, "share of ring send/recv hidden behind attention, [0, 1]")
        ->default_str("0");
    sc->add_flag("--text-encoder-on-cpu", f.text_encoder_on_cpu,
                 "run the text encoders on the host CPU (Wan --t5_cpu); their weights stay off the GPU");
    sc->add_option("--host-tflops", f.host_tflops, "host CPU rate for --text-encoder-on-cpu (default: assumed 2)");
    sc->add_option("--host-GBps", f.host_GBps, "host memory bandwidth for --text-encoder-on-cpu (default: assumed 200)");
    sc->add_option("--attention", f.attention,
                   "fa2 | fa3 | cudnn | sdpa-math | sdpa-efficient | sage (default: what --implementation runs "
                   "for the model; fa2 except HunyuanVideo in diffusers, sdpa-efficient)");
    add_implementation_flag(sc, f.implementation);
    sc->add_option("--cache", f.cache,
                   "step cache: teacache | first-block | magcache (with --cache-skip; docs/accelerators.md)");
    sc->add_option("--cache-skip", f.cache_skip,
                   "share of the sampling steps the --cache serves instead of the denoiser, [0, 0.95]");
    sc->add_option("--attention-keep", f.attention_keep,
                   "share of the video self-attention a sparse kernel keeps (sliding-tile, Sparse VideoGen, "
                   "radial), [0.01, 1]");
    sc->add_option("--ar-step", f.ar_step,
                   "diffusion forcing's asynchronous mode (SkyReels-V2 DF --ar_step): rows each causal block "
                   "lags the one before it; 0 synchronous");
    sc->add_option("--causal-block-size", f.causal_block_size,
                   "latent frames per causal block of diffusion forcing (--causal_block_size; the README's "
                   "asynchronous run: 5)");
    sc->add_flag("--no-image-stage", f.no_image_stage,
                 "skip the model's text-to-image first stage and start from a given image (Open-Sora 2.0: FLUX.1-dev "
                 "makes the first frame in the README's t2i2v flow)");
    sc->add_option("--stg", f.stg,
                   "on | off: LTX-2's spatio-temporal guidance call per step (default: the model's; LTX2Pipeline "
                   "runs it while stg_scale > 0)");
    sc->add_option("--modality-guidance", f.modality_guidance,
                   "on | off: LTX-2's modality-isolation guidance call per step, without the cross-modal "
                   "attention (default: the model's; LTX2Pipeline runs it while modality_scale > 1)");
    sc->add_flag("--causal-attention", f.causal_attention,
                 "the official code's block-causal attention mask (--causal_attention); diffusers masks "
                 "whenever --causal-block-size > 1");
}

/// The request the flags describe.
inline inference_request to_request(const video_flags& f) {
    inference_request r;
    constexpr long long big = 1LL << 20; // pixels, frames and steps far past any model
    auto count = [](std::string_view flag, long long hi) {
        return [flag, hi](const std::string& s) { return static_cast<extent>(parse_int(s, flag, 1, hi)); };
    };
    r.width = if_given<extent>(f.width, count("--width", big));
    r.height = if_given<extent>(f.height, count("--height", big));
    r.frames = if_given<extent>(f.frames, count("--frames", big));
    r.steps = if_given<extent>(f.steps, count("--steps", 100000));
    r.batch = static_cast<extent>(parse_int(f.batch, "--batch", 1, 4096));
    if (!f.cfg.empty()) r.cfg = parse<cfg_mode>(f.cfg, "--cfg");
    if (f.no_cfg) {
        if (r.cfg && *r.cfg != cfg_mode::off)
            raise(errc::inconsistent, "--no-cfg", "--no-cfg and --cfg " + f.cfg + " exclude each other");
        r.cfg = cfg_mode::off;
    }
    r.compute = parse<dtype>(f.dtype_s, "--dtype");
    if (!f.weights_s.empty()) r.weights = parse<dtype>(f.weights_s, "--weights");
    if (!f.attention.empty()) r.attention = parse<attention_kernel>(f.attention, "--attention");
    if (!f.implementation.empty()) r.impl = parse<implementation>(f.implementation, "--implementation");
    r.offload = parse<offload_policy>(f.offload, "--offload");
    if (f.vae_tiling && f.no_vae_tiling)
        raise(errc::inconsistent, "--vae-tiling", "--vae-tiling and --no-vae-tiling exclude each other");
    if (f.vae_tiling) r.vae_tiling = true;
    if (f.no_vae_tiling) r.vae_tiling = false;
    r.text_encoders_on_host = f.text_encoder_on_cpu;
    if (!f.host_tflops.empty()) r.host_flops_per_s = parse_real(f.host_tflops, "--host-tflops", 1e-6, 1e6) * 1e12;
    if (!f.host_GBps.empty()) r.host_bytes_per_s = parse_real(f.host_GBps, "--host-GBps", 1e-6, 1e6) * 1e9;
    if ((r.host_flops_per_s || r.host_bytes_per_s) && !r.text_encoders_on_host)
        raise(errc::inconsistent, "--host-tflops", "--host-tflops and --host-GBps need --text-encoder-on-cpu");
    r.interpolate = static_cast<extent>(parse_int(f.interpolate, "--interpolate", 1, 16));
    r.upscale = static_cast<extent>(parse_int(f.upscale, "--upscale", 1, 4));
    r.gpus = static_cast<int>(parse_int(f.gpus, "--gpus", 1, 4096));
    if (!f.parallel.empty()) r.parallel = parse<parallel_mode>(f.parallel, "--parallel");
    if (!f.ulysses.empty()) r.ulysses = static_cast<int>(parse_int(f.ulysses, "--ulysses", 1, 4096));
    if (!f.ring.empty()) r.ring = static_cast<int>(parse_int(f.ring, "--ring", 1, 4096));
    r.cfg_parallel = f.cfg_parallel;
    r.fsdp = f.fsdp;
    if (!f.link.empty()) r.link = parse<link_kind>(f.link, "--link");
    if (!f.network_GBps.empty()) r.network_bytes_per_s = parse_real(f.network_GBps, "--network-GBps", 1e-3, 1e5) * 1e9;
    r.ring_overlap = parse_real(f.ring_overlap, "--ring-overlap", 0, 1);
    if (!f.cache.empty()) {
        r.accel.cache = parse<step_cache>(f.cache, "--cache");
        if (r.accel.cache != step_cache::none && f.cache_skip.empty())
            raise(errc::inconsistent, "--cache",
                  "--cache " + f.cache + " needs --cache-skip SHARE, the share of steps it serves (which steps a "
                  "threshold serves depends on the content; docs/accelerators.md lists published shares)");
    }
    if (!f.cache_skip.empty()) {
        if (r.accel.cache == step_cache::none)
            raise(errc::inconsistent, "--cache-skip", "--cache-skip needs --cache teacache | first-block | magcache");
        r.accel.cache_skip = parse_real(f.cache_skip, "--cache-skip", 0, max_cache_skip);
    }
    if (!f.attention_keep.empty())
        r.accel.attention_keep = parse_real(f.attention_keep, "--attention-keep", min_attention_keep, 1);
    if (!f.ar_step.empty()) r.forcing.ar_step = static_cast<extent>(parse_int(f.ar_step, "--ar-step", 0, max_steps));
    if (!f.causal_block_size.empty())
        r.forcing.causal_block =
            static_cast<extent>(parse_int(f.causal_block_size, "--causal-block-size", 1, max_frames_per_video));
    r.forcing.causal_attention = f.causal_attention;
    r.image_stage = !f.no_image_stage;
    auto on_off = [](const std::string& v, std::string_view flag) {
        if (v == "on") return true;
        if (v == "off") return false;
        raise(errc::unknown_name, flag, "expected on or off, got '" + v + "'");
    };
    if (!f.stg.empty()) r.stg_pass = on_off(f.stg, "--stg");
    if (!f.modality_guidance.empty()) r.modality_pass = on_off(f.modality_guidance, "--modality-guidance");
    return r;
}

/// The points of a sweep: "33:161:16" (start:stop:step, stop included) or "1,2,4,8"; for resolution a list of
/// WxH. At most 256 points.
inline std::vector<std::string> sweep_points(const std::string& what, const std::string& values) {
    const std::string flag = "--over " + what;
    if (what != "frames" && what != "steps" && what != "batch" && what != "gpus" && what != "resolution")
        raise(errc::unknown_name, "--over", "unknown sweep '" + what + "'; known: frames steps batch gpus resolution");
    if (values.empty()) raise(errc::inconsistent, flag, "no values (e.g. frames=33:161:16 or gpus=1,2,4,8)");
    std::vector<std::string> out;
    if (what != "resolution" && values.find(':') != std::string::npos) {
        std::vector<long long> parts;
        std::size_t pos = 0;
        while (true) {
            const std::size_t colon = values.find(':', pos);
            parts.push_back(parse_int(values.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos),
                                      flag, 1, 1 << 20));
            if (colon == std::string::npos) break;
            pos = colon + 1;
        }
        if (parts.size() != 3) raise(errc::inconsistent, flag, "a range is start:stop:step, got '" + values + "'");
        if (parts[0] > parts[1])
            raise(errc::inconsistent, flag, "empty range '" + values + "': start " + std::to_string(parts[0]) +
                                                " is past stop " + std::to_string(parts[1]));
        for (long long v = parts[0]; v <= parts[1]; v += parts[2]) {
            out.push_back(std::to_string(v));
            if (out.size() > 256) raise(errc::out_of_range, flag, "more than 256 points in '" + values + "'");
        }
        return out;
    }
    for (const auto& item : split_list(values, flag)) {
        if (what == "resolution") {
            const auto x = item.find('x');
            if (x == std::string::npos) raise(errc::inconsistent, flag, "'" + item + "' must be WIDTHxHEIGHT");
            (void)parse_int(item.substr(0, x), flag + " width", 1, 1 << 20);
            (void)parse_int(item.substr(x + 1), flag + " height", 1, 1 << 20);
        } else {
            (void)parse_int(item, flag, 1, 1 << 20);
        }
        out.push_back(item);
    }
    return out;
}

/// The request at one sweep point.
inline void apply_sweep_point(inference_request& r, const std::string& what, const std::string& point) {
    const std::string flag = "--over " + what;
    if (what == "frames") r.frames = parse_int(point, flag, 1, 1 << 20);
    if (what == "steps") r.steps = parse_int(point, flag, 1, 100000);
    if (what == "batch") r.batch = parse_int(point, flag, 1, 4096);
    if (what == "gpus") {
        r.gpus = static_cast<int>(parse_int(point, flag, 1, 4096));
        if (r.gpus > 1 && r.parallel == parallel_mode::none) r.parallel = parallel_mode::ulysses;
        if (r.gpus == 1 && r.parallel != parallel_mode::usp) {
            r.parallel = parallel_mode::none;
            r.fsdp = false;
        }
    }
    if (what == "resolution") {
        const auto x = point.find('x');
        r.width = parse_int(point.substr(0, x), flag, 1, 1 << 20);
        r.height = parse_int(point.substr(x + 1), flag, 1, 1 << 20);
    }
}

} // namespace vidperf::cli
