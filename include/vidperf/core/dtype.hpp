#pragma once
/// \file
/// Data types of tensors and of the arithmetic that consumes them.
///
/// Storage size and compute class are different questions: tf32 is stored as
/// fp32 (4 bytes) but runs on the TF32 tensor-core path; nf4 is a weight
/// storage format (4-bit NormalFloat) whose GEMMs run in bf16 after
/// dequantisation, so it has a size but no peak of its own. fp64 is a storage
/// dtype of pointwise kernels only (Wan's official code applies RoPE through
/// float64 complex numbers): vidperf has no fp64 GEMM, attention or convolution.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vidperf {

enum class dtype : std::uint8_t { fp32, tf32, bf16, fp16, fp8_e4m3, fp8_e5m2, int8, int4, nf4, fp64 };

inline constexpr std::array<dtype, 10> all_dtypes{dtype::fp32,     dtype::tf32,     dtype::bf16,
                                                  dtype::fp16,     dtype::fp8_e4m3, dtype::fp8_e5m2,
                                                  dtype::int8,     dtype::int4,     dtype::nf4,
                                                  dtype::fp64};

/// Arithmetic pipes a GPU datasheet quotes a dense peak for.
enum class compute_class : std::uint8_t {
    fp32 = 0, ///< non-tensor FP32 (CUDA cores / vector ALUs)
    tf32,     ///< TF32 tensor cores (XF32 on CDNA3)
    bf16,     ///< BF16 tensor cores
    fp16,     ///< FP16 tensor cores
    fp8,      ///< FP8 tensor cores (e4m3 and e5m2 run at the same rate)
    int8,     ///< INT8 tensor cores
    int4,     ///< INT4 tensor cores (Ampere, Turing; absent on Hopper)
};
inline constexpr std::size_t compute_class_count = 7;

[[nodiscard]] constexpr std::string_view name(dtype t) noexcept {
    switch (t) {
    case dtype::fp32: return "fp32";
    case dtype::tf32: return "tf32";
    case dtype::bf16: return "bf16";
    case dtype::fp16: return "fp16";
    case dtype::fp8_e4m3: return "fp8_e4m3";
    case dtype::fp8_e5m2: return "fp8_e5m2";
    case dtype::int8: return "int8";
    case dtype::int4: return "int4";
    case dtype::nf4: return "nf4";
    case dtype::fp64: return "fp64";
    }
    return "?";
}

[[nodiscard]] constexpr std::string_view name(compute_class c) noexcept {
    switch (c) {
    case compute_class::fp32: return "fp32";
    case compute_class::tf32: return "tf32";
    case compute_class::bf16: return "bf16";
    case compute_class::fp16: return "fp16";
    case compute_class::fp8: return "fp8";
    case compute_class::int8: return "int8";
    case compute_class::int4: return "int4";
    }
    return "?";
}

/// Parses a dtype name; accepts "fp8" as fp8_e4m3 (the inference default).
[[nodiscard]] constexpr std::optional<dtype> parse_dtype(std::string_view s) noexcept {
    for (dtype t : all_dtypes)
        if (name(t) == s) return t;
    if (s == "fp8" || s == "e4m3") return dtype::fp8_e4m3;
    if (s == "e5m2") return dtype::fp8_e5m2;
    if (s == "float32") return dtype::fp32;
    if (s == "float64" || s == "double") return dtype::fp64;
    if (s == "bfloat16") return dtype::bf16;
    if (s == "float16" || s == "half") return dtype::fp16;
    return std::nullopt;
}

/// Bits one element occupies in memory (no block-scale overhead).
[[nodiscard]] constexpr int storage_bits(dtype t) noexcept {
    switch (t) {
    case dtype::fp64: return 64;
    case dtype::fp32:
    case dtype::tf32: return 32;
    case dtype::bf16:
    case dtype::fp16: return 16;
    case dtype::fp8_e4m3:
    case dtype::fp8_e5m2:
    case dtype::int8: return 8;
    case dtype::int4:
    case dtype::nf4: return 4;
    }
    return 0;
}

/// Bytes per element in memory (0.5 for 4-bit types).
[[nodiscard]] constexpr double size_bytes(dtype t) noexcept { return storage_bits(t) / 8.0; }

/// The arithmetic pipe a GEMM whose inputs have this dtype runs on, or
/// nullopt for storage-only formats (nf4 is dequantised to bf16 first) and
/// for fp64, which only pointwise kernels use.
[[nodiscard]] constexpr std::optional<compute_class> compute_class_of(dtype t) noexcept {
    switch (t) {
    case dtype::fp32: return compute_class::fp32;
    case dtype::tf32: return compute_class::tf32;
    case dtype::bf16: return compute_class::bf16;
    case dtype::fp16: return compute_class::fp16;
    case dtype::fp8_e4m3:
    case dtype::fp8_e5m2: return compute_class::fp8;
    case dtype::int8: return compute_class::int8;
    case dtype::int4: return compute_class::int4;
    case dtype::nf4:
    case dtype::fp64: return std::nullopt;
    }
    return std::nullopt;
}

} // namespace vidperf
