#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <vidperf/io/op_json.hpp>
#include <vidperf/models/presets.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {

/// Bytes (read + written) of the pointwise kernels of a stage, and the rest of its traffic and FLOPs.
struct stage_sums {
    double pointwise_bytes = 0;
    double other_bytes = 0;
    double other_flops = 0;
    double kernels = 0;
};

stage_sums sums(const stage& s) {
    stage_sums r;
    for (const auto& u : s.ops) {
        const auto c = cost(u.op);
        r.kernels += u.count;
        if (std::holds_alternative<pointwise_op>(u.op)) {
            r.pointwise_bytes += c.bytes().value() * u.count;
        } else {
            r.other_bytes += c.bytes().value() * u.count;
            r.other_flops += c.flops.value() * u.count;
        }
    }
    return r;
}

// A small Wan-style block: D = 128, 2 heads of 64, FFN 256, 240 video tokens, 16 text tokens, 2 blocks.
constexpr extent N = 240, D = 128, HD = 64, F = 256, L = 16, BLOCKS = 2;
constexpr double E = double(N) * D; // one activation of N x D values (attention width A = D)

denoiser_spec small_wan() {
    denoiser_spec d;
    d.family = denoiser_family::dit_cross;
    d.layers = BLOCKS;
    d.hidden = D;
    d.heads = 2;
    d.head_dim = HD;
    d.ffn = F;
    d.in_channels = 16;
    d.out_channels = 16;
    d.text_dim = 64;
    d.text_tokens = L;
    d.code = reference_code::wan;
    return d;
}

stage lower_small(const denoiser_spec& d, implementation impl, dtype weights = dtype::bf16) {
    latent_rule rule;
    latent_shape lat;
    lat.frames = 4;
    lat.tokens = N;
    video_workload w;
    w.impl = impl;
    w.weights = weights;
    return lower_denoiser(d, rule, lat, 1, w, 1);
}

} // namespace

TEST_CASE("implementation names parse and print, unknown names do not parse") {
    for (const auto i : all_implementations) CHECK(try_parse<implementation>(name(i)) == i);
    CHECK(name(implementation::official) == "official");
    CHECK_FALSE(try_parse<implementation>("Diffusers").has_value());
    CHECK_FALSE(try_parse<implementation>("").has_value());
    CHECK(video_workload{}.impl == implementation::ideal);
}

TEST_CASE("ideal lowers the architecture alone: a small Wan block by hand") {
    // Per block, bf16 (2 bytes), in bytes: LN 4E; modulate and gated residual 8E each (three inputs); q, k
    // RMSNorm 4E + 2 bytes x A weights each; RoPE on q and k 2 x 6E; cross LayerNorm 4E + 2 x 2D weights; cross
    // q RMSNorm 4E + 2A; text k RMSNorm 4 L A + 2A; residual 6E; LN 4E; modulate + gate 16E; GELU 4 N F.
    // Outside the blocks: the timestep SiLU (4 x D on one row), the text MLP's GELU (4 L D), the head's LN 4E.
    const double block = 74 * E + 4.0 * L * D + 8.0 * D + 4.0 * D + 4.0 * N * F;
    const double expected = 4.0 * D + 4.0 * L * D + BLOCKS * block + 4 * E;
    const auto s = sums(lower_small(small_wan(), implementation::ideal));
    CHECK(s.pointwise_bytes == doctest::Approx(expected).epsilon(1e-12));
    // the reference code field alone changes nothing: the same spec without a code, every implementation
    denoiser_spec none = small_wan();
    none.code = reference_code::none;
    for (const auto i : all_implementations) {
        CAPTURE(name(i));
        const auto a = lower_small(none, i);
        const auto b = lower_small(small_wan(), implementation::ideal);
        REQUIRE(a.ops.size() == b.ops.size());
        for (std::size_t k = 0; k < a.ops.size(); ++k) {
            CHECK(op_to_json(a.ops[k].op) == op_to_json(b.ops[k].op));
            CHECK(a.ops[k].count == b.ops[k].count);
        }
        CHECK(a.parameters == b.parameters);
    }
}

