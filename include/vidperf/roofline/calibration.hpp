#pragma once
/// \file
/// Calibration: every efficiency, overhead and regime constant the roofline
/// engine uses, each with its provenance. Model code never holds such a
/// literal; it reads it from here. A calibration is plain data, usable in
/// constant expressions, so an embedder can compile one in (see profiles.hpp
/// and the fitter's `constexpr` header output).

#include <array>
#include <string>
#include <string_view>
#include <type_traits>

#include <vidperf/core/dtype.hpp>
#include <vidperf/core/quantity.hpp>
#include <vidperf/ops/ops.hpp>
#include <vidperf/core/names.hpp>

namespace vidperf {

/// Where a constant comes from (design rule 1). `assumed` marks a constant
/// with no figure behind it for this GPU (e.g. carried over from a sibling
/// part, or an ideal value); predictions that rest on one say so.
enum class provenance_kind : unsigned char { assumed, datasheet, literature, measured };

template <>
struct enum_names<provenance_kind> {
    static constexpr std::string_view what = "provenance";
    static constexpr auto entries = std::to_array<name_entry<provenance_kind>>({
        {provenance_kind::assumed, "assumed"},
        {provenance_kind::datasheet, "datasheet"},
        {provenance_kind::literature, "literature"},
        {provenance_kind::measured, "measured"}});
};

struct provenance {
    provenance_kind kind = provenance_kind::assumed;
    std::string_view source; ///< citation, or the measured file it was fitted from
};

/// One calibrated constant: value, provenance and (for fitted constants) the
/// standard error of the fit (0 when not fitted).
template <class T>
struct calibrated {
    T value{};
    provenance from{};
    double std_error = 0;
};

/// Efficiency model of one attention kernel family on one GPU:
///   eta(s, d) = efficiency * s / (s + seq_half) * h(d),
///   h(d) = [d / (d + head_dim_half)] / [128 / (128 + head_dim_half)],
/// with s the key length (halved for causal masks) and d the head dimension:
/// the softmax and bookkeeping work per score is independent of d while the
/// two matrix products per score grow with d, so small heads run a smaller
/// share of tensor-core work (h = 1 at d = 128, where `efficiency` is given).
/// Backward runs at backward_ratio * eta.
template <class Real = double>
struct attention_calibration {
    bool available = true;
    calibrated<Real> efficiency{};     ///< forward, long sequences, head_dim 128, fraction of the dense peak
    calibrated<Real> seq_half{};       ///< key length at which half of `efficiency` is reached
    calibrated<Real> backward_ratio{}; ///< backward efficiency / forward efficiency
    calibrated<Real> head_dim_half{};  ///< head dimension at which the matrix products are half the work; 0 = none
    /// Causal masks cost more than halving the keys: tiles on the diagonal run masked,
    /// and rows finish unevenly. Efficiency of a causal call relative to a full call
    /// with half the keys; 0 = no separate figure (taken as 1).
    calibrated<Real> causal_ratio{};
};

template <class Real = double>
struct basic_calibration {
    std::string_view profile;  ///< "datasheet", "literature", "measured", or a user name
    std::string_view gpu_slug; ///< GPU it was made for; empty = any GPU (the datasheet ideal)
    /// Price compute at the clocks of a long job (sustained_clock_ratio applied);
    /// false = the short-burst clocks the efficiencies were measured at. Set by sustained().
    bool sustained_load = false;

    // --- GEMM: eta = gemm_efficiency[class] * wave(m, n, k) * k / (k + gemm_ramp_dim)
    //     (SIMT FP32: gemm_ramp_dim_fp32 where set, and the tile's operand reuse)
    std::array<calibrated<Real>, compute_class_count> gemm_efficiency{};
    calibrated<Real> gemm_tile_m{};     ///< CTA tile rows for wave quantisation; 0 = no quantisation
    calibrated<Real> gemm_tile_n{};     ///< CTA tile columns
    calibrated<Real> gemm_split_k_min_k{}; ///< split-K only when k / split >= this; 0 = no split-K
    calibrated<Real> gemm_ramp_dim{};   ///< k at which the per-tile fixed work halves efficiency; 0 = none
    /// The same for SIMT FP32 GEMMs (CUDA cores, their own tiles and k-loop
    /// rate); 0 = unset, FP32 GEMMs take gemm_ramp_dim.
    calibrated<Real> gemm_ramp_dim_fp32{};
    calibrated<seconds_t<Real>> gemm_overhead{}; ///< fixed time per GEMM library call

