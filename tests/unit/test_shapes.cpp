#include <doctest/doctest.h>

#include <string>

#include <vidperf/io/op_json.hpp>
#include <vidperf/io/shapes_json.hpp>
#include <vidperf/models/presets.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

TEST_CASE("every op of every preset survives the JSON round trip with the same cost and prediction") {
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto& cal = find_literature(gpu.slug);
    int checked = 0;
    for (const auto& m : model_presets()) {
        CAPTURE(m.slug);
        for (const auto& s : lower_inference(m, m.standard)) {
            for (const auto& u : s.ops) {
                const auto j = op_to_json(u.op);
                if (j.is_null()) continue; // copies and collectives are not exported
                const op back = op_from_json(j, "test");
                CHECK(back.index() == u.op.index());
                CHECK(op_to_json(back) == j);
                CHECK(cost(back).flops.value() == cost(u.op).flops.value());
                CHECK(cost(back).bytes().value() == cost(u.op).bytes().value());
                CHECK(predict(back, gpu, cal).time.value() == predict(u.op, gpu, cal).time.value());
                ++checked;
            }
        }
    }
    CHECK(checked > 500);
}

TEST_CASE("distinct ops lose no work - uses times FLOPs sum to the job's FLOPs") {
    const auto& m = find_model("hunyuanvideo");
    const auto stages = lower_inference(m, m.standard);
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto& cal = find_literature(gpu.slug);
    double job = 0, job_time = 0;
    for (const auto& s : stages)
        for (const auto& u : s.ops)
            if (!op_to_json(u.op).is_null()) {
                job += cost(u.op).flops.value() * u.count * s.calls;
                job_time += predict(u.op, gpu, cal).time.value() * u.count * s.calls;
            }
    const auto ops = distinct_ops(stages, gpu, cal);
    double sum = 0, sum_time = 0;
    for (const auto& o : ops) {
        sum += cost(o.shape).flops.value() * o.uses_per_job;
        sum_time += o.job_time_s;
    }
    CHECK(sum == doctest::Approx(job).epsilon(1e-12));
    CHECK(sum_time == doctest::Approx(job_time).epsilon(1e-12));
    // fewer distinct shapes than op uses, heaviest first
    std::size_t uses = 0;
    for (const auto& s : stages) uses += s.ops.size();
    CHECK(ops.size() < uses);
    for (std::size_t i = 1; i < ops.size(); ++i) CHECK(ops[i - 1].job_time_s >= ops[i].job_time_s);
}

TEST_CASE("the shapes document of Wan 14B 720p - tokens, the heaviest op and shares summing to one") {
    const auto& m = find_model("wan2.1-t2v-14b");
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto doc = shapes_document(m, m.standard, gpu, find_literature(gpu.slug));
    CHECK(doc.at("schema") == "vidperf.shapes/1");
    // 21 latent frames x (720/8/2) x (1280/8/2) = 21 x 45 x 80
    CHECK(doc.at("latent").at("tokens") == 75600);
    // Wan's own code runs the two guidance passes one after the other: one sequence per call
    CHECK(doc.at("workload").at("cfg") == "sequential");
    CHECK(doc.at("denoiser").at("calls_batch") == 1);
    video_workload batched = m.standard;
    batched.cfg = cfg_mode::batched;
    CHECK(shapes_document(m, batched, gpu, find_literature(gpu.slug)).at("denoiser").at("calls_batch") == 2);
    double share = 0;
    for (const auto& o : doc.at("ops")) share += o.at("share").get<double>();
    CHECK(share == doctest::Approx(1.0));
    // full 3-D self-attention over 75,600 tokens dominates the job
    const auto& top = doc.at("ops").at(0).at("op");
    CHECK(top.at("kind") == "attention");
    CHECK(top.at("seq_q") == 75600);
    CHECK(top.at("heads_q") == 40);
}

TEST_CASE("malformed op objects are errors naming the field") {
    using nlohmann::json;
    CHECK_THROWS_WITH_AS((void)op_from_json(json{{"kind", "gemm"}, {"m", 8}, {"n", 8}}, "rec 3"),
                         doctest::Contains("'k'"), schema_error);
    CHECK_THROWS_WITH_AS((void)op_from_json(json{{"kind", "gemm"}, {"m", -8}, {"n", 8}, {"k", 8}}, "rec 3"),
                         doctest::Contains("'m' must be an integer >= 1"), schema_error);
    CHECK_THROWS_WITH_AS((void)op_from_json(json{{"kind", "gemm"}, {"m", 8.5}, {"n", 8}, {"k", 8}}, "rec 3"),
                         doctest::Contains("'m'"), schema_error);
    CHECK_THROWS_WITH_AS((void)op_from_json(json{{"kind", "matmul"}}, "rec 4"), doctest::Contains("matmul"),
                         not_found);
    CHECK_THROWS_WITH_AS(
        (void)op_from_json(json{{"kind", "attention"}, {"heads_q", 8}, {"seq_q", 64}, {"head_dim", 64}, {"kernel", "fa9"}},
                           "rec 5"),
        doctest::Contains("fa9"), schema_error);
    CHECK_THROWS_WITH_AS((void)op_from_json(json{{"kind", "conv"},
                                                 {"c_in", 4},
                                                 {"c_out", 4},
                                                 {"input", {1, 2, 2}},
                                                 {"kernel", {3, 3, 3}}},
                                            "rec 6"),
                         doctest::Contains("smaller than the kernel"), schema_error);
    CHECK_THROWS_WITH_AS((void)op_from_json(json{{"kind", "conv"}, {"c_in", 4}, {"c_out", 4}, {"input", {1, 2}}}, "rec 7"),
                         doctest::Contains("array of 3"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)op_from_json(json{{"kind", "pointwise"}, {"pointwise", "gelu"}, {"elements", 10}}, "rec 8"),
        doctest::Contains("gelu"), schema_error);
    // a minimal hand-written op takes the documented defaults
    const op g = op_from_json(json{{"kind", "gemm"}, {"m", 4096}, {"n", 4096}, {"k", 4096}}, "rec 9");
    CHECK(std::get<gemm_op>(g).batch == 1);
    CHECK(std::get<gemm_op>(g).a == dtype::bf16);
}
