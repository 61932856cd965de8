#include <doctest/doctest.h>

#include <vidperf/io/storage_json.hpp>
#include <vidperf/models/presets.hpp>
#include <vidperf/pipeline/training.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
training_step train(const char* slug, training_options t, const char* gpu = "h100-sxm5-80gb") {
    const auto& m = find_model(slug);
    return estimate_training(m, m.standard, t, find_gpu(gpu), *builtin_calibration("literature", gpu).cal);
}
} // namespace

TEST_CASE("backward follows the forward op list - optimizer states by optimizer - mixed precision bytes") {
    training_options t;
    t.ckpt = checkpointing::none;
    const auto r = train("wan2.1-t2v-1.3b", t);
    // GEMMs: backward = dX + dW, twice the forward FLOPs; attention 2.5x the FLOPs at 0.861 of the forward
    // efficiency (FA2, literature) = 2.9x the time: so backward lies between 2x and 3x the forward
    CHECK(r.backward.value() > 1.9 * r.forward.value());
    CHECK(r.backward.value() < 3.0 * r.forward.value());
    CHECK(r.recompute.value() == 0.0);
    const double P = r.total_parameters;
    CHECK(r.memory.weights.value() == doctest::Approx(2 * P));
    CHECK(r.memory.master_weights.value() == doctest::Approx(4 * P));
    CHECK(r.memory.gradients.value() == doctest::Approx(4 * P));
    CHECK(r.memory.optimizer_states.value() == doctest::Approx(8 * P));
    t.optimizer = optimizer_kind::adam8bit;
    CHECK(train("wan2.1-t2v-1.3b", t).memory.optimizer_states.value() == doctest::Approx(2 * P));
    t.optimizer = optimizer_kind::adafactor;
    CHECK(train("wan2.1-t2v-1.3b", t).memory.optimizer_states.value() < 0.01 * P);
}

TEST_CASE("LoRA needs less memory than full fine-tuning - checkpointing trades memory for time") {
    for (const char* slug : {"wan2.1-t2v-1.3b", "cogvideox-5b", "mochi-1"}) {
        CAPTURE(slug);
        training_options full;
        full.ckpt = checkpointing::full;
        training_options lora = full;
        lora.method = finetune_method::lora;
        lora.lora_rank = 16;
        const auto f = train(slug, full), l = train(slug, lora);
        CHECK(l.memory.total < f.memory.total);
        CHECK(l.trainable_parameters < 0.05 * f.trainable_parameters);
        training_options none = full, sel = full;
        none.ckpt = checkpointing::none;
        sel.ckpt = checkpointing::selective;
        const auto n = train(slug, none), s = train(slug, sel);
        CHECK(f.memory.saved_activations < s.memory.saved_activations);
        CHECK(s.memory.saved_activations < n.memory.saved_activations);
        CHECK(f.step > s.step);
        CHECK(s.step >= n.step);
    }
}

TEST_CASE("ZeRO and FSDP shard states across the data-parallel GPUs") {
    training_options t;
    t.gpus = 8;
    const auto z0 = train("mochi-1", t);
    t.zero_stage = 1;
    const auto z1 = train("mochi-1", t);
    t.zero_stage = 2;
    const auto z2 = train("mochi-1", t);
    t.zero_stage = 3;
    const auto z3 = train("mochi-1", t);
    CHECK(z1.memory.optimizer_states.value() == doctest::Approx(z0.memory.optimizer_states.value() / 8));
    CHECK(z2.memory.gradients.value() == doctest::Approx(z0.memory.gradients.value() / 8));
    CHECK(z3.memory.weights.value() == doctest::Approx(z0.memory.weights.value() / 8));
    CHECK(z3.memory.total < z2.memory.total);
    CHECK(z2.memory.total < z1.memory.total);
    CHECK(z1.memory.total < z0.memory.total);
    CHECK(z0.fits == false); // full fine-tuning of 10B on one 80 GB GPU without sharding
    CHECK(z3.communication > z0.communication); // parameters are gathered twice per step
}

