#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include <vidperf/calibration/fit.hpp>
#include <vidperf/io/calibration_json.hpp>
#include <vidperf/io/diffusers.hpp>
#include <vidperf/io/gpu_json.hpp>
#include <vidperf/io/op_json.hpp>
#include <vidperf/io/storage_json.hpp>
#include <vidperf/vidperf.hpp>

#include "measurements.hpp"  // validation/
#include "public_corpus.hpp" // validation/

using namespace vidperf;

namespace {
// a GPU based on the H100 entry, with one field replaced
std::string gpu_with(const std::string& field) {
    return R"({"schema": "vidperf.gpu/1", "base": "h100-sxm5-80gb", "slug": "mine", "architecture": "hopper", )" +
           field + "}";
}
std::string calibration_with(const std::string& constant, const std::string& value) {
    return R"({"schema": "vidperf.calibration/1", "profile": "mine", "gpu": "h100-sxm5-80gb", "constants": {")" +
           constant + R"(": {"value": )" + value + R"(, "provenance": "measured", "source": "test"}}})";
}
} // namespace

TEST_CASE("JSON readers refuse what nlohmann would let through or abort on: 1e400, duplicate keys") {
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("sm_count": 1e400)")), doctest::Contains("malformed JSON"),
                         parse_error);
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("sm_count": 132, "sm_count": 66)")),
                         doctest::Contains("key 'sm_count' appears twice"), schema_error);
    CHECK_THROWS_WITH_AS((void)calibration_from_json(calibration_with("hbm_efficiency", "1e400")),
                         doctest::Contains("malformed JSON"), parse_error);
    // the same key in sibling objects is fine ("value" in each constant)
    const auto two = calibration_from_json(
        R"({"schema": "vidperf.calibration/1", "profile": "mine", "gpu": "h100-sxm5-80gb", "constants": {
            "hbm_efficiency": {"value": 0.9, "provenance": "measured", "source": "a"},
            "pcie_efficiency": {"value": 0.8, "provenance": "measured", "source": "b"}}})");
    CHECK(two.cal.hbm_efficiency.value == 0.9);
    CHECK(two.cal.pcie_efficiency.value == 0.8);
}

TEST_CASE("counts in files are whole numbers: SM counts, link generations, storage readers") {
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("sm_count": 1.9)")),
                         doctest::Contains("'sm_count' must be a whole number"), schema_error);
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("sm_count": 0)")), doctest::Contains("sm_count"), schema_error);
    CHECK(gpu_from_json(gpu_with(R"("sm_count": 66)")).spec.sm_count == 66);
    CHECK_THROWS_WITH_AS((void)storage_from_json(R"({"schema": "vidperf.storage/1", "points": [{"gpus": 0.5, "read_GBps": 2}]})"),
                         doctest::Contains("'gpus' must be a whole number"), schema_error);
}

TEST_CASE("calibrations outside what hardware can do are refused, naming the constant") {
    CHECK_THROWS_WITH_AS((void)calibration_from_json(calibration_with("hbm_efficiency", "50")),
                         doctest::Contains("hbm_efficiency' must be in [0, 1]"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)calibration_from_json(calibration_with("combine_exponent", "1e-300")),
                         doctest::Contains("combine_exponent"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)calibration_from_json(calibration_with("allocator_overhead", "0.5")),
                         doctest::Contains("allocator_overhead"), invalid_argument);
    CHECK(calibration_from_json(calibration_with("hbm_efficiency", "0.9")).cal.hbm_efficiency.value == 0.9);
    // every built-in profile passes its own check
    for (const auto& c : literature_calibrations) CHECK_NOTHROW(validate(c, c.gpu_slug));
    CHECK_NOTHROW(validate(datasheet_calibration, "datasheet"));
}

TEST_CASE("files: a directory or a device is not read as a file") {
    CHECK_THROWS_WITH_AS((void)load_gpu_file(VIDPERF_SOURCE_DIR "/tests"), doctest::Contains("not a regular file"),
                         schema_error);
    if (std::filesystem::exists("/dev/zero"))
        CHECK_THROWS_WITH_AS((void)load_calibration_file("/dev/zero"), doctest::Contains("not a regular file"),
                             schema_error);
    CHECK_THROWS_WITH_AS((void)load_gpu_file("/no/such/file.json"), doctest::Contains("does not exist"), not_found);
}