TEST_CASE("Wan official: extra bytes per block from docs/implementations.md's per-element counts") {
    // Official block (Wan2.1@9737cba), bytes per value of E: norm1 8, modulate 16, q/k/v input casts 18,
    // WanRMSNorm q and k 2 x 38, rope_apply q and k 2 x 72 plus the complex128 table 16 x N x hd each, flash
    // pre/post casts 30, o cast 6, gated residual 18, norm3 8, cross q cast 6, cross norm_q 38, cross q and
    // output casts 12, cross o cast 6, cross residual 10, norm2 8, modulate 16, FFN cast 6, gated residual 18:
    // 444 E + 32 N hd. Each of the three WanRMSNorms adds its per-row kernels (mean's 4 N written, + eps and
    // rsqrt 8 N each): 60 N. Norm weights: 3 x 2A (bf16) and norm3's 2D fp32 = 8D. Ideal: 74 E, weights 8A + 4D.
    const double extra_per_block = (444.0 - 74.0) * E + 32.0 * N * HD + 60.0 * N + (8.0 * D - 4.0 * D);
    const auto ideal = sums(lower_small(small_wan(), implementation::ideal));
    const auto official = sums(lower_small(small_wan(), implementation::official));
    CHECK(official.pointwise_bytes - ideal.pointwise_bytes == doctest::Approx(BLOCKS * extra_per_block).epsilon(1e-12));
    // GEMMs and attention unchanged (bf16 weights: no weight casts)
    CHECK(official.other_bytes == doctest::Approx(ideal.other_bytes).epsilon(1e-15));
    CHECK(official.other_flops == doctest::Approx(ideal.other_flops).epsilon(1e-15));
    // launches per block: 62 in place of the ideal's 12 (norm1 1, modulate 2, input casts 3, two WanRMSNorms of
    // 8, two rope_apply of 6, attention pre/post 5, o cast 1, gate 2, norm3 1, cross q cast 1, cross norm_q 8,
    // cross attention casts 2, cross o cast 1, residual 1, norm2 1, modulate 2, FFN cast 1, gate 2)
    CHECK(official.kernels - ideal.kernels == BLOCKS * (62 - 12));
    // fp32 weights: every linear's weight cast to bf16 on every call, 4 read + 2 written per parameter:
    // self and cross q, k, v, o (8 D x A) and the FFN (2 D x F)
    const auto fp32 = sums(lower_small(small_wan(), implementation::official, dtype::fp32));
    const auto ideal32 = sums(lower_small(small_wan(), implementation::ideal, dtype::fp32));
    CHECK(fp32.pointwise_bytes - ideal32.pointwise_bytes ==
          doctest::Approx(BLOCKS * (extra_per_block + 6.0 * (8.0 * D * D + 2.0 * D * F))).epsilon(1e-12));
}

TEST_CASE("Wan diffusers: extra bytes per block (composite torch.nn.RMSNorm)") {
    REQUIRE_FALSE(torch_fused_rms_norm);
    // diffusers@58eb52c transformer_wan.py, bytes per value of E: norm1 + modulate 36, q and k RMSNorm 2 x 40,
    // RoPE 2 x 30, attention gate 30, norm2 20, cross norm_q 40, cross residual 6, norm3 + modulate 36, FFN gate
    // 38: 346 E; the three RMSNorms' per-row kernels 60 N; weights: 3 x 2A (bf16) and norm2's 2D in fp32.
    const double extra_per_block = (346.0 - 74.0) * E + 60.0 * N + (8.0 * D - 4.0 * D);
    const auto ideal = sums(lower_small(small_wan(), implementation::ideal));
    const auto diffusers = sums(lower_small(small_wan(), implementation::diffusers));
    CHECK(diffusers.pointwise_bytes - ideal.pointwise_bytes ==
          doctest::Approx(BLOCKS * extra_per_block).epsilon(1e-12));
    CHECK(diffusers.other_flops == doctest::Approx(ideal.other_flops).epsilon(1e-15));
}

