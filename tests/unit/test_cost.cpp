#include <doctest/doctest.h>

#include <vidperf/vidperf.hpp>

using namespace vidperf;

TEST_CASE_TEMPLATE("gemm FLOPs and bytes against hand sums", Real, float, double) {
    const auto c = cost<Real>(gemm_op{128, 256, 64});
    CHECK(static_cast<double>(c.flops.value()) == doctest::Approx(2.0 * 128 * 256 * 64)); // 4,194,304
    CHECK(static_cast<double>(c.bytes_read.value()) == doctest::Approx(49152.0));         // (128*64 + 64*256) * 2
    CHECK(static_cast<double>(c.bytes_written.value()) == doctest::Approx(65536.0));      // 128*256*2
}

TEST_CASE("batched gemm, shared weights, weight-only quantisation") {
    gemm_op g{128, 256, 64};
    g.batch = 3;
    auto c = cost(g);
    CHECK(c.flops.value() == doctest::Approx(12582912.0));
    CHECK(c.bytes_read.value() == doctest::Approx(147456.0));
    CHECK(c.bytes_written.value() == doctest::Approx(196608.0));
    g.shared_b = true;
    CHECK(cost(g).bytes_read.value() == doctest::Approx(81920.0)); // 3*128*64*2 + 64*256*2
    gemm_op q{128, 256, 64};
    q.b = dtype::nf4;
    CHECK(cost(q).bytes_read.value() == doctest::Approx(16384.0 + 8192.0)); // B at half a byte
    q.a = dtype::nf4;
    CHECK_THROWS_AS((void)cost(q), unsupported);
}

TEST_CASE("attention FLOPs: forward, causal, backward, GQA, materialised") {
    attention_op a;
    a.batch = 2;
    a.heads_q = 8;
    a.seq_q = 1024;
    a.head_dim = 64;
    const auto f = cost(a);
    CHECK(f.flops.value() == doctest::Approx(4.0 * 2 * 8 * 1024.0 * 1024 * 64)); // 4 b h s^2 d
    CHECK(f.bytes_read.value() == doctest::Approx(6291456.0));                   // Q, K, V in bf16
    CHECK(f.bytes_written.value() == doctest::Approx(2097152.0 + 65536.0));      // O + fp32 LSE

    a.causal = true;
    CHECK(cost(a).flops.value() == doctest::Approx(2149580800.0)); // s(s+1)/2 of s^2 pairs
    a.causal = false;

    a.direction = pass::backward;
    CHECK(cost(a).flops.value() == doctest::Approx(2.5 * f.flops.value()));
    a.direction = pass::forward;

    a.heads_kv = 2;
    CHECK(cost(a).flops.value() == doctest::Approx(f.flops.value())); // GQA changes bytes, not FLOPs
    CHECK(cost(a).bytes_read.value() == doctest::Approx(3145728.0));
    a.heads_kv = 3;
    CHECK_THROWS_AS((void)cost(a), invalid_argument);
    a.heads_kv = 0;

    a.kernel = attention_kernel::sdpa_math; // scores written and read back: + 2 s^2 reads and writes
    CHECK(cost(a).bytes_read.value() == doctest::Approx(6291456.0 + 67108864.0));
    CHECK(cost(a).bytes_written.value() == doctest::Approx(2162688.0 + 67108864.0));
}

TEST_CASE("causal fraction with different query and key lengths") {
    CHECK(causal_fraction<double>(1, 1) == doctest::Approx(1.0));
    CHECK(causal_fraction<double>(2, 4) == doctest::Approx((3.0 + 4.0) / 8.0)); // rows see 3 and 4 keys
    CHECK(causal_fraction<double>(4, 2) == doctest::Approx(3.0 / 8.0));         // rows see 0, 0, 1, 2 keys
}

TEST_CASE("conv3d with causal temporal padding lowers to the right implicit GEMM") {
    conv_op c;
    c.c_in = 16;
    c.c_out = 32;
    c.input = {5, 10, 12};
    c.kernel = {3, 3, 3};
    c.pad_before = {2, 1, 1}; // causal in time: all temporal padding in front
    c.pad_after = {0, 1, 1};
    CHECK(conv_output_extent(c, 0) == 5);
    CHECK(conv_output_extent(c, 1) == 10);
    CHECK(conv_output_extent(c, 2) == 12);
    const gemm_op g = implicit_gemm(c);
    CHECK(g.m == 600);
    CHECK(g.n == 32);
    CHECK(g.k == 432);
    const auto k = cost(c);
    CHECK(k.flops.value() == doctest::Approx(16588800.0));
    CHECK(k.bytes_read.value() == doctest::Approx((9600.0 + 13824.0) * 2));
    CHECK(k.bytes_written.value() == doctest::Approx(19200.0 * 2));
    c.direction = pass::backward;
    CHECK(cost(c).flops.value() == doctest::Approx(2 * 16588800.0));
}

