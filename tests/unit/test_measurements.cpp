#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "measurements.hpp" // validation/
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
const std::string meta =
    R"({"record":"metadata","schema":"vidperf.validation-raw/1","gpu":"NVIDIA H100 80GB HBM3"})"
    "\n";
}

TEST_CASE("a measured op record is predicted with both calibrations") {
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto& lit = find_literature(gpu.slug);
    const gemm_op g{32760, 1536, 8960};
    const double predicted = predict(g, gpu, lit).time.value();
    const nlohmann::json rec = {{"record", "op"}, {"op", op_to_json(g)}, {"time_s", predicted * 1.25}};
    const auto f = read_measurements(meta + rec.dump() + "\n", "h100.jsonl", gpu, lit);
    REQUIRE(f.cases.size() == 1);
    const auto& c = f.cases[0];
    CHECK(c.kind == "op");
    CHECK(c.what == "gemm 32760x1536x8960");
    CHECK(c.source == "h100.jsonl:2");
    CHECK(c.error_best() == doctest::Approx(1 / 1.25 - 1));
    CHECK(c.datasheet == doctest::Approx(predict(g, gpu, datasheet_calibration).time.value()));
    CHECK(c.datasheet < c.best); // the datasheet roofline is the optimistic bound
}

TEST_CASE("a block is the ops one more block adds - blocks times layers plus the rest is the step") {
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto& lit = find_literature(gpu.slug);
    const std::string w = R"("workload":{"width":832,"height":480,"frames":81,"batch":1,"cfg":"off","dtype":"bf16","attention":"fa2"})";
    const std::string text = meta + R"({"record":"block","model":"wan2.1-t2v-1.3b","block":"denoiser_block",)" + w +
                             R"(,"time_s":0.01})" + "\n" +
                             R"({"record":"block","model":"wan2.1-t2v-1.3b","block":"denoiser_step",)" + w +
                             R"(,"time_s":0.3,"max_allocated_bytes":8e9})" + "\n" +
                             R"({"record":"skipped","reason":"out of memory"})" + "\n";
    const auto f = read_measurements(text, "f", gpu, lit);
    REQUIRE(f.cases.size() == 3);
    CHECK(f.skipped == 1);
    const double block = f.cases[0].best, step = f.cases[1].best;
    CHECK(f.cases[0].kind == "block");
    CHECK(f.cases[1].kind == "step");
    CHECK(f.cases[2].kind == "memory");
    // 30 blocks; patch embedding, timestep and text embeddings and the head are the rest: small but not zero
    const double rest = step - 30 * block;
    CHECK(rest > 0);
    CHECK(rest < 0.05 * step);
    // the step's memory: the denoiser's bf16 weights (1.42e9 parameters) and the activations of one call
    CHECK(f.cases[2].best > 2.84);
    CHECK(f.cases[2].best < 2.84 + 4.0);
}

TEST_CASE("HunyuanVideo's single-stream block is its own case - models without one refuse it") {
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto& lit = find_literature(gpu.slug);
    const std::string w = R"("workload":{"width":848,"height":480,"frames":61,"cfg":"off","attention":"fa2"})";
    const auto f = read_measurements(meta + R"({"record":"block","model":"hunyuanvideo","block":"denoiser_single_block",)" +
                                         w + R"(,"time_s":0.02})" + "\n" +
                                         R"({"record":"block","model":"hunyuanvideo","block":"denoiser_block",)" + w +
                                         R"(,"time_s":0.02})",
                                     "f", gpu, lit);
    REQUIRE(f.cases.size() == 2);
    // a dual-stream block has two streams' weights: more work than a single-stream block of the same width
    CHECK(f.cases[1].best > f.cases[0].best);
    CHECK_THROWS_WITH_AS((void)read_measurements(meta + R"({"record":"block","model":"wan2.1-t2v-1.3b","block":"denoiser_single_block",)" +
                                                     w + R"(,"time_s":0.02})",
                                                 "f", gpu, lit),
                         doctest::Contains("no single-stream"), invalid_argument);
}

TEST_CASE("malformed measured files are errors naming file and line") {
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto& lit = find_literature(gpu.slug);
    CHECK_THROWS_WITH_AS((void)read_measurements(R"({"record":"op"})", "a.jsonl", gpu, lit),
                         doctest::Contains("a.jsonl:1: the first record must be the metadata"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)read_measurements(R"({"record":"metadata","schema":"vidperf.validation-raw/9"})", "a.jsonl", gpu, lit),
        doctest::Contains("vidperf.validation-raw/1"), schema_error);
    CHECK_THROWS_WITH_AS((void)read_measurements(meta + R"({"record":"op","op":{"kind":"gemm","m":8,"n":8,"k":8},"time)",
                                                 "a.jsonl", gpu, lit),
                         doctest::Contains("a.jsonl:2"), parse_error);
    CHECK_THROWS_WITH_AS(
        (void)read_measurements(meta + R"({"record":"op","op":{"kind":"gemm","m":8,"n":8,"k":8},"time_s":-1})",
                                "a.jsonl", gpu, lit),
        doctest::Contains("'time_s' must be a positive number"), schema_error);
    CHECK_THROWS_WITH_AS((void)read_measurements(meta + "\n\n" + R"({"record":"timing"})", "a.jsonl", gpu, lit),
                         doctest::Contains("a.jsonl:4: field 'record': unknown record 'timing'"), not_found);
    CHECK_THROWS_WITH_AS((void)read_measurements("", "empty.jsonl", gpu, lit), doctest::Contains("no records"),
                         schema_error);
}

TEST_CASE("measure.py's own output reads back: a smoke run is refused, its records parse once marked measured") {
    // tests/data/validation/smoke-cpu.jsonl is `measure.py --device cpu --smoke` output: the writer's format
    std::ifstream in(std::string(VIDPERF_SOURCE_DIR) + "/tests/data/validation/smoke-cpu.jsonl");
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto& lit = find_literature(gpu.slug);
    CHECK_THROWS_WITH_AS((void)read_measurements(text, "smoke-cpu.jsonl", gpu, lit),
                         doctest::Contains("smoke-cpu.jsonl:1: a smoke run"), schema_error);
    // the same records behind a GPU run's metadata: every op, block, step and VAE decode is understood
    const std::string body = text.substr(text.find('\n') + 1);
    const auto f = read_measurements(meta + body, "smoke-cpu.jsonl", gpu, lit);
    std::size_t records = 0, skipped = 0;
    for (std::size_t pos = 0; pos < body.size();) {
        const std::size_t nl = body.find('\n', pos);
        const std::string line = body.substr(pos, nl - pos);
        if (!line.empty()) {
            ++records;
            if (line.find("\"record\": \"skipped\"") != std::string::npos) ++skipped;
        }
        pos = nl == std::string::npos ? body.size() : nl + 1;
    }
    CHECK(f.skipped == skipped);
    CHECK(f.cases.size() >= records - skipped); // blocks with a peak add a memory case
    bool vae = false;
    for (const auto& c : f.cases) vae = vae || c.what.find("vae_decode") != std::string::npos;
    CHECK(vae);
}