TEST_CASE("Wan2.2 TI2V-5B: the timestep MLP runs on 27,280 rows at 1280x704x121") {
    const auto& m = find_model("wan2.2-ti2v-5b");
    REQUIRE(m.standard.impl == implementation::official);
    REQUIRE(m.standard.width == 1280);
    REQUIRE(m.standard.height == 704);
    REQUIRE(m.standard.frames == 121);
    // VAE stride (4, 16, 16), patch (1, 2, 2): 31 x 22 x 40 tokens (Wan2.2 textimage2video.py:285-291)
    const extent rows = 31 * 22 * 40;
    CHECK(rows == 27280);
    for (const auto impl : {implementation::official, implementation::diffusers, implementation::ideal}) {
        CAPTURE(name(impl));
        video_workload w = m.standard;
        w.impl = impl;
        double time_rows = 0, fp32_flops = 0;
        int time_gemms = 0;
        for (const auto& s : lower_inference(m, w)) {
            if (s.name != "denoiser") continue;
            for (const auto& u : s.ops)
                if (const auto* g = std::get_if<gemm_op>(&u.op)) {
                    // the MLP's first linear reads the 256 sinusoid features
                    if (g->k == 256) {
                        time_rows = static_cast<double>(g->m);
                        ++time_gemms;
                    }
                    if (g->a == dtype::fp32) fp32_flops += cost(*g).flops.value();
                }
        }
        CHECK(time_gemms == 1);
        if (impl == implementation::ideal) {
            CHECK(time_rows == 1); // one timestep per video
            CHECK(fp32_flops == 0);
        } else {
            CHECK(time_rows == rows);
            // official: 2 N (256 D + D^2 + 6 D^2) FP32 FLOPs = 3.65 TFLOP (docs/implementations.md);
            // diffusers runs the projection to 6 D in bf16: 2 N (256 D + D^2)
            const double D5 = 3072;
            const double official = 2.0 * rows * (256 * D5 + D5 * D5 + 6 * D5 * D5);
            CHECK(official == doctest::Approx(3.647e12).epsilon(1e-3));
            CHECK(fp32_flops == doctest::Approx(impl == implementation::official
                                                    ? official
                                                    : 2.0 * rows * (256 * D5 + D5 * D5))
                                    .epsilon(1e-12));
        }
    }
}

TEST_CASE("every preset keeps its parameter count under every implementation") {
    for (const auto& m : model_presets()) {
        CAPTURE(m.slug);
        video_workload w = m.standard;
        w.impl = implementation::ideal;
        double ideal = 0;
        for (const auto& s : lower_inference(m, w))
            if (s.name == "denoiser") ideal = s.parameters;
        for (const auto impl : {implementation::official, implementation::diffusers}) {
            CAPTURE(name(impl));
            w.impl = impl;
            w.attention = default_attention(impl, m.denoiser.code, m.standard.attention);
            for (const auto& s : lower_inference(m, w))
                if (s.name == "denoiser") CHECK(s.parameters == doctest::Approx(ideal).epsilon(1e-15));
        }
    }
}

TEST_CASE("implementations without an inventory lower as ideal (Open-Sora 2.0, LTX-Video official)") {
    for (const char* slug : {"open-sora-2.0", "ltx-video"}) {
        CAPTURE(slug);
        const auto& m = find_model(slug);
        REQUIRE(m.standard.impl == implementation::official);
        video_workload w = m.standard;
        const auto official = lower_inference(m, w);
        w.impl = implementation::ideal;
        const auto ideal = lower_inference(m, w);
        REQUIRE(official.size() == ideal.size());
        for (std::size_t i = 0; i < ideal.size(); ++i) {
            CAPTURE(ideal[i].name);
            REQUIRE(official[i].ops.size() == ideal[i].ops.size());
            for (std::size_t k = 0; k < ideal[i].ops.size(); ++k)
                CHECK(op_to_json(official[i].ops[k].op) == op_to_json(ideal[i].ops[k].op));
        }
    }
}

TEST_CASE("HunyuanVideo in diffusers runs a masked attention: memory-efficient by default, flash refused") {
    const auto& m = find_model("hunyuanvideo");
    CHECK(m.standard.impl == implementation::official);
    CHECK(default_attention(implementation::diffusers, reference_code::hunyuanvideo, attention_kernel::fa2) ==
          attention_kernel::sdpa_efficient);
    CHECK(default_attention(implementation::official, reference_code::hunyuanvideo, attention_kernel::fa2) ==
          attention_kernel::fa2);
    video_workload w = m.standard;
    w.impl = implementation::diffusers;
    w.attention = attention_kernel::fa2;
    CHECK_THROWS_WITH_AS((void)lower_inference(m, w), doctest::Contains("'fa2'"), unsupported);
    CHECK_THROWS_WITH_AS((void)lower_inference(m, w), doctest::Contains("diffusers"), unsupported);
    w.attention = attention_kernel::sdpa_efficient;
    CHECK_NOTHROW((void)lower_inference(m, w));
    w.impl = implementation::official;
    w.attention = attention_kernel::fa2;
    CHECK_NOTHROW((void)lower_inference(m, w));
}

