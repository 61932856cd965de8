#include <doctest/doctest.h>

#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
const calibration& lit(std::string_view slug) { return *builtin_calibration("literature", slug).cal; }
double tflops(const prediction<double>& p) { return p.achieved_flops_per_second().value() / 1e12; }
} // namespace

TEST_CASE("BF16 8192^3 GEMM: literature within published ranges, datasheet at the dense peak") {
    const gemm_op g{8192, 8192, 8192};
    const auto& h100 = find_gpu("h100-sxm5-80gb");
    const auto& a100 = find_gpu("a100-sxm4-80gb");
    const auto hl = predict(g, h100, lit("h100-sxm5-80gb"));
    CHECK(tflops(hl) > 700.0);
    CHECK(tflops(hl) < 900.0);
    CHECK(hl.bound == bound_kind::compute);
    CHECK(hl.basis == provenance_kind::literature);
    const auto hd = predict(g, h100, datasheet_calibration);
    CHECK(tflops(hd) == doctest::Approx(989.4).epsilon(1e-9));
    CHECK(hd.basis == provenance_kind::datasheet);
    const auto al = predict(g, a100, lit("a100-sxm4-80gb"));
    CHECK(tflops(al) > 240.0);
    CHECK(tflops(al) < 300.0);
}

TEST_CASE("a 1 GiB copy reaches 80-92 % of HBM peak with literature constants") {
    for (const char* slug : {"h100-sxm5-80gb", "a100-sxm4-80gb", "h200-sxm-141gb"}) {
        CAPTURE(slug);
        const auto& g = find_gpu(slug);
        const auto p = predict(copy_op{copy_kind::device_local, extent(1) << 30, true}, g, lit(slug));
        const double frac = p.achieved_bytes_per_second() / g.hbm_bandwidth;
        CHECK(frac > 0.80);
        CHECK(frac < 0.92);
        CHECK(p.bound == bound_kind::memory);
        pointwise_op e;
        e.elements = (extent(1) << 30) / 2; // 1 GiB of bf16 in, 1 GiB out
        const auto q = predict(e, g, lit(slug));
        // framework elementwise kernels stream at their own efficiency, also 75-95 % of the peak
        const double pw = q.achieved_bytes_per_second() / g.hbm_bandwidth;
        CHECK(pw == doctest::Approx(lit(slug).pointwise(pointwise_kind::elementwise).value).epsilon(0.01));
        CHECK(pw > 0.75);
        CHECK(pw < 0.95);
    }
}

TEST_CASE("datasheet profile is the plain roofline") {
    const auto& g = find_gpu("a100-sxm4-80gb");
    const gemm_op skinny{8192, 8192, 16}; // arithmetic intensity ~16 FLOP/byte: memory-bound on A100
    const auto p = predict(skinny, g, datasheet_calibration);
    const auto c = cost(skinny);
    CHECK(p.bound == bound_kind::memory);
    CHECK(p.time.value() == doctest::Approx(c.bytes().value() / 2.039e12));
    CHECK(p.compute_time.value() == doctest::Approx(c.flops.value() / 312e12));
    CHECK(p.overhead_time.value() == 0.0);
}

TEST_CASE("tiny ops are overhead-bound - the bound is named") {
    const auto p = predict(gemm_op{16, 16, 16}, find_gpu("h100-sxm5-80gb"), lit("h100-sxm5-80gb"));
    CHECK(p.bound == bound_kind::overhead);
    CHECK(p.time.value() >= p.overhead_time.value());
}

TEST_CASE("GEMM time never falls as m or n grows (wave quantisation pads tiles)") {
    const auto& g = find_gpu("h100-sxm5-80gb");
    const auto& c = lit("h100-sxm5-80gb");
    double last = 0;
    for (extent m = 64; m <= 20000; m += 61) {
        const double t = predict(gemm_op{m, 3072, 3072}, g, c).time.value();
        CHECK(t >= last * (1 - 1e-12));
        last = t;
    }
    last = 0;
    for (extent n = 64; n <= 9000; n += 37) {
        const double t = predict(gemm_op{4096, n, 1024}, g, c).time.value();
        CHECK(t >= last * (1 - 1e-12));
        last = t;
    }
}

