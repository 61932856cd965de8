#pragma once
/// \file
/// The roofline engine: time of one op on one GPU under one calibration.
///
///   time = combine(compute time, memory time) + overhead
///   compute time = FLOPs / (dense peak[dtype] * eta_compute(op shape))
///   memory time  = bytes / bandwidth(working set)
///   combine      = max (p = 0) or (t_c^p + t_m^p)^(1/p), a smooth maximum
///                  that is slower than either bound near the ridge point
///
/// Every eta, overhead and regime boundary is read from the calibration;
/// formulas are in docs/model.md. Pure functions: no allocation on success,
/// no shared state, safe to call from any number of threads.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <vidperf/core/error.hpp>
#include <vidperf/core/quantity.hpp>
#include <vidperf/hardware/gpu_spec.hpp>
#include <vidperf/ops/op_cost.hpp>
#include <vidperf/ops/ops.hpp>
#include <vidperf/roofline/calibration.hpp>
#include <vidperf/core/names.hpp>

namespace vidperf {

enum class bound_kind : unsigned char { compute, memory, overhead, communication, io };

template <>
struct enum_names<bound_kind> {
    static constexpr std::string_view what = "bound";
    static constexpr auto entries = std::to_array<name_entry<bound_kind>>({
        {bound_kind::compute, "compute"},
        {bound_kind::memory, "memory"},
        {bound_kind::overhead, "overhead"},
        {bound_kind::communication, "communication"},
        {bound_kind::io, "io"}});
};

template <class Real = double>
struct prediction {
    seconds_t<Real> time{};          ///< total
    seconds_t<Real> compute_time{};  ///< FLOPs at the calibrated rate
    seconds_t<Real> memory_time{};   ///< bytes at the calibrated bandwidth (or link time for transfers)
    seconds_t<Real> overhead_time{}; ///< launch / library-call / collective latency
    flops_t<Real> flops{};
    bytes_t<Real> bytes{};
    bound_kind bound = bound_kind::compute;
    Real compute_efficiency{};                      ///< eta applied to the dense peak (1 = datasheet)
    flops_per_second_t<Real> compute_rate{};        ///< peak * eta
    bytes_per_second_t<Real> memory_bandwidth{};    ///< effective bandwidth used for memory_time
    /// Weakest provenance among the constants behind each term, and behind the
    /// dominant term (the bound) as `basis`: what this prediction rests on.
    provenance_kind compute_basis = provenance_kind::measured;
    provenance_kind memory_basis = provenance_kind::measured;
    provenance_kind overhead_basis = provenance_kind::measured;
    provenance_kind basis = provenance_kind::measured;