TEST_CASE("the fitter refuses times it cannot fit and flags of the wrong type") {
    const std::string meta = R"({"kind": "meta", "schema": "vidperf.calibration-raw/1", "slug": "h100-sxm5-80gb"})";
    CHECK_THROWS_WITH_AS(
        (void)parse_raw(meta + "\n" + R"({"kind": "gemm", "dtype": "bf16", "m": 8192, "n": 8192, "k": 8192, "time_s": -1e-3})"),
        doctest::Contains("'time_s' must be a finite time > 0"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)parse_raw(meta + "\n" + R"({"kind": "gemm", "dtype": "bf16", "m": 8, "n": 8, "k": 8, "time_s": 0})"),
        doctest::Contains("time_s"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)parse_raw(meta + "\n" +
                        R"({"kind": "gemm", "dtype": "bf16", "m": 8, "n": 8, "k": 8, "time_s": 1e-5, "throttled": "yes"})"),
        doctest::Contains("'throttled' must be true or false"), schema_error);
    CHECK_THROWS_WITH_AS((void)parse_raw(meta + "\n" + R"({"kind": "gemm", "time_s": 1e400})"),
                         doctest::Contains("malformed JSON line"), parse_error);
}

// ---- regressions of the bad-input battery (tests/battery): every refusal names the field as the file writes it
// and the value in the file's own units

namespace {
std::string raw_meta() {
    return R"({"kind": "meta", "schema": "vidperf.calibration-raw/1", "slug": "h100-sxm5-80gb"})";
}
// five BF16 GEMM lines the fitter accepts, after `first` (a record under test, line 2)
std::string raw_with(const std::string& first) {
    std::string text = raw_meta() + "\n" + first + "\n";
    for (int s : {1024, 2048, 4096, 8192})
        text += R"({"kind": "gemm", "dtype": "bf16", "m": )" + std::to_string(s) + R"(, "n": )" + std::to_string(s) +
                R"(, "k": )" + std::to_string(s) + R"(, "time_s": )" + std::to_string(2.0 * s * s * s / 7e14) + "}\n";
    return text;
}
} // namespace

TEST_CASE("messages show tiny and huge numbers in exponent form and ordinary ones as before") {
    CHECK(number_text(1e-9) == "1e-09");
    CHECK(number_text(-2.5e-7) == "-2.5e-07");
    CHECK(number_text(1e300) == "1e+300");
    CHECK(number_text(0) == "0");
    CHECK(number_text(0.5) == "0.5");
    CHECK(number_text(-3350) == "-3350");
    CHECK(number_text(1099511627776.0) == "1099511627776");
}

TEST_CASE("a number overflowing a double is reported at its line and column") {
    try {
        (void)gpu_from_json("{\"schema\": \"vidperf.gpu/1\", \"base\": \"h100-sxm5-80gb\",\n  \"slug\": \"x\",\n"
                            "  \"sm_count\": 1e400}");
        FAIL("expected parse_error");
    } catch (const parse_error& e) {
        CHECK(e.line() == 3);
        CHECK(e.column() == 15);
        CHECK(std::string(e.what()).find("number overflow parsing '1e400' (line 3, column 15)") != std::string::npos);
    }
    // the same token inside a string earlier on does not mislead the position
    try {
        (void)storage_from_json(R"({"schema": "vidperf.storage/1", "source": "1e400", "points": [{"gpus": 1, "read_GBps": -1e400}]})");
        FAIL("expected parse_error");
    } catch (const parse_error& e) {
        CHECK(e.line() == 1);
        CHECK(e.column() == 88);
    }
}

