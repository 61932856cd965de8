#pragma once
/// \file
/// What a datasheet says about a GPU. Peaks are DENSE (never the 2:4-sparsity
/// figure); bandwidths are per direction; sizes are in bytes as the vendor
/// counts them (HBM "80 GB" = 80e9 bytes, L2 "50 MB" = 50 MiB as NVIDIA means it).

#include <array>
#include <string>
#include <string_view>

#include <vidperf/core/dtype.hpp>
#include <vidperf/core/error.hpp>
#include <vidperf/core/quantity.hpp>
#include <vidperf/core/names.hpp>

namespace vidperf {

enum class gpu_vendor : unsigned char { nvidia, amd };

template <>
struct enum_names<gpu_vendor> {
    static constexpr std::string_view what = "GPU vendor";
    static constexpr auto entries = std::to_array<name_entry<gpu_vendor>>({{gpu_vendor::nvidia, "nvidia"},
                                        {gpu_vendor::amd, "amd"}});
};

template <class Real = double>
struct basic_gpu_spec {
    std::string_view slug;         ///< catalog key, e.g. "h100-sxm5-80gb"
    std::string_view name;         ///< marketing name
    gpu_vendor vendor = gpu_vendor::nvidia;
    std::string_view architecture; ///< "ampere", "hopper", "ada", "blackwell", "cdna3"
    int sm_version = 0;            ///< CUDA compute capability x10 (80, 89, 90, 100); 0 for non-CUDA
    int sm_count = 0;              ///< SMs (NVIDIA) or compute units (AMD)
    Real boost_clock_mhz = 0;      ///< max boost clock the tensor peaks are quoted at

    /// Dense peak per compute class; zero means the GPU has no such pipe.
    std::array<flops_per_second_t<Real>, compute_class_count> dense_peak{};

    bytes_t<Real> hbm_capacity{};               ///< device memory
    bytes_per_second_t<Real> hbm_bandwidth{};   ///< peak device-memory bandwidth
    bytes_t<Real> l2_size{};                    ///< last-level on-chip cache (L2; MI300X: Infinity Cache)
    int nvlink_generation = 0;                  ///< 0 = no NVLink (or the vendor's equivalent)
    bytes_per_second_t<Real> nvlink_bandwidth{};///< per GPU, per direction, all links (xGMI on AMD)
    int pcie_generation = 0;
    bytes_per_second_t<Real> pcie_bandwidth{};  ///< per direction, x16
    Real tdp_watts = 0;                         ///< max board / module power
    std::string_view source;                    ///< datasheet(s) the fields come from

    [[nodiscard]] constexpr flops_per_second_t<Real> peak(compute_class c) const {
        return dense_peak[static_cast<std::size_t>(c)];
    }
    [[nodiscard]] constexpr bool supports(compute_class c) const { return peak(c) > flops_per_second_t<Real>(Real(0)); }

    /// Dense peak for GEMM inputs of this dtype; raises `unsupported` when the
    /// GPU has no such pipe (fp8 on an A100) or the dtype is storage-only (nf4).
    [[nodiscard]] constexpr flops_per_second_t<Real> peak_for(dtype t) const {
        const auto cc = compute_class_of(t);
        if (!cc)
            detail::raise(errc::dtype_not_supported, "gpu_spec::peak_for",
                          std::string("dtype '") + std::string(vidperf::name(t)) +
                              "' is a storage format with no arithmetic of its own; GEMMs on it run in bf16 after "
                              "dequantisation");
        if (!supports(*cc))
            detail::raise(errc::dtype_not_supported, "gpu_spec::peak_for",
                          std::string("GPU '") + std::string(slug) + "' (" + std::string(architecture) +
                              ") has no " + std::string(vidperf::name(*cc)) + " arithmetic for dtype '" +
                              std::string(vidperf::name(t)) + "'");
        return peak(*cc);
    }

    /// Raises `invalid_argument` naming the first field that is not usable.
    constexpr void validate() const {
        constexpr std::string_view where = "gpu_spec";
        if (slug.empty()) detail::raise(errc::inconsistent, where, "field 'slug' must not be empty");
        detail::require_positive(sm_count, where, "sm_count");
        detail::require_positive(hbm_capacity.value(), where, "hbm_capacity_GB");
        detail::require_positive(hbm_bandwidth.value(), where, "hbm_bandwidth_GBps");
        detail::require_non_negative(l2_size.value(), where, "l2_size_MB");
        detail::require_non_negative(nvlink_bandwidth.value(), where, "nvlink_bandwidth_GBps");
        detail::require_non_negative(pcie_bandwidth.value(), where, "pcie_bandwidth_GBps");
        bool any = false;
        for (const auto& p : dense_peak) {
            detail::require_non_negative(p.value(), where, "dense peak");
            any = any || p.value() > 0;
        }
        if (!any) detail::raise(errc::inconsistent, where, "at least one dense peak must be > 0");
    }
};

using gpu_spec = basic_gpu_spec<double>;

/// The same spec with another scalar type (e.g. an autodiff variable).
template <class Other, class Real>
[[nodiscard]] constexpr basic_gpu_spec<Other> rebind(const basic_gpu_spec<Real>& in) {
    basic_gpu_spec<Other> out;
    out.slug = in.slug;
    out.name = in.name;
    out.vendor = in.vendor;
    out.architecture = in.architecture;
    out.sm_version = in.sm_version;
    out.sm_count = in.sm_count;
    out.boost_clock_mhz = Other(in.boost_clock_mhz);
    for (std::size_t i = 0; i < compute_class_count; ++i)
        out.dense_peak[i] = flops_per_second_t<Other>(Other(in.dense_peak[i].value()));
    out.hbm_capacity = bytes_t<Other>(Other(in.hbm_capacity.value()));
    out.hbm_bandwidth = bytes_per_second_t<Other>(Other(in.hbm_bandwidth.value()));
    out.l2_size = bytes_t<Other>(Other(in.l2_size.value()));
    out.nvlink_generation = in.nvlink_generation;
    out.nvlink_bandwidth = bytes_per_second_t<Other>(Other(in.nvlink_bandwidth.value()));
    out.pcie_generation = in.pcie_generation;
    out.pcie_bandwidth = bytes_per_second_t<Other>(Other(in.pcie_bandwidth.value()));
    out.tdp_watts = Other(in.tdp_watts);
    out.source = in.source;
    return out;
}


} // namespace vidperf
