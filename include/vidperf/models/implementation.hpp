#pragma once
/// \file
/// The work a model's reference implementation does beyond the architecture:
/// the `implementation` axis of a job.
///
///   ideal      the architecture alone: each pointwise step one fused kernel in
///              the compute dtype (what lower_denoiser emits by itself);
///   diffusers  the model's diffusers pipeline and transformer class;
///   official   the model's own repository (its generate / sample script).
///
/// For a model whose code has been read (`reference_code`), a non-ideal
/// implementation replaces the ideal pointwise kernels of each denoiser block
/// by the kernels that code launches (upcasts, unfused norms and RoPE, copies,
/// per-token modulation), adds the per-token timestep GEMMs of Wan2.2, the
/// per-step guidance and scheduler kernels with their dtypes, and picks the
/// VAE dtype and where offloaded weights live. Everything here is ops; the
/// roofline engine prices them. Each list cites the file and line it was read
/// from (docs/implementations.md has the full inventory and its byte counts):
///
///   Wan2.1@9737cba       Wan-Video/Wan2.1 9737cba9c1c3c4d04b33fcad41c111989865d315
///   Wan2.2@42bf4cf       Wan-Video/Wan2.2 42bf4cfaa384bc21833865abc2f9e6c0e67233dc
///   diffusers@58eb52c    huggingface/diffusers 58eb52c0803ea9af3abec60841c2a093bdf1f951
///   HunyuanVideo@fa14b00 Tencent/HunyuanVideo fa14b001c18f37191c938a9ef6baad3b9b472759
///   mochi@0c86aeb        genmoai/mochi 0c86aebf386e6622deadfb47ff1996878cefc0ac
///
/// Not modelled (no op, no time): host-side gaps and device-to-host
/// synchronisations (UniPC's blocking `torch.tensor(..., device=...)`, Mochi's
/// per-sample `torch.nonzero`, Wan2.1's per-step `model.to(device)` walk): no
/// measured figure of their cost for a video DiT was found, so none is
/// charged. Also left at the ideal lowering: text-row (L) pointwise work, the
/// output head, patch and text embeddings (each well under 1 % of a block's
/// traffic at the standard workloads), the first Wan block's three extra casts,
/// and the transient buffers of the upcast chains (only Wan2.2's per-token
/// modulation tensors, which live through the call, are added to memory).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <vidperf/core/dtype.hpp>
#include <vidperf/core/error.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/ops/ops.hpp>
#include <vidperf/core/names.hpp>

