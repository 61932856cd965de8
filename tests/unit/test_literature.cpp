// The literature profile against single published microbenchmark sweeps. Its
// shape-aware constants are one fit to the whole public op corpus
// (validation/public, which holds these sweeps among thousands of other rows),
// so each sweep is reproduced to the corpus fit's accuracy: close in the
// large-op regime video models run in, looser for the smallest ops, where the
// sources' timing methods differ most. Per-family accuracy on held-out rows is
// validation's job (ctest validation.public).
#include <doctest/doctest.h>

#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
double gemm_tflops(std::string_view slug, extent n) {
    const auto p = predict(gemm_op{n, n, n}, find_gpu(slug), find_literature(slug));
    return p.achieved_flops_per_second().value() / 1e12;
}

/// flash-attn benchmark setup: hidden 2048, batch = 16k / seqlen.
double attention_tflops(std::string_view slug, attention_kernel k, extent s, extent d, bool with_backward) {
    attention_op a;
    a.batch = 16384 / s;
    a.heads_q = 2048 / d;
    a.seq_q = s;
    a.head_dim = d;
    a.kernel = k;
    a.type = dtype::fp16;
    const auto& g = find_gpu(slug);
    const auto& c = find_literature(slug);
    const auto f = predict(a, g, c);
    if (!with_backward) return f.achieved_flops_per_second().value() / 1e12;
    a.direction = pass::backward;
    const auto b = predict(a, g, c);
    return (f.flops + b.flops).value() / (f.time + b.time).value() / 1e12;
}
} // namespace

TEST_CASE("every literature constant names its source") {
    for (const auto& c : literature_calibrations) {
        CAPTURE(c.gpu_slug);
        CHECK(try_find_gpu(c.gpu_slug) != nullptr);
        for_each_constant(c, [&](std::string_view key, const auto& k) {
            CAPTURE(key);
            CHECK_FALSE(k.from.source.empty());
        });
    }
}

TEST_CASE("H100 BF16 GEMM sweep (XLA sm_90 table): within 8 % from 2048^3, 25 % below") {
    const std::pair<extent, double> points[] = {{256, 6.7}, {512, 43.6}, {1024, 252.8}, {2048, 641.0}, {4096, 780.2}};
    for (const auto& point : points) {
        const extent n = point.first;
        const double published = point.second;
        CAPTURE(n);
        CHECK(gemm_tflops("h100-sxm5-80gb", n) == doctest::Approx(published).epsilon(n >= 2048 ? 0.08 : 0.25));
    }
}

TEST_CASE("A100 FP16 cuBLASLt sweep (Azure ND A100 v4): within 12 % from 4096^3, 20 % below") {
    const std::pair<extent, double> points[] = {{1024, 119.4}, {2048, 221.8}, {4096, 228.0}, {8192, 253.7}, {16384, 256.5}};
    for (const auto& point : points) {
        const extent n = point.first;
        const double published = point.second;
        CAPTURE(n);
        CHECK(gemm_tflops("a100-sxm4-80gb", n) == doctest::Approx(published).epsilon(n >= 4096 ? 0.12 : 0.20));
    }
}

TEST_CASE("H100 attention forward, d=128 (FA3 paper Fig. 5c): FA2 and FA3 within 6 % from 2k, 15 % below; cuDNN 20 %") {
    // one seq_half and head_dim_half per kernel over d = 64, 128, 256, causal and full: the short sequences
    // and cuDNN's flat d=128..256 curve are where that compromise shows
    const extent seqs[] = {512, 1024, 2048, 4096, 8192, 16384};
    const double fa2[] = {309, 350, 362, 368, 370, 370};
    const double fa3[] = {467, 565, 625, 638, 646, 648};
    const double cudnn[] = {497, 574, 617, 609, 600, 595};
    for (int i = 0; i < 6; ++i) {
        CAPTURE(seqs[i]);
        const double tol = seqs[i] >= 2048 ? 0.06 : 0.15;
        CHECK(attention_tflops("h100-sxm5-80gb", attention_kernel::fa2, seqs[i], 128, false) ==
              doctest::Approx(fa2[i]).epsilon(tol));
        CHECK(attention_tflops("h100-sxm5-80gb", attention_kernel::fa3, seqs[i], 128, false) ==
              doctest::Approx(fa3[i]).epsilon(tol));
        CHECK(attention_tflops("h100-sxm5-80gb", attention_kernel::cudnn, seqs[i], 128, false) ==
              doctest::Approx(cudnn[i]).epsilon(0.20));
    }
}

TEST_CASE("FA2 forward+backward, d=128 (FA-repo benchmark figures) within 6 %") {
    const extent seqs[] = {1024, 2048, 4096, 8192, 16384};
    const double a100[] = {173, 187, 196, 201, 203};
    const double h100[] = {294, 320, 326, 335, 338};
    for (int i = 0; i < 5; ++i) {
        CAPTURE(seqs[i]);
        CHECK(attention_tflops("a100-sxm4-80gb", attention_kernel::fa2, seqs[i], 128, true) ==
              doctest::Approx(a100[i]).epsilon(0.06));
        CHECK(attention_tflops("h100-sxm5-80gb", attention_kernel::fa2, seqs[i], 128, true) ==
              doctest::Approx(h100[i]).epsilon(0.06));
    }
}

TEST_CASE("materialised attention (assumed: GEMM efficiency + score traffic) vs PyTorch eager figures") {
    // Not fitted: a cross-check of the assumption. FA-repo A100 eager fwd+bwd d=128: 76 / 79 / 86 at 2k/4k/8k.
    CHECK(attention_tflops("a100-sxm4-80gb", attention_kernel::sdpa_math, 2048, 128, true) ==
          doctest::Approx(76).epsilon(0.20));
    CHECK(attention_tflops("a100-sxm4-80gb", attention_kernel::sdpa_math, 8192, 128, true) ==
          doctest::Approx(86).epsilon(0.20));
    // Azure ND H100 v5, flash-attn benchmark script, PyTorch, d=128, batch 2, 8k: 145.1
    CHECK(attention_tflops("h100-sxm5-80gb", attention_kernel::sdpa_math, 8192, 128, true) ==
          doctest::Approx(145.1).epsilon(0.30));
}