TEST_CASE("a GPU better on every spec never predicts slower") {
    // H200 = H100 SXM compute with more HBM bandwidth; under one calibration it is never slower
    const auto& h100 = find_gpu("h100-sxm5-80gb");
    const auto& h200 = find_gpu("h200-sxm-141gb");
    for (extent k : {16, 256, 4096}) {
        const gemm_op g{8192, 8192, k};
        CHECK(predict(g, h200, datasheet_calibration).time <= predict(g, h100, datasheet_calibration).time);
    }
}

TEST_CASE("the L2 regime makes small working sets faster than HBM streaming") {
    const auto& g = find_gpu("h200-sxm-141gb");
    const auto& c = lit("h200-sxm-141gb");
    const copy_op small{copy_kind::device_local, extent(8) << 20, true}; // 16 MiB moved: L2-resident
    const copy_op big{copy_kind::device_local, extent(1) << 29, true};
    const auto ps = predict(small, g, c);
    const auto pb = predict(big, g, c);
    CHECK(ps.memory_bandwidth.value() == doctest::Approx(10e12));
    CHECK(pb.memory_bandwidth.value() == doctest::Approx(4.8e12 * 4.01 / 4.8));
    // between the two thresholds the bandwidth falls monotonically
    double last = 1e30;
    for (extent e = 16 << 20; e <= 80 << 20; e += 2 << 20) {
        const double bw = predict(copy_op{copy_kind::device_local, e, true}, g, c).memory_bandwidth.value();
        CHECK(bw <= last);
        last = bw;
    }
    // pointwise kernels read fresh tensors: the HBM rate of their kind whatever the size
    pointwise_op p;
    p.elements = 4 << 20;
    CHECK(predict(p, g, c).memory_bandwidth.value() ==
          doctest::Approx(4.8e12 * c.pointwise(pointwise_kind::elementwise).value));
}

TEST_CASE("attention kernels: FA3 only on Hopper - kernel families differ - materialised is slower") {
    attention_op a;
    a.batch = 1;
    a.heads_q = 40;
    a.seq_q = 32760; // Wan 2.1 14B at 480p: 21 x 30 x 52 latent tokens
    a.head_dim = 128;
    const auto& h100 = find_gpu("h100-sxm5-80gb");
    const auto& c = lit("h100-sxm5-80gb");
    a.kernel = attention_kernel::fa2;
    const auto fa2 = predict(a, h100, c);
    a.kernel = attention_kernel::fa3;
    const auto fa3 = predict(a, h100, c);
    a.kernel = attention_kernel::sdpa_math;
    const auto math = predict(a, h100, c);
    CHECK(fa3.time < fa2.time);
    CHECK(fa2.time.value() / fa3.time.value() == doctest::Approx(669.3 / 376.9).epsilon(0.03));
    CHECK(math.time > fa2.time);
    CHECK(fa2.bound == bound_kind::compute);
    a.kernel = attention_kernel::fa3;
    CHECK_THROWS_AS((void)predict(a, find_gpu("a100-sxm4-80gb"), lit("a100-sxm4-80gb")), unsupported);
    a.kernel = attention_kernel::sage;
    CHECK_THROWS_WITH_AS((void)predict(a, h100, c), doctest::Contains("no constants"), unsupported);
    CHECK_NOTHROW((void)predict(a, h100, datasheet_calibration));
}

TEST_CASE("a calibration made for another GPU is refused") {
    CHECK_THROWS_AS((void)predict(gemm_op{64, 64, 64}, find_gpu("h100-sxm5-80gb"), lit("a100-sxm4-80gb")),
                    invalid_argument);
}

TEST_CASE("literature falls back to datasheet for GPUs it does not cover, and says so") {
    const auto c = builtin_calibration("literature", "rtx6000ada-48gb");
    CHECK(c.fell_back);
    CHECK(c.cal == &datasheet_calibration);
    CHECK_FALSE(c.note.empty());
    CHECK_FALSE(builtin_calibration("literature", "h100-pcie-80gb").fell_back);
    CHECK_THROWS_AS((void)builtin_calibration("guesswork", "h100-sxm5-80gb"), not_found);
}

