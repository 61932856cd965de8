#pragma once
/// \file
/// The op vocabulary: plain-data descriptors of the work a GPU kernel does.
/// A model (stage lowering) only ever says which of these it runs; the
/// roofline engine turns each into time. Shapes are element counts.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include <vidperf/core/dtype.hpp>

namespace vidperf {

using extent = std::int64_t;

/// C[m,n] = A[m,k] · B[k,n], `batch` independent problems (batched GEMM when > 1).
/// `a` is the activation dtype and picks the arithmetic pipe; `b` may be a
/// weight-only storage format (int8/int4/nf4 weights with bf16 activations).
struct gemm_op {
    extent m = 0;
    extent n = 0;
    extent k = 0;
    extent batch = 1;
    dtype a = dtype::bf16;
    dtype b = dtype::bf16;
    dtype c = dtype::bf16;
    bool shared_b = false; ///< one B for every batch entry (a weight), read once
};

/// Attention kernel families; their efficiencies differ by up to 2x on the same shape.
enum class attention_kernel : std::uint8_t {
    fa2,            ///< FlashAttention-2
    fa3,            ///< FlashAttention-3 (Hopper only)
    cudnn,          ///< cuDNN fused SDPA (flash-style)
    sdpa_math,      ///< PyTorch SDPA math backend: scores materialised in memory
    sdpa_efficient, ///< PyTorch SDPA memory-efficient backend (flash-style)
    sage,           ///< SageAttention: 8-bit QK^T, flash-style
};
inline constexpr std::size_t attention_kernel_count = 6;
inline constexpr std::array<attention_kernel, attention_kernel_count> all_attention_kernels{
    attention_kernel::fa2,       attention_kernel::fa3,            attention_kernel::cudnn,
    attention_kernel::sdpa_math, attention_kernel::sdpa_efficient, attention_kernel::sage};

template <>
struct enum_names<attention_kernel> {
    static constexpr std::string_view what = "attention kernel";
    static constexpr auto entries = std::to_array<name_entry<attention_kernel>>({
        {attention_kernel::fa2, "fa2"}, {attention_kernel::fa3, "fa3"},
        {attention_kernel::cudnn, "cudnn"}, {attention_kernel::sdpa_math, "sdpa-math"},
        {attention_kernel::sdpa_efficient, "sdpa-efficient"}, {attention_kernel::sage, "sage"}});
};

/// The dtype attention runs in when the layer's GEMMs run in `compute`: an fp8 (or int8) job keeps attention
/// in bf16 unless the kernel has an fp8 path (FlashAttention-3's FP8 forward, cuDNN's FP8 SDPA); FA2, the
/// SDPA backends and SageAttention (which quantises Q and K itself) take bf16 inputs.
[[nodiscard]] constexpr dtype attention_dtype(dtype compute, attention_kernel k) noexcept {
    const bool eight_bit = compute == dtype::fp8_e4m3 || compute == dtype::fp8_e5m2 || compute == dtype::int8;
    if (!eight_bit) return compute;
    return (k == attention_kernel::fa3 || k == attention_kernel::cudnn) && compute != dtype::int8 ? compute
                                                                                                  : dtype::bf16;
}

[[nodiscard]] constexpr bool materialises_scores(attention_kernel k) noexcept {
    return k == attention_kernel::sdpa_math;
}

enum class pass : std::uint8_t { forward, backward };

template <>
struct enum_names<pass> {
    static constexpr std::string_view what = "pass";
    static constexpr auto entries = std::to_array<name_entry<pass>>({{pass::forward, "forward"}, {pass::backward, "backward"}});
};

/// softmax(Q K^T / sqrt(d)) V over `batch` sequences. Grouped-query attention
/// when heads_kv < heads_q (heads_q must be a multiple of heads_kv).
struct attention_op {
    extent batch = 1;
    extent heads_q = 0;
    extent heads_kv = 0; ///< 0 means "same as heads_q"
    extent seq_q = 0;
    extent seq_kv = 0;   ///< 0 means "same as seq_q" (self-attention)
    extent head_dim = 0;
    extent head_dim_v = 0; ///< 0 means "same as head_dim"
    bool causal = false;
    dtype type = dtype::bf16;
    attention_kernel kernel = attention_kernel::fa2;
    pass direction = pass::forward;
};

/// 2-D or 3-D convolution, NC(D)HW, lowered to an implicit GEMM
/// M = N·Do·Ho·Wo, N = C_out, K = C_in/groups · kd·kh·kw.
/// For a 2-D convolution leave the depth entries at 1 and pad 0.
/// Padding is given before and after each of (D, H, W) so that causal temporal
/// padding (all of it before) is expressible.
struct conv_op {
    extent batch = 1;
    extent c_in = 0;
    extent c_out = 0;
    std::array<extent, 3> input{1, 0, 0};  ///< D, H, W
    std::array<extent, 3> kernel{1, 1, 1}; ///< kd, kh, kw
    std::array<extent, 3> stride{1, 1, 1};
    std::array<extent, 3> pad_before{0, 0, 0};
    std::array<extent, 3> pad_after{0, 0, 0};
    std::array<extent, 3> dilation{1, 1, 1};
    extent groups = 1;
    dtype type = dtype::bf16;
    pass direction = pass::forward; ///< backward = data-gradient + weight-gradient
};

/// Memory-bound kernels over `elements` values each.
enum class pointwise_kind : std::uint8_t { elementwise, layernorm, rmsnorm, softmax, reduction };
inline constexpr std::size_t pointwise_kind_count = 5;

template <>
struct enum_names<pointwise_kind> {
    static constexpr std::string_view what = "pointwise kind";
    static constexpr auto entries = std::to_array<name_entry<pointwise_kind>>({
        {pointwise_kind::elementwise, "elementwise"},
        {pointwise_kind::layernorm, "layernorm"}, {pointwise_kind::rmsnorm, "rmsnorm"},
        {pointwise_kind::softmax, "softmax"}, {pointwise_kind::reduction, "reduction"}});
};

/// FLOPs per element by the conventions of docs/model.md:
///  rmsnorm 4 (square, accumulate, scale by 1/rms, weight), layernorm 7 (mean
///  accumulate, subtract, square, accumulate, normalise, scale, shift),
///  softmax 5 (max, subtract, exp, sum, divide), reduction 1, elementwise 1.
[[nodiscard]] constexpr double default_flops_per_element(pointwise_kind k) noexcept {
    switch (k) {
    case pointwise_kind::elementwise: return 1;
    case pointwise_kind::layernorm: return 7;
    case pointwise_kind::rmsnorm: return 4;
    case pointwise_kind::softmax: return 5;
    case pointwise_kind::reduction: return 1;
    }
    return 1;
}

/// A pointwise / normalisation / reduction kernel. It reads `inputs` tensors of
/// `elements` values and writes `outputs` tensors of `output_elements` values
/// (0 means `elements`; a reduction writes fewer). Norm weights
/// (`param_elements`) are read once.
///
/// Mixed dtypes (casts, a bf16 x fp32 product written in fp32): the outputs are
/// stored in `output_type` when it is set, and `output_type_inputs` of the
/// `inputs` are stored in `output_type` too; every other input and the norm
/// weights are stored in `type`. Unset, everything is `type`.
struct pointwise_op {
    pointwise_kind kind = pointwise_kind::elementwise;
    extent elements = 0;
    int inputs = 1;
    int outputs = 1;
    extent output_elements = 0;
    extent param_elements = 0;
    double flops_per_element = -1; ///< < 0: the kind's default
    dtype type = dtype::bf16;
    std::optional<dtype> output_type{}; ///< unset: the outputs are `type`
    int output_type_inputs = 0;         ///< inputs stored in `output_type` (needs it set)
    /// Row-wise kernels (norms, softmax): the length of the row one reduction
    /// covers (the normalised dimension; a GroupNorm's group: channels / groups x
    /// positions). Rows too long to stay in the SM's L1
    /// between the kernel's passes are read again from L2/HBM (engine: the spill
    /// term). 0 = not known or not row-wise: no spill term.
    extent row_length = 0;
};

enum class copy_kind : std::uint8_t {
    host_to_device,
    device_to_host,
    device_local, ///< within one GPU's memory (read + write)
    device_peer,  ///< to another GPU over NVLink (or PCIe when it has none)
};

template <>
struct enum_names<copy_kind> {
    static constexpr std::string_view what = "copy kind";
    static constexpr auto entries = std::to_array<name_entry<copy_kind>>({
        {copy_kind::host_to_device, "h2d"}, {copy_kind::device_to_host, "d2h"},
        {copy_kind::device_local, "local"}, {copy_kind::device_peer, "peer"}, {copy_kind::device_local, "d2d"}});
};

struct copy_op {
    copy_kind kind = copy_kind::host_to_device;
    extent bytes = 0;
    bool pinned = true; ///< host memory page-locked (host copies only)
};

enum class collective_kind : std::uint8_t { all_reduce, all_gather, reduce_scatter, all_to_all, send_recv };

template <>
struct enum_names<collective_kind> {
    static constexpr std::string_view what = "collective";
    static constexpr auto entries = std::to_array<name_entry<collective_kind>>({
        {collective_kind::all_reduce, "all_reduce"},
        {collective_kind::all_gather, "all_gather"}, {collective_kind::reduce_scatter, "reduce_scatter"},
        {collective_kind::all_to_all, "all_to_all"}, {collective_kind::send_recv, "send_recv"}});
};

enum class link_kind : std::uint8_t { nvlink, pcie, network };

template <>
struct enum_names<link_kind> {
    static constexpr std::string_view what = "link";
    static constexpr auto entries = std::to_array<name_entry<link_kind>>({
        {link_kind::nvlink, "nvlink"}, {link_kind::pcie, "pcie"}, {link_kind::network, "network"}});
};

/// A collective over `ranks` GPUs. `elements` is the per-rank buffer as
/// nccl-tests counts it: the full reduced buffer for all-reduce, the gathered
/// (output) buffer for all-gather, the input buffer for reduce-scatter and
/// all-to-all, the message for send/recv.
struct collective_op {
    collective_kind kind = collective_kind::all_reduce;
    extent elements = 0;
    int ranks = 2;
    dtype type = dtype::bf16;
    link_kind link = link_kind::nvlink;
    double network_bandwidth_Bps = 0; ///< per GPU per direction, required for link_kind::network
};

/// Any op.
using op = std::variant<gemm_op, attention_op, conv_op, pointwise_op, copy_op, collective_op>;

/// The kind of an op (the alternative it holds), for splitting a job's time.
enum class op_kind : std::uint8_t { gemm, attention, conv, pointwise, copy, collective };
inline constexpr std::size_t op_kind_count = 6;
static_assert(std::variant_size_v<op> == op_kind_count);

template <>
struct enum_names<op_kind> {
    static constexpr std::string_view what = "op kind";
    static constexpr auto entries = std::to_array<name_entry<op_kind>>(
        {{op_kind::gemm, "gemm"}, {op_kind::attention, "attention"}, {op_kind::conv, "conv"},
         {op_kind::pointwise, "pointwise"}, {op_kind::copy, "copy"}, {op_kind::collective, "collective"}});
};

[[nodiscard]] constexpr op_kind kind_of(const op& o) noexcept { return static_cast<op_kind>(o.index()); }

} // namespace vidperf
