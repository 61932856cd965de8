#pragma once
/// \file
/// Exact FLOPs and the minimum bytes an op must move, by dtype. Conventions
/// (docs/model.md): a multiply-add is 2 FLOPs; attention counts the two
/// GEMMs (QK^T and PV), causal counted as the unmasked fraction; backward
/// attention is 2.5x forward (five GEMMs of the same size: QK^T recompute,
/// dV, dP, dQ, dK). Minimum bytes assume each operand is read once and each
/// result written once, split into reads and writes.

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <string_view>

#include <vidperf/core/dtype.hpp>
#include <vidperf/core/error.hpp>
#include <vidperf/core/quantity.hpp>
#include <vidperf/ops/ops.hpp>

namespace vidperf {

template <class Real = double>
struct op_cost {
    flops_t<Real> flops{};
    bytes_t<Real> bytes_read{};
    bytes_t<Real> bytes_written{};
    [[nodiscard]] constexpr bytes_t<Real> bytes() const { return bytes_read + bytes_written; }
};

/// The most elements one tensor of an op may hold: 2^53, where a double still counts every element exactly
/// (FLOP and byte counts are doubles). Far above any real tensor (Wan2.1-14B at 720p holds ~4e8 per tensor);
/// what exceeds it is a typo or an overflow upstream, refused before any product is formed.
inline constexpr extent max_tensor_elements = extent{1} << 53;
/// The largest convolution kernel, stride or dilation along one dimension (real ones are 1 to 7).
inline constexpr extent max_window = extent{1} << 20;

namespace detail {
template <class Real>
[[nodiscard]] constexpr Real r(extent v) {
    return Real(static_cast<double>(v));
}
// The checks below run on every cost() and predict(): each keeps its message in a cold function of its own, so
// the check itself is a compare the compiler inlines.
[[noreturn, gnu::cold, gnu::noinline]] inline void raise_not_positive_extent(extent v, std::string_view where,
                                                                             std::string_view field) {
    raise(errc::not_positive, where,
          std::string("field '") + std::string(field) + "' must be > 0, got " + std::to_string(v));
}
constexpr void require_extent(extent v, std::string_view where, std::string_view field) {
    if (v <= 0) [[unlikely]]
        raise_not_positive_extent(v, where, field);
}
[[noreturn, gnu::cold, gnu::noinline]] inline void raise_too_many_elements(std::span<const extent> factors,
                                                                           std::string_view where,
                                                                           std::string_view tensor,
                                                                           std::string_view fields) {
    std::string values;
    for (const extent f : factors) values += (values.empty() ? "" : " x ") + std::to_string(f);
    raise(errc::out_of_range, where,
          std::string(tensor) + " (" + std::string(fields) + " = " + values +
              ") holds more than 2^53 elements: a size is far beyond any GPU's memory");
}
/// `factors` multiplied without overflow; raises naming the tensor and its extents when the product
/// exceeds max_tensor_elements (or int64). Factors are >= 1 (checked before).
template <std::size_t N>
[[nodiscard]] constexpr extent tensor_elements(const std::array<extent, N>& factors, std::string_view where,
                                               std::string_view tensor, std::string_view fields) {
    extent n = 1;
    bool overflow = false;
    for (const extent f : factors) {
        extent next = 0;
        if (__builtin_mul_overflow(n, f, &next)) {
            overflow = true;
            break;
        }
        n = next;
    }
    if (overflow || n > max_tensor_elements) [[unlikely]]
        raise_too_many_elements(factors, where, tensor, fields);
    return n;
}

/// fp64 is a storage dtype of pointwise kernels only; no GEMM, attention or convolution runs in it here.
[[noreturn, gnu::cold, gnu::noinline]] inline void raise_fp64(std::string_view where, std::string_view field) {
    raise(errc::dtype_not_supported, where,
          std::string("field '") + std::string(field) +
              "' is fp64: vidperf prices fp64 only in pointwise kernels (casts, Wan's float64 RoPE), never as "
              "a GEMM, attention or convolution dtype");
}
constexpr void refuse_fp64(dtype t, std::string_view where, std::string_view field) {
    if (t == dtype::fp64) [[unlikely]]
        raise_fp64(where, field);
}
[[noreturn, gnu::cold, gnu::noinline]] inline void raise_storage_only_activation(dtype t, std::string_view where) {
    raise(errc::dtype_not_supported, where,
          "field 'a' (activation dtype) is '" + std::string(name(t)) +
              "', a storage-only format; use it for the weight operand 'b'");
}
} // namespace detail

// ---------------------------------------------------------------- validation

constexpr void validate(const gemm_op& g) {
    constexpr std::string_view w = "gemm";
    detail::require_extent(g.m, w, "m");
    detail::require_extent(g.n, w, "n");
    detail::require_extent(g.k, w, "k");
    detail::require_extent(g.batch, w, "batch");
    detail::refuse_fp64(g.a, w, "a");
    detail::refuse_fp64(g.b, w, "b");
    detail::refuse_fp64(g.c, w, "c");
    if (!compute_class_of(g.a)) [[unlikely]]
        detail::raise_storage_only_activation(g.a, w);
    (void)detail::tensor_elements(std::array{g.batch, g.m, g.k}, w, "A", "batch x m x k");
    (void)detail::tensor_elements(std::array{g.batch, g.k, g.n}, w, "B", "batch x k x n");
    (void)detail::tensor_elements(std::array{g.batch, g.m, g.n}, w, "C", "batch x m x n");
}

/// Effective values of the "0 means same as" attention fields.
struct attention_shape {
    extent heads_kv, seq_kv, head_dim_v;
};
[[nodiscard]] constexpr attention_shape resolved(const attention_op& a) noexcept {
    return {a.heads_kv ? a.heads_kv : a.heads_q, a.seq_kv ? a.seq_kv : a.seq_q,
            a.head_dim_v ? a.head_dim_v : a.head_dim};
}

constexpr void validate(const attention_op& a) {
    constexpr std::string_view w = "attention";
    detail::require_extent(a.batch, w, "batch");
    detail::require_extent(a.heads_q, w, "heads_q");
    detail::require_extent(a.seq_q, w, "seq_q");
    detail::require_extent(a.head_dim, w, "head_dim");
    if (a.heads_kv < 0) detail::require_extent(a.heads_kv, w, "heads_kv");
    if (a.seq_kv < 0) detail::require_extent(a.seq_kv, w, "seq_kv");
    if (a.head_dim_v < 0) detail::require_extent(a.head_dim_v, w, "head_dim_v");
    const auto s = resolved(a);
    if (a.heads_q % s.heads_kv != 0)
        detail::raise(errc::inconsistent, w,
                      "field 'heads_q' (" + std::to_string(a.heads_q) + ") must be a multiple of 'heads_kv' (" +
                          std::to_string(s.heads_kv) + ") for grouped-query attention");
    detail::refuse_fp64(a.type, w, "type");
    if (!compute_class_of(a.type))
        detail::raise(errc::dtype_not_supported, w, "field 'type' is storage-only '" + std::string(name(a.type)) + "'");
    (void)detail::tensor_elements(std::array{a.batch, a.heads_q, a.seq_q, a.head_dim}, w, "Q",
                                  "batch x heads_q x seq_q x head_dim");
    (void)detail::tensor_elements(std::array{a.batch, s.heads_kv, s.seq_kv, std::max(a.head_dim, s.head_dim_v)}, w,
                                  "K/V", "batch x heads_kv x seq_kv x head_dim");
    (void)detail::tensor_elements(std::array{a.batch, a.heads_q, a.seq_q, s.head_dim_v}, w, "O",
                                  "batch x heads_q x seq_q x head_dim_v");
}

/// Output extent of one convolution dimension; raises when the window does not fit.
[[nodiscard]] constexpr extent conv_output_extent(const conv_op& c, std::size_t d) {
    const extent span = c.dilation[d] * (c.kernel[d] - 1) + 1;
    const extent padded = c.input[d] + c.pad_before[d] + c.pad_after[d];
    if (padded < span) {
        constexpr std::string_view names[3] = {"input[D]", "input[H]", "input[W]"};
        detail::raise(errc::out_of_range, "conv",
                      "field '" + std::string(names[d]) + "' = " + std::to_string(c.input[d]) +
                          " plus padding is smaller than the dilated kernel (" + std::to_string(span) + ")");
    }
    return (padded - span) / c.stride[d] + 1;
}

constexpr void validate(const conv_op& c) {
    constexpr std::string_view w = "conv";
    detail::require_extent(c.batch, w, "batch");
    detail::require_extent(c.c_in, w, "c_in");
    detail::require_extent(c.c_out, w, "c_out");
    detail::require_extent(c.groups, w, "groups");
    // field names spelt out so that the success path builds no strings
    constexpr std::string_view in_n[3] = {"input[D]", "input[H]", "input[W]"};
    constexpr std::string_view k_n[3] = {"kernel[D]", "kernel[H]", "kernel[W]"};
    constexpr std::string_view s_n[3] = {"stride[D]", "stride[H]", "stride[W]"};
    constexpr std::string_view d_n[3] = {"dilation[D]", "dilation[H]", "dilation[W]"};
    for (std::size_t d = 0; d < 3; ++d) {
        detail::require_extent(c.input[d], w, in_n[d]);
        detail::require_extent(c.kernel[d], w, k_n[d]);
        detail::require_extent(c.stride[d], w, s_n[d]);
        detail::require_extent(c.dilation[d], w, d_n[d]);
        if (c.pad_before[d] < 0 || c.pad_after[d] < 0)
            detail::raise(errc::negative, w, "padding of " + std::string(in_n[d]) + " must be >= 0");
    }
    if (c.c_in % c.groups != 0 || c.c_out % c.groups != 0)
        detail::raise(errc::inconsistent, w,
                      "fields 'c_in' (" + std::to_string(c.c_in) + ") and 'c_out' (" + std::to_string(c.c_out) +
                          ") must be multiples of 'groups' (" + std::to_string(c.groups) + ")");
    detail::refuse_fp64(c.type, w, "type");
    if (!compute_class_of(c.type))
        detail::raise(errc::dtype_not_supported, w, "field 'type' is storage-only '" + std::string(name(c.type)) + "'");
    std::array<extent, 3> out{};
    for (std::size_t d = 0; d < 3; ++d) {
        // extents so large that the padded input or the dilated kernel would overflow are refused first
        if (c.input[d] > max_tensor_elements || c.pad_before[d] > max_tensor_elements ||
            c.pad_after[d] > max_tensor_elements || c.kernel[d] > max_window || c.dilation[d] > max_window ||
            c.stride[d] > max_window)
            detail::raise(errc::out_of_range, w,
                          "along " + std::string(in_n[d]) + ": input " + std::to_string(c.input[d]) + ", padding " +
                              std::to_string(c.pad_before[d]) + "+" + std::to_string(c.pad_after[d]) +
                              " (each at most 2^53), kernel " + std::to_string(c.kernel[d]) + ", stride " +
                              std::to_string(c.stride[d]) + ", dilation " + std::to_string(c.dilation[d]) +
                              " (each at most 2^20)");
        out[d] = conv_output_extent(c, d);
    }
    (void)detail::tensor_elements(std::array{c.batch, c.c_in, c.input[0], c.input[1], c.input[2]}, w, "the input",
                                  "batch x c_in x D x H x W");
    (void)detail::tensor_elements(std::array{c.batch, c.c_out, out[0], out[1], out[2]}, w, "the output",
                                  "batch x c_out x D' x H' x W'");
    (void)detail::tensor_elements(std::array{c.c_out, c.c_in / c.groups, c.kernel[0], c.kernel[1], c.kernel[2]}, w,
                                  "the weights", "c_out x c_in/groups x kD x kH x kW");
}

constexpr void validate(const pointwise_op& p) {
    constexpr std::string_view w = "pointwise";
    detail::require_extent(p.elements, w, "elements");
    if (p.inputs < 0) detail::raise(errc::negative, w, "field 'inputs' must be >= 0, got " + std::to_string(p.inputs));
    if (p.outputs < 0)
        detail::raise(errc::negative, w, "field 'outputs' must be >= 0, got " + std::to_string(p.outputs));
    if (p.inputs + p.outputs == 0) detail::raise(errc::inconsistent, w, "an op must read or write at least one tensor");
    if (p.output_elements < 0 || p.param_elements < 0)
        detail::raise(errc::negative, w, "fields 'output_elements' and 'param_elements' must be >= 0");
    if (p.row_length < 0)
        detail::raise(errc::negative, w, "field 'row_length' must be >= 0, got " + std::to_string(p.row_length));
    if (p.row_length > p.elements)
        detail::raise(errc::inconsistent, w,
                      "field 'row_length' (" + std::to_string(p.row_length) + ") exceeds 'elements' (" +
                          std::to_string(p.elements) + ")");
    if (detail::is_nan(p.flops_per_element))
        detail::raise(errc::not_finite, w, "field 'flops_per_element' is NaN");
    if (p.output_type_inputs < 0 || p.output_type_inputs > p.inputs)
        detail::raise(errc::out_of_range, w,
                      "field 'output_type_inputs' must be in [0, inputs = " + std::to_string(p.inputs) + "], got " +
                          std::to_string(p.output_type_inputs));
    if (p.output_type_inputs > 0 && !p.output_type)
        detail::raise(errc::inconsistent, w, "field 'output_type_inputs' > 0 needs 'output_type'");
    (void)detail::tensor_elements(std::array{p.elements}, w, "an input", "elements");
    (void)detail::tensor_elements(std::array{std::max<extent>(p.output_elements, 1)}, w, "the output", "output_elements");
    (void)detail::tensor_elements(std::array{std::max<extent>(p.param_elements, 1)}, w, "the parameters", "param_elements");
}

constexpr void validate(const copy_op& c) {
    detail::require_extent(c.bytes, "copy", "bytes");
    (void)detail::tensor_elements(std::array{c.bytes}, "copy", "the buffer", "bytes");
}

constexpr void validate(const collective_op& c) {
    constexpr std::string_view w = "collective";
    detail::require_extent(c.elements, w, "elements");
    if (c.ranks < 2)
        detail::raise(errc::out_of_range, w, "field 'ranks' must be >= 2, got " + std::to_string(c.ranks));
    if (c.link == link_kind::network) detail::require_positive(c.network_bandwidth_Bps, w, "network_bandwidth_Bps");
    (void)detail::tensor_elements(std::array{c.elements}, w, "the buffer", "elements");
}

// ---------------------------------------------------------------- costs

template <class Real = double>
[[nodiscard]] constexpr op_cost<Real> cost(const gemm_op& g) {
    validate(g);
    using detail::r;
    op_cost<Real> c;
    c.flops = flops_t<Real>(Real(2) * r<Real>(g.m) * r<Real>(g.n) * r<Real>(g.k) * r<Real>(g.batch));
    const Real b_copies = g.shared_b ? Real(1) : r<Real>(g.batch);
    c.bytes_read = bytes_t<Real>(r<Real>(g.batch) * r<Real>(g.m) * r<Real>(g.k) * Real(size_bytes(g.a)) +
                                 b_copies * r<Real>(g.k) * r<Real>(g.n) * Real(size_bytes(g.b)));
    c.bytes_written = bytes_t<Real>(r<Real>(g.batch) * r<Real>(g.m) * r<Real>(g.n) * Real(size_bytes(g.c)));
    return c;
}

/// Fraction of the score matrix a causal mask leaves (bottom-right aligned
/// when seq_q < seq_kv, as FlashAttention does).
template <class Real = double>
[[nodiscard]] constexpr Real causal_fraction(extent sq, extent skv) {
    using detail::r;
    if (sq <= skv) {
        // row i (0-based) of the last sq rows sees skv - sq + i + 1 keys
        return (r<Real>(skv - sq) * r<Real>(sq) + r<Real>(sq) * r<Real>(sq + 1) / Real(2)) /
               (r<Real>(sq) * r<Real>(skv));
    }
    // more queries than keys: the first sq - skv rows see nothing
    return (r<Real>(skv) * r<Real>(skv + 1) / Real(2)) / (r<Real>(sq) * r<Real>(skv));
}

template <class Real = double>
[[nodiscard]] constexpr op_cost<Real> cost(const attention_op& a) {
    validate(a);
    using detail::r;
    const auto s = resolved(a);
    const Real es = Real(size_bytes(a.type));
    const Real pairs = r<Real>(a.batch) * r<Real>(a.heads_q) * r<Real>(a.seq_q) * r<Real>(s.seq_kv);
    Real fwd = Real(2) * pairs * (r<Real>(a.head_dim) + r<Real>(s.head_dim_v));
    if (a.causal) fwd = fwd * causal_fraction<Real>(a.seq_q, s.seq_kv);

    const Real q = r<Real>(a.batch) * r<Real>(a.heads_q) * r<Real>(a.seq_q) * r<Real>(a.head_dim);
    const Real k = r<Real>(a.batch) * r<Real>(s.heads_kv) * r<Real>(s.seq_kv) * r<Real>(a.head_dim);
    const Real v = r<Real>(a.batch) * r<Real>(s.heads_kv) * r<Real>(s.seq_kv) * r<Real>(s.head_dim_v);
    const Real o = r<Real>(a.batch) * r<Real>(a.heads_q) * r<Real>(a.seq_q) * r<Real>(s.head_dim_v);
    const Real lse = r<Real>(a.batch) * r<Real>(a.heads_q) * r<Real>(a.seq_q) * Real(4); // fp32 log-sum-exp

    // Score traffic of a materialised kernel, in units of one score matrix
    // (see docs/model.md): forward writes S, softmax reads S and writes P, PV
    // reads P (4); backward writes dP, softmax-backward reads P and dP and
    // writes dS, dQ and dK read dS, dV reads P (7).
    const bool mat = materialises_scores(a.kernel);
    op_cost<Real> c;
    if (a.direction == pass::forward) {
        c.flops = flops_t<Real>(fwd);
        c.bytes_read = bytes_t<Real>((q + k + v) * es + (mat ? Real(2) * pairs * es : Real(0)));
        c.bytes_written = bytes_t<Real>(o * es + lse + (mat ? Real(2) * pairs * es : Real(0)));
    } else {
        c.flops = flops_t<Real>(Real(2.5) * fwd);
        // reads Q, K, V, O, dO, LSE; writes dQ, dK, dV
        c.bytes_read = bytes_t<Real>((q + k + v + Real(2) * o) * es + lse + (mat ? Real(4) * pairs * es : Real(0)));
        c.bytes_written = bytes_t<Real>((q + k + v) * es + (mat ? Real(3) * pairs * es : Real(0)));
    }
    return c;
}

namespace detail {
/// Implicit-GEMM shape from already-computed output extents (no validation).
[[nodiscard]] constexpr gemm_op implicit_gemm_of(const conv_op& c, const std::array<extent, 3>& out) {
    gemm_op g;
    g.m = c.batch * out[0] * out[1] * out[2];
    g.n = c.c_out / c.groups;
    g.k = (c.c_in / c.groups) * c.kernel[0] * c.kernel[1] * c.kernel[2];
    g.batch = c.groups;
    g.a = g.b = g.c = c.type;
    g.shared_b = false;
    return g;
}
[[nodiscard]] constexpr std::array<extent, 3> conv_outputs(const conv_op& c) {
    validate(c);
    return {conv_output_extent(c, 0), conv_output_extent(c, 1), conv_output_extent(c, 2)};
}

template <class Real>
[[nodiscard]] constexpr op_cost<Real> conv_cost(const conv_op& c, const std::array<extent, 3>& o) {
    const Real es = Real(size_bytes(c.type));
    const Real in = r<Real>(c.batch) * r<Real>(c.c_in) * r<Real>(c.input[0]) * r<Real>(c.input[1]) * r<Real>(c.input[2]);
    const Real wts = r<Real>(c.c_out) * r<Real>(c.c_in / c.groups) * r<Real>(c.kernel[0]) * r<Real>(c.kernel[1]) *
                     r<Real>(c.kernel[2]);
    const Real out = r<Real>(c.batch) * r<Real>(c.c_out) * r<Real>(o[0]) * r<Real>(o[1]) * r<Real>(o[2]);
    const gemm_op g = implicit_gemm_of(c, o);
    const Real f = Real(2) * r<Real>(g.m) * r<Real>(g.n) * r<Real>(g.k) * r<Real>(g.batch);
    op_cost<Real> k;
    if (c.direction == pass::forward) {
        k.flops = flops_t<Real>(f);
        k.bytes_read = bytes_t<Real>((in + wts) * es);
        k.bytes_written = bytes_t<Real>(out * es);
    } else {
        // data gradient (dX = dY * W^T) and weight gradient (dW = X^T * dY): two GEMMs of the forward size
        k.flops = flops_t<Real>(Real(2) * f);
        k.bytes_read = bytes_t<Real>((Real(2) * out + in + wts) * es);
        k.bytes_written = bytes_t<Real>((in + wts) * es);
    }
    return k;
}
} // namespace detail

/// The implicit-GEMM shape of a convolution (forward pass):
/// M = N·Do·Ho·Wo, N = C_out/groups, K = C_in/groups · kd·kh·kw, batch = groups.
[[nodiscard]] constexpr gemm_op implicit_gemm(const conv_op& c) {
    return detail::implicit_gemm_of(c, detail::conv_outputs(c));
}

template <class Real = double>
[[nodiscard]] constexpr op_cost<Real> cost(const conv_op& c) {
    return detail::conv_cost<Real>(c, detail::conv_outputs(c));
}

template <class Real = double>
[[nodiscard]] constexpr op_cost<Real> cost(const pointwise_op& p) {
    validate(p);
    using detail::r;
    const Real es = Real(size_bytes(p.type));
    const Real eo = Real(size_bytes(p.output_type ? *p.output_type : p.type));
    const extent out_elems = p.output_elements ? p.output_elements : p.elements;
    const double fpe = p.flops_per_element < 0 ? default_flops_per_element(p.kind) : p.flops_per_element;
    op_cost<Real> c;
    c.flops = flops_t<Real>(Real(fpe) * r<Real>(p.elements));
    c.bytes_read = bytes_t<Real>((Real(p.inputs - p.output_type_inputs) * r<Real>(p.elements) +
                                  r<Real>(p.param_elements)) * es +
                                 Real(p.output_type_inputs) * r<Real>(p.elements) * eo);
    c.bytes_written = bytes_t<Real>(Real(p.outputs) * r<Real>(out_elems) * eo);
    return c;
}

template <class Real = double>
[[nodiscard]] constexpr op_cost<Real> cost(const copy_op& c) {
    validate(c);
    op_cost<Real> k;
    // bytes crossing the link (host copies, peer copies) or read + written locally
    k.bytes_read = bytes_t<Real>(detail::r<Real>(c.bytes));
    k.bytes_written = bytes_t<Real>(detail::r<Real>(c.bytes));
    return k;
}

/// Bytes each rank sends over its link for every byte of buffer, per the
/// algorithm (ring all-reduce 2(n-1)/n, all-gather / reduce-scatter /
/// all-to-all (n-1)/n, send/recv 1) — nccl-tests' "bus bandwidth" factor.
template <class Real = double>
[[nodiscard]] constexpr Real bus_factor(collective_kind k, int ranks) {
    const Real n = Real(ranks);
    switch (k) {
    case collective_kind::all_reduce: return Real(2) * (n - Real(1)) / n;
    case collective_kind::all_gather:
    case collective_kind::reduce_scatter:
    case collective_kind::all_to_all: return (n - Real(1)) / n;
    case collective_kind::send_recv: return Real(1);
    }
    return Real(1);
}

/// For a collective: `bytes_written` is what each rank sends over its link
/// (buffer x bus factor), `bytes_read` the buffer it starts from; FLOPs are
/// the additions of a reduction.
template <class Real = double>
[[nodiscard]] constexpr op_cost<Real> cost(const collective_op& c) {
    validate(c);
    const Real buf = detail::r<Real>(c.elements) * Real(size_bytes(c.type));
    const Real n = Real(c.ranks);
    op_cost<Real> k;
    k.bytes_read = bytes_t<Real>(buf);
    k.bytes_written = bytes_t<Real>(buf * bus_factor<Real>(c.kind, c.ranks));
    if (c.kind == collective_kind::all_reduce || c.kind == collective_kind::reduce_scatter)
        k.flops = flops_t<Real>(detail::r<Real>(c.elements) * (n - Real(1)) / n);
    return k;
}

template <class Real = double>
[[nodiscard]] constexpr op_cost<Real> cost(const op& o) {
    return std::visit([](const auto& x) { return cost<Real>(x); }, o);
}

} // namespace vidperf
