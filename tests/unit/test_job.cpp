#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <variant>

#include <cmath>

#include <vidperf/cost/recommend.hpp>
#include <vidperf/io/results_json.hpp>
#include <vidperf/io/target.hpp>
#include <vidperf/pipeline/job.hpp>
#include <vidperf/pipeline/planner.hpp>
#include <vidperf/pipeline/training.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {

template <class E>
void check_round_trip() {
    CAPTURE(enum_names<E>::what);
    std::size_t seen = 0;
    for (const auto& e : enum_names<E>::entries) {
        CHECK(try_parse<E>(e.text) == e.value);          // every name and alias parses to its value
        CHECK(try_parse<E>(name(e.value)) == e.value);   // the canonical name round-trips
        ++seen;
    }
    CHECK(value_count<E>() <= seen);
    CHECK_FALSE(try_parse<E>("").has_value());
    CHECK_FALSE(try_parse<E>("no-such-name").has_value());
}

const calibration& lit(const gpu_spec& g) { return *builtin_calibration("best", g.slug).cal; }

} // namespace

TEST_CASE("names: every enum's table round-trips, aliases parse, a bad value lists the known ones") {
    check_round_trip<dtype>();
    check_round_trip<compute_class>();
    check_round_trip<attention_kernel>();
    check_round_trip<pass>();
    check_round_trip<pointwise_kind>();
    check_round_trip<copy_kind>();
    check_round_trip<collective_kind>();
    check_round_trip<link_kind>();
    check_round_trip<provenance_kind>();
    check_round_trip<bound_kind>();
    check_round_trip<cfg_mode>();
    check_round_trip<implementation>();
    check_round_trip<offload_policy>();
    check_round_trip<parallel_mode>();
    check_round_trip<finetune_method>();
    check_round_trip<checkpointing>();
    check_round_trip<optimizer_kind>();
    check_round_trip<sample_format>();
    check_round_trip<gpu_vendor>();
    CHECK(parse<dtype>("fp8", "--dtype") == dtype::fp8_e4m3);
    CHECK(name(dtype::fp8_e4m3) == "fp8_e4m3"); // the canonical name, not the alias
    CHECK(known_names<copy_kind>() == "h2d d2h local peer"); // d2d is an alias, not listed twice
    CHECK_THROWS_WITH_AS((void)parse<optimizer_kind>("adamm", "--optimizer"),
                         "[vidperf.not_found.203] --optimizer: unknown optimizer 'adamm'; known: adamw adam8bit adafactor",
                         not_found);
    CHECK_THROWS_AS((void)parse<link_kind>("bogus", "f", errc::json_bad_value), schema_error);
    // a very long value is shortened in the message
    const std::string long_value(300, 'x');
    try {
        (void)parse<cfg_mode>(long_value, "--cfg");
        FAIL("no error");
    } catch (const error& e) {
        CHECK(std::string(e.what()).size() < 200);
    }
}

TEST_CASE("a job takes the model's standard workload, VAE tiling and implementation when nothing is asked") {
    const auto& m = find_model("hunyuanvideo");
    const inference_job j = make_job(m, {});
    CHECK(j.work.width == m.standard.width);
    CHECK(j.work.frames == m.standard.frames);
    CHECK(j.work.impl == m.standard.impl);
    REQUIRE(j.inference.tiling.has_value());
    CHECK(j.inference.tiling->enabled == m.standard_tiling.enabled);
    // the library's own lowering with default options uses the model's standard tiling too: same peak
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto direct = estimate_pipeline(lower_inference(m, j.work), gpu, lit(gpu), j.pipeline);
    const auto via_job = estimate(j, gpu, lit(gpu)).pipeline;
    CHECK(direct.memory.device_total.value() == doctest::Approx(via_job.memory.device_total.value()));
    CHECK(via_job.memory.device_total.value() < 80e9); // tiled decode: the standard job fits an 80 GB GPU
    // explicitly untiled, the decode of 129 frames at 720p does not fit
    inference_request untiled;
    untiled.vae_tiling = false;
    CHECK(estimate(make_job(m, untiled), gpu, lit(gpu)).pipeline.memory.device_total.value() > 80e9);
}