TEST_CASE("GPU JSON refuses impossible clocks TDPs and peaks in the file's units") {
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("boost_clock_MHz": -1830)")),
                         "[vidperf.invalid_argument.101] gpu JSON: field 'boost_clock_MHz' must be a finite number > "
                         "0, got -1830",
                         invalid_argument);
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("tdp_W": -700)")),
                         doctest::Contains("field 'tdp_W' must be a finite number > 0, got -700"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("tdp_W": 0)")), doctest::Contains("'tdp_W'"),
                         invalid_argument);
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("tdp_W": 1e300)")),
                         doctest::Contains("field 'tdp_W' must be at most 1000000, got 1e+300"), invalid_argument);
    // GB/s and TFLOP/s as written, not the bytes and FLOPs per second they become
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("hbm_bandwidth_GBps": -3350)")),
                         doctest::Contains("field 'hbm_bandwidth_GBps' must be a finite number > 0, got -3350"),
                         invalid_argument);
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("dense_peak_TFLOPps": {"bf16": -989.4})")),
                         doctest::Contains("field 'dense_peak_TFLOPps.bf16' must be a finite number >= 0, got -989.4"),
                         invalid_argument);
    const auto ok = gpu_from_json(gpu_with(R"("boost_clock_MHz": 1500, "tdp_W": 300)"));
    CHECK(ok.spec.tdp_watts == 300);
    CHECK(ok.spec.boost_clock_mhz == 1500);
}

TEST_CASE("calibration JSON refuses negative standard errors and tiles below 1 and absurd sizes and times") {
    CHECK_THROWS_WITH_AS(
        (void)calibration_from_json(R"({"schema": "vidperf.calibration/1", "profile": "mine", "gpu": "h100-sxm5-80gb",
            "constants": {"hbm_efficiency": {"value": 0.9, "provenance": "measured", "source": "t", "std_error": -0.5}}})"),
        doctest::Contains("constants.hbm_efficiency: field 'std_error' must be a finite number >= 0, got -0.5"),
        invalid_argument);
    const std::string lit = R"({"schema": "vidperf.calibration/1", "profile": "mine", "gpu": "h100-sxm5-80gb", "base": "literature", "constants": {")";
    auto with = [&](const std::string& key, const std::string& value) {
        return lit + key + R"(": {"value": )" + value + R"(, "provenance": "measured", "source": "t"}}})";
    };
    CHECK_THROWS_WITH_AS((void)calibration_from_json(with("gemm_tile_m", "0")),
                         doctest::Contains("field 'gemm_tile_m' must be in [1, 65536]"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)calibration_from_json(with("gemm_tile_m", "0")), doctest::Contains("got 0"),
                         invalid_argument);
    CHECK_THROWS_WITH_AS((void)calibration_from_json(with("attention_fa2_seq_half", "1e308")),
                         doctest::Contains("field 'attention_fa2_seq_half' must be in [0, 1000000000] (a size in "
                                           "elements), got 1e+308"),
                         invalid_argument);
    CHECK_THROWS_WITH_AS((void)calibration_from_json(with("launch_overhead_s", "1e300")),
                         doctest::Contains("field 'launch_overhead_s' must be in [0, 1]"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)calibration_from_json(with("launch_overhead_s", "1e300")),
                         doctest::Contains("got 1e+300"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)calibration_from_json(with("host_flops_per_s", "1e30")),
                         doctest::Contains("field 'host_flops_per_s' must be in [0, 1e+18] (per second), got 1e+30"),
                         invalid_argument);
    // the datasheet ideal has no wave quantisation: both tiles 0 together are fine, and so are real tiles
    CHECK(calibration_from_json(with("gemm_tile_m", "256")).cal.gemm_tile_m.value == 256);
    CHECK(calibration_from_json(with("host_flops_per_s", "3e12")).cal.host_flops.value.value() == 3e12);
    CHECK_NOTHROW((void)calibration_from_json(calibration_with("hbm_efficiency", "0.9")));
    // a fit with a negative standard error is refused by the same check
    calibration c = find_literature("h100-sxm5-80gb");
    c.hbm_efficiency.std_error = -1;
    CHECK_THROWS_WITH_AS(validate(c, "test"), doctest::Contains("'hbm_efficiency.std_error'"), invalid_argument);
}

