#pragma once
/// \file
/// A pipeline stage as the models emit it: the ops one call of the stage
/// runs (with repeat counts), the weights of the module it belongs to, and the
/// activations it keeps alive. A model never computes time; the roofline
/// engine prices the ops (pipeline.hpp).
///
/// stage_builder counts parameters and emits ops from the same description
/// (a linear layer is both d_in*d_out weights and a GEMM over the tokens), so
/// a preset's parameter count and its FLOPs cannot drift apart.

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <vidperf/core/dtype.hpp>
#include <vidperf/core/names.hpp>
#include <vidperf/core/quantity.hpp>
#include <vidperf/ops/op_cost.hpp>
#include <vidperf/ops/ops.hpp>

namespace vidperf {

/// How an op splits when the denoiser runs on several GPUs (models/parallel.hpp).
enum class op_role : unsigned char {
    replicated,     ///< every GPU runs it whole (text tokens, timestep MLPs)
    sequence,       ///< rows over video tokens: divided by the sequence-parallel degree
    self_attention, ///< attention among video (or joint) tokens: Ulysses splits heads, ring splits queries
    cross_attention ///< video queries against replicated text keys: queries divided
};

/// What a stage is in a job: control flow (host placement, the denoiser's share) reads this, never a name.
enum class stage_kind : std::uint8_t {
    text_encoder,
    image_encoder,
    vae_encode,
    denoiser,
    scheduler,
    vae_decode,
    audio_decode,  ///< an audio VAE's decode and its vocoder (models/audio.hpp)
    first_stage,   ///< a text-to-image first stage's denoiser, sampler and decode (models/model.hpp)
    interpolation,
    upscaling,
    backward,      ///< a training step's backward pass
    recompute,     ///< forward ops re-run under activation checkpointing
    optimizer,     ///< the optimizer update
    gradient_sync, ///< data-parallel gradient / parameter collectives
    other,
};

template <>
struct enum_names<stage_kind> {
    static constexpr std::string_view what = "stage kind";
    static constexpr auto entries = std::to_array<name_entry<stage_kind>>(
        {{stage_kind::text_encoder, "text_encoder"}, {stage_kind::image_encoder, "image_encoder"},
         {stage_kind::vae_encode, "vae_encode"}, {stage_kind::denoiser, "denoiser"},
         {stage_kind::scheduler, "scheduler"}, {stage_kind::vae_decode, "vae_decode"},
         {stage_kind::audio_decode, "audio_decode"},
         {stage_kind::first_stage, "first_stage"},
         {stage_kind::interpolation, "interpolation"}, {stage_kind::upscaling, "upscaling"},
         {stage_kind::backward, "backward"}, {stage_kind::recompute, "recompute"},
         {stage_kind::optimizer, "optimizer"}, {stage_kind::gradient_sync, "gradient_sync"},
         {stage_kind::other, "other"}});
};

/// One op and how many times one call of its stage runs it.
struct op_use {
    vidperf::op op;
    double count = 1;
    op_role role = op_role::replicated;
};

struct stage {
    std::string name;   ///< "text_encoder_umt5", "denoiser", "vae_decode", ... (for people; see `kind`)
    stage_kind kind = stage_kind::other;
    std::string module; ///< whose weights it uses (stages may share a module)
    std::vector<op_use> ops;
    double calls = 1;          ///< calls per job (e.g. steps x sequential CFG passes)
    double parameters = 0;     ///< parameter count of the module
    bytes weight_bytes{};      ///< the module's weights as stored
    bytes activation_bytes{};  ///< peak live activations while one call runs
    /// under model offload, the group of modules the code moves together (pipeline/pipeline.hpp): 0 a module
    /// that stays on the GPU; the code swaps the groups above 0 one for another (Open-Sora 2.0's t2i2v flow:
    /// 1 the image model, 2 the video model). All 0: every module moves on its own.
    int offload_group = 0;
};

/// Emits ops and counts parameters of one module from layer descriptions.
class stage_builder {
public:
    stage_builder(std::string name, std::string module, dtype compute, dtype weights)
        : m_compute(compute), m_weights(weights) {
        m_stage.name = std::move(name);
        m_stage.module = std::move(module);
    }

    /// Count parameters only: ops are priced for their live bytes but not kept (no allocation per op).
    void count_only() { m_keep_ops = false; }

    /// The role of the ops added from now on (how they split across GPUs).
    void role(op_role r) { m_role = r; }

    /// Everything added until the matching end_repeat() runs `times` times
    /// (identical layers): ops are counted `times` over, parameters too.
    void begin_repeat(double times) { m_repeat = times; }
    void end_repeat() { m_repeat = 1; }

    /// y[tokens, out] = x[tokens, in] W[in, out] (+ b): a GEMM and in*out (+out) parameters.
    void linear(extent tokens, extent in, extent out, bool bias = true) {
        m_params += m_repeat * (static_cast<double>(in) * static_cast<double>(out) + (bias ? static_cast<double>(out) : 0));
        gemm_op g;
        g.m = tokens;
        g.n = out;
        g.k = in;
        g.a = m_compute;
        g.b = m_weights;
        g.c = m_compute;
        g.shared_b = true;
        add(g);
        note_transient(static_cast<double>(tokens) * static_cast<double>(in + out) * size_bytes(m_compute));
    }