TEST_CASE("conv2d with stride and padding - grouped conv - a window too large is an error") {
    conv_op c;
    c.c_in = 8;
    c.c_out = 8;
    c.input = {1, 64, 64};
    c.kernel = {1, 3, 3};
    c.stride = {1, 2, 2};
    c.pad_before = c.pad_after = {0, 1, 1};
    CHECK(conv_output_extent(c, 1) == 32);
    CHECK(cost(c).flops.value() == doctest::Approx(2.0 * 32 * 32 * 8 * 8 * 9));
    c.groups = 8; // depthwise
    CHECK(cost(c).flops.value() == doctest::Approx(2.0 * 32 * 32 * 8 * 9));
    c.groups = 3;
    CHECK_THROWS_AS((void)cost(c), invalid_argument);
    c.groups = 1;
    c.input = {1, 2, 2};
    c.kernel = {1, 5, 5};
    c.pad_before = c.pad_after = {0, 0, 0};
    CHECK_THROWS_AS((void)cost(c), invalid_argument);
}

TEST_CASE("pointwise kinds") {
    pointwise_op p;
    p.kind = pointwise_kind::rmsnorm;
    p.elements = 1000;
    p.param_elements = 10;
    auto c = cost(p);
    CHECK(c.flops.value() == doctest::Approx(4000.0));
    CHECK(c.bytes_read.value() == doctest::Approx(2020.0));
    CHECK(c.bytes_written.value() == doctest::Approx(2000.0));
    p.kind = pointwise_kind::layernorm;
    CHECK(cost(p).flops.value() == doctest::Approx(7000.0));
    p.kind = pointwise_kind::softmax;
    CHECK(cost(p).flops.value() == doctest::Approx(5000.0));
    p.kind = pointwise_kind::reduction;
    p.param_elements = 0;
    p.output_elements = 10;
    CHECK(cost(p).bytes_written.value() == doctest::Approx(20.0));
    p.kind = pointwise_kind::elementwise;
    p.inputs = 2; // a + b
    p.output_elements = 0;
    p.flops_per_element = 1;
    c = cost(p);
    CHECK(c.bytes_read.value() == doctest::Approx(4000.0));
    CHECK(c.flops.value() == doctest::Approx(1000.0));
}

TEST_CASE("collective bus factors and reduction FLOPs") {
    collective_op c;
    c.kind = collective_kind::all_reduce;
    c.elements = 1000000;
    c.ranks = 8;
    auto k = cost(c);
    CHECK(k.bytes_read.value() == doctest::Approx(2e6));
    CHECK(k.bytes_written.value() == doctest::Approx(2e6 * 2 * 7 / 8));
    CHECK(k.flops.value() == doctest::Approx(1e6 * 7 / 8));
    c.kind = collective_kind::all_gather;
    c.ranks = 4;
    CHECK(cost(c).bytes_written.value() == doctest::Approx(2e6 * 3 / 4));
    CHECK(cost(c).flops.value() == 0.0);
    c.kind = collective_kind::all_to_all;
    CHECK(cost(c).bytes_written.value() == doctest::Approx(2e6 * 3 / 4));
    c.kind = collective_kind::send_recv;
    CHECK(cost(c).bytes_written.value() == doctest::Approx(2e6));
    c.ranks = 1;
    CHECK_THROWS_AS((void)cost(c), invalid_argument);
}

TEST_CASE("zero and negative sizes are errors naming the field") {
    try {
        (void)cost(gemm_op{0, 1, 1});
        FAIL("expected invalid_argument");
    } catch (const invalid_argument& e) {
        CHECK(std::string(e.what()).find("'m'") != std::string::npos);
        CHECK(e.code() == errc::not_positive);
    }
    CHECK_THROWS_AS((void)cost(gemm_op{1, -5, 1}), invalid_argument);
    attention_op a;
    a.heads_q = 1;
    a.seq_q = 0;
    a.head_dim = 64;
    CHECK_THROWS_WITH_AS((void)cost(a), doctest::Contains("seq_q"), invalid_argument);
    CHECK_THROWS_AS((void)cost(copy_op{copy_kind::host_to_device, 0, true}), invalid_argument);
    pointwise_op p;
    p.elements = 10;
    p.inputs = 0;
    p.outputs = 0;
    CHECK_THROWS_AS((void)cost(p), invalid_argument);
}