TEST_CASE("calibration JSON on an unknown GPU slug names the slug and the closest ones") {
    CHECK_THROWS_WITH_AS(
        (void)calibration_from_json(
            R"({"schema": "vidperf.calibration/1", "profile": "p", "gpu": "h100", "base": "literature"})"),
        doctest::Contains("field 'gpu': unknown GPU slug 'h100'; closest: h100-sxm5-80gb"), not_found);
    // a user's own GPU with the datasheet base is fine
    CHECK(calibration_from_json(R"({"schema": "vidperf.calibration/1", "profile": "p", "gpu": "my-gpu"})").cal.gpu_slug ==
          "my-gpu");
}

TEST_CASE("storage JSON refuses a GPU count given twice and a point with both read fields") {
    CHECK_THROWS_WITH_AS(
        (void)storage_from_json(
            R"({"schema": "vidperf.storage/1", "points": [{"gpus": 4, "read_GiBps": 1.7}, {"gpus": 4, "read_GiBps": 0.2}]})"),
        doctest::Contains("field 'gpus' is 4 in points[0] and in points[1]"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)storage_from_json(R"({"schema": "vidperf.storage/1", "points": [{"gpus": 1, "read_GiBps": 1.7, "read_GBps": 9}]})"),
        doctest::Contains("both 'read_GiBps' (1.7) and 'read_GBps' (9)"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)storage_from_json(R"({"schema": "vidperf.storage/1", "points": [{"gpus": 1, "read_GBps": -2}]})"),
        doctest::Contains("points[0]: field 'read_GBps' must be a finite number > 0, got -2"), invalid_argument);
    const auto c = storage_from_json(
        R"({"schema": "vidperf.storage/1", "points": [{"gpus": 1, "read_GBps": 2}, {"gpus": 4, "read_GiBps": 1}]})");
    CHECK(c.points.size() == 2);
    CHECK(c.aggregate_Bps(4) == doctest::Approx(1073741824.0));
}

TEST_CASE("a file read by a load function names the file in its errors and keeps the error kind") {
    const auto dir = std::filesystem::temp_directory_path() / "vidperf-test-hardening";
    std::filesystem::create_directories(dir);
    const auto gpu = dir / "bad-gpu.json";
    std::ofstream(gpu) << gpu_with(R"("tdp_W": -700)");
    const std::string gpu_says = gpu.string() + ": gpu JSON: field 'tdp_W' must be a finite number > 0";
    CHECK_THROWS_WITH_AS((void)load_gpu_file(gpu), doctest::Contains(gpu_says.c_str()), invalid_argument);
    const auto cal = dir / "bad-calibration.json";
    std::ofstream(cal) << "{\n  \"schema\": \"vidperf.calibration/1\",\n  \"x\": 1e400}";
    try {
        (void)load_calibration_file(cal);
        FAIL("expected parse_error");
    } catch (const parse_error& e) {
        CHECK(e.code() == errc::json_syntax);
        CHECK(e.line() == 3);
        CHECK(std::string(e.what()).find("] " + cal.string() + ": calibration JSON: malformed JSON") != std::string::npos);
    }
    const auto storage = dir / "bad-storage.json";
    std::ofstream(storage) << R"({"schema": "vidperf.storage/1"})";
    const std::string storage_says = storage.string() + ": storage JSON: missing field 'points'";
    CHECK_THROWS_WITH_AS((void)load_storage_file(storage), doctest::Contains(storage_says.c_str()), schema_error);
    std::filesystem::remove_all(dir);
}

