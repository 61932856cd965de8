#pragma once
/// \file
/// Text and image encoders lowered to ops: T5 / umT5 encoders, CLIP text and
/// vision towers, and decoder-only LLMs used as text encoders (the Llama-class
/// encoder of HunyuanVideo). One description, one op list, one parameter count.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <vidperf/core/error.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/models/workload.hpp>

#include <vidperf/core/names.hpp>

namespace vidperf {

enum class encoder_kind : std::uint8_t {
    t5,          ///< T5 v1.1 / umT5 encoder: RMSNorm, gated-GELU FFN, no biases, relative position bias
    llama,       ///< decoder-only LLM run as an encoder: RMSNorm, SwiGLU, GQA, RoPE, no biases
    clip_text,   ///< CLIP text tower: LayerNorm, GELU MLP, biases, learned positions
    clip_vision, ///< CLIP / ViT vision tower on one image
};

template <>
struct enum_names<encoder_kind> {
    static constexpr std::string_view what = "encoder kind";
    static constexpr auto entries = std::to_array<name_entry<encoder_kind>>({
        {encoder_kind::t5, "t5"},
        {encoder_kind::llama, "llama"},
        {encoder_kind::clip_text, "clip-text"},
        {encoder_kind::clip_vision, "clip-vision"}});
};

struct encoder_spec {
    encoder_kind kind = encoder_kind::t5;
    std::string_view name; ///< e.g. "umt5-xxl-encoder"
    extent layers = 0;     ///< layers stored in the checkpoint
    extent run_layers = 0; ///< layers actually run (an LLM read at an earlier layer); 0 = layers
    extent d_model = 0;
    extent heads = 0;
    extent kv_heads = 0; ///< 0 = heads
    extent head_dim = 0; ///< 0 = d_model / heads
    extent d_ff = 0;
    extent vocab = 0;        ///< text: vocabulary; vision: 0
    extent tokens = 0;       ///< text tokens per prompt, or image tokens (patches + class)
    extent patch = 0;        ///< vision: patch size
    extent image_size = 0;   ///< vision: input resolution
    extent relative_buckets = 0; ///< T5: relative-attention buckets
    bool per_layer_bias = false; ///< umT5: a relative bias table in every layer (T5: first layer only)
    extent projection = 0;       ///< CLIP text with projection: the pooled token projected to this width (no bias)
    bool relu_ffn = false;       ///< T5 1.0 (t5-11b): one d_ff projection and ReLU, not v1.1's gated GELU
    bool qkv_bias = false;       ///< llama kind: biases on the q, k and v projections (Qwen2)
    /// llama kind: the forward also computes the logits at every position, a D x vocab GEMM with its own
    /// weights (Qwen2_5_VLForConditionalGeneration called for its hidden states)
    bool lm_head = false;
    /// weights loaded with the encoder that a text-only call does not run (Qwen2.5-VL's vision tower)
    double idle_parameters = 0;
    /// clip_vision as SigLIP: no class token (tokens = patches), a patch embedding with a bias, no pre-norm
    bool siglip = false;
    /// llama kind as Gemma 2 / 3: the embedding scaled by sqrt(D), a norm after the attention and after the MLP
    /// besides the two before them, and q and k RMS-normed per head (a weight of head_dim each)
    bool gemma = false;
    bool tied_lm_head = false; ///< lm_head: the logits reuse the token embedding (no weights of their own)
    /// the caller keeps every layer's hidden states (output_hidden_states=True) and stacks them: the embedding
    /// output and each layer's, twice over, live until the call ends
    bool keeps_hidden_states = false;
};

/// One call of an encoder on `prompts` sequences.
[[nodiscard]] inline stage lower_encoder(const encoder_spec& e, extent prompts, dtype compute, dtype weights,
                                         std::string stage_name, double calls) {
    const std::string where = "lower_encoder(" + std::string(e.name) + ")";
    detail::require_positive(static_cast<double>(e.layers), where, "layers");
    detail::require_positive(static_cast<double>(e.d_model), where, "d_model");
    detail::require_positive(static_cast<double>(e.heads), where, "heads");
    detail::require_positive(static_cast<double>(e.tokens), where, "tokens");
    const extent D = e.d_model;
    const extent hd = e.head_dim ? e.head_dim : D / e.heads;
    const extent kvh = e.kv_heads ? e.kv_heads : e.heads;
    const extent A = e.heads * hd;
    const extent KV = kvh * hd;
    const extent S = e.tokens;
    const extent R = prompts * S;
    const extent run = e.run_layers ? e.run_layers : e.layers;
    const bool bias = e.kind == encoder_kind::clip_text || e.kind == encoder_kind::clip_vision;
    const bool qkv_bias = bias || (e.kind == encoder_kind::llama && e.qkv_bias);
    const pointwise_kind norm = bias ? pointwise_kind::layernorm : pointwise_kind::rmsnorm;
    const int affine = bias ? 2 : 1;

    stage_builder b(std::move(stage_name), std::string(e.name), compute, weights);
    if (e.kind == encoder_kind::clip_vision && e.siglip) {
        b.linear(R, 3 * e.patch * e.patch, D, true);                         // patch embedding
        b.parameters(static_cast<double>(S) * static_cast<double>(D));      // positions
    } else if (e.kind == encoder_kind::clip_vision) {
        b.linear(prompts * (S - 1), 3 * e.patch * e.patch, D, false); // patch embedding
        b.parameters(static_cast<double>(D) + static_cast<double>(S) * static_cast<double>(D)); // class token, positions
        b.norm(norm, R, D, affine); // pre-norm
    } else {
        b.parameters(static_cast<double>(e.vocab) * static_cast<double>(D)); // token embedding (a gather)
        if (e.kind == encoder_kind::clip_text) b.parameters(static_cast<double>(S) * static_cast<double>(D));
        b.elementwise(R * D, 0, 1, 0);
        if (e.gemma) b.elementwise(R * D, 1, 1, 1); // x sqrt(D)
    }
    if (e.kind == encoder_kind::t5 && !e.per_layer_bias)
        b.parameters(static_cast<double>(e.relative_buckets) * static_cast<double>(e.heads));

    // Layers stored but not run still count as parameters (they are loaded).
    if (run < e.layers) {
        stage_builder unused("", "", compute, weights);
        unused.begin_repeat(static_cast<double>(e.layers - run));
        unused.linear(1, D, A, qkv_bias);
        unused.linear(1, D, KV, qkv_bias);
        unused.linear(1, D, KV, qkv_bias);
        unused.linear(1, A, D, bias);
        unused.linear(1, D, e.d_ff, bias);
        if (e.kind != encoder_kind::clip_text && e.kind != encoder_kind::clip_vision && !e.relu_ffn)
            unused.linear(1, D, e.d_ff, false);
        unused.linear(1, e.d_ff, D, bias);
        unused.parameters(2.0 * affine * static_cast<double>(D));
        if (e.gemma) unused.parameters(2.0 * static_cast<double>(D) + 2.0 * static_cast<double>(hd));
        b.parameters(unused.parameter_count());
    }

    b.begin_repeat(static_cast<double>(run));
    b.norm(norm, R, D, affine);
    b.linear(R, D, A, qkv_bias);
    b.linear(R, D, KV, qkv_bias);
    b.linear(R, D, KV, qkv_bias);
    if (e.kind == encoder_kind::t5 && e.per_layer_bias)
        b.parameters(static_cast<double>(e.relative_buckets) * static_cast<double>(e.heads));
    if (e.gemma) { // q_norm and k_norm over each head
        b.norm(norm, R * e.heads, hd, 0);
        b.norm(norm, R * kvh, hd, 0);
        b.parameters(2.0 * static_cast<double>(hd));
    }
    if (e.kind == encoder_kind::llama) b.elementwise(prompts * S * (A + KV), 2, 1, 3); // RoPE
    attention_op a;
    a.batch = prompts;
    a.heads_q = e.heads;
    a.heads_kv = kvh;
    a.seq_q = S;
    a.head_dim = hd;
    a.causal = e.kind == encoder_kind::llama || e.kind == encoder_kind::clip_text;
    // T5's additive position bias needs a kernel that takes a bias: PyTorch SDPA memory-efficient
    a.kernel = e.kind == encoder_kind::t5 ? attention_kernel::sdpa_efficient : attention_kernel::fa2;
    b.attention(a);
    b.linear(R, A, D, bias);
    if (e.gemma) b.norm(norm, R, D, affine); // post_attention_layernorm
    b.elementwise(R * D, 2, 1, 1); // residual
    b.norm(norm, R, D, affine);
    if (e.kind == encoder_kind::t5 && e.relu_ffn) {
        b.linear(R, D, e.d_ff, false);
        b.elementwise(R * e.d_ff, 1, 1, 1); // ReLU
    } else if (e.kind == encoder_kind::t5 || e.kind == encoder_kind::llama) {
        b.linear(R, D, e.d_ff, false);
        b.linear(R, D, e.d_ff, false);
        b.elementwise(R * e.d_ff, 2, 1, 8); // act(gate) * up
    } else {
        b.linear(R, D, e.d_ff, true);
        b.elementwise(R * e.d_ff, 1, 1, 8);
    }
    b.linear(R, e.d_ff, D, bias);
    if (e.gemma) b.norm(norm, R, D, affine); // post_feedforward_layernorm
    b.elementwise(R * D, 2, 1, 1);
    b.end_repeat();
    b.norm(norm, R, D, affine); // final norm
    if (e.projection > 0) b.linear(prompts, D, e.projection, false); // the pooled token's projection
    if (e.lm_head && e.tied_lm_head) { // logits nobody reads, over the embedding's weights
        gemm_op g;
        g.m = R;
        g.n = e.vocab;
        g.k = D;
        g.a = compute;
        g.b = weights;
        g.c = compute;
        g.shared_b = true;
        b.gemm(g);
    } else if (e.lm_head) {
        b.linear(R, D, e.vocab, false);
    }
    b.parameters(e.idle_parameters);
    // the caller's torch.stack of every hidden state: one more copy of them all
    if (e.keeps_hidden_states) b.elementwise(R * D * (run + 1), 1, 1, 0);
    const double states = e.keeps_hidden_states ? 2.0 * static_cast<double>(run + 1) : 2.0;
    b.resident(static_cast<double>(R) * static_cast<double>(D) * size_bytes(compute) * states);
    return b.finish(calls);
}

/// LTX-2's text connectors (diffusers LTX2TextConnectors, pipelines/ltx2/connectors.py @ 0.42.1, the 2.0 config):
/// the text encoder's stacked hidden states (`stacked` of them, `text_dim` wide) normalised per layer over each
/// prompt's valid tokens, one projection to `text_dim`, then one small transformer per stream (video, audio)
/// whose padded positions take learnable registers. Run once per prompt, before the denoising loop.
struct text_connector_spec {
    std::string_view name;
    extent text_dim = 0;  ///< the encoder's hidden width (Gemma 3 12B: 3840)
    extent stacked = 0;   ///< hidden states stacked per token (48 layers + the embedding: 49)
    extent tokens = 0;    ///< tokens per prompt (the padded length)
    extent streams = 2;   ///< connectors: one for video, one for audio
    extent layers = 0;    ///< transformer blocks per connector
    extent heads = 0;
    extent head_dim = 0;
    extent ffn = 0;       ///< MLP inner width (GELU, tanh)
    extent registers = 0; ///< learnable registers per connector
};

/// One call of the connectors on `prompts` prompts.
[[nodiscard]] inline stage lower_text_connectors(const text_connector_spec& c, extent prompts, dtype compute,
                                                 dtype weights, double calls) {
    const std::string where = "lower_text_connectors(" + std::string(c.name) + ")";
    detail::require_positive(static_cast<double>(c.text_dim), where, "text_dim");
    detail::require_positive(static_cast<double>(c.stacked), where, "stacked");
    detail::require_positive(static_cast<double>(c.tokens), where, "tokens");
    detail::require_positive(static_cast<double>(c.heads), where, "heads");
    detail::require_positive(static_cast<double>(c.head_dim), where, "head_dim");
    const extent R = prompts * c.tokens;
    const extent W = c.heads * c.head_dim;
    const extent E = R * c.text_dim * c.stacked;
    stage_builder b("text_connectors", std::string(c.name), compute, weights);
    // per_layer_masked_mean_norm: masked_fill and sum (the mean), masked_fill and amin, masked_fill and amax,
    // (x - mean) / (max - min), x 8, masked_fill of the flattened states
    b.elementwise(E, 1, 1, 1);
    b.elementwise(E, 1, 0, 1);
    for (int i = 0; i < 2; ++i) {
        b.elementwise(E, 1, 1, 1);
        b.elementwise(E, 1, 0, 1);
    }
    b.elementwise(E, 1, 1, 2);
    b.elementwise(E, 1, 1, 1);
    b.elementwise(E, 1, 1, 1);
    b.linear(R, c.text_dim * c.stacked, c.text_dim, false); // text_proj_in
    attention_op a;
    a.batch = prompts;
    a.heads_q = c.heads;
    a.seq_q = c.tokens;
    a.head_dim = c.head_dim;
    // the connector hands its (all-zero) additive mask to scaled_dot_product_attention, which then runs its
    // memory-efficient kernel
    a.kernel = attention_kernel::sdpa_efficient;
    // per connector: the registers in place of the padding (gather, where) and the closing norm
    b.begin_repeat(static_cast<double>(c.streams));
    b.parameters(static_cast<double>(c.registers) * static_cast<double>(W));
    b.elementwise(R * W, 2, 1, 1);
    b.norm(pointwise_kind::rmsnorm, R, W, 0);
    b.end_repeat();
    // every block of every connector
    if (c.layers > 0) {
        b.begin_repeat(static_cast<double>(c.streams * c.layers));
        b.norm(pointwise_kind::rmsnorm, R, W, 0);
        b.linear(R, W, W);
        b.linear(R, W, W);
        b.linear(R, W, W);
        b.norm(pointwise_kind::rmsnorm, R, W, 1);
        b.norm(pointwise_kind::rmsnorm, R, W, 1);
        b.elementwise(2 * R * W, 2, 1, 3); // rotary (split halves)
        b.attention(a);
        b.linear(R, W, W);
        b.elementwise(R * W, 2, 1, 1);
        b.norm(pointwise_kind::rmsnorm, R, W, 0);
        b.linear(R, W, c.ffn);
        b.elementwise(R * c.ffn, 1, 1, 8);
        b.linear(R, c.ffn, W);
        b.elementwise(R * W, 2, 1, 1);
        b.end_repeat();
    }
    b.elementwise(R * W, 2, 1, 1); // the video embedding times the binary mask
    // the normalised stacked states (the projection's input) and both streams' outputs
    b.resident(static_cast<double>(E) * size_bytes(compute) +
               2.0 * static_cast<double>(c.streams) * static_cast<double>(R * W) * size_bytes(compute));
    return b.finish(calls);
}

} // namespace vidperf
