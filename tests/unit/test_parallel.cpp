#include <doctest/doctest.h>

#include <variant>

#include <vidperf/models/parallel.hpp>
#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/models/presets.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
// by value: callers pass the temporary a lowering returns
stage denoiser_of(const std::vector<stage>& s) {
    for (const auto& x : s)
        if (x.name == "denoiser") return x;
    FAIL("no denoiser stage");
    return s.front();
}
double flops_of(const stage& s) {
    double f = 0;
    for (const auto& u : s.ops)
        if (!std::holds_alternative<collective_op>(u.op)) f += cost(u.op).flops.value() * u.count;
    return f;
}
double comm_bytes_of(const stage& s) { // bytes each GPU puts on its link per call
    double b = 0;
    for (const auto& u : s.ops)
        if (const auto* c = std::get_if<collective_op>(&u.op)) b += cost(*c).bytes_written.value() * u.count;
    return b;
}
std::vector<stage> lower(const model_spec& m, parallel_plan p) {
    inference_options io;
    io.parallel = p;
    return lower_inference(m, m.standard, io);
}
} // namespace

TEST_CASE("Ulysses divides the denoiser's work and adds two all-to-alls per self-attention") {
    const auto& m = find_model("hunyuanvideo");
    const auto one = lower(m, {});
    parallel_plan u4;
    u4.ulysses = 4;
    const auto four = lower(m, u4);
    const double f1 = flops_of(denoiser_of(one)), f4 = flops_of(denoiser_of(four));
    CHECK(f4 < f1 / 3.9); // nearly all the work is in video-token ops
    CHECK(f4 > f1 / 4.0 * 0.999);
    CHECK(comm_bytes_of(denoiser_of(one)) == 0.0);
    CHECK(comm_bytes_of(denoiser_of(four)) > 0.0);
    CHECK(denoiser_of(four).parameters == doctest::Approx(denoiser_of(one).parameters)); // the model is the same
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto& cal = find_literature(gpu.slug);
    const auto e1 = estimate_pipeline(one, gpu, cal, {});
    const auto e4 = estimate_pipeline(four, gpu, cal, {});
    CHECK(e4.latency < e1.latency);
    CHECK(e1.latency.value() / e4.latency.value() < 4.0); // communication and replicated work
    CHECK(e4.communication_share > 0.0);
    u4.ulysses = 5;
    CHECK_THROWS_WITH_AS((void)lower(m, u4), doctest::Contains("does not divide"), invalid_argument);
}

TEST_CASE("more GPUs never reduce the per-GPU communication below the algorithm's bound") {
    // Ulysses: per self-attention each rank holds R A / S of Q, K, V and O and must send (n-1)/n of them
    const auto& m = find_model("wan2.1-t2v-14b");
    const latent_shape lat = latents(m.latent, m.standard, m.slug);
    const double R = static_cast<double>(lat.tokens), A = 5120, layers = 40, bytes_per = 2;
    double last = 1e300;
    for (int n : {2, 4, 8}) {
        parallel_plan p;
        p.ulysses = n;
        const double comm = comm_bytes_of(denoiser_of(lower(m, p)));
        const double bound = layers * 4 * R * A / n * bytes_per * (n - 1) / n;
        CAPTURE(n);
        CHECK(comm >= bound * (1 - 1e-9));
        CHECK(comm < last); // each GPU's share shrinks, but never below the bound
        last = comm;
    }
}

TEST_CASE("ring attention: queries split, K/V passed round the ring, overlap is a policy") {
    const auto& m = find_model("wan2.1-t2v-1.3b");
    parallel_plan r4;
    r4.ring = 4;
    const auto plain = denoiser_of(lower(m, r4));
    r4.ring_overlap = 1.0;
    const auto hidden = denoiser_of(lower(m, r4));
    CHECK(comm_bytes_of(hidden) < comm_bytes_of(plain));
    CHECK(flops_of(hidden) == doctest::Approx(flops_of(plain)));
    r4.ring_overlap = 1.5;
    CHECK_THROWS_AS((void)lower(m, r4), invalid_argument);
}

TEST_CASE("CFG parallelism: one guidance pass per GPU, needs guidance on - FSDP shards the weights") {
    const auto& m = find_model("wan2.1-t2v-14b"); // sequential guidance: two calls per step
    parallel_plan c;
    c.cfg = 2;
    CHECK(denoiser_of(lower(m, c)).calls == doctest::Approx(denoiser_of(lower(m, {})).calls / 2));
    video_workload off = m.standard;
    off.cfg = cfg_mode::off;
    inference_options io;
    io.parallel = c;
    CHECK_THROWS_WITH_AS((void)lower_inference(m, off, io), doctest::Contains("guidance"), invalid_argument);
    parallel_plan f;
    f.ulysses = 8;
    f.fsdp = true;
    CHECK(denoiser_of(lower(m, f)).weight_bytes.value() ==
          doctest::Approx(denoiser_of(lower(m, {})).weight_bytes.value() / 8));
    parallel_plan u;
    u.ulysses = 2;
    CHECK_THROWS_AS((void)lower(find_model("svd-xt"), u), unsupported);
}

TEST_CASE("tensor parallelism divides block GEMMs and heads, all-reduces each block twice, shards block weights") {
    const auto& m = find_model("wan2.1-t2v-14b");
    parallel_plan t;
    t.tp = 4;
    const auto one = denoiser_of(lower(m, {}));
    const auto four = denoiser_of(lower(m, t));
    CHECK(flops_of(four) < flops_of(one) / 3.5); // norms and elementwise stay replicated
    CHECK(four.weight_bytes.value() == doctest::Approx(one.weight_bytes.value() / 4));
    // per call: 2 x 40 blocks x all-reduce of tokens x 5120 bf16, bus factor 2 (n-1)/n
    const latent_shape lat = latents(m.latent, m.standard, m.slug);
    const double expected = 2 * 40 * static_cast<double>(lat.tokens) * 5120 * 2 * 2 * 3.0 / 4;
    CHECK(comm_bytes_of(four) == doctest::Approx(expected));
    t.tp = 3; // 40 heads
    CHECK_THROWS_AS((void)lower(m, t), invalid_argument);
}