TEST_CASE("diffusers configs: zero factors and values beyond the field's type are refused naming field and value") {
    const auto wan = to_diffusers(find_model("wan2.1-t2v-1.3b"));
    auto transformer_with = [&](const std::string& key, const nlohmann::json& value) {
        diffusers_configs c = wan;
        auto t = nlohmann::json::parse(c.transformer);
        t[key] = value;
        c.transformer = t.dump();
        return c;
    };
    auto vae_with = [](diffusers_configs c, const std::string& key, const nlohmann::json& value) {
        auto v = nlohmann::json::parse(c.vae);
        v[key] = value;
        c.vae = v.dump();
        return c;
    };
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(transformer_with("patch_size", {0, 2, 2}), "x"),
                         doctest::Contains("field 'patch_size' must be a list of 3 whole numbers in [1, 1024], got [0, 2, 2]"),
                         schema_error);
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(transformer_with("patch_size", {1, -2, 2}), "x"),
                         doctest::Contains("got [1, -2, 2]"), schema_error);
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(transformer_with("num_layers", -1), "x"),
                         doctest::Contains("field 'num_layers' must be a whole number in [0, 16777216], got -1"),
                         schema_error);
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(transformer_with("num_attention_heads", 1.5), "x"),
                         doctest::Contains("field 'num_attention_heads'"), schema_error);
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(transformer_with("num_attention_heads", 1.5), "x"),
                         doctest::Contains("got 1.5"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)model_from_diffusers(transformer_with("num_attention_heads", std::numeric_limits<std::int64_t>::max()), "x"),
        doctest::Contains("got 9223372036854775807"), schema_error);
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(transformer_with("ffn_dim", 1e308), "x"),
                         doctest::Contains("field 'ffn_dim' must be a whole number in [0, 16777216], got 1e+308"),
                         schema_error);
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(vae_with(wan, "scale_factor_spatial", 0), "x"),
                         doctest::Contains("field 'scale_factor_spatial' must be a whole number in [1, 1024], got 0"),
                         schema_error);
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(vae_with(wan, "scale_factor_temporal", -4), "x"),
                         doctest::Contains("field 'scale_factor_temporal'"), schema_error);
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(vae_with(wan, "dim_mult", {1, 0, 4, 4}), "x"),
                         doctest::Contains("field 'dim_mult' must be a list of 4 whole numbers"), schema_error);
    // Mochi's per-block expansions are bytes: 256 would wrap to 0 (and divide by it)
    const auto mochi = to_diffusers(find_model("mochi-1"));
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(vae_with(mochi, "temporal_expansions", {1, 256, 3}), "x"),
                         doctest::Contains("field 'temporal_expansions' must be a list of 3 whole numbers in [1, 255], "
                                           "got [1, 256, 3]"),
                         schema_error);
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(vae_with(mochi, "spatial_expansions", {2, 0, 2}), "x"),
                         doctest::Contains("got [2, 0, 2]"), schema_error);
    const auto cog = to_diffusers(find_model("cogvideox-5b"));
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(vae_with(cog, "temporal_compression_ratio", 3), "x"),
                         doctest::Contains("field 'temporal_compression_ratio' must be 1, 2, 4 or 8, got 3"),
                         schema_error);
    CHECK_THROWS_WITH_AS((void)model_from_diffusers(vae_with(cog, "spatial_compression_ratio", -8), "x"),
                         doctest::Contains("field 'spatial_compression_ratio'"), schema_error);
    CHECK_NOTHROW((void)model_from_diffusers(wan, "x"));
    CHECK_NOTHROW((void)model_from_diffusers(mochi, "x"));
}

TEST_CASE("the fitter refuses fractional and huge sizes and repeated keys and negative bytes naming the line") {
    const std::string gemm = R"({"kind": "gemm", "dtype": "bf16", "n": 1024, "k": 1024, "time_s": 1e-5, "m": )";
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    CHECK_THROWS_WITH_AS((void)fit_calibration(parse_raw(raw_with(gemm + "1024.5}"), "r.jsonl"), gpu,
                                               datasheet_calibration, "r.jsonl"),
                         doctest::Contains("r.jsonl line 2: field 'm' must be an integer >= 1, got 1024.5"), schema_error);
    CHECK_THROWS_WITH_AS((void)fit_calibration(parse_raw(raw_with(gemm + "1e300}"), "r.jsonl"), gpu,
                                               datasheet_calibration, "r.jsonl"),
                         doctest::Contains("r.jsonl line 2: field 'm' must be an integer in [1, 9007199254740992], got 1e+300"),
                         schema_error);
    CHECK_THROWS_WITH_AS((void)parse_raw(raw_with(R"({"kind": "launch", "mode": "stream", "time_s": 1e-6, "time_s": 2})"),
                                         "r.jsonl"),
                         doctest::Contains("r.jsonl line 2: key 'time_s' appears twice in one object"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)fit_calibration(parse_raw(raw_with(R"({"kind": "memory", "op": "copy", "bytes": -1073741824, "time_s": 7.5e-4})"),
                                        "r.jsonl"),
                              gpu, datasheet_calibration, "r.jsonl"),
        doctest::Contains("r.jsonl line 2: field 'bytes' must be a finite number > 0, got -1073741824"), invalid_argument);
    CHECK_THROWS_WITH_AS(
        (void)fit_calibration(parse_raw(raw_with(R"({"kind": "attention", "kernel": "fa2", "batch": 1, "heads": 0, "seq": 8192, "head_dim": 128, "time_s": 3e-3})"),
                                        "r.jsonl"),
                              gpu, datasheet_calibration, "r.jsonl"),
        doctest::Contains("r.jsonl line 2: field 'heads' must be an integer >= 1, got 0"), schema_error);
    try {
        (void)parse_raw(raw_meta() + "\n" + R"({"kind": "launch", "time_s": 1e400})", "r.jsonl");
        FAIL("expected parse_error");
    } catch (const parse_error& e) {
        CHECK(e.line() == 2);
        CHECK(e.column() == 30);
    }
    // the good lines still fit
    CHECK_NOTHROW((void)fit_calibration(parse_raw(raw_with(R"({"kind": "launch", "mode": "stream", "time_s": 2e-6})"),
                                                  "r.jsonl"),
                                        gpu, datasheet_calibration, "r.jsonl"));
}