TEST_CASE("copies and collectives") {
    const auto& h100 = find_gpu("h100-sxm5-80gb");
    const auto& c = lit("h100-sxm5-80gb");
    const extent gib = extent(1) << 30;
    const auto pinned = predict(copy_op{copy_kind::host_to_device, gib, true}, h100, c);
    const auto pageable = predict(copy_op{copy_kind::host_to_device, gib, false}, h100, c);
    CHECK(pinned.memory_bandwidth.value() == doctest::Approx(51e9));
    CHECK(pageable.time > pinned.time);
    const auto peer = predict(copy_op{copy_kind::device_peer, gib, true}, h100, c);
    CHECK(peer.memory_bandwidth.value() == doctest::Approx(376e9));

    collective_op ar;
    ar.elements = gib; // 2 GiB of bf16
    ar.ranks = 8;
    const auto p = predict(ar, h100, c);
    CHECK(p.bound == bound_kind::communication);
    const double bus = 2.0 * 7 / 8 * 2.0 * double(gib);
    // alpha-beta with the calibration's latency and ring efficiency (fitted to Vidur's and Azure's NCCL runs:
    // about 25 us and 82 % of the 450 GB/s link)
    CHECK(p.time.value() ==
          doctest::Approx(c.collective_latency.value.value() + bus / (c.collective_efficiency.value * 450e9)));
    CHECK(c.collective_efficiency.value * 450e9 == doctest::Approx(370e9).epsilon(0.05));
    ar.link = link_kind::nvlink;
    CHECK_THROWS_AS((void)predict(ar, find_gpu("l40s-48gb"), datasheet_calibration), invalid_argument);
    ar.link = link_kind::network;
    CHECK_THROWS_AS((void)predict(ar, h100, c), invalid_argument); // no network bandwidth given
    ar.network_bandwidth_Bps = 50e9;
    CHECK(predict(ar, h100, c).memory_bandwidth.value() == doctest::Approx(50e9));
}

TEST_CASE("a smooth combine is never faster than the plain max") {
    calibration c = datasheet_calibration;
    const auto& g = find_gpu("h100-sxm5-80gb");
    // a GEMM near the ridge point: intensity ~ 295 FLOP/byte
    const gemm_op ridge{4096, 4096, 1024};
    const auto hard = predict(ridge, g, c);
    c.combine_exponent.value = 2.0;
    const auto soft = predict(ridge, g, c);
    CHECK(soft.time > hard.time);
    CHECK(soft.time.value() ==
          doctest::Approx(std::sqrt(hard.compute_time.value() * hard.compute_time.value() +
                                    hard.memory_time.value() * hard.memory_time.value())));
}

TEST_CASE_TEMPLATE("float and double agree", Real, float, double) {
    const auto g = rebind<Real>(find_gpu("h100-sxm5-80gb"));
    const auto c = rebind<Real>(lit("h100-sxm5-80gb"));
    const auto p = predict(gemm_op{8192, 8192, 8192}, g, c);
    const auto d = predict(gemm_op{8192, 8192, 8192}, find_gpu("h100-sxm5-80gb"), lit("h100-sxm5-80gb"));
    CHECK(static_cast<double>(p.time.value()) == doctest::Approx(d.time.value()).epsilon(1e-5));
}

TEST_CASE("predictions are constant expressions") {
    constexpr auto p = predict(gemm_op{4096, 4096, 4096}, gpu_catalog[4], literature_calibrations[4]);
    static_assert(p.time.value() > 0);
    static_assert(p.bound == bound_kind::compute);
    CHECK(p.time.value() > 0);
}

TEST_CASE("a prediction says what its dominant term rests on") {
    attention_op a;
    a.heads_q = 40;
    a.seq_q = 75600;
    a.head_dim = 128;
    a.kernel = attention_kernel::fa3;
    const auto h100 = predict(a, find_gpu("h100-sxm5-80gb"), lit("h100-sxm5-80gb"));
    CHECK(h100.bound == bound_kind::compute);
    CHECK(h100.basis == provenance_kind::literature);
    CHECK(h100.overhead_basis == provenance_kind::assumed); // H100 launch overhead is H200's figure
    const auto h200 = predict(a, find_gpu("h200-sxm-141gb"), lit("h200-sxm-141gb"));
    CHECK(h200.basis == provenance_kind::assumed); // attention constants carried over from H100
    a.kernel = attention_kernel::fa2;
    const auto ds = predict(a, find_gpu("l4-24gb"), datasheet_calibration);
    CHECK(ds.basis == provenance_kind::datasheet);
}

