#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <string>

#include <vidperf/calibration/fit.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
const std::string meta =
    R"({"kind": "meta", "schema": "vidperf.calibration-raw/1", "gpu": "synthetic", "slug": "h100-sxm5-80gb"})";

/// Deterministic +-1 % noise.
double noise(int i) { return 1.0 + 0.01 * std::sin(12.9898 * i + 78.233); }

std::string gemm_line(const gemm_op& g, double t) {
    return R"({"kind": "gemm", "dtype": "bf16", "m": )" + std::to_string(g.m) + R"(, "n": )" + std::to_string(g.n) +
           R"(, "k": )" + std::to_string(g.k) + R"(, "time_s": )" + std::to_string(t) + R"(, "throttled": false})";
}
std::string attention_line(const attention_op& a, double t) {
    std::string s = R"({"kind": "attention", "kernel": ")";
    s += name(a.kernel);
    s += R"(", "batch": )" + std::to_string(a.batch);
    s += R"(, "heads": )" + std::to_string(a.heads_q);
    s += R"(, "seq": )" + std::to_string(a.seq_q);
    s += R"(, "head_dim": )" + std::to_string(a.head_dim);
    s += R"(, "causal": false, "direction": "forward", "time_s": )" + std::to_string(t) + "}";
    return s;
}
} // namespace

TEST_CASE("the fitter recovers known constants from synthetic measurements (model + 1 % noise)") {
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const calibration& literature = *builtin_calibration("literature", gpu.slug).cal;
    calibration truth = literature;
    truth.gemm_efficiency[static_cast<std::size_t>(compute_class::bf16)].value = 0.75;
    truth.gemm_overhead.value = seconds(4.0e-6);
    truth.attention[static_cast<std::size_t>(attention_kernel::cudnn)].efficiency.value = 0.60;
    truth.attention[static_cast<std::size_t>(attention_kernel::cudnn)].seq_half.value = 150;
    truth.hbm_efficiency.value = 0.88;
    std::string text = meta + "\n";
    int i = 0;
    for (extent n : {512, 1024, 2048, 4096, 8192, 16384}) {
        const gemm_op g{n, n, n};
        text += gemm_line(g, predict(g, gpu, truth).time.value() * noise(i++)) + "\n";
    }
    for (extent m : {4096, 32760, 75600}) { // video shapes: tokens x width x width
        const gemm_op g{m, 5120, 5120};
        text += gemm_line(g, predict(g, gpu, truth).time.value() * noise(i++)) + "\n";
    }
    for (extent s : {1024, 2048, 4096, 8192, 16384, 32768}) {
        attention_op a;
        a.batch = 1;
        a.heads_q = 16;
        a.seq_q = s;
        a.head_dim = 128;
        a.kernel = attention_kernel::cudnn;
        text += attention_line(a, predict(a, gpu, truth).time.value() * noise(i++)) + "\n";
    }
    for (double gib : {1.0, 2.0, 4.0}) {
        const double b = 2 * gib * (1 << 30);
        text += R"({"kind": "memory", "op": "copy", "bytes": )" + std::to_string(b) + R"(, "time_s": )" +
                std::to_string(b / (3.35e12 * 0.88) * noise(i++)) + "}\n";
    }
    text += R"({"kind": "launch", "mode": "stream", "time_s": 2.2e-6})" "\n";
    const auto fit = fit_calibration(parse_raw(text), gpu, literature, "synthetic.jsonl");
    const auto& c = fit.cal.cal;
    CHECK(c.gemm(compute_class::bf16).value == doctest::Approx(0.75).epsilon(0.02));
    CHECK(c.gemm(compute_class::bf16).from.kind == provenance_kind::measured);
    CHECK(c.gemm(compute_class::bf16).std_error > 0);
    CHECK(c.gemm_overhead.value.value() == doctest::Approx(4.0e-6).epsilon(0.5));
    CHECK(c.attn(attention_kernel::cudnn).efficiency.value == doctest::Approx(0.60).epsilon(0.03));
    CHECK(c.attn(attention_kernel::cudnn).seq_half.value == doctest::Approx(150).epsilon(0.3));
    CHECK(c.hbm_efficiency.value == doctest::Approx(0.88).epsilon(0.02));
    CHECK(c.launch_overhead.value.value() == doctest::Approx(2.2e-6));
    // constants without measurements keep the base's values and provenance
    CHECK(c.attn(attention_kernel::fa3).efficiency.from.kind == provenance_kind::literature);
    for (const auto& r : fit.report) {
        CAPTURE(r.constant);
        CHECK(r.max_relative_residual < 0.05);
    }
    // the header form carries every constant
    const std::string h = to_constexpr_header(c, "h100_measured");
    CHECK(h.find("inline constexpr vidperf::calibration h100_measured") != std::string::npos);
    CHECK(h.find("gemm_efficiency_bf16") != std::string::npos);
}