TEST_CASE("--vae-tiling keeps the class's own tiles: HunyuanVideo's and Open-Sora's peaks do not change") {
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    for (const char* slug : {"hunyuanvideo", "open-sora-2.0"}) {
        CAPTURE(slug);
        const auto& m = find_model(slug);
        if (!m.standard_tiling.enabled) continue;
        inference_request tiled;
        tiled.vae_tiling = true;
        const double standard = estimate(make_job(m, {}), gpu, lit(gpu)).pipeline.memory.device_total.value();
        const double asked = estimate(make_job(m, tiled), gpu, lit(gpu)).pipeline.memory.device_total.value();
        CHECK(asked == doctest::Approx(standard));
    }
}

TEST_CASE("a multi-GPU job pays for every GPU: plan, cost and the pool") {
    const auto& m = find_model("hunyuanvideo");
    inference_request r;
    r.gpus = 4;
    r.parallel = parallel_mode::ulysses;
    const inference_job j = make_job(m, r);
    CHECK(j.gpus() == 4);
    const auto& h100 = find_gpu("h100-sxm5-80gb");
    const job_estimate e = estimate(j, h100, lit(h100));
    CHECK(e.gpu_time(j.gpus()).value() == doctest::Approx(4 * e.latency().value()));
    const auto best = cheapest_fitting_gpu(j, {{&h100, &lit(h100), 3.5}});
    REQUIRE(best.gpu != nullptr);
    CHECK(best.cost.value() == doctest::Approx(3.5 * 4 * e.latency().value() / 3600));
    // the pool counts GPUs, not servers: 4 GPUs per request
    const auto p = size_pool(20, e.latency(), seconds(60), j.gpus());
    CHECK(p.gpus % 4 == 0);
    CHECK(p.gpus >= 4);
}

TEST_CASE("fp8 with FlashAttention-2: GEMMs in fp8, attention, encoders and VAE in bf16") {
    const auto& m = find_model("wan2.1-t2v-1.3b");
    inference_request r;
    r.compute = dtype::fp8_e4m3;
    r.attention = attention_kernel::fa2;
    r.impl = implementation::diffusers;
    const auto stages = lower_inference(*make_job(m, r).model, make_job(m, r).work, make_job(m, r).inference);
    int fp8_gemms = 0, attention_ops = 0;
    for (const auto& s : stages)
        for (const auto& u : s.ops) {
            if (const auto* a = std::get_if<attention_op>(&u.op)) {
                ++attention_ops;
                CHECK(a->type != dtype::fp8_e4m3);
                if (s.name == "denoiser") CHECK(a->type == dtype::bf16);
            }
            if (const auto* g = std::get_if<gemm_op>(&u.op); g && s.name == "denoiser" && g->a == dtype::fp8_e4m3)
                ++fp8_gemms;
            if (const auto* c = std::get_if<conv_op>(&u.op)) CHECK(c->type != dtype::fp8_e4m3);
            if (s.name.rfind("text_encoder", 0) == 0)
                if (const auto* g = std::get_if<gemm_op>(&u.op)) CHECK(g->a == dtype::bf16);
        }
    CHECK(attention_ops > 0);
    CHECK(fp8_gemms > 0);
    // FA3 has an fp8 forward: there attention runs in fp8
    CHECK(attention_dtype(dtype::fp8_e4m3, attention_kernel::fa3) == dtype::fp8_e4m3);
    CHECK(attention_dtype(dtype::bf16, attention_kernel::fa2) == dtype::bf16);
}