    // --- memory: bandwidth by working-set size (L2-resident below l2_resident_lo, HBM above hi)
    calibrated<Real> hbm_efficiency{};  ///< streaming copy-like kernels, large working sets
    /// Achieved HBM bandwidth of framework kernels per pointwise kind, as a
    /// fraction of the datasheet rate (indexed by pointwise_kind: elementwise,
    /// layernorm, rmsnorm, softmax, reduction). Norm and softmax kernels
    /// reduce along rows and do not reach copy bandwidth. Pointwise kernels
    /// stream tensors far larger than L2 in video models and are priced at
    /// this HBM rate whatever their size (no L2-resident rate).
    std::array<calibrated<Real>, pointwise_kind_count> pointwise_efficiency{};
    /// Row-wise kernels (norms, softmax) make several passes over each row: the
    /// later passes hit L1 while the rows resident on an SM fit there, and read
    /// the row again from L2/HBM once they do not. Row size in bytes at which
    /// half of that extra read is paid, per pointwise kind (the engine's spill
    /// term, pointwise_spill_fraction); 0 = no spill term. A plain number of bytes.
    std::array<calibrated<Real>, pointwise_kind_count> pointwise_spill_bytes{};
    /// Bandwidth of PyTorch's block softmax on rows that hold fewer than two of
    /// its vectorised strides (pytorch_softmax_single_stride), relative to the
    /// softmax efficiency every other softmax row gets; 0 = unset (no such term).
    calibrated<Real> softmax_single_stride_ratio{};
    calibrated<bytes_per_second_t<Real>> l2_bandwidth{}; ///< 0 = no L2 regime
    calibrated<bytes_t<Real>> l2_resident_lo{};
    calibrated<bytes_t<Real>> l2_resident_hi{};

    // --- attention, per kernel family (indexed by attention_kernel)
    std::array<attention_calibration<Real>, attention_kernel_count> attention{};

    // --- convolution: efficiency relative to the GEMM model at its implicit-GEMM shape
    calibrated<Real> conv_relative_efficiency{};

    // --- kernels in general
    calibrated<seconds_t<Real>> launch_overhead{}; ///< per kernel launch (stream, no graph)
    calibrated<Real> combine_exponent{}; ///< p of (t_c^p + t_m^p)^(1/p); 0 = plain max
    /// Tensor throughput a long job sustains at the board's power and thermal
    /// limits, as a fraction of what the short microbenchmarks behind the
    /// compute efficiencies saw (1 = no throttling). Applied by sustained().
    calibrated<Real> sustained_clock_ratio{};

    // --- copies
    calibrated<Real> pcie_efficiency{};   ///< pinned host<->device copy rate / PCIe per-direction rate
    calibrated<Real> pageable_factor{};   ///< pageable rate / pinned rate
    calibrated<Real> nvlink_efficiency{}; ///< peer copy rate / NVLink per-direction rate

    // --- collectives: t = latency + buffer * bus_factor / (link bandwidth * efficiency)
    calibrated<seconds_t<Real>> collective_latency{};
    calibrated<Real> collective_efficiency{}; ///< ring bus bandwidth / link rate (NVLink)
    calibrated<Real> all_to_all_efficiency{}; ///< all-to-all bus bandwidth / link rate (NVLink)
    calibrated<Real> pcie_collective_efficiency{};
    calibrated<Real> network_collective_efficiency{};

    // --- memory outside the kernels (bytes only; memory/residency.hpp)
    calibrated<bytes_t<Real>> cuda_context{}; ///< what the CUDA context and framework take before any tensor
    calibrated<bytes_t<Real>> workspace{};    ///< library workspace (cuBLAS) held while kernels run
    calibrated<Real> allocator_overhead{};    ///< caching allocator's reserved / allocated at the peak

    // --- the host CPU, for stages run there (roofline/host.hpp)
    calibrated<flops_per_second_t<Real>> host_flops{};
    calibrated<bytes_per_second_t<Real>> host_bandwidth{};