    [[nodiscard]] constexpr flops_per_second_t<Real> achieved_flops_per_second() const { return flops / time; }
    [[nodiscard]] constexpr bytes_per_second_t<Real> achieved_bytes_per_second() const { return bytes / time; }
};

namespace detail {

template <class Real>
[[nodiscard]] constexpr const Real& max_of(const Real& a, const Real& b) {
    return a < b ? b : a;
}

constexpr void weaken(provenance_kind& basis, const provenance& p) {
    if (static_cast<int>(p.kind) < static_cast<int>(basis)) basis = p.kind;
}

[[nodiscard]] constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

/// A calibration constant read as an integer count (tile sizes etc.).
template <class Real>
[[nodiscard]] constexpr std::int64_t as_count(const Real& v) {
    return static_cast<std::int64_t>(to_double(v) + 0.5);
}

/// Smooth maximum of compute and memory time; exponent <= 0 is the plain maximum.
template <class Real>
[[nodiscard]] constexpr seconds_t<Real> combine_times(const seconds_t<Real>& tc, const seconds_t<Real>& tm,
                                                     const Real& exponent) {
    if (!(to_double(exponent) > 0)) return max_of(tc, tm);
    using std::pow;
    const Real c = tc.value(), m = tm.value();
    if (to_double(c) <= 0) return tm;
    if (to_double(m) <= 0) return tc;
    return seconds_t<Real>(pow(pow(c, exponent) + pow(m, exponent), Real(1) / exponent));
}

// Error messages of the checks every prediction runs, each in a cold function of its own so that the check
// itself stays a compare the compiler inlines.
[[noreturn, gnu::cold, gnu::noinline]] inline void raise_no_hbm_bandwidth(std::string_view profile,
                                                                          std::string_view gpu) {
    raise(errc::no_calibration, "memory_bandwidth",
          std::string("calibration '") + std::string(profile) + "' gives GPU '" + std::string(gpu) +
              "' no positive HBM bandwidth (hbm_efficiency or the kernel class's efficiency is 0)");
}
[[noreturn, gnu::cold, gnu::noinline]] inline void raise_sustained_ratio(std::string_view profile, double r) {
    raise(errc::no_calibration, "predict",
          "calibration '" + std::string(profile) + "' has sustained_clock_ratio " + std::to_string(r) +
              "; it must be in (0, 1]");
}
[[noreturn, gnu::cold, gnu::noinline]] inline void raise_no_gemm_efficiency(std::string_view profile,
                                                                            compute_class cc) {
    raise(errc::no_calibration, "predict(gemm)",
          std::string("calibration '") + std::string(profile) + "' has no positive GEMM efficiency for " +
              std::string(name(cc)));
}

/// Effective memory bandwidth for a working set of `ws` bytes: the L2 rate
/// below l2_resident_lo, the HBM rate of the kernel class (`hbm_eff`, a
/// fraction of the datasheet bandwidth) above l2_resident_hi, and a harmonic
/// (time-per-byte) blend in between.
template <class Real>
[[nodiscard]] constexpr bytes_per_second_t<Real> memory_bandwidth(const bytes_t<Real>& ws,
                                                                  const basic_gpu_spec<Real>& gpu,
                                                                  const basic_calibration<Real>& cal,
                                                                  const calibrated<Real>& hbm_eff,
                                                                  provenance_kind& basis) {
    weaken(basis, hbm_eff.from);
    const bytes_per_second_t<Real> hbm = gpu.hbm_bandwidth * hbm_eff.value;
    if (!(to_double(hbm.value()) > 0)) [[unlikely]] // a zero efficiency would price every byte at infinite time
        raise_no_hbm_bandwidth(cal.profile, gpu.slug);
    const Real l2 = cal.l2_bandwidth.value.value();
    if (!(to_double(l2) > 0)) return hbm;
    const Real lo = cal.l2_resident_lo.value.value();
    const Real hi = cal.l2_resident_hi.value.value();
    const Real w = ws.value();
    if (!(w < hi)) return hbm;
    weaken(basis, cal.l2_bandwidth.from);
    weaken(basis, cal.l2_resident_lo.from);
    if (!(w > lo)) return cal.l2_bandwidth.value;
    const Real f = (w - lo) / (hi - lo);
    return bytes_per_second_t<Real>(Real(1) / ((Real(1) - f) / l2 + f / hbm.value()));
}

template <class Real>
[[nodiscard]] constexpr bytes_per_second_t<Real> memory_bandwidth(const bytes_t<Real>& ws,
                                                                  const basic_gpu_spec<Real>& gpu,
                                                                  const basic_calibration<Real>& cal,
                                                                  provenance_kind& basis) {
    return memory_bandwidth(ws, gpu, cal, cal.hbm_efficiency, basis);
}

/// The factor on compute rates for the load the calibration prices: 1 for
/// single ops (short bursts), sustained_clock_ratio for whole jobs.
template <class Real>
[[nodiscard]] constexpr Real clock_factor(const basic_calibration<Real>& cal, provenance_kind& basis) {
    if (!cal.sustained_load) return Real(1);
    const Real r = cal.sustained_clock_ratio.value;
    if (!(to_double(r) > 0) || !(to_double(r) <= 1)) [[unlikely]]
        raise_sustained_ratio(cal.profile, to_double(r));
    weaken(basis, cal.sustained_clock_ratio.from);
    return r;
}

/// Smallest tile edge a kernel can use: the MMA instruction granularity
/// (mma.sync m16n8k16 / wgmma m64nNk16 with N down to 8; 16 covers both).
inline constexpr std::int64_t mma_granularity = 16;

/// Tile edge for one GEMM dimension: the calibrated tile, narrowed for a
/// dimension smaller than it to the next power of two (libraries pick
/// narrower tiles for skinny problems), never below mma_granularity.
[[nodiscard]] constexpr std::int64_t tile_for(std::int64_t dim, std::int64_t tile) {
    std::int64_t t = mma_granularity;
    while (t < dim && t < tile) t *= 2;
    return t < tile ? t : tile;
}

/// Wave-quantisation efficiency of a GEMM over the GPU's SMs: the useful
/// work divided by the work of the padded tiles the SMs actually run,
///   eff = m n k batch / (waves * SMs * tile_m * tile_n * ceil(k / split)),
/// with split-K (split = min(SMs / tiles, k / split_k_min_k)) only when the
/// output tiles alone leave SMs idle. Time is non-decreasing in m, n, batch.
template <class Real>
[[nodiscard]] constexpr double wave_efficiency(const gemm_op& g, int sms, const basic_calibration<Real>& cal) {
    const std::int64_t tm_cal = as_count(cal.gemm_tile_m.value);
    const std::int64_t tn_cal = as_count(cal.gemm_tile_n.value);
    if (tm_cal <= 0 || tn_cal <= 0 || sms <= 0) return 1.0;
    const std::int64_t tm = tile_for(g.m, tm_cal);
    const std::int64_t tn = tile_for(g.n, tn_cal);
    const std::int64_t tiles = ceil_div(g.m, tm) * ceil_div(g.n, tn) * g.batch;
    std::int64_t split = 1;
    const std::int64_t min_k = as_count(cal.gemm_split_k_min_k.value);
    if (min_k > 0 && tiles < sms) {
        split = sms / tiles;
        const std::int64_t by_k = g.k / min_k;
        if (by_k < split) split = by_k;
        if (split < 1) split = 1;
    }
    const std::int64_t waves = ceil_div(tiles * split, sms);
    const double useful = static_cast<double>(g.m) * static_cast<double>(g.n) * static_cast<double>(g.k) *
                          static_cast<double>(g.batch);
    const double padded = static_cast<double>(waves) * sms * static_cast<double>(tm) * static_cast<double>(tn) *
                          static_cast<double>(ceil_div(g.k, split));
    return useful / padded;
}

/// Operand reuse of a SIMT GEMM's tile (FP32 on CUDA cores, no tensor cores)
/// relative to the calibrated tile. Each k step of a tm x tn tile loads
/// tm + tn operands for tm * tn FMAs; a tile narrowed for a thin output
/// dimension does fewer FMAs per operand loaded, and SIMT kernels are bound by
/// that operand traffic:
///   reuse = [tm tn / (tm + tn)] / [T_m T_n / (T_m + T_n)]
/// with T the calibrated tile and t the tile tile_for() narrows it to (1 for
/// the full tile, 2/3 for n = 64, 0.4 for n = 32 against 128 x 128). Tensor-core
/// kernels are not priced so: their thin shapes in the public corpus fit wave
/// quantisation alone.
template <class Real>
[[nodiscard]] constexpr double simt_tile_reuse(const gemm_op& g, const basic_calibration<Real>& cal) {
    const std::int64_t tm_cal = as_count(cal.gemm_tile_m.value);
    const std::int64_t tn_cal = as_count(cal.gemm_tile_n.value);
    if (tm_cal <= 0 || tn_cal <= 0) return 1.0;
    auto reuse = [](double tm, double tn) { return tm * tn / (tm + tn); };
    return reuse(static_cast<double>(tile_for(g.m, tm_cal)), static_cast<double>(tile_for(g.n, tn_cal))) /
           reuse(static_cast<double>(tm_cal), static_cast<double>(tn_cal));
}

/// eta of a GEMM: class efficiency x wave quantisation x k ramp.
template <class Real>
[[nodiscard]] constexpr Real gemm_eta(const gemm_op& g, compute_class cc, const basic_gpu_spec<Real>& gpu,
                                      const basic_calibration<Real>& cal, provenance_kind& basis) {
    const auto& eff = cal.gemm(cc);
    weaken(basis, eff.from);
    Real eta = eff.value * Real(wave_efficiency(g, gpu.sm_count, cal)) * clock_factor(cal, basis);
    // fixed prologue/epilogue work per output tile against a k-loop of length k;
    // SIMT FP32 kernels have their own ramp where one is calibrated
    const auto& ramp_c = cc == compute_class::fp32 && to_double(cal.gemm_ramp_dim_fp32.value) > 0
                             ? cal.gemm_ramp_dim_fp32
                             : cal.gemm_ramp_dim;
    const Real ramp = ramp_c.value;
    if (to_double(ramp) > 0) {
        weaken(basis, ramp_c.from);
        const Real kk = Real(static_cast<double>(g.k));
        eta = eta * kk / (kk + ramp);
    }
    if (!(to_double(eta) > 0)) [[unlikely]]
        raise_no_gemm_efficiency(cal.profile, cc);
    return eta;
}

template <class Real>
constexpr void set_basis(prediction<Real>& p) {
    switch (p.bound) {
    case bound_kind::compute: p.basis = p.compute_basis; break;
    case bound_kind::memory: p.basis = p.memory_basis; break;
    case bound_kind::overhead: p.basis = p.overhead_basis; break;
    default:
        p.basis = static_cast<int>(p.memory_basis) < static_cast<int>(p.overhead_basis) ? p.memory_basis
                                                                                        : p.overhead_basis;
    }
}

template <class Real>
constexpr void finish(prediction<Real>& p, const Real& exponent) {
    const seconds_t<Real> body = combine_times(p.compute_time, p.memory_time, exponent);
    p.time = body + p.overhead_time;
    if (p.overhead_time > body)
        p.bound = bound_kind::overhead;
    else
        p.bound = p.compute_time < p.memory_time ? bound_kind::memory : bound_kind::compute;
    set_basis(p);
}

/// A prediction with the op's FLOPs and bytes filled in.
template <class Real>
[[nodiscard]] constexpr prediction<Real> begin(const op_cost<Real>& c) {
    prediction<Real> p;
    p.flops = c.flops;
    p.bytes = c.bytes();
    return p;
}

/// Memory time of the op's bytes at the working-set bandwidth.
template <class Real>
constexpr void set_memory_time(prediction<Real>& p, const basic_gpu_spec<Real>& gpu,
                               const basic_calibration<Real>& cal) {
    p.memory_bandwidth = memory_bandwidth(p.bytes, gpu, cal, p.memory_basis);
    p.memory_time = p.bytes / p.memory_bandwidth;
}

[[noreturn, gnu::cold, gnu::noinline]] inline void
raise_calibration_gpu(std::string_view profile, std::string_view made_for, std::string_view gpu) {
    raise(errc::inconsistent, "predict",
          std::string("calibration '") + std::string(profile) + "' was made for GPU '" + std::string(made_for) +
              "', not '" + std::string(gpu) + "'");
}

template <class Real>
constexpr void check_calibration_for(const basic_gpu_spec<Real>& gpu, const basic_calibration<Real>& cal) {
    if (!cal.gpu_slug.empty() && cal.gpu_slug != gpu.slug) [[unlikely]]
        raise_calibration_gpu(cal.profile, cal.gpu_slug, gpu.slug);
}

} // namespace detail

// ---------------------------------------------------------------- GEMM

template <class Real>
[[nodiscard]] constexpr prediction<Real> predict(const gemm_op& g, const basic_gpu_spec<Real>& gpu,
                                                 const basic_calibration<Real>& cal) {
    detail::check_calibration_for(gpu, cal);
    const op_cost<Real> c = cost<Real>(g);
    const compute_class cc = *compute_class_of(g.a); // validated by cost()
    prediction<Real> p = detail::begin(c);
    const flops_per_second_t<Real> peak = gpu.peak_for(g.a);
    p.compute_efficiency = detail::gemm_eta(g, cc, gpu, cal, p.compute_basis);
    if (cc == compute_class::fp32) p.compute_efficiency = p.compute_efficiency * Real(detail::simt_tile_reuse(g, cal));
    p.compute_rate = peak * p.compute_efficiency;
    p.compute_time = p.flops / p.compute_rate;
    detail::set_memory_time(p, gpu, cal);
    p.overhead_time = cal.gemm_overhead.value;
    detail::weaken(p.overhead_basis, cal.gemm_overhead.from);
    detail::finish(p, cal.combine_exponent.value);
    return p;
}

// ---------------------------------------------------------------- attention

/// Whether the hardware can run a kernel family at all (independent of calibration).
template <class Real>
[[nodiscard]] constexpr bool kernel_runs_on(attention_kernel k, const basic_gpu_spec<Real>& gpu) {
    const bool nv = gpu.vendor == gpu_vendor::nvidia;
    switch (k) {
    case attention_kernel::fa3: return nv && gpu.sm_version == 90;
    case attention_kernel::cudnn:
    case attention_kernel::sage: return nv && gpu.sm_version >= 80;
    case attention_kernel::fa2:
    case attention_kernel::sdpa_efficient: return !nv || gpu.sm_version >= 80;
    case attention_kernel::sdpa_math: return true;
    }
    return false;
}

template <class Real>
[[nodiscard]] constexpr prediction<Real> predict(const attention_op& a, const basic_gpu_spec<Real>& gpu,
                                                 const basic_calibration<Real>& cal) {
    detail::check_calibration_for(gpu, cal);
    const op_cost<Real> c = cost<Real>(a);
    if (!kernel_runs_on(a.kernel, gpu))
        detail::raise(errc::kernel_not_available, "predict(attention)",
                      std::string("attention kernel '") + std::string(name(a.kernel)) + "' does not run on '" +
                          std::string(gpu.slug) + "' (" + std::string(gpu.architecture) + ")" +
                          (a.kernel == attention_kernel::fa3 ? "; FlashAttention-3 needs Hopper (sm_90)" : ""));
    const auto& ac = cal.attn(a.kernel);
    if (!ac.available)
        detail::raise(errc::no_calibration, "predict(attention)",
                      std::string("calibration '") + std::string(cal.profile) + "' for '" + std::string(gpu.slug) +
                          "' has no constants for attention kernel '" + std::string(name(a.kernel)) + "'");
    prediction<Real> p = detail::begin(c);
    detail::weaken(p.compute_basis, ac.efficiency.from);
    Real eta = ac.efficiency.value;
    if (detail::to_double(ac.seq_half.value) > 0) {
        detail::weaken(p.compute_basis, ac.seq_half.from);
        const auto s = resolved(a);
        Real sk = Real(static_cast<double>(s.seq_kv));
        if (a.causal) sk = sk / Real(2);
        eta = eta * sk / (sk + ac.seq_half.value);
    }
    if (detail::to_double(ac.head_dim_half.value) > 0) {
        detail::weaken(p.compute_basis, ac.head_dim_half.from);
        const Real d = Real(static_cast<double>(a.head_dim));
        const Real ref = Real(128);
        eta = eta * (d / (d + ac.head_dim_half.value)) * ((ref + ac.head_dim_half.value) / ref);
    }
    if (a.causal && detail::to_double(ac.causal_ratio.value) > 0) {
        detail::weaken(p.compute_basis, ac.causal_ratio.from);
        eta = eta * ac.causal_ratio.value;
    }
    if (a.direction == pass::backward) {
        detail::weaken(p.compute_basis, ac.backward_ratio.from);
        eta = eta * ac.backward_ratio.value;
    }
    eta = eta * detail::clock_factor(cal, p.compute_basis);
    if (!(detail::to_double(eta) > 0))
        detail::raise(errc::no_calibration, "predict(attention)",
                      "attention efficiency for kernel '" + std::string(name(a.kernel)) + "' is not positive");
    p.compute_efficiency = eta;
    p.compute_rate = gpu.peak_for(a.type) * eta;
    p.compute_time = p.flops / p.compute_rate;
    detail::set_memory_time(p, gpu, cal);
    detail::weaken(p.overhead_basis, cal.launch_overhead.from);
    if (materialises_scores(a.kernel)) {
        // separate GEMM, softmax and GEMM kernels: their times add up
        const Real kernels = a.direction == pass::forward ? Real(3) : Real(5);
        p.overhead_time = cal.launch_overhead.value * kernels;
        const seconds_t<Real> body = p.compute_time + p.memory_time;
        p.time = body + p.overhead_time;
        p.bound = p.overhead_time > body ? bound_kind::overhead
                  : p.compute_time < p.memory_time ? bound_kind::memory
                                                   : bound_kind::compute;
        detail::set_basis(p);
        return p;
    }
    p.overhead_time = cal.launch_overhead.value;
    detail::finish(p, cal.combine_exponent.value);
    return p;
}

// ---------------------------------------------------------------- convolution

template <class Real>
[[nodiscard]] constexpr prediction<Real> predict(const conv_op& cv, const basic_gpu_spec<Real>& gpu,
                                                 const basic_calibration<Real>& cal) {
    detail::check_calibration_for(gpu, cal);
    const auto out = detail::conv_outputs(cv); // validates
    const op_cost<Real> c = detail::conv_cost<Real>(cv, out);
    const gemm_op g = detail::implicit_gemm_of(cv, out);
    const compute_class cc = *compute_class_of(cv.type);
    prediction<Real> p = detail::begin(c);
    detail::weaken(p.compute_basis, cal.conv_relative_efficiency.from);
    p.compute_efficiency = detail::gemm_eta(g, cc, gpu, cal, p.compute_basis) * cal.conv_relative_efficiency.value;
    if (!(detail::to_double(p.compute_efficiency) > 0))
        detail::raise(errc::no_calibration, "predict(conv)", "convolution efficiency is not positive");
    p.compute_rate = gpu.peak_for(cv.type) * p.compute_efficiency;
    p.compute_time = p.flops / p.compute_rate;
    detail::set_memory_time(p, gpu, cal);
    const Real kernels = cv.direction == pass::forward ? Real(1) : Real(2);
    p.overhead_time = cal.gemm_overhead.value * kernels;
    detail::weaken(p.overhead_basis, cal.gemm_overhead.from);
    detail::finish(p, cal.combine_exponent.value);
    return p;
}

// ---------------------------------------------------------------- pointwise

/// Extra reads of the input a row-wise kernel makes when its rows do not stay in
/// L1 between passes: PyTorch's LayerNorm (vectorized_layer_norm_kernel:
/// moments, then normalise) and RMSNorm read a row twice, softmax
/// (cunn_SoftMaxForward: max, sum of exponentials, write) three times.
[[nodiscard]] constexpr int pointwise_extra_reads(pointwise_kind k) noexcept {
    switch (k) {
    case pointwise_kind::layernorm:
    case pointwise_kind::rmsnorm: return 1;
    case pointwise_kind::softmax: return 2;
    case pointwise_kind::elementwise:
    case pointwise_kind::reduction: return 0;
    }
    return 0;
}

/// How sharply the spill sets in around the half-point row size: the exponent
/// of the logistic in log(row bytes). Fitted once with the spill bytes on
/// NeuSight's LayerNorm and softmax rows (A100 PCIe 40/80GB: 5.6-6.4 for both
/// kinds) and held fixed, so each GPU and kind fits the half-point alone.
inline constexpr int pointwise_spill_sharpness = 6;

/// Fraction of the extra reads a row of `row_bytes` pays: 0 for rows well inside
/// L1, 1 for rows far past `half_bytes`; 0 when either is unknown (<= 0).
template <class Real>
[[nodiscard]] constexpr Real pointwise_spill_fraction(const Real& row_bytes, const Real& half_bytes) {
    if (!(detail::to_double(row_bytes) > 0) || !(detail::to_double(half_bytes) > 0)) return Real(0);
    const Real r = half_bytes / row_bytes;
    const Real r2 = r * r;
    static_assert(pointwise_spill_sharpness == 6);
    return Real(1) / (Real(1) + r2 * r2 * r2);
}

/// Whether PyTorch's block softmax runs a row of `row_length` elements of `element_bytes` each with fewer than two
/// of its vectorised strides per pass. The launch rule is that of aten/src/ATen/native/cuda/SoftMax.cu up to
/// PyTorch 2.1 (the version of the corpus's softmax rows): rows of at most 1024 elements and 4096 bytes go to the
/// persistent warp softmax (false here); longer rows to cunn_SoftMaxForward, whose threads per row
/// (SoftMax_getBlockSize) are the smallest power of two at or above min(row / ILP, 1024) / 2, at least 32, with
/// ILP = 16 bytes / element; each pass strides over the row ILP x threads elements at a time, and the rest of the
/// row (row mod the stride) is read one element per load. On NeuSight's A100 PCIe 40/80GB rows, block rows with
/// fewer than two whole strides (in FP32 rows of 1032-2047 and 2056-4095 elements) run at about 0.75-0.8 of the
/// bandwidth of the others, at every row count measured (docs/model.md).
[[nodiscard]] constexpr bool pytorch_softmax_single_stride(std::int64_t row_length, double element_bytes) noexcept {
    if (row_length <= 0 || !(element_bytes > 0)) return false;
    if (row_length <= 1024 && static_cast<double>(row_length) * element_bytes <= 4096) return false; // warp softmax
    const auto ilp = std::max<std::int64_t>(1, static_cast<std::int64_t>(16 / element_bytes));
    const std::int64_t half = std::min<std::int64_t>(row_length / ilp, 1024) / 2;
    std::int64_t threads = 1;
    while (threads < half) threads *= 2;
    threads = std::max<std::int64_t>(threads, 32);
    return row_length / (ilp * threads) < 2;
}

template <class Real>
[[nodiscard]] constexpr prediction<Real> predict(const pointwise_op& o, const basic_gpu_spec<Real>& gpu,
                                                 const basic_calibration<Real>& cal) {
    detail::check_calibration_for(gpu, cal);
    const op_cost<Real> c = cost<Real>(o);
    prediction<Real> p = detail::begin(c);
    // pointwise arithmetic runs on the vector (non-tensor) FP32 pipe
    const auto& eff = cal.gemm(compute_class::fp32);
    detail::weaken(p.compute_basis, eff.from);
    p.compute_efficiency = eff.value * detail::clock_factor(cal, p.compute_basis);
    p.compute_rate = gpu.peak(compute_class::fp32) * p.compute_efficiency;
    if (!(detail::to_double(p.compute_rate.value()) > 0))
        detail::raise(errc::no_calibration, "predict(pointwise)", "no positive FP32 vector rate");
    p.compute_time = p.flops / p.compute_rate;
    const auto& bw = cal.pointwise(o.kind);
    if (!(detail::to_double(bw.value) > 0))
        detail::raise(errc::no_calibration, "predict(pointwise)",
                      "calibration '" + std::string(cal.profile) + "' has no positive bandwidth efficiency for '" +
                          std::string(name(o.kind)) + "' kernels");
    detail::weaken(p.memory_basis, bw.from);
    p.memory_bandwidth = gpu.hbm_bandwidth * bw.value;
    // PyTorch's block softmax on rows of fewer than two vectorised strides
    if (o.kind == pointwise_kind::softmax && detail::to_double(cal.softmax_single_stride_ratio.value) > 0 &&
        pytorch_softmax_single_stride(o.row_length, size_bytes(o.type))) {
        detail::weaken(p.memory_basis, cal.softmax_single_stride_ratio.from);
        p.memory_bandwidth = p.memory_bandwidth * cal.softmax_single_stride_ratio.value;
    }
    p.memory_time = p.bytes / p.memory_bandwidth;
    // spill: the row's later passes read it again once it no longer stays in L1
    if (const int extra = pointwise_extra_reads(o.kind); extra > 0 && o.row_length > 0) {
        const auto& half = cal.spill(o.kind);
        if (detail::to_double(half.value) > 0) {
            const double element = size_bytes(o.type);
            const Real x = pointwise_spill_fraction(Real(static_cast<double>(o.row_length) * element), half.value);
            const bytes_t<Real> again(Real(static_cast<double>(o.elements) * element * extra) * x);
            detail::weaken(p.memory_basis, half.from);
            p.memory_time = p.memory_time + again / p.memory_bandwidth;
        }
    }
    p.overhead_time = cal.launch_overhead.value;
    detail::weaken(p.overhead_basis, cal.launch_overhead.from);
    detail::finish(p, cal.combine_exponent.value);
    return p;
}

// ---------------------------------------------------------------- copies

template <class Real>
[[nodiscard]] constexpr prediction<Real> predict(const copy_op& cp, const basic_gpu_spec<Real>& gpu,
                                                 const basic_calibration<Real>& cal) {
    detail::check_calibration_for(gpu, cal);
    const op_cost<Real> c = cost<Real>(cp);
    prediction<Real> p;
    const bytes_t<Real> payload = c.bytes_read;
    p.overhead_time = cal.launch_overhead.value;
    detail::weaken(p.overhead_basis, cal.launch_overhead.from);
    switch (cp.kind) {
    case copy_kind::device_local:
        p.bytes = c.bytes();
        p.memory_bandwidth = detail::memory_bandwidth(p.bytes, gpu, cal, p.memory_basis);
        break;
    case copy_kind::host_to_device:
    case copy_kind::device_to_host: {
        p.bytes = payload;
        detail::weaken(p.memory_basis, cal.pcie_efficiency.from);
        Real eff = cal.pcie_efficiency.value;
        if (!cp.pinned) {
            detail::weaken(p.memory_basis, cal.pageable_factor.from);
            eff = eff * cal.pageable_factor.value;
        }
        p.memory_bandwidth = gpu.pcie_bandwidth * eff;
        break;
    }
    case copy_kind::device_peer:
        p.bytes = payload;
        if (gpu.nvlink_bandwidth.value() > Real(0)) {
            detail::weaken(p.memory_basis, cal.nvlink_efficiency.from);
            p.memory_bandwidth = gpu.nvlink_bandwidth * cal.nvlink_efficiency.value;
        } else {
            detail::weaken(p.memory_basis, cal.pcie_efficiency.from);
            p.memory_bandwidth = gpu.pcie_bandwidth * cal.pcie_efficiency.value;
        }
        break;
    }
    if (!(detail::to_double(p.memory_bandwidth.value()) > 0))
        detail::raise(errc::no_calibration, "predict(copy)", "the copy's link has no positive bandwidth");
    p.memory_time = p.bytes / p.memory_bandwidth;
    detail::finish(p, cal.combine_exponent.value);
    return p;
}

// ---------------------------------------------------------------- collectives

/// alpha-beta model: t = latency + buffer * bus_factor / (link rate * efficiency).
template <class Real>
[[nodiscard]] constexpr prediction<Real> predict(const collective_op& co, const basic_gpu_spec<Real>& gpu,
                                                 const basic_calibration<Real>& cal) {
    detail::check_calibration_for(gpu, cal);
    const op_cost<Real> c = cost<Real>(co);
    prediction<Real> p;
    p.flops = c.flops;
    p.bytes = c.bytes_written; // on the wire, per rank
    bytes_per_second_t<Real> link{};
    Real eff{};
    switch (co.link) {
    case link_kind::nvlink:
        if (!(gpu.nvlink_bandwidth.value() > Real(0)))
            detail::raise(errc::inconsistent, "predict(collective)",
                          std::string("field 'link' is nvlink but GPU '") + std::string(gpu.slug) +
                              "' has no NVLink; use link pcie");
        link = gpu.nvlink_bandwidth;
        if (co.kind == collective_kind::all_to_all) {
            detail::weaken(p.memory_basis, cal.all_to_all_efficiency.from);
            eff = cal.all_to_all_efficiency.value;
        } else {
            detail::weaken(p.memory_basis, cal.collective_efficiency.from);
            eff = cal.collective_efficiency.value;
        }
        break;
    case link_kind::pcie:
        link = gpu.pcie_bandwidth;
        detail::weaken(p.memory_basis, cal.pcie_collective_efficiency.from);
        eff = cal.pcie_collective_efficiency.value;
        break;
    case link_kind::network:
        link = bytes_per_second_t<Real>(Real(co.network_bandwidth_Bps));
        detail::weaken(p.memory_basis, cal.network_collective_efficiency.from);
        eff = cal.network_collective_efficiency.value;
        break;
    }
    p.memory_bandwidth = link * eff;
    if (!(detail::to_double(p.memory_bandwidth.value()) > 0))
        detail::raise(errc::no_calibration, "predict(collective)", "the collective's link has no positive bandwidth");
    p.memory_time = p.bytes / p.memory_bandwidth;
    p.overhead_time = cal.collective_latency.value;
    detail::weaken(p.overhead_basis, cal.collective_latency.from);
    p.time = p.memory_time + p.overhead_time;
    p.bound = bound_kind::communication;
    detail::set_basis(p);
    return p;
}

/// Any op.
template <class Real>
[[nodiscard]] constexpr prediction<Real> predict(const op& o, const basic_gpu_spec<Real>& gpu,
                                                 const basic_calibration<Real>& cal) {
    return std::visit([&](const auto& x) { return predict(x, gpu, cal); }, o);
}

} // namespace vidperf