TEST_CASE("the link defaults to the GPU's own: PCIe on an RTX 4090, NVLink on an H100; a named link is kept") {
    const auto& m = find_model("wan2.1-t2v-1.3b");
    inference_request r;
    r.gpus = 4;
    r.parallel = parallel_mode::ulysses;
    const inference_job j = make_job(m, r);
    const auto& rtx = find_gpu("rtx4090-24gb");
    const auto& h100 = find_gpu("h100-sxm5-80gb");
    CHECK(estimate(j, rtx, lit(rtx)).link == link_kind::pcie);
    CHECK(estimate(j, h100, lit(h100)).link == link_kind::nvlink);
    r.link = link_kind::nvlink;
    CHECK_THROWS_WITH_AS((void)estimate(make_job(m, r), rtx, lit(rtx)), doctest::Contains("has no NVLink"),
                         invalid_argument);
}

TEST_CASE("a job's rules: counts, parallel layouts and the USP x CFG product are checked with the flag named") {
    const auto& m = find_model("wan2.1-t2v-14b");
    inference_request r;
    r.steps = 0;
    CHECK_THROWS_WITH_AS((void)make_job(m, r), doctest::Contains("'steps'"), invalid_argument);
    r = {};
    r.width = 0;
    CHECK_THROWS_WITH_AS((void)make_job(m, r), doctest::Contains("'width'"), invalid_argument);
    r = {};
    r.gpus = 4;
    CHECK_THROWS_WITH_AS((void)make_job(m, r), doctest::Contains("--parallel"), invalid_argument);
    r.parallel = parallel_mode::usp;
    r.ulysses = 2;
    r.ring = 1;
    // 2 x 1 = 2 GPUs of 4: the hint says what would make it 4; the job never guesses CFG parallelism
    CHECK_THROWS_WITH_AS((void)make_job(m, r), doctest::Contains("add --cfg-parallel"), invalid_argument);
    r.cfg_parallel = true;
    const auto j = make_job(m, r);
    CHECK(j.inference.parallel.cfg == 2);
    CHECK(j.gpus() == 4);
    r = {};
    r.fsdp = true;
    CHECK_THROWS_WITH_AS((void)make_job(m, r), doctest::Contains("--fsdp"), invalid_argument);
    r = {};
    r.upscale = 3;
    CHECK_THROWS_WITH_AS((void)make_job(m, r), doctest::Contains("--upscale"), invalid_argument);
    r = {};
    r.compute = dtype::int8;
    CHECK_THROWS_AS((void)make_job(m, r), unsupported);
}

TEST_CASE("try_estimate: an impossible candidate comes back as an error code, not an exception") {
    const auto& m = find_model("wan2.1-t2v-14b");
    inference_request r;
    r.attention = attention_kernel::fa3;
    const inference_job j = make_job(m, r);
    const auto& a100 = find_gpu("a100-sxm4-80gb");
    const auto bad = try_estimate(j, a100, lit(a100)); // FlashAttention-3 runs on Hopper only
    CHECK_FALSE(bad);
    CHECK(bad.code == errc::kernel_not_available);
    CHECK(runs_on(j, a100, lit(a100)) == errc::kernel_not_available);
    CHECK_THROWS_WITH_AS((void)estimate(j, a100, lit(a100)), doctest::Contains("fa3"), unsupported);
    // fp8 on a GPU without fp8 arithmetic
    inference_request f8;
    f8.compute = dtype::fp8_e4m3;
    CHECK(runs_on(make_job(m, f8), a100, lit(a100)) == errc::dtype_not_supported);
    // a rule runs_on does not know (Ulysses must divide the heads) still comes back as a code, with the message
    inference_request uneven;
    uneven.gpus = 3;
    uneven.parallel = parallel_mode::ulysses;
    const auto h100_job = make_job(m, uneven);
    const auto& h100 = find_gpu("h100-sxm5-80gb");
    CHECK(runs_on(h100_job, h100, lit(h100)) == errc{});
    const auto odd = try_estimate(h100_job, h100, lit(h100));
    CHECK_FALSE(odd);
    CHECK(odd.code == errc::inconsistent);
    CHECK(odd.message.find("does not divide") != std::string::npos);
    const auto good = try_estimate(j, h100, lit(h100));
    REQUIRE(good);
    CHECK(good.value->latency().value() == doctest::Approx(estimate(j, h100, lit(h100)).latency().value()));
}