    [[nodiscard]] constexpr const calibrated<Real>& gemm(compute_class c) const {
        return gemm_efficiency[static_cast<std::size_t>(c)];
    }
    [[nodiscard]] constexpr const attention_calibration<Real>& attn(attention_kernel k) const {
        return attention[static_cast<std::size_t>(k)];
    }
    [[nodiscard]] constexpr const calibrated<Real>& pointwise(pointwise_kind k) const {
        return pointwise_efficiency[static_cast<std::size_t>(k)];
    }
    [[nodiscard]] constexpr const calibrated<Real>& spill(pointwise_kind k) const {
        return pointwise_spill_bytes[static_cast<std::size_t>(k)];
    }
};

using calibration = basic_calibration<double>;

} // namespace vidperf

namespace vidperf {

/// Calls `f(key, c.x, cs.x...)` for every constant x of one or more
/// calibrations (of any scalar types), with the stable unit-suffixed key used
/// in the JSON form (`vidperf.calibration/1`). This is the one list of a
/// calibration's constants: JSON, the fitter's header, rebind and the CLI
/// listing all walk it. Attention availability flags are visited by
/// `for_each_flag`.
template <class F, class Cal, class... Cals>
constexpr void for_each_constant_of(F&& f, Cal& c, Cals&... cs) {
    constexpr std::array<std::string_view, compute_class_count> gemm_keys{
        "gemm_efficiency_fp32", "gemm_efficiency_tf32", "gemm_efficiency_bf16", "gemm_efficiency_fp16",
        "gemm_efficiency_fp8",  "gemm_efficiency_int8", "gemm_efficiency_int4"};
    for (std::size_t i = 0; i < compute_class_count; ++i) f(gemm_keys[i], c.gemm_efficiency[i], cs.gemm_efficiency[i]...);
    f(std::string_view("gemm_tile_m"), c.gemm_tile_m, cs.gemm_tile_m...);
    f(std::string_view("gemm_tile_n"), c.gemm_tile_n, cs.gemm_tile_n...);
    f(std::string_view("gemm_split_k_min_k"), c.gemm_split_k_min_k, cs.gemm_split_k_min_k...);
    f(std::string_view("gemm_ramp_dim"), c.gemm_ramp_dim, cs.gemm_ramp_dim...);
    f(std::string_view("gemm_ramp_dim_fp32"), c.gemm_ramp_dim_fp32, cs.gemm_ramp_dim_fp32...);
    f(std::string_view("gemm_overhead_s"), c.gemm_overhead, cs.gemm_overhead...);
    f(std::string_view("hbm_efficiency"), c.hbm_efficiency, cs.hbm_efficiency...);
    constexpr std::array<std::string_view, pointwise_kind_count> pointwise_keys{
        "pointwise_elementwise_efficiency", "pointwise_layernorm_efficiency", "pointwise_rmsnorm_efficiency",
        "pointwise_softmax_efficiency", "pointwise_reduction_efficiency"};
    for (std::size_t i = 0; i < pointwise_kind_count; ++i)
        f(pointwise_keys[i], c.pointwise_efficiency[i], cs.pointwise_efficiency[i]...);
    constexpr std::array<std::string_view, pointwise_kind_count> spill_keys{
        "pointwise_elementwise_spill_bytes", "pointwise_layernorm_spill_bytes", "pointwise_rmsnorm_spill_bytes",
        "pointwise_softmax_spill_bytes", "pointwise_reduction_spill_bytes"};
    for (std::size_t i = 0; i < pointwise_kind_count; ++i)
        f(spill_keys[i], c.pointwise_spill_bytes[i], cs.pointwise_spill_bytes[i]...);
    f(std::string_view("softmax_single_stride_ratio"), c.softmax_single_stride_ratio,
      cs.softmax_single_stride_ratio...);
    f(std::string_view("l2_bandwidth_Bps"), c.l2_bandwidth, cs.l2_bandwidth...);
    f(std::string_view("l2_resident_lo_bytes"), c.l2_resident_lo, cs.l2_resident_lo...);
    f(std::string_view("l2_resident_hi_bytes"), c.l2_resident_hi, cs.l2_resident_hi...);
    constexpr std::array<std::string_view, attention_kernel_count> kernels{"fa2",       "fa3",           "cudnn",
                                                                           "sdpa_math", "sdpa_efficient", "sage"};
    constexpr std::array<std::string_view, attention_kernel_count> eff_keys{
        "attention_fa2_efficiency",       "attention_fa3_efficiency",            "attention_cudnn_efficiency",
        "attention_sdpa_math_efficiency", "attention_sdpa_efficient_efficiency", "attention_sage_efficiency"};
    constexpr std::array<std::string_view, attention_kernel_count> half_keys{
        "attention_fa2_seq_half",       "attention_fa3_seq_half",            "attention_cudnn_seq_half",
        "attention_sdpa_math_seq_half", "attention_sdpa_efficient_seq_half", "attention_sage_seq_half"};
    constexpr std::array<std::string_view, attention_kernel_count> bwd_keys{
        "attention_fa2_backward_ratio",       "attention_fa3_backward_ratio",
        "attention_cudnn_backward_ratio",     "attention_sdpa_math_backward_ratio",
        "attention_sdpa_efficient_backward_ratio", "attention_sage_backward_ratio"};
    constexpr std::array<std::string_view, attention_kernel_count> causal_keys{
        "attention_fa2_causal_ratio",       "attention_fa3_causal_ratio",
        "attention_cudnn_causal_ratio",     "attention_sdpa_math_causal_ratio",
        "attention_sdpa_efficient_causal_ratio", "attention_sage_causal_ratio"};
    constexpr std::array<std::string_view, attention_kernel_count> hd_keys{
        "attention_fa2_head_dim_half",       "attention_fa3_head_dim_half",
        "attention_cudnn_head_dim_half",     "attention_sdpa_math_head_dim_half",
        "attention_sdpa_efficient_head_dim_half", "attention_sage_head_dim_half"};
    static_assert(kernels.size() == attention_kernel_count);
    for (std::size_t i = 0; i < attention_kernel_count; ++i) {
        f(eff_keys[i], c.attention[i].efficiency, cs.attention[i].efficiency...);
        f(half_keys[i], c.attention[i].seq_half, cs.attention[i].seq_half...);
        f(bwd_keys[i], c.attention[i].backward_ratio, cs.attention[i].backward_ratio...);
        f(hd_keys[i], c.attention[i].head_dim_half, cs.attention[i].head_dim_half...);
        f(causal_keys[i], c.attention[i].causal_ratio, cs.attention[i].causal_ratio...);
    }
    f(std::string_view("conv_relative_efficiency"), c.conv_relative_efficiency, cs.conv_relative_efficiency...);
    f(std::string_view("launch_overhead_s"), c.launch_overhead, cs.launch_overhead...);
    f(std::string_view("combine_exponent"), c.combine_exponent, cs.combine_exponent...);
    f(std::string_view("sustained_clock_ratio"), c.sustained_clock_ratio, cs.sustained_clock_ratio...);
    f(std::string_view("pcie_efficiency"), c.pcie_efficiency, cs.pcie_efficiency...);
    f(std::string_view("pageable_factor"), c.pageable_factor, cs.pageable_factor...);
    f(std::string_view("nvlink_efficiency"), c.nvlink_efficiency, cs.nvlink_efficiency...);
    f(std::string_view("collective_latency_s"), c.collective_latency, cs.collective_latency...);
    f(std::string_view("collective_efficiency"), c.collective_efficiency, cs.collective_efficiency...);
    f(std::string_view("all_to_all_efficiency"), c.all_to_all_efficiency, cs.all_to_all_efficiency...);
    f(std::string_view("pcie_collective_efficiency"), c.pcie_collective_efficiency, cs.pcie_collective_efficiency...);
    f(std::string_view("network_collective_efficiency"), c.network_collective_efficiency,
      cs.network_collective_efficiency...);
    f(std::string_view("cuda_context_bytes"), c.cuda_context, cs.cuda_context...);
    f(std::string_view("workspace_bytes"), c.workspace, cs.workspace...);
    f(std::string_view("allocator_overhead"), c.allocator_overhead, cs.allocator_overhead...);
    f(std::string_view("host_flops_per_s"), c.host_flops, cs.host_flops...);
    f(std::string_view("host_bandwidth_Bps"), c.host_bandwidth, cs.host_bandwidth...);
}

/// Calls `f(key, constant)` for every constant of a calibration (see for_each_constant_of).
template <class Cal, class F>
constexpr void for_each_constant(Cal& c, F&& f) {
    for_each_constant_of(f, c);
}

/// The same calibration with another scalar type (float sweeps, autodiff sensitivities).
template <class Other, class Real>
[[nodiscard]] constexpr basic_calibration<Other> rebind(const basic_calibration<Real>& c) {
    basic_calibration<Other> o;
    o.profile = c.profile;
    o.gpu_slug = c.gpu_slug;
    o.sustained_load = c.sustained_load;
    for (std::size_t i = 0; i < attention_kernel_count; ++i) o.attention[i].available = c.attention[i].available;
    for_each_constant_of(
        [](std::string_view, auto& out, const auto& in) {
            using T = std::remove_cvref_t<decltype(out.value)>;
            if constexpr (requires { in.value.value(); })
                out = {T(Other(in.value.value())), in.from, in.std_error};
            else
                out = {T(in.value), in.from, in.std_error};
        },
        o, c);
    return o;
}

/// The calibration for a long job: compute at the power- and thermal-limited
/// clocks (`sustained_clock_ratio`) instead of the short-burst clocks single-op
/// microbenchmarks see. Whole-job estimates use this; single ops do not.
template <class Real>
[[nodiscard]] constexpr basic_calibration<Real> sustained(basic_calibration<Real> c) {
    c.sustained_load = true;
    return c;
}

/// Calls `f(key, flag)` for each attention kernel's availability flag.
template <class Cal, class F>
constexpr void for_each_flag(Cal& c, F&& f) {
    constexpr std::array<std::string_view, attention_kernel_count> keys{
        "attention_fa2_available",       "attention_fa3_available",            "attention_cudnn_available",
        "attention_sdpa_math_available", "attention_sdpa_efficient_available", "attention_sage_available"};
    for (std::size_t i = 0; i < attention_kernel_count; ++i) f(keys[i], c.attention[i].available);
}

/// The plain number of a constant (a quantity's value in SI base units).
template <class T>
[[nodiscard]] constexpr double constant_value(const calibrated<T>& c) {
    if constexpr (requires { c.value.value(); })
        return static_cast<double>(c.value.value());
    else
        return static_cast<double>(c.value);
}

/// Largest values validate() lets a constant take, by what it measures: far past any GPU, and a bound on what
/// the arithmetic downstream (sizes rounded to integers, times summed over millions of kernels) must carry.
namespace calibration_limits {
inline constexpr double max_tile = 65536;      ///< gemm_tile_m, gemm_tile_n: a CTA tile edge, in elements
inline constexpr double max_size = 1e9;        ///< split-K k, k ramp, attention seq_half and head_dim_half
inline constexpr double max_time_s = 1;        ///< a per-call overhead or latency (*_s), in seconds
inline constexpr double max_ratio = 100;       ///< backward_ratio, causal_ratio, pageable_factor
inline constexpr double max_bytes = 1e15;      ///< *_bytes: a petabyte
inline constexpr double max_rate = 1e18;       ///< *_Bps, host_flops_per_s: an exa-unit per second
inline constexpr double min_rate = 1e3;        ///< the least nonzero *_Bps, *_per_s: a kilo-unit per second
inline constexpr double min_efficiency = 1e-3; ///< the least nonzero efficiency: 0.1 % of the datasheet rate
} // namespace calibration_limits

/// Checks every constant is physically possible: finite and >= 0, with a finite standard error >= 0;
/// efficiencies (a fraction of a datasheet rate) 0 (the path does not exist) or in [0.001, 1], rates 0 or at
/// least 1e3 per second (a 1e-300 efficiency priced jobs at 1e300 s and their sensitivities at inf); the sustained clock
/// ratio in (0, 1]; the allocator's overhead in [1, 4]; the combine exponent 0 (plain max) or in [1, 64]; the
/// GEMM tile edges both 0 (no wave quantisation) or each in [1, 65536]; and no constant beyond the bound of its
/// kind (calibration_limits: sizes 1e9, per-call times 1 s, ratios 100, bytes 1e15, rates 1e18 per second).
/// Raises naming the constant, the value and the bound.
template <class Real>
constexpr void validate(const basic_calibration<Real>& c, std::string_view where) {
    auto ends_with = [](std::string_view s, std::string_view tail) {
        return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
    };
    auto at_most = [&](double v, double hi, std::string_view field, std::string_view why) {
        if (!(v <= hi))
            detail::raise(errc::out_of_range, where,
                          "field '" + std::string(field) + "' must be in [0, " + detail::number_text(hi) + "] (" +
                              std::string(why) + "), got " + detail::number_text(v));
    };
    for_each_constant(c, [&](std::string_view key, const auto& k) {
        const double v = constant_value(k);
        const std::string field(key);
        detail::require_non_negative(v, where, field);
        detail::require_non_negative(k.std_error, where, field + ".std_error");
        // a nonzero constant far below any real one prices jobs at ~1e300 s and their sensitivities at inf
        auto zero_or_at_least = [&](double lo, std::string_view what) {
            if (v != 0.0 && v < lo)
                detail::raise(errc::out_of_range, where,
                              "field '" + field + "' must be 0 (none) or at least " + detail::number_text(lo) + " (" +
                                  std::string(what) + "), got " + detail::number_text(v));
        };
        if (key.find("efficiency") != std::string_view::npos) {
            detail::require_in_range(v, 0.0, 1.0, where, field);
            zero_or_at_least(calibration_limits::min_efficiency, "a tenth of a percent of the datasheet rate");
        } else if (ends_with(key, "_Bps") || ends_with(key, "_per_s")) {
            at_most(v, calibration_limits::max_rate, key, "per second");
            zero_or_at_least(calibration_limits::min_rate, "per second");
        } else if (key == "gemm_split_k_min_k" || key == "gemm_ramp_dim" || key == "gemm_ramp_dim_fp32" ||
                   ends_with(key, "_seq_half") || ends_with(key, "_head_dim_half"))
            at_most(v, calibration_limits::max_size, key, "a size in elements");
        else if (ends_with(key, "_s"))
            at_most(v, calibration_limits::max_time_s, key, "seconds per call: no kernel launch or library call takes longer");
        else if ((ends_with(key, "_ratio") && key != "sustained_clock_ratio") || key == "pageable_factor")
            at_most(v, calibration_limits::max_ratio, key, "a ratio of two rates");
        else if (ends_with(key, "_bytes"))
            at_most(v, calibration_limits::max_bytes, key, "bytes: a petabyte at most");
    });
    // the tile edges set the wave term together: both 0 (none) or both a real tile
    const double tm = constant_value(c.gemm_tile_m), tn = constant_value(c.gemm_tile_n);
    if (tm != 0.0 || tn != 0.0) {
        auto tile = [&](double v, std::string_view field, std::string_view other, double other_v) {
            if (!(v >= 1.0 && v <= calibration_limits::max_tile))
                detail::raise(errc::out_of_range, where,
                              "field '" + std::string(field) + "' must be in [1, " +
                                  detail::number_text(calibration_limits::max_tile) + "] (a CTA tile edge; 0 only with " +
                                  std::string(other) + " 0 too, for no wave quantisation; " + std::string(other) +
                                  " is " + detail::number_text(other_v) + "), got " + detail::number_text(v));
        };
        tile(tm, "gemm_tile_m", "gemm_tile_n", tn);
        tile(tn, "gemm_tile_n", "gemm_tile_m", tm);
    }
    // every byte a kernel moves is priced at hbm_efficiency x the datasheet bandwidth: zero is no GPU
    detail::require_in_range(constant_value(c.hbm_efficiency), 1e-3, 1.0, where, "hbm_efficiency");
    detail::require_in_range(constant_value(c.sustained_clock_ratio), 1e-3, 1.0, where, "sustained_clock_ratio");
    detail::require_in_range(constant_value(c.allocator_overhead), 1.0, 4.0, where, "allocator_overhead");
    const double p = constant_value(c.combine_exponent);
    if (p != 0.0) detail::require_in_range(p, 1.0, 64.0, where, "combine_exponent");
}

} // namespace vidperf