TEST_CASE("the literature figures through the same path reproduce the literature profile") {
    // FA3 paper Fig. 5(c), H100 FP16 forward, d = 128, hidden 2048, batch * seq = 16k
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const extent seqs[] = {512, 1024, 2048, 4096, 8192, 16384};
    const double fa2[] = {309, 350, 362, 368, 370, 370};
    const double fa3[] = {467, 565, 625, 638, 646, 648};
    std::string text = meta + "\n";
    for (int i = 0; i < 6; ++i)
        for (auto [kernel, tflops] : {std::pair{attention_kernel::fa2, fa2[i]}, std::pair{attention_kernel::fa3, fa3[i]}}) {
            attention_op a;
            a.batch = 16384 / seqs[i];
            a.heads_q = 16;
            a.seq_q = seqs[i];
            a.head_dim = 128;
            a.kernel = kernel;
            text += attention_line(a, cost(a).flops.value() / (tflops * 1e12)) + "\n";
        }
    const auto fit = fit_calibration(parse_raw(text), gpu, datasheet_calibration, "fa3-paper-fig5c");
    const auto& lit = find_literature(gpu.slug);
    for (auto k : {attention_kernel::fa2, attention_kernel::fa3}) {
        CAPTURE(name(k));
        CHECK(fit.cal.cal.attn(k).efficiency.value == doctest::Approx(lit.attn(k).efficiency.value).epsilon(0.03));
        CHECK(fit.cal.cal.attn(k).seq_half.value == doctest::Approx(lit.attn(k).seq_half.value).epsilon(0.35));
    }
}

TEST_CASE("published memory, launch and host-copy figures through the fitter reproduce the literature profile") {
    // H200: BabelStream copy 4.01 TB/s (Azure ND H200 v5), gpu-benches launch 2.433 us, pinned H2D 52 GB/s
    // (Azure ND H200 v5): the records the suite writes for them, at sizes well past the L2
    const auto& gpu = find_gpu("h200-sxm-141gb");
    const auto& lit = find_literature(gpu.slug);
    std::string text = meta + "\n";
    for (double bytes : {1073741824.0, 2147483648.0, 4294967296.0})
        text += R"({"kind": "memory", "op": "copy", "bytes": )" + std::to_string(bytes) +
                R"(, "time_s": )" + std::to_string(bytes / 4.01e12) + R"(, "throttled": false})" + "\n";
    // a warm copy inside the L2 says nothing of HBM and must not pull the fit
    text += R"({"kind": "memory", "op": "copy", "bytes": 4194304, "time_s": 4.0e-7, "throttled": false})" "\n";
    text += R"({"kind": "launch", "mode": "stream", "time_s": 2.433e-6, "throttled": false})" "\n";
    text += R"({"kind": "copy", "direction": "h2d", "pinned": true, "bytes": 268435456, "time_s": )" +
            std::to_string(268435456.0 / 52e9) + R"(, "throttled": false})" + "\n";
    const auto fit = fit_calibration(parse_raw(text), gpu, datasheet_calibration, "literature-figures");
    CHECK(fit.cal.cal.hbm_efficiency.value == doctest::Approx(lit.hbm_efficiency.value).epsilon(0.002));
    CHECK(fit.cal.cal.launch_overhead.value.value() ==
          doctest::Approx(lit.launch_overhead.value.value()).epsilon(0.002));
    CHECK(fit.cal.cal.pcie_efficiency.value == doctest::Approx(lit.pcie_efficiency.value).epsilon(0.002));
    CHECK(fit.cal.cal.hbm_efficiency.from.kind == provenance_kind::measured);
}

TEST_CASE("bad raw files: malformed lines name the line - throttled runs and thin data are refused") {
    CHECK_THROWS_WITH_AS((void)parse_raw(meta + "\n{\"kind\": \"gemm\", \"m\": 4\n"), doctest::Contains("line 2"),
                         parse_error);
    CHECK_THROWS_WITH_AS((void)parse_raw(R"({"kind": "gemm"})"), doctest::Contains("metadata"), schema_error);
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const auto throttled = parse_raw(meta + "\n" + gemm_line(gemm_op{1024, 1024, 1024}, 1e-5).replace(
                                                     gemm_line(gemm_op{1024, 1024, 1024}, 1e-5).find("false"), 5, "true"));
    CHECK_THROWS_WITH_AS((void)fit_calibration(throttled, gpu, datasheet_calibration, "t.jsonl"),
                         doctest::Contains("throttled"), schema_error);
    const auto thin = parse_raw(meta + "\n" + gemm_line(gemm_op{1024, 1024, 1024}, 1e-5));
    CHECK_THROWS_WITH_AS((void)fit_calibration(thin, gpu, datasheet_calibration, "t.jsonl"),
                         doctest::Contains("at least"), schema_error);
}