TEST_CASE("storage: the measured curve, and an I/O-bound job does not speed up when compute gets faster") {
    const auto curve = storage_from_json(
        R"({"schema": "vidperf.storage/1", "points": [{"gpus": 1, "read_GiBps": 1.7}, {"gpus": 4, "read_GiBps": 0.1}]})");
    CHECK(curve.aggregate_Bps(1) == doctest::Approx(1.7 * 1024 * 1024 * 1024));
    CHECK(curve.aggregate_Bps(4) == doctest::Approx(0.1 * 1024 * 1024 * 1024));
    CHECK(curve.aggregate_Bps(8) == doctest::Approx(0.1 * 1024 * 1024 * 1024)); // held flat past the last point
    training_options t;
    t.data.format = sample_format::raw_frames;
    t.data.storage = curve;
    t.gpus = 8;
    const auto& m = find_model("wan2.1-t2v-1.3b");
    video_workload w = m.standard;
    w.impl = implementation::ideal; // the architecture alone: the compute step this storage curve is sized against
    const auto slow = estimate_training(m, w, t, find_gpu("h100-sxm5-80gb"), find_literature("h100-sxm5-80gb"));
    REQUIRE(slow.bound == bound_kind::io);
    // the same job on the datasheet roofline (faster compute) is not faster: the input sets the step
    const auto fast = estimate_training(m, w, t, find_gpu("h100-sxm5-80gb"), datasheet_calibration);
    CHECK(fast.compute_step < slow.compute_step);
    CHECK(fast.step.value() == doctest::Approx(slow.step.value()).epsilon(0.01));
    t.data.prefetch = false; // without prefetching the input adds to compute
    const auto serial = estimate_training(m, w, t, find_gpu("h100-sxm5-80gb"), find_literature("h100-sxm5-80gb"));
    CHECK(serial.step.value() == doctest::Approx((serial.compute_step + serial.input).value()));
    CHECK_THROWS_AS((void)storage_from_json(R"({"schema": "vidperf.storage/1", "points": []})"), schema_error);
}

TEST_CASE("data-parallel scaling: speed-up below linear, never above") {
    training_options t;
    double base = 0;
    for (int n : {1, 2, 4, 8}) {
        t.gpus = n;
        const auto r = train("wan2.1-t2v-14b", t);
        if (n == 1) base = r.samples_per_second;
        CAPTURE(n);
        CHECK(r.samples_per_second <= n * base * (1 + 1e-9));
    }
}

TEST_CASE("the longest clip that fits a training step: it fits, the next does not") {
    const auto& m = find_model("wan2.1-t2v-1.3b");
    const auto& gpu = find_gpu("a100-sxm4-40gb");
    const auto& cal = find_literature(gpu.slug);
    training_options t;
    t.method = finetune_method::lora;
    const extent f = max_training_frames(m, m.standard, t, gpu, cal);
    REQUIRE(f > 0);
    CHECK(valid_frames(m.latent, f));
    video_workload w = m.standard;
    w.frames = f;
    CHECK(estimate_training(m, w, t, gpu, cal).fits);
    w.frames = f + frame_step(m.latent);
    CHECK_FALSE(estimate_training(m, w, t, gpu, cal).fits);
}

TEST_CASE("tensor parallelism in training: memory per GPU falls, throughput trails data parallelism") {
    training_options dp2;
    dp2.ckpt = checkpointing::full;
    dp2.gpus = 2;
    training_options tp2 = dp2;
    tp2.tp = 2;
    const auto one = train("wan2.1-t2v-14b", [] {
        training_options o;
        o.ckpt = checkpointing::full;
        return o;
    }());
    const auto d = train("wan2.1-t2v-14b", dp2), t = train("wan2.1-t2v-14b", tp2);
    CHECK(t.memory.weights.value() == doctest::Approx(one.memory.weights.value() / 2));
    CHECK(t.memory.optimizer_states.value() == doctest::Approx(one.memory.optimizer_states.value() / 2));
    CHECK(t.step < one.step);                              // each GPU does about half the work
    CHECK(t.samples_per_second < d.samples_per_second);    // replicated ops and all-reduces cost TP
    CHECK(t.communication > seconds(0));
    tp2.gpus = 3;
    CHECK_THROWS_AS((void)train("wan2.1-t2v-14b", tp2), invalid_argument);
}

TEST_CASE("sequence parallelism in training: activations split by sequence, all-to-alls in both passes") {
    training_options one;
    one.ckpt = checkpointing::full;
    training_options sp = one;
    sp.gpus = 4;
    sp.ulysses = 4;
    const auto a = train("wan2.1-t2v-14b", one), b = train("wan2.1-t2v-14b", sp);
    CHECK(b.memory.saved_activations < a.memory.saved_activations / 3.0);
    CHECK(b.step < a.step / 3.0); // four GPUs on one video
    CHECK(b.step > a.step / 4.0); // minus all-to-alls and replicated work
    CHECK(b.communication > seconds(0));
    CHECK(b.samples_per_second == doctest::Approx(1.0 / b.step.value())); // one replica
    sp.gpus = 6;
    CHECK_THROWS_AS((void)train("wan2.1-t2v-14b", sp), invalid_argument);
}