TEST_CASE("op objects: flags are typed and cross-field refusals show the numbers") {
    using nlohmann::json;
    CHECK_THROWS_WITH_AS((void)op_from_json(json{{"kind", "gemm"}, {"m", 8}, {"n", 8}, {"k", 8}, {"shared_b", "yes"}}, "r"),
                         doctest::Contains("r: field 'shared_b' must be true or false, got \"yes\""), schema_error);
    const json attention{{"kind", "attention"}, {"heads_q", 8}, {"seq_q", 64}, {"head_dim", 64}};
    json a = attention;
    a["causal"] = 1;
    CHECK_THROWS_WITH_AS((void)op_from_json(a, "r"), doctest::Contains("field 'causal' must be true or false, got 1"),
                         schema_error);
    a = attention;
    a["heads_kv"] = 3;
    CHECK_THROWS_WITH_AS((void)op_from_json(a, "r"),
                         doctest::Contains("field 'heads_q' (8) must be a multiple of field 'heads_kv' (3)"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)op_from_json(json{{"kind", "conv"}, {"c_in", 4}, {"c_out", 4}, {"input", {1, 8, 8}}, {"kernel", {3, 3, 3}}}, "r"),
        doctest::Contains("in dimension 0: input[0] 1 + pad_before[0] 0 + pad_after[0] 0 = 1 < kernel[0] 3"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)op_from_json(json{{"kind", "pointwise"}, {"pointwise", "elementwise"}, {"elements", 8}, {"flops_per_element", -1}},
                           "r"),
        doctest::Contains("field 'flops_per_element' must be >= 0 and at most 1000000, got -1"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)op_from_json(json{{"kind", "pointwise"}, {"pointwise", "elementwise"}, {"elements", 8}, {"inputs", 1e10}}, "r"),
        doctest::Contains("field 'inputs' must be an integer in [0, 1048576], got 10000000000.0"), schema_error);
    CHECK_THROWS_WITH_AS((void)op_from_json(json{{"kind", "collective"}, {"collective", "all_reduce"}, {"elements", 8},
                                                 {"ranks", 8}, {"link", "network"}, {"network_GBps", 0}},
                                            "r"),
                         doctest::Contains("field 'network_GBps' must be > 0 and at most 1000000, got 0"), schema_error);
    CHECK_THROWS_WITH_AS((void)op_from_json(json{{"kind", "gemm"}, {"m", 1e300}, {"n", 8}, {"k", 8}}, "r"),
                         doctest::Contains("field 'm' must be an integer in [1, 9007199254740992], got 1e+300"),
                         schema_error);
    CHECK_THROWS_WITH_AS(
        (void)op_from_json(json{{"kind", "conv"}, {"c_in", 4}, {"c_out", 4}, {"input", {4, 4, 4}}, {"kernel", {3, 0, 3}}}, "r"),
        doctest::Contains("field 'kernel[1]' must be an integer >= 1, got 0"), schema_error);
}