TEST_CASE("the reference code's VAE dtype, scheduler dtypes and pageable offload") {
    const auto& m = find_model("wan2.1-t2v-1.3b");
    video_workload w = m.standard;
    auto vae_weights = [&](implementation i) {
        w.impl = i;
        for (const auto& s : lower_inference(m, w))
            if (s.name == "vae_decode") return s.weight_bytes.value() / s.parameters;
        return 0.0;
    };
    CHECK(vae_weights(implementation::ideal) == 2);    // the compute dtype
    CHECK(vae_weights(implementation::official) == 4); // fp32 (wan/modules/vae.py: WanVAE(dtype=torch.float))
    CHECK(vae_weights(implementation::diffusers) == 4);
    CHECK(vae_dtype(implementation::official, reference_code::wan, dtype::bf16) == dtype::tf32);
    CHECK(vae_dtype(implementation::official, reference_code::hunyuanvideo, dtype::bf16) == dtype::fp16);
    CHECK_FALSE(offload_from_pageable_memory(implementation::ideal));
    CHECK(offload_from_pageable_memory(implementation::official));
    // Wan official per step: guidance combine (3 kernels) and the UniPC order-2 update (23 kernels), all fp32:
    // 2 x 12 + 8 + 9 x 12 + 14 x 8 = 252 bytes per latent value
    w.impl = implementation::official;
    const latent_shape lat = latents(m.latent, w, m.slug);
    const double elems = 16.0 * lat.frames * lat.height * lat.width;
    for (const auto& s : lower_inference(m, w))
        if (s.name == "scheduler") {
            CHECK(s.ops.size() == 26);
            CHECK(sums(s).pointwise_bytes == doctest::Approx(252.0 * elems).epsilon(1e-12));
        }
}

TEST_CASE("mixed-dtype pointwise kernels: exact bytes, JSON round trip, fp64 only as storage") {
    pointwise_op cast;
    cast.elements = 1000;
    cast.type = dtype::fp32;
    cast.output_type = dtype::fp64; // x.to(torch.float64)
    CHECK(cost(cast).bytes_read.value() == 4000);
    CHECK(cost(cast).bytes_written.value() == 8000);
    pointwise_op gate; // x (fp32) + y (bf16) * e -> fp32: one bf16 input, one fp32 input, fp32 out
    gate.elements = 1000;
    gate.inputs = 2;
    gate.type = dtype::bf16;
    gate.output_type = dtype::fp32;
    gate.output_type_inputs = 1;
    gate.param_elements = 10;
    CHECK(cost(gate).bytes_read.value() == 2000 + 4000 + 20);
    CHECK(cost(gate).bytes_written.value() == 4000);
    const op back = op_from_json(op_to_json(gate), "test");
    CHECK(op_to_json(back) == op_to_json(gate));
    CHECK(cost(back).bytes().value() == cost(gate).bytes().value());
    // an op without an output dtype writes no new fields (shapes files of the ideal lowering are unchanged)
    pointwise_op plain;
    plain.elements = 8;
    CHECK_FALSE(op_to_json(plain).contains("output_dtype"));
    pointwise_op bad = gate;
    bad.output_type_inputs = 3;
    CHECK_THROWS_AS((void)cost(bad), invalid_argument);
    bad.output_type_inputs = 1;
    bad.output_type.reset();
    CHECK_THROWS_AS((void)cost(bad), invalid_argument);
    CHECK_THROWS_WITH_AS((void)op_from_json(nlohmann::json::parse(R"({"kind": "pointwise", "pointwise":
        "elementwise", "elements": 4, "output_dtype_inputs": 1})"), "x"), doctest::Contains("output_dtype"),
                         schema_error);
    // fp64: a storage dtype; never a GEMM, attention, convolution or workload compute dtype
    CHECK(size_bytes(dtype::fp64) == 8);
    CHECK(try_parse<dtype>("float64") == dtype::fp64);
    CHECK_FALSE(compute_class_of(dtype::fp64).has_value());
    gemm_op g;
    g.m = g.n = g.k = 64;
    g.a = g.b = g.c = dtype::fp64;
    CHECK_THROWS_WITH_AS((void)cost(g), doctest::Contains("fp64"), unsupported);
    attention_op a;
    a.heads_q = 1;
    a.seq_q = 16;
    a.head_dim = 64;
    a.type = dtype::fp64;
    CHECK_THROWS_WITH_AS((void)cost(a), doctest::Contains("fp64"), unsupported);
    video_workload w = find_model("wan2.1-t2v-1.3b").standard;
    w.compute = dtype::fp64;
    CHECK_THROWS_WITH_AS((void)lower_inference(find_model("wan2.1-t2v-1.3b"), w), doctest::Contains("fp64"),
                         unsupported);
}