TEST_CASE("the fitter recovers convolution efficiency and attention backward ratio from op-object records") {
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const calibration& literature = *builtin_calibration("literature", gpu.slug).cal;
    calibration truth = literature;
    truth.conv_relative_efficiency.value = 0.55;
    truth.attention[static_cast<std::size_t>(attention_kernel::cudnn)].efficiency.value = 0.60;
    truth.attention[static_cast<std::size_t>(attention_kernel::cudnn)].seq_half.value = 150;
    truth.attention[static_cast<std::size_t>(attention_kernel::cudnn)].backward_ratio.value = 0.7;
    std::string text = meta + "\n" + R"({"kind": "launch", "mode": "stream", "time_s": 2.2e-6})" + "\n";
    int i = 0;
    auto line = [&](const char* kind, const op& o) {
        nlohmann::json j = {{"kind", kind}, {"op", op_to_json(o)},
                            {"time_s", predict(o, gpu, truth).time.value() * noise(i++)}};
        text += j.dump() + "\n";
    };
    // Wan-VAE decoder convolutions (3x3x3, causal in time) at 480p, and a memory-bound 1x1x1 one the fit skips
    for (const auto& [c, t, h, w] : {std::array<extent, 4>{384, 21, 60, 104}, {384, 41, 120, 208},
                                     {192, 81, 240, 416}, {96, 81, 480, 832}, {512, 5, 60, 104}}) {
        conv_op cv;
        cv.c_in = cv.c_out = c;
        cv.input = {t, h, w};
        cv.kernel = {3, 3, 3};
        cv.pad_before = {2, 1, 1};
        cv.pad_after = {0, 1, 1};
        line("conv", cv);
    }
    conv_op pointwise;
    pointwise.c_in = 96;
    pointwise.c_out = 3;
    pointwise.input = {81, 480, 832};
    line("conv", pointwise);
    for (extent s : {2048, 4096, 8192, 16384, 32760, 75600}) {
        attention_op a;
        a.heads_q = 12;
        a.seq_q = s;
        a.head_dim = 128;
        a.kernel = attention_kernel::cudnn;
        line("attention", a);
        a.direction = pass::backward;
        line("attention", a);
    }
    text += R"({"kind": "attention", "kernel": "cudnn", "status": "unsupported", "reason": "no engine"})" "\n";
    const auto fit = fit_calibration(parse_raw(text), gpu, literature, "synthetic.jsonl");
    const auto& c = fit.cal.cal;
    CHECK(c.conv_relative_efficiency.value == doctest::Approx(0.55).epsilon(0.03));
    CHECK(c.conv_relative_efficiency.from.kind == provenance_kind::measured);
    CHECK(c.attn(attention_kernel::cudnn).efficiency.value == doctest::Approx(0.60).epsilon(0.03));
    CHECK(c.attn(attention_kernel::cudnn).backward_ratio.value == doctest::Approx(0.7).epsilon(0.03));
    CHECK(c.attn(attention_kernel::cudnn).backward_ratio.from.kind == provenance_kind::measured);
    // too few compute-bound convolutions is refused
    std::string few = meta + "\n";
    conv_op cv;
    cv.c_in = cv.c_out = 384;
    cv.input = {21, 60, 104};
    cv.kernel = {3, 3, 3};
    cv.pad_before = {2, 1, 1};
    cv.pad_after = {0, 1, 1};
    few += nlohmann::json{{"kind", "conv"}, {"op", op_to_json(cv)}, {"time_s", 1e-3}}.dump() + "\n";
    CHECK_THROWS_WITH_AS((void)fit_calibration(parse_raw(few), gpu, literature, "few.jsonl"),
                         doctest::Contains("only 1 compute-bound convolution"), schema_error);
}

namespace {
/// Sustained-load records as calibration/suite/sustained.cu writes them: one per 100 ms interval of
/// `run_s` seconds, throughput and SM clock from `at(t)` with +-1 % deterministic noise on the throughput.
template <class F>
std::string sustained_lines(double run_s, F at, bool nvml = true) {
    std::string text;
    int i = 0;
    for (double t = 0.1; t <= run_s + 1e-9; t += 0.1, ++i) {
        const auto [tflops, mhz] = at(t);
        nlohmann::json j = {{"kind", "sustained"}, {"record", "interval"}, {"t_s", t}, {"dt_s", 0.1},
                            {"gemms", 70},         {"tflops", tflops * noise(i)}};
        j["sm_clock_MHz"] = nvml ? nlohmann::json(mhz) : nlohmann::json(nullptr);
        j["power_W"] = nvml ? nlohmann::json(699.0) : nlohmann::json(nullptr);
        j["temp_C"] = nvml ? nlohmann::json(70) : nlohmann::json(nullptr);
        j["throttle_reasons"] = nvml ? nlohmann::json::array({"sw_power_cap"}) : nlohmann::json(nullptr);
        text += j.dump() + "\n";
    }
    text += R"({"kind": "sustained", "record": "summary", "dtype": "bf16", "m": 8192, "n": 8192, "k": 8192, )"
            R"("burst_window_s": 1, "sustained_window_s": 60})" "\n";
    return text;
}
} // namespace