TEST_CASE("reprice gives estimate_pipeline's latency, peak and fit for the same stages") {
    for (const char* slug : {"wan2.1-t2v-14b", "hunyuanvideo", "cogvideox-5b"}) {
        CAPTURE(slug);
        for (auto off : {offload_policy::none, offload_policy::model, offload_policy::sequential}) {
            inference_request r;
            r.offload = off;
            r.text_encoders_on_host = off == offload_policy::model;
            const inference_job j = make_job(find_model(slug), r);
            const auto& gpu = find_gpu("a100-sxm4-80gb");
            const job_estimate e = estimate(j, gpu, lit(gpu));
            const quick_estimate q = reprice(e.stages, gpu, lit(gpu), j.pipeline);
            CHECK(q.latency.value() == doctest::Approx(e.latency().value()).epsilon(1e-12));
            CHECK(q.device_total.value() == doctest::Approx(e.pipeline.memory.device_total.value()).epsilon(1e-12));
            CHECK(q.fits == e.pipeline.fits);
        }
    }
}

TEST_CASE("time elasticities explain the latency the estimate reports, host stages included") {
    const auto& m = find_model("wan2.1-t2v-1.3b");
    inference_request r;
    r.text_encoders_on_host = true;
    const inference_job j = make_job(m, r);
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const calibration& cal = lit(gpu);
    const job_estimate e = estimate(j, gpu, cal);
    const auto s = sensitivities(j, e, gpu, cal);
    // finite difference of the reported latency against the BF16 peak
    gpu_spec faster = gpu;
    const auto bf16 = static_cast<std::size_t>(compute_class::bf16);
    const double h = 1e-5;
    faster.dense_peak[bf16] = flops_per_second(gpu.dense_peak[bf16].value() * (1 + h));
    const double l1 = estimate(j, faster, cal).latency().value();
    const double fd = (l1 / e.latency().value() - 1) / h;
    CHECK(s[0].input == "bf16_dense_peak_flops_per_s");
    CHECK(s[0].elasticity == doctest::Approx(fd).epsilon(1e-3));
}

TEST_CASE("training memory follows the weight dtype: fp32 keeps one copy, fp8 weights take one byte") {
    const auto& m = find_model("wan2.1-t2v-1.3b");
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    training_options t;
    video_workload w = m.standard;
    auto step = [&](dtype d) {
        w.compute = d;
        w.weights = d;
        return estimate_training(m, w, t, gpu, lit(gpu));
    };
    const auto bf = step(dtype::bf16);
    const auto f32 = step(dtype::fp32);
    const auto f8 = step(dtype::fp8_e4m3);
    const double P = bf.total_parameters;
    CHECK(bf.memory.weights.value() == doctest::Approx(2 * P));
    CHECK(bf.memory.master_weights.value() == doctest::Approx(4 * P));
    CHECK(f32.memory.weights.value() == doctest::Approx(4 * P));
    CHECK(f32.memory.master_weights.value() == 0.0);
    CHECK(f8.memory.weights.value() == doctest::Approx(1 * P));
    CHECK(f8.memory.master_weights.value() == doctest::Approx(4 * P));
}

TEST_CASE("the estimate's JSON repeats every option of the job: interpolation, upscaling, weights, link") {
    inference_request r;
    r.interpolate = 2;
    r.upscale = 2;
    const inference_job j = make_job(find_model("wan2.1-t2v-1.3b"), r);
    const target t = resolve_target("h100-sxm5-80gb", "best");
    const auto doc = estimate_json(j, t, estimate(j, t));
    CHECK(doc["schema"] == "vidperf.estimate/1");
    CHECK(doc["workload"]["interpolate"] == 2);
    CHECK(doc["workload"]["upscale"] == 2);
    CHECK(doc["workload"]["weights"] == std::string(name(j.work.weights)));
    CHECK(doc["workload"]["link"] == "nvlink");
    CHECK(doc["time_elasticities"].size() == 6);
}

