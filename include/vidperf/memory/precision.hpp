#pragma once
/// \file
/// Training precision policy: the bytes each parameter costs in each copy a
/// fine-tuning job keeps. Mixed precision (PyTorch AMP, DeepSpeed/FSDP
/// mixed precision) keeps a working copy in the weight dtype, fp32 master
/// weights and fp32 gradients; a pure fp32 job keeps one fp32 copy and no
/// separate master; fp8 training (Transformer Engine with fp8 weights) reads
/// fp8 weights and keeps fp32 masters. Optimizer states by optimizer:
/// AdamW two fp32 moments (8 B), bitsandbytes 8-bit Adam two 8-bit moments
/// (2 B), Adafactor factored second moments (counted per matrix, not here).
/// Bytes only: nothing here prices time.

#include <array>
#include <cstdint>
#include <string_view>

#include <vidperf/core/dtype.hpp>
#include <vidperf/core/names.hpp>
#include <vidperf/models/training_step.hpp>

namespace vidperf {

struct training_precision {
    double weight_bytes = 2;          ///< per parameter, the copy the kernels read
    double master_bytes = 4;          ///< per trainable parameter; 0 when the weights are fp32 already
    double gradient_bytes = 4;        ///< per trainable parameter
    double optimizer_state_bytes = 8; ///< per trainable parameter (Adafactor: 0 here, factored states counted apart)
    double adapter_bytes = 2;         ///< per LoRA adapter parameter (held in the unquantised dtype)
};

/// The policy for weights held in `weights` and optimizer `opt`.
[[nodiscard]] constexpr training_precision precision_for(dtype weights, optimizer_kind opt) noexcept {
    training_precision p;
    p.weight_bytes = size_bytes(weights);
    const bool fp32 = weights == dtype::fp32 || weights == dtype::tf32;
    p.master_bytes = fp32 ? 0.0 : 4.0;
    p.gradient_bytes = 4.0;
    p.optimizer_state_bytes = optimizer_state_bytes(opt);
    p.adapter_bytes = size_bytes(unquantised(weights));
    return p;
}

} // namespace vidperf