TEST_CASE("sustained-load records give sustained_clock_ratio = last-minute / first-second throughput") {
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    const calibration& literature = *builtin_calibration("literature", gpu.slug).cal;
    // 790 TFLOP/s at 1980 MHz for the first second, falling linearly to 730 TFLOP/s at 1785 MHz by 30 s, flat
    // to 120 s: the ratio is 730 / 790 = 0.9241 and the SM-clock ratio 1785 / 1980 = 0.9015
    auto drifting = [](double t) {
        if (t <= 1.0) return std::pair{790.0, 1980.0};
        if (t >= 30.0) return std::pair{730.0, 1785.0};
        const double f = (t - 1.0) / 29.0;
        return std::pair{790.0 - 60.0 * f, 1980.0 - 195.0 * f};
    };
    const auto fit = fit_calibration(parse_raw(meta + "\n" + sustained_lines(120, drifting)), gpu, literature,
                                     "sustained.jsonl");
    const auto& r = fit.cal.cal.sustained_clock_ratio;
    CHECK(r.value == doctest::Approx(730.0 / 790.0).epsilon(0.02)); // +-1 % noise on each median
    CHECK(r.from.kind == provenance_kind::measured);
    CHECK(r.from.source == "sustained.jsonl");
    CHECK(r.std_error > 0);
    CHECK(r.std_error < 0.005);
    bool clock_row = false;
    for (const auto& row : fit.report)
        if (row.constant == "sustained_sm_clock_ratio") {
            clock_row = true;
            CHECK(row.value == doctest::Approx(1785.0 / 1980.0).epsilon(0.001));
        }
    CHECK(clock_row);
    // constants without measurements keep the base's values
    CHECK(fit.cal.cal.gemm(compute_class::bf16).value == literature.gemm(compute_class::bf16).value);
    // and the JSON form carries the fitted ratio under its key
    CHECK(to_json(fit.cal.cal).dump().find("\"sustained_clock_ratio\"") != std::string::npos);

    // no throttling: a flat 800 TFLOP/s gives 1 within its noise, never above 1, without NVML readings too
    auto flat = [](double) { return std::pair{800.0, 1980.0}; };
    const auto steady = fit_calibration(parse_raw(meta + "\n" + sustained_lines(60, flat, false)), gpu, literature,
                                        "steady.jsonl");
    CHECK(steady.cal.cal.sustained_clock_ratio.value <= 1.0);
    CHECK(steady.cal.cal.sustained_clock_ratio.value == doctest::Approx(1.0).epsilon(0.01));
    for (const auto& row : steady.report) CHECK(row.constant != "sustained_sm_clock_ratio");
}

TEST_CASE("bad sustained-load records are refused with the reason") {
    const auto& gpu = find_gpu("h100-sxm5-80gb");
    auto flat = [](double) { return std::pair{800.0, 1980.0}; };
    // 3 s is under 4x the 1 s burst window
    CHECK_THROWS_WITH_AS((void)fit_calibration(parse_raw(meta + "\n" + sustained_lines(3, flat)), gpu,
                                               datasheet_calibration, "short.jsonl"),
                         doctest::Contains("needs at least 3"), schema_error);
    // faster after a minute than in the first second by far more than noise: a burst window that caught the
    // clocks ramping up, not a sustained gain
    auto ramping = [](double t) { return std::pair{t <= 1.0 ? 600.0 : 800.0, 1980.0}; };
    CHECK_THROWS_WITH_AS((void)fit_calibration(parse_raw(meta + "\n" + sustained_lines(60, ramping)), gpu,
                                               datasheet_calibration, "ramp.jsonl"),
                         doctest::Contains("ramping up"), schema_error);
    // two runs in one file: t_s goes back
    const std::string two = sustained_lines(10, flat) + sustained_lines(10, flat);
    CHECK_THROWS_WITH_AS((void)fit_calibration(parse_raw(meta + "\n" + two), gpu, datasheet_calibration, "two.jsonl"),
                         doctest::Contains("in order of t_s"), schema_error);
}