    /// Parameters that run no GEMM of their own here (embedding tables, modulation tables).
    void parameters(double count) { m_params += m_repeat * count; }

    void attention(attention_op a) {
        a.type = attention_dtype(m_compute, a.kernel);
        add(a);
        const auto s = resolved(a);
        const double q = static_cast<double>(a.batch * a.heads_q * a.seq_q * a.head_dim);
        const double kv = static_cast<double>(a.batch * s.heads_kv * s.seq_kv * (a.head_dim + s.head_dim_v));
        double live = (2 * q + kv) * size_bytes(a.type); // Q, K, V in; O out
        if (materialises_scores(a.kernel)) // the score matrix and its softmax are held at once
            live += 2.0 * static_cast<double>(a.batch * a.heads_q * a.seq_q * s.seq_kv) * size_bytes(a.type);
        note_transient(live);
    }

    /// A normalisation over `tokens` rows of `dim`, with `affine` parameters per channel (0, 1 or 2 vectors);
    /// `row`: the values one reduction covers where that is not `dim` (group_norm).
    void norm(pointwise_kind kind, extent tokens, extent dim, int affine, extent row = 0) {
        m_params += m_repeat * static_cast<double>(affine) * static_cast<double>(dim);
        pointwise_op p;
        p.kind = kind;
        p.elements = tokens * dim;
        p.param_elements = affine * dim;
        p.row_length = row > 0 ? row : dim;
        p.type = m_compute;
        add(p);
    }

    /// A GroupNorm over `samples` of `positions` x `channels`, in `groups` groups. PyTorch's group norm
    /// (aten/src/ATen/native/cuda/group_norm_kernel.cu) reads each group in a moments kernel and again in the
    /// kernel that applies it: priced as a LayerNorm whose row is one group (channels / groups x positions), so
    /// the engine's spill term adds that second read wherever a group outgrows L1 (in every video VAE and UNet
    /// but at the smallest latents).
    void group_norm(extent samples, extent positions, extent channels, extent groups, int affine) {
        const extent per_group = groups > 0 && channels >= groups ? channels / groups : 1;
        norm(pointwise_kind::layernorm, samples * positions, channels, affine, per_group * positions);
    }

    /// An elementwise kernel (activation, residual add, gate, RoPE, modulation).
    void elementwise(extent elements, int inputs = 1, int outputs = 1, double flops_per_element = 1) {
        pointwise_op p;
        p.kind = pointwise_kind::elementwise;
        p.elements = elements;
        p.inputs = inputs;
        p.outputs = outputs;
        p.flops_per_element = flops_per_element;
        p.type = m_compute;
        add(p);
    }

    /// A pointwise kernel exactly as given (its dtypes included): the reference code's casts and
    /// mixed-dtype steps (models/implementation.hpp). Counts no parameters.
    void pointwise(const pointwise_op& p) { add(p); }

    /// A GEMM exactly as given, over weights counted elsewhere (a layer the reference code runs on more
    /// rows or in another dtype than the ideal lowering; models/implementation.hpp).
    void gemm(const gemm_op& g) {
        add(g);
        note_transient(static_cast<double>(g.batch) * static_cast<double>(g.m) *
                       (static_cast<double>(g.k) * size_bytes(g.a) + static_cast<double>(g.n) * size_bytes(g.c)));
    }

    /// Bytes alive for one op only (a temporary the reference code materialises).
    void transient(double bytes_alive) { note_transient(bytes_alive); }

    void conv(conv_op c, bool bias = true) {
        c.type = m_compute;
        const double w = static_cast<double>(c.c_out) * static_cast<double>(c.c_in / c.groups) *
                         static_cast<double>(c.kernel[0] * c.kernel[1] * c.kernel[2]);
        m_params += m_repeat * (w + (bias ? static_cast<double>(c.c_out) : 0));
        const auto k = cost(c);
        add(c);
        note_transient(k.bytes().value() - w * size_bytes(m_compute));
    }

    /// Activations that stay alive for the whole call (residual streams, skip connections).
    void resident(double bytes_alive) { m_resident = bytes_alive > m_resident ? bytes_alive : m_resident; }

    [[nodiscard]] double parameter_count() const { return m_params; }

    /// The stage; `weight_dtype_bytes` overrides the bytes per weight (e.g. quantised weights).
    [[nodiscard]] stage finish(double calls) {
        m_stage.calls = calls;
        m_stage.parameters = m_params;
        m_stage.weight_bytes = bytes(m_params * size_bytes(m_weights));
        m_stage.activation_bytes = bytes(m_resident + m_transient);
        return std::move(m_stage);
    }

private:
    void add(vidperf::op o) {
        if (m_keep_ops) m_stage.ops.push_back({o, m_repeat, m_role});
    }
    void note_transient(double b) { m_transient = b > m_transient ? b : m_transient; }

    stage m_stage;
    dtype m_compute;
    dtype m_weights;
    double m_repeat = 1;
    op_role m_role = op_role::replicated;
    bool m_keep_ops = true;
    double m_params = 0;
    double m_resident = 0;
    double m_transient = 0;
};

} // namespace vidperf