TEST_CASE("attention efficiency falls with the head dimension as d / (d + head_dim_half), 1 at d = 128") {
    const auto& g = find_gpu("h100-sxm5-80gb");
    calibration c = lit("h100-sxm5-80gb");
    auto& fa = c.attention[static_cast<std::size_t>(attention_kernel::fa3)];
    fa.head_dim_half = {50.0, {provenance_kind::literature, "test"}, 0};
    auto at = [&](extent d) {
        attention_op a;
        a.heads_q = 16;
        a.seq_q = 16384;
        a.head_dim = d;
        a.kernel = attention_kernel::fa3;
        return predict(a, g, c).compute_efficiency;
    };
    // by hand: (64/114) / (128/178) = 0.780702...; (256/306) / (128/178) = 1.163398...
    CHECK(at(64) / at(128) == doctest::Approx(0.7807017543859649).epsilon(1e-12));
    CHECK(at(256) / at(128) == doctest::Approx(1.1633986928104576).epsilon(1e-12));
    fa.head_dim_half.value = 0; // no head-dimension term
    CHECK(at(64) == doctest::Approx(at(128)).epsilon(1e-12));
}

TEST_CASE("norm and softmax kernels stream at their own bandwidth efficiency, not the copy's") {
    const auto& g = find_gpu("a100-sxm4-80gb");
    calibration c = lit("a100-sxm4-80gb");
    c.pointwise_efficiency[static_cast<std::size_t>(pointwise_kind::layernorm)] = {0.5, {provenance_kind::literature, "t"}, 0};
    pointwise_op ln;
    ln.kind = pointwise_kind::layernorm;
    ln.elements = extent(1) << 28; // 512 MiB of bf16 in and out: far above L2
    ln.type = dtype::bf16;
    const auto p = predict(ln, g, c);
    CHECK(p.bound == bound_kind::memory);
    // bytes = 2 x 2^28 x 2 B; at 0.5 x 2039 GB/s
    CHECK(p.memory_time.value() == doctest::Approx(4.0 * 268435456.0 / (0.5 * 2.039e12)).epsilon(1e-12));
    pointwise_op add = ln;
    add.kind = pointwise_kind::elementwise;
    const auto q = predict(add, g, c);
    CHECK(q.memory_bandwidth.value() == doctest::Approx(2.039e12 * c.pointwise(pointwise_kind::elementwise).value));
}

TEST_CASE("a whole job runs at sustained clocks: compute time scales by 1 / sustained_clock_ratio, memory does not") {
    const auto& g = find_gpu("h100-sxm5-80gb");
    calibration c = lit("h100-sxm5-80gb");
    c.sustained_clock_ratio = {0.8, {provenance_kind::literature, "t"}, 0};
    const gemm_op big{8192, 8192, 8192};
    const auto burst = predict(big, g, c);
    const auto held = predict(big, g, sustained(c));
    CHECK(held.compute_time.value() == doctest::Approx(burst.compute_time.value() / 0.8).epsilon(1e-12));
    CHECK(held.basis == provenance_kind::literature);
    const copy_op copy{copy_kind::device_local, extent(1) << 30, true};
    CHECK(predict(copy, g, sustained(c)).time.value() == doctest::Approx(predict(copy, g, c).time.value()));
    c.sustained_clock_ratio.value = 1.2; // above the burst clock: not a throttling factor
    CHECK_THROWS_AS((void)predict(big, g, sustained(c)), vidperf::error);
    CHECK_NOTHROW((void)predict(big, g, c)); // single ops never read it
}

TEST_CASE("a causal call runs at causal_ratio of a full call with half the keys") {
    const auto& g = find_gpu("h100-sxm5-80gb");
    calibration c = lit("h100-sxm5-80gb");
    auto& fa = c.attention[static_cast<std::size_t>(attention_kernel::fa3)];
    fa.causal_ratio = {0.9, {provenance_kind::literature, "test"}, 0};
    attention_op full;
    full.heads_q = 16;
    full.seq_q = 8192;
    full.seq_kv = 4096; // the keys a causal query sees on average
    full.head_dim = 128;
    full.kernel = attention_kernel::fa3;
    attention_op causal = full;
    causal.seq_kv = 8192;
    causal.causal = true;
    CHECK(predict(causal, g, c).compute_efficiency ==
          doctest::Approx(0.9 * predict(full, g, c).compute_efficiency).epsilon(1e-12));
    fa.causal_ratio.value = 0; // no figure: taken as 1
    CHECK(predict(causal, g, c).compute_efficiency ==
          doctest::Approx(predict(full, g, c).compute_efficiency).epsilon(1e-12));
}