namespace vidperf {

enum class implementation : std::uint8_t { ideal, diffusers, official };

inline constexpr std::array<implementation, 3> all_implementations{implementation::ideal, implementation::diffusers,
                                                                   implementation::official};

template <>
struct enum_names<implementation> {
    static constexpr std::string_view what = "implementation";
    static constexpr auto entries = std::to_array<name_entry<implementation>>({
        {implementation::ideal, "ideal"},
        {implementation::diffusers, "diffusers"},
        {implementation::official, "official"}});
};

/// Whose code a denoiser's reference implementations are (picks the op lists below). `none`: no
/// implementation has been read for it, so every implementation lowers as `ideal`.
enum class reference_code : std::uint8_t { none, wan, cogvideox, hunyuanvideo, mochi, ltx_video, open_sora, svd, allegro };

template <>
struct enum_names<reference_code> {
    static constexpr std::string_view what = "reference code";
    static constexpr auto entries = std::to_array<name_entry<reference_code>>({
        {reference_code::none, "none"},
        {reference_code::wan, "wan"},
        {reference_code::cogvideox, "cogvideox"},
        {reference_code::hunyuanvideo, "hunyuanvideo"},
        {reference_code::mochi, "mochi"},
        {reference_code::ltx_video, "ltx-video"},
        {reference_code::open_sora, "open-sora"},
        {reference_code::svd, "svd"},
        {reference_code::allegro, "allegro"}});
};

/// PyTorch composes torch.nn.RMSNorm (F.rms_norm) from eight kernels (upcast, pow, mean, add, rsqrt, mul,
/// mul by the weight, cast back) in releases before 2.9; the fused `_fused_rms_norm` CUDA kernel
/// (pytorch/pytorch PR #153666, in nightly builds from August 2025) is used when input and weight dtypes
/// match. The diffusers figures vidperf is judged on predate it, so the composite is modelled.
inline constexpr bool torch_fused_rms_norm = false;

/// The denoiser's attention kernel an implementation runs unless the user picks one: diffusers passes
/// HunyuanVideo's padded text mask to every attention (transformer_hunyuan_video.py:1054-1062 @ diffusers@58eb52c),
/// and PyTorch SDPA never takes the flash backend with a mask (sdp_utils.cpp), so it runs the memory-efficient
/// kernel. Everything else runs `fallback` (the preset's; FA2 for the presets: PyTorch SDPA's flash backend
/// is FlashAttention-2, and the official repositories install flash-attn 2).
[[nodiscard]] constexpr attention_kernel default_attention(implementation impl, reference_code code,
                                                           attention_kernel fallback) noexcept {
    if (impl == implementation::diffusers && code == reference_code::hunyuanvideo) return attention_kernel::sdpa_efficient;
    return fallback;
}

/// Refuses an attention kernel the implementation cannot run on this model (a masked attention on a
/// kernel that takes no mask), naming both.
inline void check_attention(implementation impl, reference_code code, attention_kernel k) {
    if (impl != implementation::diffusers || code != reference_code::hunyuanvideo) return;
    if (k == attention_kernel::fa2 || k == attention_kernel::fa3 || k == attention_kernel::sage)
        detail::raise(errc::kernel_not_available, "implementation 'diffusers'",
                      "HunyuanVideo in diffusers passes a text padding mask to every attention, which attention "
                      "kernel '" + std::string(name(k)) +
                          "' cannot take (PyTorch SDPA then runs its memory-efficient kernel); use --attention "
                          "sdpa-efficient, cudnn or sdpa-math, or --implementation official (flash_attn_varlen)");
}

/// The dtype the denoiser's weights are held in when the user names none: the model's own repository may
/// keep them in fp32 (Wan2.1 loads WanModel.from_pretrained(checkpoint_dir) without a torch_dtype and runs
/// under torch.cuda.amp.autocast(bfloat16): wan/text2video.py @ Wan2.1@9737cba; Wan2.2's README commands
/// pass --convert_model_dtype, which converts to bf16), otherwise the compute dtype.
[[nodiscard]] constexpr dtype weight_storage(implementation impl, bool official_fp32_weights, dtype compute) noexcept {
    const bool autocast = compute == dtype::bf16 || compute == dtype::fp16; // an fp8 job needs fp8 weights
    return impl == implementation::official && official_fp32_weights && autocast ? dtype::fp32 : compute;
}

/// The dtype the VAE runs in: Wan's official code builds its VAE in fp32 and decodes under fp32 autocast
/// (wan/modules/vae.py:622-626, 657-663 @ Wan2.1@9737cba; vae2_2.py:897, 1038-1046 @ Wan2.2@42bf4cf) and
/// diffusers' Wan docs load AutoencoderKLWan in fp32 (pipeline_wan.py:56 @ diffusers@58eb52c): fp32
/// tensors whose convolutions cuDNN runs on TF32 tensor cores by default, i.e. `tf32`. HunyuanVideo's
/// sample_video.py decodes in fp16 (--vae-precision, hyvideo/config.py:68-79 @ HunyuanVideo@fa14b00).
/// StableDiffusionXLPipeline upcasts a force_upcast VAE to fp32 when the pipeline runs in fp16
/// (pipeline_stable_diffusion_xl.py `needs_upcasting` @ diffusers 0.42.1); cuDNN runs its fp32 convolutions
/// on TF32 tensor cores, as above. Allegro's single_inference.py loads its VAE in fp32 ("vae have better
/// formance in float32", rhymes-ai/Allegro@0e4fb8a) and diffusers' AllegroPipeline example does the same
/// (pipeline_allegro.py EXAMPLE_DOC_STRING @ diffusers 0.42.1).
[[nodiscard]] constexpr dtype vae_dtype(implementation impl, reference_code code, dtype compute,
                                        bool force_upcast = false) noexcept {
    if (impl == implementation::ideal) return unquantised(compute);
    if (code == reference_code::wan || code == reference_code::allegro) return dtype::tf32;
    if (force_upcast && impl == implementation::diffusers && compute == dtype::fp16) return dtype::tf32;
    if (impl == implementation::official && code == reference_code::hunyuanvideo) return dtype::fp16;
    return unquantised(compute);
}

/// Offloaded weights sit in pageable host memory in every reference implementation: accelerate's hooks move
/// modules with `.to("cpu")` / a CPU state_dict and copy back with non_blocking=False (accelerate@16cb6eb
/// hooks.py:359-410, utils/modeling.py:235, 353), Wan's --offload_model calls `model.cpu()`
/// (text2video.py:257-259 @ Wan2.1@9737cba). Only `ideal` assumes pinned buffers.
[[nodiscard]] constexpr bool offload_from_pageable_memory(implementation impl) noexcept {
    return impl != implementation::ideal;
}

/// True when the implementation runs the timestep MLP and its projection on every token (Wan2.2's
/// `expand_timesteps`): the official code expands for every Wan2.2 model (model.py:460-469 @ Wan2.2@42bf4cf),
/// diffusers when the pipeline's `expand_timesteps` is set (pipeline_wan.py:606-610 @ diffusers@58eb52c; the
/// A14B pipelines leave it unset).
[[nodiscard]] constexpr bool per_token_timesteps(implementation impl, bool diffusers_expands,
                                                 bool official_expands) noexcept {
    if (impl == implementation::diffusers) return diffusers_expands;
    return impl == implementation::official && official_expands;
}

/// Which part of a denoiser block a list replaces.
enum class block_part : std::uint8_t {
    cross,  ///< dit_cross block: self-attention, cross-attention, MLP (Wan, LTX-Video)
    joint,  ///< mmdit_joint block (CogVideoX)
    dual,   ///< dual-stream block, video stream (HunyuanVideo, Mochi)
    single, ///< single-stream block (HunyuanVideo)
};

/// The shapes of one block as the op lists need them (rows summed over the videos of the call).
struct block_shape {
    extent videos = 1;
    extent video_rows = 0; ///< N x videos
    extent text_rows = 0;  ///< L x videos
    extent image_rows = 0; ///< Wan I2V CLIP tokens x videos; 0 = none
    extent width = 0;      ///< D
    extent attn_width = 0; ///< heads x head_dim
    extent head_dim = 0;
    extent ffn = 0;
    bool qk_norm = true;
    [[nodiscard]] constexpr extent joint_rows() const { return video_rows + text_rows; }
};

/// True when `impl` has its own block kernels for this code (so the ideal block's pointwise kernels are
/// replaced by block_ops()).
[[nodiscard]] constexpr bool has_block_ops(implementation impl, reference_code code) noexcept {
    if (impl == implementation::ideal) return false;
    switch (code) {
    case reference_code::wan:
    case reference_code::hunyuanvideo:
    case reference_code::mochi: return true;
    case reference_code::cogvideox:
    case reference_code::ltx_video: return impl == implementation::diffusers;
    case reference_code::none:
    case reference_code::open_sora:
    case reference_code::svd:
    case reference_code::allegro: return false;
    }
    return false;
}

namespace impl_detail {

/// One kernel over `n` values: `inputs` tensors read (`wide` of them stored in `out`, the rest in `in`), one
/// tensor of `out_n` values (0 = n) written in `out`, and `params` norm weights read in `in` (a weight stored in
/// another dtype differs by `params` x 2 bytes at most, nothing next to the rows).
inline void kernel(stage_builder& b, extent n, dtype in, int inputs, dtype out, int wide = 0, double flops = 1,
                   pointwise_kind kind = pointwise_kind::elementwise, extent out_n = 0, extent params = 0,
                   extent row = 0) {
    pointwise_op p;
    p.kind = kind;
    p.elements = n;
    p.row_length = row;
    p.inputs = inputs;
    p.outputs = 1;
    p.output_elements = out_n;
    p.param_elements = params;
    p.flops_per_element = flops;
    p.type = in;
    if (out != in || wide > 0) {
        p.output_type = out;
        p.output_type_inputs = wide;
    }
    b.pointwise(p);
}

/// A cast (or a plain copy when from == to): one read, one write, no arithmetic.
inline void cast(stage_builder& b, extent n, dtype from, dtype to) { kernel(b, n, from, 1, to, 0, 0); }

/// `x.float().pow(2).mean(-1)` and `rsqrt(var + eps)` over `rows` rows of `dim`, `x` in `in`: the upcast (when
/// `in` is not fp32), pow, the mean (a reduction to one value per row), then the two one-value-per-row kernels.
inline void fp32_variance(stage_builder& b, extent rows, extent dim, dtype in) {
    const extent n = rows * dim;
    if (in != dtype::fp32) cast(b, n, in, dtype::fp32);
    kernel(b, n, dtype::fp32, 1, dtype::fp32);                                           // pow(2)
    kernel(b, n, dtype::fp32, 1, dtype::fp32, 0, 1, pointwise_kind::reduction, rows);    // mean(-1)
    kernel(b, rows, dtype::fp32, 1, dtype::fp32);                                        // + eps
    kernel(b, rows, dtype::fp32, 1, dtype::fp32);                                        // rsqrt
}

/// torch.nn.RMSNorm / F.rms_norm on `half` activations with a `half` weight: the fused kernel, or the composite
/// of PyTorch before 2.9 (variance, x * rsqrt in fp32, * weight in fp32, cast back): 4 or 40 bytes per value.
inline void torch_rms_norm(stage_builder& b, extent rows, extent dim, dtype half) {
    if (torch_fused_rms_norm) {
        kernel(b, rows * dim, half, 1, half, 0, -1, pointwise_kind::rmsnorm, 0, dim, dim);
        return;
    }
    const extent n = rows * dim;
    fp32_variance(b, rows, dim, half);
    kernel(b, n, dtype::fp32, 1, dtype::fp32);                                    // x * rsqrt
    kernel(b, n, half, 1, dtype::fp32, 1, 1, pointwise_kind::elementwise, 0, dim); // fp32 x * the half weight
    cast(b, n, dtype::fp32, half);                                                // type_as
}

/// A gated residual `x + gate * y` in `half` as PyTorch runs it unfused: the product (gate broadcast), then the add.
inline void gated_residual(stage_builder& b, extent n, dtype half) {
    kernel(b, n, half, 1, half);    // gate * y
    kernel(b, n, half, 2, half);    // x + ...
}

/// `norm(x) * (1 + scale) + shift` in `half` with a LayerNorm of `params` affine values: three kernels.
inline void layernorm_modulate(stage_builder& b, extent rows, extent dim, dtype half, extent params = 0) {
    const extent n = rows * dim;
    kernel(b, n, half, 1, half, 0, -1, pointwise_kind::layernorm, 0, params, dim);
    kernel(b, n, half, 1, half); // * (1 + scale)
    kernel(b, n, half, 1, half); // + shift
}

// ------------------------------------------------------------------ Wan, official repository

/// WanRMSNorm (model.py:81-89 @ Wan2.1@9737cba): `self._norm(x.float()).type_as(x) * self.weight` on bf16 q or k;
/// the fp32 weight promotes the output to fp32. 38 bytes per value.
inline void wan_rms_norm(stage_builder& b, extent rows, extent dim, dtype half) {
    const extent n = rows * dim;
    fp32_variance(b, rows, dim, half);
    kernel(b, n, dtype::fp32, 1, dtype::fp32);                                    // x * rsqrt
    cast(b, n, dtype::fp32, half);                                                // type_as(x)
    kernel(b, n, half, 1, dtype::fp32, 0, 1, pointwise_kind::elementwise, 0, dim); // * weight (fp32)
}

/// rope_apply (model.py:42-70 @ Wan2.1@9737cba), under autocast(enabled=False), on fp32 q or k of `rows` x
/// `width`: float64 complex numbers. 72.4 bytes per value at head_dim 128, D 5120.
/// fp64 pointwise arithmetic is priced on the FP32 vector pipe like every pointwise kernel; at its 3 FLOP per
/// 16 bytes (0.19 FLOP/byte) it stays memory-bound on every catalog GPU, whose FP64 rate per byte of HBM
/// bandwidth is above 1 FLOP/byte even at Ada's 1:64 FP64 ratio (RTX 4090, L40S, L4, RTX 6000 Ada).
inline void wan_rope(stage_builder& b, extent rows, extent width, extent head_dim) {
    const extent n = rows * width;
    cast(b, n, dtype::fp32, dtype::fp64);                          // x.to(torch.float64)      :55-56
    cast(b, rows * head_dim, dtype::fp64, dtype::fp64);            // freqs_i = cat(expand)    :57-62
    kernel(b, n, dtype::fp64, 1, dtype::fp64, 0, 3);               // x_i * freqs_i (complex)  :65
    cast(b, n, dtype::fp64, dtype::fp64);                          // cat([x_i, x[i, seq_len:]]) :66
    cast(b, n, dtype::fp64, dtype::fp64);                          // torch.stack(output)      :70
    cast(b, n, dtype::fp64, dtype::fp32);                          // .float()                 :70
}

/// One Wan block (WanAttentionBlock.forward, model.py:285-315 @ Wan2.1@9737cba; Wan2.2@42bf4cf model.py:236-259)
/// as the official code runs it: the DiT built in fp32 (text2video.py:87-88, no torch_dtype) under
/// amp.autocast(bf16) (:204), so the residual stream is fp32 after the first gated residual, every linear casts
/// its fp32 input to bf16, and with fp32 weights (`weights_fp32`, no --convert_model_dtype) casts its weight
/// again on every call (requires_grad_(False): autocast caches no cast). 445 bytes per value of N x D per block
/// (74 ideal); with `per_token` (Wan2.2's expand_timesteps) the modulation operands are full [N, D] tensors.
inline void wan_official_block(stage_builder& b, const block_shape& s, dtype half, bool weights_fp32, bool per_token) {
    const auto f32 = dtype::fp32;
    const extent NV = s.video_rows, D = s.width, A = s.attn_width;
    const extent ev = NV * D, ea = NV * A;
    const int e_in = per_token ? 1 : 0; // a per-token modulation operand is one more full fp32 input
    b.role(op_role::sequence);
    if (per_token) { // `self.modulation.unsqueeze(0) + e` on [1, N, 6, D] fp32 (model.py:238-239 @ Wan2.2@42bf4cf)
        kernel(b, 6 * ev, f32, 1, f32);
        b.transient(6.0 * static_cast<double>(ev) * 4.0);
    }
    // self-attention input: norm1(x).float() * (1 + e[1]) + e[0]                              :303
    kernel(b, ev, f32, 1, f32, 0, -1, pointwise_kind::layernorm, 0, 0, D);
    if (per_token) kernel(b, ev, f32, 1, f32); // 1 + e[1].squeeze(2) materialised (Wan2.2 model.py:244)
    kernel(b, ev, f32, 1 + e_in, f32);
    kernel(b, ev, f32, 1 + e_in, f32);
    for (int i = 0; i < 3; ++i) cast(b, ev, f32, half); // autocast casts of q, k, v inputs    :142-144
    if (s.qk_norm) {
        wan_rms_norm(b, NV, A, half); // norm_q                                                 :142
        wan_rms_norm(b, NV, A, half); // norm_k                                                 :143
    }
    // WanRMSNorm's fp32 weight makes q and k fp32 (every Wan config sets qk_norm; without it rope_apply would
    // read bf16, 2 bytes per value less)
    wan_rope(b, NV, A, s.head_dim); // rope_apply(q)                                            :150
    wan_rope(b, NV, A, s.head_dim); // rope_apply(k)                                            :151
    // flash_attention pre/post (attention.py:59-83, 130 @ Wan2.1@9737cba): half(q); k sliced by k_lens (cat) then
    // half(k); v cat; the output cast back to q's dtype (fp32)
    cast(b, ea, f32, half);
    cast(b, ea, f32, f32);
    cast(b, ea, f32, half);
    cast(b, ea, half, half);
    cast(b, ea, half, f32);
    cast(b, ea, f32, half); // `o` input cast                                                    :157-158
    // x = x + y * e[2] under autocast(fp32)                                                      :305-306
    kernel(b, ev, half, 1 + e_in, f32, e_in);
    kernel(b, ev, f32, 2, f32);
    // cross-attention: x + cross_attn(norm3(x))                                                 :310, :174-183
    kernel(b, ev, f32, 1, f32, 0, -1, pointwise_kind::layernorm, 0, 2 * D, D);
    cast(b, ev, f32, half); // q input cast
    if (s.qk_norm) wan_rms_norm(b, NV, A, half);
    const dtype q = s.qk_norm ? f32 : half;            // q's dtype after norm_q
    if (q != half) cast(b, ea, q, half);               // flash_attention half(q)
    cast(b, ea, half, q);                              // output .type(q's dtype)
    if (s.image_rows > 0) { // WanI2VCrossAttention (model.py:196-231): a second flash_attention, x + img_x
        if (q != half) cast(b, ea, q, half);
        cast(b, ea, half, q);
        kernel(b, ea, q, 2, q);
    }
    cast(b, ea, f32, half);              // `o` input cast
    kernel(b, ev, half, 2, f32, 1);      // x + (bf16 output)
    // FFN input: norm2(x).float() * (1 + e[4]) + e[3]; x + y * e[5]                             :311-313
    kernel(b, ev, f32, 1, f32, 0, -1, pointwise_kind::layernorm, 0, 0, D);
    if (per_token) kernel(b, ev, f32, 1, f32); // 1 + e[4].squeeze(2)
    kernel(b, ev, f32, 1 + e_in, f32);
    kernel(b, ev, f32, 1 + e_in, f32);
    cast(b, ev, f32, half); // FFN input cast
    kernel(b, ev, half, 1 + e_in, f32, e_in);
    kernel(b, ev, f32, 2, f32);
    if (weights_fp32) { // each linear's fp32 weight cast to bf16 on every call (replicated: every GPU holds it)
        b.role(op_role::replicated);
        for (int i = 0; i < 8; ++i) cast(b, D * A, f32, half); // self q k v o, cross q k v o
        cast(b, D * s.ffn, f32, half);
        cast(b, s.ffn * D, f32, half);
        if (s.image_rows > 0) {
            cast(b, D * A, f32, half); // k_img
            cast(b, D * A, f32, half); // v_img
        }
    }
    b.role(op_role::replicated);
}

// ------------------------------------------------------------------ Wan, diffusers

/// `(norm(h.float()) * (1 + scale) + shift).type_as(h)` with FP32LayerNorm (normalization.py:84-93 @ diffusers@58eb52c).
inline void wan_diffusers_norm_modulate(stage_builder& b, extent ev, extent D, dtype half, bool per_token) {
    const auto f32 = dtype::fp32;
    cast(b, ev, half, f32);
    kernel(b, ev, f32, 1, f32, 0, -1, pointwise_kind::layernorm, 0, 0, D);
    if (per_token) kernel(b, ev, f32, 1, f32); // (1 + scale) is a full [B, N, D] tensor
    kernel(b, ev, f32, per_token ? 2 : 1, f32);
    kernel(b, ev, f32, per_token ? 2 : 1, f32);
    cast(b, ev, f32, half);
}

/// WanTransformerBlock.forward (transformer_wan.py:462-504 @ diffusers@58eb52c): bf16 residual stream, fp32
/// norms and modulation (`_keep_in_fp32_modules`, :549), torch.nn.RMSNorm on q and k, the local RoPE (:104-118).
/// 346 bytes per value of N x D with the composite RMSNorm, 238 with the fused one (74 ideal).
inline void wan_diffusers_block(stage_builder& b, const block_shape& s, dtype half, bool per_token) {
    const auto f32 = dtype::fp32;
    const extent NV = s.video_rows, D = s.width, A = s.attn_width;
    const extent ev = NV * D, ea = NV * A;
    const int e_in = per_token ? 1 : 0;
    b.role(op_role::sequence);
    if (per_token) { // `scale_shift_table.unsqueeze(0) + temb.float()` on [B, N, 6, D] (:469-480)
        cast(b, 6 * ev, half, f32);
        kernel(b, 6 * ev, f32, 1, f32);
        b.transient(6.0 * static_cast<double>(ev) * 8.0);
    }
    wan_diffusers_norm_modulate(b, ev, D, half, per_token); // :488
    if (s.qk_norm) {
        torch_rms_norm(b, NV, A, half); // norm_q (:95-96, :208-209)
        torch_rms_norm(b, NV, A, half); // norm_k
    }
    for (int t = 0; t < 2; ++t) {       // apply_rotary_emb on q and k: out[..., 0::2] and out[..., 1::2]
        for (int half_i = 0; half_i < 2; ++half_i) {
            kernel(b, ea / 2, half, 1, f32);   // x1 * cos (fp32 table)
            kernel(b, ea / 2, half, 1, f32);   // x2 * sin
            kernel(b, ea / 2, f32, 2, f32);    // - or +
            cast(b, ea / 2, f32, half);        // strided store into the bf16 `out`
        }
    }
    // (h.float() + attn * gate).type_as(h)                                                      :490
    cast(b, ev, half, f32);
    kernel(b, ev, half, 1 + e_in, f32, e_in);
    kernel(b, ev, f32, 2, f32);
    cast(b, ev, f32, half);
    // norm2(h.float()).type_as(h), affine                                                       :493
    cast(b, ev, half, f32);
    kernel(b, ev, f32, 1, f32, 0, -1, pointwise_kind::layernorm, 0, 2 * D, D);
    cast(b, ev, f32, half);
    if (s.qk_norm) torch_rms_norm(b, NV, A, half); // cross-attention norm_q
    if (s.image_rows > 0) kernel(b, ea, half, 2, half); // text + image attention outputs (:143-160)
    kernel(b, ev, half, 2, half);                       // h + attn2                             :495
    wan_diffusers_norm_modulate(b, ev, D, half, per_token); // norm3                                :498-500
    // (h.float() + ff.float() * c_gate).type_as(h)                                              :502
    cast(b, ev, half, f32);
    cast(b, ev, half, f32);
    kernel(b, ev, f32, 1 + e_in, f32);
    kernel(b, ev, f32, 2, f32);
    cast(b, ev, f32, half);
    b.role(op_role::replicated);
}

// ------------------------------------------------------------------ LTX-Video, diffusers

/// diffusers RMSNorm (normalization.py:553-565 @ diffusers@58eb52c) without a weight: fp32 variance,
/// `h * rsqrt` promoted to fp32, cast back. 30 bytes per value.
inline void diffusers_rms_norm_plain(stage_builder& b, extent rows, extent dim, dtype half) {
    const extent n = rows * dim;
    fp32_variance(b, rows, dim, half);
    kernel(b, n, half, 1, dtype::fp32); // h * rsqrt(variance + eps)
    cast(b, n, dtype::fp32, half);
}

/// LTXVideoTransformerBlock.forward (transformer_ltx.py:352-380 @ diffusers@58eb52c): weight-free RMSNorms,
/// unfused modulation and gates, torch.nn.RMSNorm on q and k (:148-149), RoPE with full [B, N, A] fp32 cos and
/// sin tables (:596-601), no norm before the cross-attention. 234 bytes per value of N x D (fused RMSNorm).
inline void ltx_diffusers_block(stage_builder& b, const block_shape& s, dtype half) {
    const auto f32 = dtype::fp32;
    const extent NV = s.video_rows, D = s.width, A = s.attn_width;
    const extent ev = NV * D, ea = NV * A;
    b.role(op_role::sequence);
    diffusers_rms_norm_plain(b, NV, D, half); // norm1                                            :353
    kernel(b, ev, half, 1, half);             // * (1 + scale_msa)                                :360
    kernel(b, ev, half, 1, half);             // + shift_msa
    if (s.qk_norm) {
        torch_rms_norm(b, NV, A, half);
        torch_rms_norm(b, NV, A, half);
    }
    for (int t = 0; t < 2; ++t) { // apply_rotary_emb (:596-601)
        kernel(b, ea / 2, half, 1, half);   // -x_imag
        cast(b, ea, half, half);            // stack
        cast(b, ea, half, f32);             // x.float()
        kernel(b, ea, f32, 2, f32);         // * cos (a full fp32 table)
        cast(b, ea, half, f32);             // x_rotated.float()
        kernel(b, ea, f32, 2, f32);         // * sin
        kernel(b, ea, f32, 2, f32);         // +
        cast(b, ea, f32, half);             // .to(x.dtype)
    }
    gated_residual(b, ev, half);            // hidden_states + attn * gate_msa                    :367
    if (s.qk_norm) torch_rms_norm(b, NV, A, half); // attn2 norm_q
    kernel(b, ev, half, 2, half);           // + attn2                                            :375
    diffusers_rms_norm_plain(b, NV, D, half); // norm2                                            :376
    kernel(b, ev, half, 1, half);
    kernel(b, ev, half, 1, half);
    gated_residual(b, ev, half);            // + ff_output * gate_mlp                             :379
    b.role(op_role::replicated);
}

/// diffusers apply_rotary_emb(use_real, unbind_dim -1) (embeddings.py:1219-1234 @ diffusers@58eb52c) on one of
/// q, k: 52 bytes per value.
inline void diffusers_rope(stage_builder& b, extent n, dtype half) {
    const auto f32 = dtype::fp32;
    kernel(b, n / 2, half, 1, half); // -x_imag
    cast(b, n, half, half);          // stack
    cast(b, n, half, f32);           // x.float()
    kernel(b, n, f32, 1, f32);       // * cos
    cast(b, n, half, f32);           // x_rotated.float()
    kernel(b, n, f32, 1, f32);       // * sin
    kernel(b, n, f32, 2, f32);       // +
    cast(b, n, f32, half);           // .to(x.dtype)
}

// ------------------------------------------------------------------ CogVideoX, diffusers

/// CogVideoXBlock.forward (cogvideox_transformer_3d.py:120-158 @ diffusers@58eb52c) with CogVideoXLayerNormZero
/// (normalization.py:448-469) and CogVideoXAttnProcessor2_0 (attention_processor.py:2290-2335): the norms,
/// modulation and gates per stream and unfused, the [text; video] concatenations, per-head LayerNorms on q and k
/// (made contiguous first), RoPE in fp32 on the video part. About 180 bytes per joint value (60 ideal).
inline void cogvideox_diffusers_block(stage_builder& b, const block_shape& s, dtype half) {
    const extent NV = s.video_rows, LV = s.text_rows, JV = s.joint_rows(), D = s.width, A = s.attn_width;
    const extent ea = NV * A;
    b.role(op_role::sequence);
    for (int i = 0; i < 2; ++i) { // norm1 / norm2, then the gated residual of attention / FFN, per stream
        layernorm_modulate(b, NV, D, half, 2 * D);
        layernorm_modulate(b, LV, D, half);
        gated_residual(b, NV * D, half);
        gated_residual(b, LV * D, half);
    }
    cast(b, JV * D, half, half); // torch.cat([encoder_hidden_states, hidden_states])             :2297
    if (s.qk_norm) {
        for (int t = 0; t < 2; ++t) { // norm_q, norm_k on (B, H, S, hd) views                   :2316-2319
            cast(b, JV * A, half, half);
            kernel(b, JV * A, half, 1, half, 0, -1, pointwise_kind::layernorm, 0, 2 * s.head_dim, s.head_dim);
        }
    }
    for (int t = 0; t < 2; ++t) { // apply_rotary_emb on query/key[:, :, L:] (embeddings.py:1219-1234)
        diffusers_rope(b, ea, half);
        cast(b, ea, half, half); // strided store into query[:, :, L:]                   :2325-2327
    }
    cast(b, JV * D, half, half); // torch.cat([norm_encoder_hidden_states, norm_hidden_states])      :151
    b.role(op_role::replicated);
}

// ------------------------------------------------------------------ HunyuanVideo

/// diffusers RMSNorm with a bf16 weight (normalization.py:553-561 @ diffusers@58eb52c): 34 bytes per value.
inline void diffusers_rms_norm(stage_builder& b, extent rows, extent dim, dtype half) {
    const extent n = rows * dim;
    fp32_variance(b, rows, dim, half);
    kernel(b, n, half, 1, dtype::fp32); // h * rsqrt
    cast(b, n, dtype::fp32, half);      // .to(weight dtype)
    kernel(b, n, half, 1, half, 0, 1, pointwise_kind::elementwise, 0, dim); // * weight
}

/// hyvideo RMSNorm (modules/norm_layers.py:32-58 @ HunyuanVideo@fa14b00): `_norm(x.float()).type_as(x) * weight`,
/// 36 bytes per value.
inline void hunyuan_rms_norm(stage_builder& b, extent rows, extent dim, dtype half) {
    const extent n = rows * dim;
    fp32_variance(b, rows, dim, half);
    kernel(b, n, dtype::fp32, 1, dtype::fp32); // x * rsqrt
    cast(b, n, dtype::fp32, half);             // type_as
    kernel(b, n, half, 1, half, 0, 1, pointwise_kind::elementwise, 0, dim); // * weight
}

/// hyvideo apply_rotary_emb (modules/posemb_layers.py:133-171 @ HunyuanVideo@fa14b00) on one of q, k:
/// `(xq.float() * cos + rotate_half(xq.float()) * sin).type_as(xq)`, 58 bytes per value.
inline void hunyuan_rope(stage_builder& b, extent n, dtype half) {
    const auto f32 = dtype::fp32;
    cast(b, n, half, f32);           // xq.float()
    kernel(b, n, f32, 1, f32);       // * cos
    cast(b, n, half, f32);           // xq.float() for rotate_half
    kernel(b, n / 2, f32, 1, f32);   // -x_imag
    cast(b, n, f32, f32);            // stack
    kernel(b, n, f32, 1, f32);       // * sin
    kernel(b, n, f32, 2, f32);       // +
    cast(b, n, f32, half);           // type_as
}

/// HunyuanVideo's dual-stream block, video stream and joint attention inputs (the text stream's norms and
/// modulation stay as lowered): diffusers HunyuanVideoTransformerBlock (transformer_hunyuan_video.py:630-665,
/// processor :55-140 @ diffusers@58eb52c), 228 bytes per value of N x D; official MMDoubleStreamBlock
/// (hyvideo/modules/models.py:160-230 @ HunyuanVideo@fa14b00, modulate_layers.py:31-68), 244 (ideal 44, which
/// also leaves out the MLP modulation and gate).
inline void hunyuan_dual_block(stage_builder& b, const block_shape& s, dtype half, bool official) {
    const extent NV = s.video_rows, LV = s.text_rows, JV = s.joint_rows(), D = s.width, A = s.attn_width;
    const extent ev = NV * D, ea = NV * A;
    b.role(op_role::sequence);
    layernorm_modulate(b, NV, D, half); // norm1 (AdaLayerNormZero / img_norm1 + modulate)
    if (s.qk_norm) {
        for (int t = 0; t < 2; ++t) {
            if (official) {
                hunyuan_rms_norm(b, NV, A, half);
                hunyuan_rms_norm(b, LV, A, half);
            } else {
                diffusers_rms_norm(b, NV, A, half);
                diffusers_rms_norm(b, LV, A, half);
            }
        }
    }
    for (int t = 0; t < 2; ++t) official ? hunyuan_rope(b, ea, half) : diffusers_rope(b, ea, half);
    for (int t = 0; t < 3; ++t) cast(b, JV * A, half, half); // torch.cat of video and text q, k, v
    gated_residual(b, ev, half);        // + attn * gate_msa
    layernorm_modulate(b, NV, D, half); // norm2 * (1 + scale_mlp) + shift_mlp
    gated_residual(b, ev, half);        // + gate_mlp * ff
    b.role(op_role::replicated);
}

/// HunyuanVideo's single-stream block on the joint rows: diffusers HunyuanVideoSingleTransformerBlock
/// (transformer_hunyuan_video.py:540-580, processor :55-110 @ diffusers@58eb52c), 234 bytes per value; official
/// MMSingleStreamBlock (hyvideo/modules/models.py:330-400 @ HunyuanVideo@fa14b00), 238 (ideal 40).
inline void hunyuan_single_block(stage_builder& b, const block_shape& s, dtype half, bool official) {
    const extent NV = s.video_rows, JV = s.joint_rows(), D = s.width, A = s.attn_width;
    const extent ea = NV * A;
    b.role(op_role::sequence);
    if (!official) cast(b, JV * D, half, half); // torch.cat([hidden_states, encoder_hidden_states])    :553
    layernorm_modulate(b, JV, D, half);
    if (!official) cast(b, JV * D, half, half); // the processor concatenates the split views again     :63-64
    if (s.qk_norm) {
        for (int t = 0; t < 2; ++t) official ? hunyuan_rms_norm(b, JV, A, half) : diffusers_rms_norm(b, JV, A, half);
    }
    for (int t = 0; t < 2; ++t) official ? hunyuan_rope(b, ea, half) : diffusers_rope(b, ea, half);
    for (int t = 0; t < 2; ++t) cast(b, JV * A, half, half); // cat of the rotated video part and the text part
    if (!official) cast(b, JV * A, half, half);             // torch.cat([attn_output, context_attn_output]) :573
    cast(b, JV * (A + s.ffn), half, half);                  // torch.cat([attn, mlp], dim=2)
    gated_residual(b, JV * D, half);
    b.role(op_role::replicated);
}

// ------------------------------------------------------------------ Mochi

/// Mochi's dual-stream block, video stream and the joint attention's packing (text-stream norms stay as lowered).
/// diffusers MochiTransformerBlock (transformer_mochi.py:202-245, MochiAttnProcessor2_0 attention_processor.py:
/// 1000-1095 @ diffusers@58eb52c): fp32 modulated RMSNorms, MochiRMSNorm q/k, RoPE with per-head fp32 cos/sin
/// tables ([N, H, hd/2], transformer_mochi.py:285-288), a per-sample loop that concatenates, pads and
/// re-concatenates. Official AsymmetricJointBlock (asymm_models_joint.py:130-195, 422-490 @ mochi@0c86aeb):
/// modulated_rmsnorm, residual_tanh_gated_rmsnorm, fp32 RMSNorm q/k (layers.py:167-179), apply_rotary_emb_qk_real
/// (temporal_rope.py), cat + gather packing for flash_attn_varlen and a zero-fill + scatter back.
inline void mochi_block(stage_builder& b, const block_shape& s, dtype half, bool official) {
    const auto f32 = dtype::fp32;
    const extent NV = s.video_rows, LV = s.text_rows, JV = s.joint_rows(), D = s.width, A = s.attn_width;
    const extent ev = NV * D, ea = NV * A;
    // modulated RMSNorm: x.float(), variance, x * rsqrt, * (1 + scale) or * tanh(gate), cast back: 40 bytes
    auto modulated = [&](extent rows, extent dim) {
        fp32_variance(b, rows, dim, half);
        kernel(b, rows * dim, f32, 1, f32);
        kernel(b, rows * dim, f32, 1, f32);
        cast(b, rows * dim, f32, half);
    };
    // q/k RMSNorm with an fp32 weight: 40 bytes (official: x_fp32 * rsqrt; diffusers: bf16 h * rsqrt, 38 bytes)
    auto qk_norm = [&](extent rows) {
        fp32_variance(b, rows, A, half);
        kernel(b, rows * A, official ? f32 : half, 1, f32);
        kernel(b, rows * A, f32, 1, f32, 0, 1, pointwise_kind::elementwise, 0, s.head_dim);
        cast(b, rows * A, f32, half);
    };
    b.role(op_role::sequence);
    modulated(NV, D); // norm1 / modulated_rmsnorm(x, scale_msa_x)
    if (s.qk_norm) {
        for (int t = 0; t < 2; ++t) {
            qk_norm(NV);
            qk_norm(LV);
        }
    }
    for (int t = 0; t < 2; ++t) { // RoPE on q and k; cos and sin are full-size fp32 per-head tables
        if (official) { // bf16 even/odd views x fp32 tables, type_as per half, stack
            for (int h = 0; h < 2; ++h) {
                kernel(b, ea / 2, half, 2, f32, 1);
                kernel(b, ea / 2, half, 2, f32, 1);
                kernel(b, ea / 2, f32, 2, f32);
                cast(b, ea / 2, f32, half);
            }
        } else { // even/odd .float(), four products, - and +, two casts
            cast(b, ea / 2, half, f32);
            cast(b, ea / 2, half, f32);
            for (int m = 0; m < 4; ++m) kernel(b, ea / 2, f32, 2, f32);
            kernel(b, ea / 2, f32, 2, f32);
            kernel(b, ea / 2, f32, 2, f32);
            cast(b, ea / 2, f32, half);
            cast(b, ea / 2, f32, half);
        }
        cast(b, ea, half, half); // torch.stack(...).flatten(-2)
    }
    if (official) { // prepare_qkv: cat, then gather of the valid tokens when B > 1; post_attention scatters back
        for (int t = 0; t < 3; ++t) cast(b, JV * A, half, half);
        if (s.videos > 1) {
            for (int t = 0; t < 3; ++t) cast(b, JV * A, half, half);
            kernel(b, JV * A, half, 0, half, 0, 0); // torch.zeros
            cast(b, JV * A, half, half);            // torch.scatter
        }
    } else { // per sample: cat of q, k, v and F.pad of the output; then one cat and a transpose copy
        const extent per_sample = JV / s.videos * A;
        for (extent i = 0; i < s.videos; ++i) {
            for (int t = 0; t < 4; ++t) cast(b, per_sample, half, half);
        }
        cast(b, JV * A, half, half);
        cast(b, JV * A, half, half);
    }
    modulated(NV, D); // norm2(attn, tanh(gate)) / residual_tanh_gated_rmsnorm's norm
    kernel(b, ev, half, 2, half); // + residual
    modulated(NV, D); // norm3 / modulated_rmsnorm(x, scale_mlp_x)
    modulated(NV, D); // norm4 / residual_tanh_gated_rmsnorm on the MLP output
    kernel(b, ev, half, 2, half);
    b.role(op_role::replicated);
}

/// The activation dtype the reference code's pointwise kernels use: fp16 models run fp16, everything else bf16
/// (fp8 runs only in GEMMs).
[[nodiscard]] constexpr dtype half_of(dtype compute) noexcept {
    return compute == dtype::fp16 ? dtype::fp16 : dtype::bf16;
}

} // namespace impl_detail

/// The implementation's pointwise kernels of one block, in place of the ideal block's (call only when
/// has_block_ops()). `weights` is the denoiser's weight storage (Wan's official code casts fp32 weights on every
/// call), `per_token` the Wan2.2 expand_timesteps flag already combined with the implementation.
inline void block_ops(stage_builder& b, implementation impl, reference_code code, block_part part,
                      const block_shape& s, dtype compute, dtype weights, bool per_token) {
    const dtype half = impl_detail::half_of(compute);
    const bool official = impl == implementation::official;
    switch (code) {
    case reference_code::wan:
        if (official)
            impl_detail::wan_official_block(b, s, half, weights == dtype::fp32, per_token);
        else
            impl_detail::wan_diffusers_block(b, s, half, per_token);
        return;
    case reference_code::ltx_video: impl_detail::ltx_diffusers_block(b, s, half); return;
    case reference_code::cogvideox: impl_detail::cogvideox_diffusers_block(b, s, half); return;
    case reference_code::hunyuanvideo:
        if (part == block_part::single)
            impl_detail::hunyuan_single_block(b, s, half, official);
        else
            impl_detail::hunyuan_dual_block(b, s, half, official);
        return;
    case reference_code::mochi: impl_detail::mochi_block(b, s, half, official); return;
    case reference_code::none:
    case reference_code::open_sora:
    case reference_code::svd:
    case reference_code::allegro: return;
    }
}

/// Wan2.2's per-token timestep path (expand_timesteps) on `rows` = N x videos rows, in place of the ideal
/// per-video timestep MLP and projection (same weights, counted here): the official code runs the float64
/// sinusoid and all three linears under autocast(fp32) (model.py:460-469 @ Wan2.2@42bf4cf): FP32 GEMMs, no TF32
/// (PyTorch's default allow_tf32 = False for matmuls); diffusers runs time_embedder in fp32 (kept in fp32) and
/// time_proj in the compute dtype (transformer_wan.py:337-345, 677-688 @ diffusers@58eb52c). At Wan2.2-TI2V-5B's
/// 1280 x 704 x 121, rows = 31 x 22 x 40 = 27,280 (textimage2video.py:285-291, 373-378).
inline void per_token_time_embedding(stage_builder& b, implementation impl, extent rows, extent freq_dim,
                                     extent width, dtype compute) {
    const auto f32 = dtype::fp32;
    const dtype half = impl_detail::half_of(compute);
    const extent D = width;
    // parameters of time_embedding (freq -> D -> D) and time_projection (D -> 6 D), with biases
    b.parameters(static_cast<double>(freq_dim * D + D) + static_cast<double>(D * D + D) +
                 static_cast<double>(D * 6 * D + 6 * D));
    auto gemm = [&](extent k, extent n, dtype a, dtype w) {
        gemm_op g;
        g.m = rows;
        g.n = n;
        g.k = k;
        g.a = a;
        g.b = w;
        g.c = a;
        g.shared_b = true;
        b.gemm(g);
    };
    b.role(op_role::sequence);
    if (impl == implementation::official) { // sinusoid in float64: outer product, cos, sin, cat; then .float()
        impl_detail::kernel(b, rows * freq_dim / 2, dtype::fp64, 0, dtype::fp64);
        impl_detail::kernel(b, rows * freq_dim / 2, dtype::fp64, 1, dtype::fp64);
        impl_detail::kernel(b, rows * freq_dim / 2, dtype::fp64, 1, dtype::fp64);
        impl_detail::cast(b, rows * freq_dim, dtype::fp64, dtype::fp64);
        impl_detail::cast(b, rows * freq_dim, dtype::fp64, f32);
    } else {
        impl_detail::kernel(b, rows * freq_dim, f32, 0, f32);
    }
    gemm(freq_dim, D, f32, f32);
    impl_detail::kernel(b, rows * D, f32, 1, f32, 0, 4); // SiLU
    gemm(D, D, f32, f32);
    if (impl == implementation::official) {
        impl_detail::kernel(b, rows * D, f32, 1, f32, 0, 4); // time_projection's SiLU
        gemm(D, 6 * D, f32, f32);
        b.resident(static_cast<double>(rows) * static_cast<double>(D) * 4.0 * 7.0); // e and e0 live through the call
    } else { // temb = time_embedder(...).type_as(encoder_hidden_states); time_proj(act_fn(temb)) in the compute dtype
        impl_detail::cast(b, rows * D, f32, half);
        impl_detail::kernel(b, rows * D, half, 1, half, 0, 4);
        gemm(D, 6 * D, half, half);
        // temb (fp32) and timestep_proj (compute dtype) live through the call
        b.resident(static_cast<double>(rows) * static_cast<double>(D) * (4.0 + 6.0 * size_bytes(half)));
    }
    b.role(op_role::replicated);
}

/// The guidance combine and the scheduler step one denoising step runs on `elems` latent values (`cfg`: guidance
/// on), as the implementation's pipeline runs them; false when the implementation has no list for this code (the
/// caller then lowers the ideal fp32 combine and axpy).
inline bool step_ops(stage_builder& b, implementation impl, reference_code code, extent elems, bool cfg,
                     dtype compute) {
    if (impl == implementation::ideal) return false;
    const auto f32 = dtype::fp32;
    const dtype half = impl_detail::half_of(compute);
    using impl_detail::cast;
    using impl_detail::kernel;
    auto combine = [&](dtype t) { // uncond + s * (cond - uncond): three kernels
        kernel(b, elems, t, 2, t);
        kernel(b, elems, t, 1, t);
        kernel(b, elems, t, 2, t);
    };
    // FlowMatchEulerDiscrete step in the transformer's dtype (scheduling_flow_match_euler_discrete.py:484, 511,
    // 517 @ diffusers@58eb52c): sample.to(fp32), dt * model_output, the sum in fp32, cast back
    auto flow_match_step = [&] {
        cast(b, elems, half, f32);
        kernel(b, elems, half, 1, half);
        kernel(b, elems, half, 2, f32, 1);
        cast(b, elems, f32, half);
    };
    // outputs cast to fp32, combined in fp32, an fp32 Euler step (Mochi and LTX in diffusers)
    auto fp32_euler_step = [&] {
        if (cfg) cast(b, 2 * elems, f32, f32);
        cast(b, (cfg ? 2 : 1) * elems, half, f32);
        if (cfg) combine(f32);
        kernel(b, elems, f32, 1, f32);
        kernel(b, elems, f32, 2, f32);
    };
    const bool official = impl == implementation::official;
    switch (code) {
    case reference_code::wan:
        if (official) {
            // text2video.py:245-246 @ Wan2.1@9737cba: the fp32 model outputs combined in fp32
            if (cfg) combine(f32);
            // FlowUniPCMultistepScheduler.step, order 2 (fm_solvers_unipc.py:657-741): convert_model_output
            // (:317-319: a product and a difference), the corrector multistep_uni_c_bh_update (:488-628: five
            // binary and seven unary kernels over the latent) and the predictor multistep_uni_p_bh_update
            // (:352-486: three binary, six unary); all fp32
            for (int i = 0; i < 9; ++i) kernel(b, elems, f32, 2, f32);
            for (int i = 0; i < 14; ++i) kernel(b, elems, f32, 1, f32);
        } else {
            // pipeline_wan.py:632 @ diffusers@58eb52c: combine in the transformer's dtype, then the flow-match
            // step (the latents stay bf16 between steps)
            if (cfg) combine(half);
            flow_match_step();
        }
        return true;
    case reference_code::hunyuanvideo:
        if (official) return false;
        // pipeline_hunyuan_video.py:671-699 @ diffusers@58eb52c: guidance-distilled, one call; FlowMatchEuler as Wan
        if (cfg) combine(half);
        flow_match_step();
        return true;
    case reference_code::cogvideox:
        if (official) return false;
        // pipeline_cogvideox.py:723, 739-763 @ diffusers@58eb52c: torch.cat([latents] * 2), noise_pred.float(),
        // combine in fp32, the scheduler's update, latents.to(bf16)
        if (cfg) cast(b, 2 * elems, half, half);
        cast(b, (cfg ? 2 : 1) * elems, half, f32);
        if (cfg) combine(f32);
        kernel(b, elems, f32, 2, f32, 0, 2); // the DPM/DDIM update, as the ideal axpy (its own kernels not read)
        cast(b, elems, f32, half);
        return true;
    case reference_code::mochi:
        if (official) {
            // pipelines.py:455-482 @ mochi@0c86aeb: both outputs .to(z) (fp32), combine, z + dsigma * pred
            cast(b, (cfg ? 2 : 1) * elems, half, f32);
            if (cfg) combine(f32);
            kernel(b, elems, f32, 1, f32);
            kernel(b, elems, f32, 2, f32);
        } else {
            // pipeline_mochi.py:644-667 @ diffusers@58eb52c: torch.cat([latents] * 2) (fp32), noise_pred.to(fp32),
            // combine in fp32, the Euler step in fp32
            fp32_euler_step();
        }
        return true;
    case reference_code::ltx_video:
        if (official) return false;
        // pipeline_ltx.py:783-796 @ diffusers@58eb52c: noise_pred.float(), combine in fp32, Euler in fp32
        fp32_euler_step();
        return true;
    case reference_code::svd:
        if (official) return false;
        // pipeline_stable_video_diffusion.py:583-601 @ diffusers@58eb52c: torch.cat([latents] * 2),
        // scale_model_input, torch.cat with the image latents on the channels, the combine with a per-frame
        // guidance scale; the Euler step as the ideal axpy (its own kernels not read)
        if (cfg) cast(b, 2 * elems, half, half);
        kernel(b, (cfg ? 2 : 1) * elems, half, 1, half);
        cast(b, (cfg ? 2 : 1) * 2 * elems, half, half);
        if (cfg) combine(half);
        kernel(b, elems, f32, 2, f32, 0, 2);
        return true;
    case reference_code::none:
    case reference_code::open_sora:
    case reference_code::allegro: return false;
    }
    return false;
}

} // namespace vidperf