TEST_CASE("a model is a preset slug or a diffusers folder; an unknown one names the closest presets") {
    CHECK(resolve_model("wan2.1-t2v-14b")->slug == "wan2.1-t2v-14b");
    CHECK_THROWS_WITH_AS((void)resolve_model("wan2.1-t2v-14"), doctest::Contains("closest: wan2.1-t2v-14b"), not_found);
    const auto folder = resolve_model(VIDPERF_SOURCE_DIR "/tests/data/diffusers/wan2.1-t2v-1.3b");
    REQUIRE(folder);
    CHECK(folder->slug == "wan2.1-t2v-1.3b");
}

TEST_CASE("every stage of every preset's job says what it is: one denoiser per expert and guidance call, one VAE decode") {
    for (const auto& m : model_presets()) {
        CAPTURE(m.slug);
        const inference_job j = make_job(m, {});
        const auto stages = lower_inference(*j.model, j.work, j.inference);
        int denoisers = 0, decodes = 0;
        for (const auto& s : stages) {
            CHECK(s.kind != stage_kind::other);
            denoisers += s.kind == stage_kind::denoiser;
            decodes += s.kind == stage_kind::vae_decode;
        }
        // LTX-2's further guidance calls are stages of their own
        CHECK(denoisers == (m.experts.two_experts ? 2 : 1) + (j.work.stg_pass ? 1 : 0) + (j.work.modality_pass ? 1 : 0));
        CHECK(decodes == 1);
        // image-to-video encodes its image, video-to-video (VACE) its control video, a chunked video (diffusion
        // forcing in the official code) the overlap of each iteration, a text-to-image first stage its image
        const bool chunked = plan_chunks(m.forcing, m.standard.forcing, m.standard.steps, m.standard.frames,
                                         latents(m.latent, m.standard, m.slug).frames, m.latent.temporal_compression,
                                         m.slug)
                                 .chunked;
        CHECK((m.task == task_kind::i2v || m.task == task_kind::v2v || chunked || m.first_stage.model != nullptr) ==
              std::any_of(stages.begin(), stages.end(), [](const stage& s) {
                  return s.kind == stage_kind::vae_encode;
              }));
    }
}

TEST_CASE("the seed's cost worksheet: 8 h x $1.50 against 3 h x $3.50, break-even $4.00 per GPU-hour") {
    cost_inputs<double> a100, h100;
    a100.runtime = seconds(8 * 3600.0);
    a100.price_per_gpu_hour = dollars(1.5);
    h100.runtime = seconds(3 * 3600.0);
    h100.price_per_gpu_hour = dollars(3.5);
    const auto rows = cost_worksheet({a100, h100});
    CHECK(rows[0].cost.total.value() == doctest::Approx(12.00));
    CHECK(rows[1].cost.total.value() == doctest::Approx(10.50));
    CHECK(rows[1].break_even.value() == doctest::Approx(4.00));
    CHECK(rows[0].break_even.value() == doctest::Approx(1.50)); // the reference breaks even at its own price
    // energy at board power is added when a price per kWh is given: 700 W x 3 h = 2.1 kWh
    h100.board_power_watts = 700;
    h100.price_per_kwh = dollars(0.2);
    const auto c = cost_per_job(h100);
    CHECK(c.energy_kwh == doctest::Approx(2.1));
    CHECK(c.total.value() == doctest::Approx(10.50 + 0.42));
}