TEST_CASE("validation readers show the bad value: measured records and public corpus times") {
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto& lit = find_literature(gpu.slug);
    const std::string meta = R"({"record":"metadata","schema":"vidperf.validation-raw/1"})" "\n";
    CHECK_THROWS_WITH_AS(
        (void)read_measurements(meta + R"({"record":"op","op":{"kind":"gemm","m":8,"n":8,"k":8},"time_s":-0.0002})",
                                "a.jsonl", gpu, lit),
        doctest::Contains("a.jsonl:2: field 'time_s' must be a positive number, got -0.0002"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)read_measurements(meta + R"({"record":"op","op":{"kind":"gemm","m":8,"n":8,"k":8,"shared_b":"yes"},"time_s":1})",
                                "a.jsonl", gpu, lit),
        doctest::Contains("a.jsonl:2.op: field 'shared_b' must be true or false"), schema_error);
    CHECK_THROWS_WITH_AS((void)validation::corpus_seconds("soon", "time_s", "rows.csv line 2"),
                         "[vidperf.schema_error.503] rows.csv line 2: field 'time_s' must be a positive number of "
                         "seconds, got 'soon'",
                         schema_error);
    CHECK_THROWS_WITH_AS((void)validation::corpus_seconds("1.5xyz", "time_s", "r"), doctest::Contains("got '1.5xyz'"),
                         schema_error);
    CHECK_THROWS_WITH_AS((void)validation::corpus_seconds("-1e-3", "time_s", "r"), doctest::Contains("got '-1e-3'"),
                         schema_error);
    CHECK(validation::corpus_seconds("2.5e-4", "time_s", "r") == 2.5e-4);
}

TEST_CASE("a zero HBM efficiency is refused in files and by the engine, never priced as infinite time") {
    CHECK_THROWS_WITH_AS((void)calibration_from_json(calibration_with("hbm_efficiency", "0")),
                         doctest::Contains("'hbm_efficiency' must be in [0.001, 1], got 0"), invalid_argument);
    calibration c = find_literature("h100-sxm5-80gb");
    c.hbm_efficiency.value = 0; // built in code, bypassing validate()
    const gemm_op g{.m = 1, .n = 4096, .k = 4096}; // a GEMV: its time is its bytes
    CHECK_THROWS_WITH((void)predict(g, find_gpu("h100-sxm5-80gb"), c),
                      doctest::Contains("no positive HBM bandwidth"));
}

TEST_CASE("nonzero constants far below any real one are refused: they priced jobs at 1e300 s and sensitivities at inf") {
    CHECK_THROWS_WITH_AS((void)calibration_from_json(calibration_with("gemm_efficiency_bf16", "1e-300")),
                         doctest::Contains("'gemm_efficiency_bf16' must be 0 (none) or at least 0.001"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)calibration_from_json(calibration_with("l2_bandwidth_Bps", "1e-300")),
                         doctest::Contains("'l2_bandwidth_Bps' must be 0 (none) or at least 1000"), invalid_argument);
    CHECK(calibration_from_json(calibration_with("gemm_efficiency_bf16", "0.001")).cal.gemm(compute_class::bf16).value ==
          0.001);
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("hbm_bandwidth_GBps": 1e-300)")),
                         doctest::Contains("'hbm_bandwidth_GBps' must be at least 0.001, got 1e-300"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("nvlink_bandwidth_GBps": 1e-9)")),
                         doctest::Contains("'nvlink_bandwidth_GBps' must be 0 or at least 0.001"), invalid_argument);
    CHECK(gpu_from_json(gpu_with(R"("nvlink_bandwidth_GBps": 0)")).spec.nvlink_bandwidth.value() == 0);
}

TEST_CASE("the fitter refuses points that do not determine a fit instead of solving a singular system") {
    Eigen::MatrixXd X(3, 2);
    X << 1, 2, 1, 2, 1, 2; // one shape measured three times: the two columns are not separable
    Eigen::VectorXd y(3);
    y << 1, 1, 1;
    CHECK_THROWS_WITH((void)detail::least_squares(X, y), doctest::Contains("do not determine the fit"));
    X << 1, 2, 2, 3, 3, 5;
    CHECK(detail::least_squares(X, y).beta.allFinite());
}
