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

#include <vidperf/core/names.hpp>

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

template <>
struct enum_names<dtype> {
    static constexpr std::string_view what = "dtype";
    // canonical names first; then the aliases PyTorch and the model configs use
    static constexpr auto entries = std::to_array<name_entry<dtype>>({
        {dtype::fp32, "fp32"},         {dtype::tf32, "tf32"},         {dtype::bf16, "bf16"},
        {dtype::fp16, "fp16"},                          {dtype::fp8_e4m3, "fp8_e4m3"}, {dtype::fp8_e5m2, "fp8_e5m2"},
        {dtype::int8, "int8"},                          {dtype::int4, "int4"},         {dtype::nf4, "nf4"},
        {dtype::fp64, "fp64"},                          {dtype::fp8_e4m3, "fp8"},      {dtype::fp8_e4m3, "e4m3"},
        {dtype::fp8_e5m2, "e5m2"},                      {dtype::fp32, "float32"},      {dtype::fp64, "float64"},
        {dtype::fp64, "double"},                        {dtype::bf16, "bfloat16"},     {dtype::fp16, "float16"},
        {dtype::fp16, "half"}});
};

template <>
struct enum_names<compute_class> {
    static constexpr std::string_view what = "compute class";
    static constexpr auto entries = std::to_array<name_entry<compute_class>>({
        {compute_class::fp32, "fp32"}, {compute_class::tf32, "tf32"},
        {compute_class::bf16, "bf16"}, {compute_class::fp16, "fp16"}, {compute_class::fp8, "fp8"},
        {compute_class::int8, "int8"}, {compute_class::int4, "int4"}});
};

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

/// The dtype of the modules around a quantised denoiser (text encoders, VAE, interpolation, upscaling, LoRA
/// adapters): an fp8, int8 or 4-bit denoiser leaves the rest of the pipeline in bf16.
[[nodiscard]] constexpr dtype unquantised(dtype t) noexcept {
    switch (t) {
    case dtype::fp8_e4m3:
    case dtype::fp8_e5m2:
    case dtype::int8:
    case dtype::int4:
    case dtype::nf4: return dtype::bf16;
    default: return t;
    }
}

} // namespace vidperf