TEST_CASE("best set-up: FA3 and fp8 on an H100, FA2 in bf16 on an A100 (no FA3, no fp8 there)") {
    const auto model = borrow(find_model("wan2.1-t2v-1.3b"));
    const auto& a100 = find_gpu("a100-sxm4-80gb");
    const auto& h100 = find_gpu("h100-sxm5-80gb");
    const auto on_h100 = best_setup(model, {}, h100, lit(h100));
    const auto on_a100 = best_setup(model, {}, a100, lit(a100));
    CHECK(on_h100.job.work.compute == dtype::fp8_e4m3);
    CHECK(on_a100.job.work.compute == dtype::bf16);
    CHECK(on_a100.job.work.attention != attention_kernel::fa3);
    // it is the fastest: no other kernel and dtype the A100 runs is faster
    for (const auto k : all_attention_kernels) {
        inference_request r;
        r.attention = k;
        const auto o = try_estimate(make_job(model, r), a100, lit(a100));
        if (o && o.value->pipeline.fits) CHECK(o.value->latency().value() >= on_a100.estimate.latency().value());
    }
    CHECK(parse_setup("fa3,fp8", "--setup").compute == dtype::fp8_e4m3);
    CHECK_THROWS_WITH_AS((void)parse_setup("fa3,fa2", "--setup x"), doctest::Contains("two attention kernels"),
                         invalid_argument);
    CHECK_THROWS_WITH_AS((void)parse_setup("flash", "--setup x"), doctest::Contains("neither an attention kernel"),
                         not_found);
}

TEST_CASE("recommend ranks feasible rows first, cheapest per finished job first, and says why") {
    const auto model = borrow(find_model("wan2.1-t2v-14b"));
    const auto& a100 = find_gpu("a100-sxm4-80gb");
    const auto& a40 = find_gpu("a100-sxm4-40gb");
    const auto& h100 = find_gpu("h100-sxm5-80gb");
    recommend_options o;
    o.counts = {1, 2};
    inference_request r;
    r.impl = implementation::diffusers; // bf16 weights: the 14B model fits 80 GB, not 40 GB
    const auto rows = recommend(model, r,
                                {{&a100, &lit(a100), 1.5, setup{}}, {&a40, &lit(a40), 1.0, setup{}},
                                 {&h100, &lit(h100), 3.5, setup{attention_kernel::fa3, dtype::bf16}}},
                                o);
    REQUIRE(rows.size() == 6);
    bool seen_infeasible = false;
    double last_cost = 0;
    for (const auto& row : rows) {
        CAPTURE(row.reason);
        if (!row.feasible) {
            seen_infeasible = true;
            continue;
        }
        CHECK_FALSE(seen_infeasible); // feasible rows come first
        CHECK(row.cost.total.value() >= last_cost);
        last_cost = row.cost.total.value();
        // cost per finished job = price x GPUs x latency
        CHECK(row.cost.total.value() ==
              doctest::Approx(row.dollars_per_hour * row.estimate->latency().value() / 3600));
    }
    CHECK(rows.back().feasible == false);
    CHECK(rows.back().reason.find("does not fit") != std::string::npos);
}

TEST_CASE("a whole training run: steps from the dataset and epochs over the data-parallel batch") {
    const auto& m = find_model("wan2.1-t2v-1.3b");
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    training_options t;
    t.gpus = 8;
    t.micro_batch = 2;
    const auto step = estimate_training(m, m.standard, t, gpu, lit(gpu));
    const auto run = run_of(step, t, 10000.0, 3.0, std::nullopt);
    CHECK(run.steps == std::ceil(10000.0 * 3 / 16));
    CHECK(run.wall.value() == doctest::Approx(step.step.value() * run.steps));
    CHECK(run.gpu_hours == doctest::Approx(run.wall.value() * 8 / 3600));
    CHECK_THROWS_AS((void)run_of(step, t, 10000.0, std::nullopt, std::nullopt), invalid_argument);
}

TEST_CASE("time by op kind adds up to the latency less the offload transfers") {
    inference_request r;
    r.offload = offload_policy::model;
    const inference_job j = make_job(find_model("hunyuanvideo"), r);
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const job_estimate e = estimate(j, gpu, lit(gpu));
    double sum = 0;
    for (const auto& t : e.pipeline.by_kind) sum += t.value();
    CHECK(sum + e.pipeline.transfers.value() == doctest::Approx(e.latency().value()).epsilon(1e-9));
    CHECK(e.pipeline.transfers.value() > 0);
    CHECK(e.dominant_kind().first == op_kind::attention);
}
