#pragma once
/// \file
/// The fitter: raw microbenchmark measurements (JSON lines, schema
/// `vidperf.calibration-raw/1`, as calibration/run.sh writes them) to a
/// calibration with a standard error per constant. Needs Eigen and
/// nlohmann-json; no CUDA.
///
/// Lines (one JSON object each; the first is the metadata record):
///   {"kind": "meta", "schema": "vidperf.calibration-raw/1", "gpu": "NVIDIA H100 80GB HBM3", "slug": "h100-sxm5-80gb",
///    "driver": "...", "cuda": "...", "sm_clock_MHz": 1980, "power_limit_W": 700, "command": "...", "date": "..."}
///   {"kind": "memory", "op": "copy", "bytes": 1073741824, "time_s": 7.5e-4, "throttled": false}   // bytes read + written
///   {"kind": "gemm", "dtype": "bf16", "m": 8192, "n": 8192, "k": 8192, "time_s": 1.4e-3, "throttled": false}
///   {"kind": "attention", "kernel": "cudnn", "batch": 1, "heads": 16, "seq": 8192, "head_dim": 128,
///    "causal": false, "direction": "forward", "time_s": 3.1e-3, "throttled": false}
///     or with the shape as an op object (io/op_json.hpp, as `vidperf shapes` exports it):
///   {"kind": "attention", "op": {"kind": "attention", "heads_q": 40, "seq_q": 75600, ...}, "time_s": ...}
///   {"kind": "conv", "op": {"kind": "conv", "c_in": 384, ...}, "time_s": 2.0e-3}
///   records with "status" other than "ok" (e.g. "unsupported") are skipped
///   {"kind": "launch", "mode": "stream", "time_s": 2.4e-6}
///   {"kind": "copy", "direction": "h2d", "pinned": true, "bytes": 1073741824, "time_s": 0.021}
///   sustained load (calibration/suite/sustained.cu: bf16 8192^3 GEMMs back to back for minutes), one
///   record per ~100 ms interval of GPU time and a summary; NVML fields are null without NVML:
///   {"kind": "sustained", "record": "interval", "t_s": 12.3, "dt_s": 0.1, "gemms": 71, "tflops": 745.2,
///    "sm_clock_MHz": 1755, "power_W": 698.5, "temp_C": 71, "throttle_reasons": ["sw_power_cap"]}
///   {"kind": "sustained", "record": "summary", "dtype": "bf16", "m": 8192, "n": 8192, "k": 8192,
///    "duration_s": 120, "interval_s": 0.1, "burst_window_s": 1, "sustained_window_s": 60,
///    "burst_tflops": 790.1, "sustained_tflops": 731.6, "ratio": 0.926, "burst_sm_clock_MHz": 1980,
///    "sustained_sm_clock_MHz": 1785, "clock_ratio": 0.902, "power_limit_W": 700, "probe_tflops": 781.4, ...}
///   (t_s: GPU time since the first GEMM; sustained records carry no "throttled" flag: throttling at the
///   power or thermal limit is what they measure)
///
/// Fits (ordinary least squares with Eigen; standard errors from the residual
/// variance and (X^T X)^-1):
///   GEMM, per dtype:  t = overhead + [flops / (peak * wave(m, n, k) * k/(k + ramp))] * (1 / eta)
///                     (linear in overhead, 1/eta; the k ramp chosen from a grid on the BF16 points)
///   attention, per kernel: flops / (t * peak) = eta * s / (s + s_half), linearised as
///                     peak * t / flops = (1/eta) + (s_half/eta) * (1/s)
///   attention backward, per kernel: backward_ratio = median over points of
///                     (forward-model compute time of the backward FLOPs) / (t - launch)
///   convolution: t - launch = (GEMM-model compute time at the implicit-GEMM shape) / rel, over
///                     compute-bound shapes (least squares through the origin, relative errors)
///   memory:  hbm_efficiency = median achieved / peak over working sets >= 4 x L2
///   launch overhead: median of the stream launches; pcie_efficiency: median pinned H2D rate / link rate.
///   sustained_clock_ratio = median interval throughput over the last sustained_window_s (at most half the
///                     run) / median over the intervals ending within burst_window_s of the start (windows
///                     from the summary record, else 60 s and 1 s); standard error by the delta method from
///                     each window's spread. A ratio above 1 by no more than its noise (3 standard errors,
///                     at least 2 %) is stored as 1 (no throttling) and reported with the measured value.
/// The tile shape and split-K rule are taken from the base calibration (they
/// set the wave term); constants with no measurements keep the base's values
/// and provenance.

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include <vidperf/core/error.hpp>
#include <vidperf/detail/json_support.hpp>
#include <vidperf/hardware/gpu_spec.hpp>
#include <vidperf/io/calibration_json.hpp>
#include <vidperf/io/op_json.hpp>
#include <vidperf/calibration/fit_ops.hpp>
#include <vidperf/roofline/engine.hpp>

namespace vidperf {

inline constexpr std::string_view raw_schema = "vidperf.calibration-raw/1";
inline constexpr double raw_time_min_s = 1e-9;  ///< the least time a raw record may hold
inline constexpr double raw_time_max_s = 86400; ///< the most

/// The most bytes one memory or copy record may move: a petabyte, far past any GPU's memory.
inline constexpr double max_raw_bytes = 1e15;

struct raw_measurements {
    nlohmann::json meta;
    std::vector<nlohmann::json> lines; ///< every measurement record, in file order
    std::vector<std::size_t> line_numbers;
};

/// Parses JSON lines; a malformed or truncated line is an error naming the line.
[[nodiscard]] inline raw_measurements parse_raw(std::string_view text, std::string_view source = "raw") {
    raw_measurements r;
    std::size_t line_no = 0, pos = 0;
    bool have_meta = false;
    while (pos <= text.size()) {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        const std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
            if (end >= text.size()) break;
            continue;
        }
        // malformed JSON (a number out of range such as 1e400 included) names the line and the column in it; a key
        // repeated in one record is refused, as in every JSON vidperf reads
        std::optional<detail::json_syntax_failure> failure;
        std::string duplicate;
        nlohmann::json j = detail::parse_json_checked(line, failure, duplicate);
        if (failure) detail::raise_parse(source, "malformed JSON line: " + failure->what, line_no, failure->column);
        if (!j.is_object())
            detail::raise_parse(source, "a line must be a JSON object", line_no, 1);
        const std::string where = std::string(source) + " line " + std::to_string(line_no);
        if (!duplicate.empty())
            detail::raise(errc::json_bad_value, where, "key '" + duplicate + "' appears twice in one object");
        const std::string kind = detail::string_field(j, "kind", where);
        // the fields every fit reads: typed and in range here, so no fit can run on nonsense
        if (j.contains("time_s")) {
            const double t = detail::number_field(j, "time_s", where);
            if (!(t > 0) || detail::is_inf(t))
                detail::raise(errc::json_bad_value, where,
                              "field 'time_s' must be a finite time > 0, got " + j.at("time_s").dump());
            // no GPU timer resolves less than a nanosecond, and no record of the suite runs for a day
            if (t < raw_time_min_s || t > raw_time_max_s)
                detail::raise(errc::out_of_range, where,
                              "field 'time_s' must be in [1e-09, 86400] s (a timed kernel or loop), got " +
                                  j.at("time_s").dump());
        }
        for (const char* flag : {"throttled", "pinned", "causal"})
            if (j.contains(flag) && !j.at(flag).is_boolean())
                detail::raise(errc::json_wrong_type, where,
                              std::string("field '") + flag + "' must be true or false, got " + j.at(flag).dump());
        for (const char* field : {"mode", "status", "dtype", "direction", "op", "kernel"})
            if (j.contains(field) && !j.at(field).is_string() && !(std::string_view(field) == "op" && j.at(field).is_object()))
                detail::raise(errc::json_wrong_type, where,
                              std::string("field '") + field + "' must be a string, got " + j.at(field).dump());
        // an op object's direction (and an attention op's kernel) choose the fit a record feeds: typed here too
        if (j.contains("op") && j.at("op").is_object()) {
            const auto& o = j.at("op");
            const bool attention = o.contains("kind") && o.at("kind") == "attention";
            if (kind == "attention" && !attention)
                detail::raise(errc::json_bad_value, where,
                              "an attention record's 'op' must be an attention op, got kind " +
                                  (o.contains("kind") ? detail::json_text(o.at("kind")) : std::string("(none)")));
            for (const char* field : {"kernel", "direction"})
                if ((attention || std::string_view(field) == "direction") && o.contains(field) &&
                    !o.at(field).is_string())
                    detail::raise(errc::json_wrong_type, where + ".op",
                                  std::string("field '") + field + "' must be a string, got " +
                                      detail::json_text(o.at(field)));
        }
        if (kind == "meta") {
            detail::check_schema(j, raw_schema, where);
            r.meta = j;
            have_meta = true;
        } else {
            r.lines.push_back(std::move(j));
            r.line_numbers.push_back(line_no);
        }
        if (end >= text.size()) break;
    }
    if (!have_meta) detail::raise(errc::json_missing_field, source, "no metadata record (a line with \"kind\": \"meta\")");
    return r;
}

/// One fitted constant and how well the model fits its measurements.
struct fit_report_row {
    std::string constant;
    double value = 0, std_error = 0;
    std::size_t points = 0;
    double max_relative_residual = 0; ///< largest |predicted / measured - 1| over its points
};

struct fit_result {
    loaded_calibration cal;
    std::vector<fit_report_row> report;
};

namespace detail {

struct linear_fit {
    Eigen::VectorXd beta;
    Eigen::VectorXd std_error;
};

/// Ordinary least squares y = X beta with standard errors.
[[nodiscard]] inline linear_fit least_squares(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) {
    linear_fit f;
    const auto qr = X.colPivHouseholderQr();
    // points that do not determine every coefficient (one shape measured twice, a column of zeros) are refused
    // before a singular system is solved or inverted
    if (qr.rank() < X.cols())
        raise(errc::inconsistent, "fit",
              "the measured points do not determine the fit: " + std::to_string(X.rows()) + " points give rank " +
                  std::to_string(qr.rank()) + " of " + std::to_string(X.cols()) +
                  " (measure more distinct shapes)");
    f.beta = qr.solve(y);
    const Eigen::VectorXd res = y - X * f.beta;
    const double dof = static_cast<double>(X.rows() - X.cols());
    const double s2 = dof > 0 ? res.squaredNorm() / dof : 0.0;
    const Eigen::MatrixXd cov = s2 * (X.transpose() * X).inverse();
    f.std_error = cov.diagonal().cwiseMax(0.0).cwiseSqrt();
    if (!f.beta.allFinite() || !f.std_error.allFinite())
        raise(errc::not_finite, "fit", "the least-squares fit of " + std::to_string(X.rows()) +
                                           " points is not finite (times spanning too many orders of magnitude)");
    return f;
}

[[nodiscard]] inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

inline void refuse_throttled(const raw_measurements& raw, std::string_view source) {
    for (std::size_t i = 0; i < raw.lines.size(); ++i) {
        const auto& j = raw.lines[i];
        if (j.contains("throttled") && j.at("throttled").is_boolean() && j.at("throttled").get<bool>())
            raise(errc::json_bad_value, source,
                  "line " + std::to_string(raw.line_numbers[i]) +
                      " was measured while the GPU throttled (clock below 75 % of its maximum); re-run the suite "
                      "with the GPU cool and at its power limit");
    }
}

} // namespace detail

/// Fits a calibration for `gpu` from raw measurements, starting from `base`
/// (constants without measurements keep the base's values and provenance).
namespace detail {

/// True for an attention record of kernel `k` in direction `d`.
[[nodiscard]] inline bool is_attention(const nlohmann::json& j, attention_kernel k, pass d) {
    if (j.value("kind", "") != "attention" || j.value("status", "ok") != "ok") return false;
    std::string kernel = j.value("kernel", "");
    std::string direction = j.value("direction", "forward");
    if (j.contains("op") && j.at("op").is_object()) {
        const auto& o = j.at("op");
        if (kernel.empty() && o.contains("kernel") && o.at("kernel").is_string())
            kernel = o.at("kernel").get<std::string>();
        if (o.contains("direction") && o.at("direction").is_string()) direction = o.at("direction").get<std::string>();
    }
    return kernel == name(k) && direction == (d == pass::forward ? "forward" : "backward");
}

/// An attention record's shape: an "op" object (io/op_json.hpp) or the flat fields
/// batch, heads, seq, head_dim, causal.
[[nodiscard]] inline attention_op raw_attention(const nlohmann::json& j, const std::string& where) {
    if (j.contains("op")) {
        const op o = op_from_json(j.at("op"), where + ".op");
        if (const auto* a = std::get_if<attention_op>(&o)) return *a;
        raise(errc::json_bad_value, where, "an attention record's 'op' must be an attention op");
    }
    attention_op a;
    a.batch = op_extent(j, "batch", where, 1);
    a.heads_q = op_extent(j, "heads", where, 1);
    a.seq_q = op_extent(j, "seq", where, 1);
    a.head_dim = op_extent(j, "head_dim", where, 1);
    a.causal = op_flag(j, "causal", where, false);
    if (j.contains("dtype")) a.type = op_dtype(j, "dtype", where, dtype::bf16);
    return a;
}

/// sustained_clock_ratio from the sustained-load records (see the file comment).
struct sustained_fit {
    double ratio = 1, std_error = 0; ///< the stored ratio (at most 1) and its standard error
    double measured_ratio = 1;       ///< sustained / burst as measured (may exceed 1 by noise)
    double clock_ratio = 0;          ///< median NVML SM clock, sustained / burst; 0 without NVML readings
    std::size_t burst_points = 0, sustained_points = 0;
};

[[nodiscard]] inline std::optional<sustained_fit> fit_sustained(const raw_measurements& raw,
                                                                std::string_view source_file) {
    struct reading {
        double t_s, tflops, sm_mhz; ///< sm_mhz 0 without NVML
    };
    std::vector<reading> intervals;
    double burst_window_s = 1.0, sustained_window_s = 60.0;
    bool have_summary = false;
    for (std::size_t i = 0; i < raw.lines.size(); ++i) {
        const auto& j = raw.lines[i];
        if (j.value("kind", "") != "sustained" || j.value("status", "ok") != "ok") continue;
        const std::string where = std::string(source_file) + " line " + std::to_string(raw.line_numbers[i]);
        const std::string record = string_field(j, "record", where);
        if (record == "summary") {
            have_summary = true;
            // windows of a run of minutes: more than a week (1e6 s) is no measurement
            burst_window_s = bounded_field(j, "burst_window_s", where, 1e6, true);
            sustained_window_s = bounded_field(j, "sustained_window_s", where, 1e6, true);
        } else if (record == "interval") {
            reading r{number_field(j, "t_s", where), number_field(j, "tflops", where), 0};
            if (j.contains("sm_clock_MHz") && j.at("sm_clock_MHz").is_number())
                r.sm_mhz = j.at("sm_clock_MHz").get<double>();
            if (!(r.tflops > 0) || !std::isfinite(r.tflops))
                raise(errc::json_bad_value, where,
                      "field 'tflops' must be a positive number, got " + json_text(j.at("tflops")));
            if (!intervals.empty() && !(r.t_s > intervals.back().t_s))
                raise(errc::json_bad_value, where,
                      "sustained intervals must come in order of t_s (one run per file); got t_s " +
                          std::to_string(r.t_s) + " after " + std::to_string(intervals.back().t_s));
            intervals.push_back(r);
        } else {
            raise(errc::json_bad_value, where, "unknown sustained record '" + record + "' (interval or summary)");
        }
    }
    if (intervals.empty()) {
        if (have_summary)
            raise(errc::json_bad_value, source_file, "a sustained summary without its interval records");
        return std::nullopt;
    }
    const double end_s = intervals.back().t_s;
    const double window_s = std::min(sustained_window_s, 0.5 * end_s);
    std::vector<double> burst, sustained, burst_mhz, sustained_mhz;
    for (std::size_t i = 0; i < intervals.size(); ++i) {
        const reading& r = intervals[i];
        if (r.t_s <= burst_window_s || i == 0) {
            burst.push_back(r.tflops);
            if (r.sm_mhz > 0) burst_mhz.push_back(r.sm_mhz);
        } else if (r.t_s >= end_s - window_s) {
            sustained.push_back(r.tflops);
            if (r.sm_mhz > 0) sustained_mhz.push_back(r.sm_mhz);
        }
    }
    if (sustained.size() < 3 || end_s < 4 * burst_window_s)
        raise(errc::json_bad_value, source_file,
              "the sustained run covers " + std::to_string(end_s) + " s with " + std::to_string(sustained.size()) +
                  " intervals in its last window; sustained_clock_ratio needs at least 3 there and a run 4x the " +
                  std::to_string(burst_window_s) + " s burst window");
    // standard error of a median: 1.2533 s / sqrt(n), the normal-theory value
    auto median_se = [](const std::vector<double>& v) {
        if (v.size() < 2) return 0.0;
        double mean = 0;
        for (double x : v) mean += x;
        mean /= static_cast<double>(v.size());
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        return 1.2533 * std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
    };
    const double b = median(burst), s = median(sustained);
    sustained_fit f;
    f.burst_points = burst.size();
    f.sustained_points = sustained.size();
    f.measured_ratio = s / b;
    f.std_error = f.measured_ratio * std::hypot(median_se(sustained) / s, median_se(burst) / b);
    if (!burst_mhz.empty() && !sustained_mhz.empty()) f.clock_ratio = median(sustained_mhz) / median(burst_mhz);
    f.ratio = f.measured_ratio;
    if (f.measured_ratio > 1) {
        // faster after minutes than in the first second: noise, or a burst window that caught the clocks
        // still ramping up from idle; only the first is taken as "no throttling"
        if (f.measured_ratio - 1 > std::max(3 * f.std_error, 0.02))
            raise(errc::json_bad_value, source_file,
                  "the sustained throughput is " + std::to_string(s) + " TFLOP/s, above the burst " +
                      std::to_string(b) + " TFLOP/s by more than its noise; the burst window (" +
                      std::to_string(burst_window_s) + " s) probably caught the clocks ramping up");
        f.ratio = 1;
    }
    return f;
}

} // namespace detail

[[nodiscard]] inline fit_result fit_calibration(const raw_measurements& raw, const gpu_spec& gpu,
                                                const calibration& base, std::string_view source_file,
                                                std::size_t min_points = 4) {
    detail::refuse_throttled(raw, source_file);
    fit_result out;
    auto& store = *out.cal.strings;
    out.cal.cal = base;
    calibration& c = out.cal.cal;
    c.profile = detail::keep(store, "measured");
    c.gpu_slug = gpu.slug;
    const std::string_view src = detail::keep(store, std::string(source_file));
    const provenance measured{provenance_kind::measured, src};

    // ---- GEMM per dtype; BF16 first: its points also choose the k ramp the tensor-core classes use (FP32 fits
    //      its own)
    for (dtype t : {dtype::bf16, dtype::fp32, dtype::tf32, dtype::fp16, dtype::fp8_e4m3, dtype::int8}) {
        std::vector<gemm_op> ops;
        std::vector<double> times;
        for (std::size_t i = 0; i < raw.lines.size(); ++i) {
            const auto& j = raw.lines[i];
            if (j.value("kind", "") != "gemm") continue;
            const std::string where = std::string(source_file) + " line " + std::to_string(raw.line_numbers[i]);
            const std::optional<dtype> d = parse<dtype>(detail::string_field(j, "dtype", where), where + " field 'dtype'");
            if (compute_class_of(*d) != compute_class_of(t)) continue;
            gemm_op g;
            g.m = detail::op_extent(j, "m", where, 1);
            g.n = detail::op_extent(j, "n", where, 1);
            g.k = detail::op_extent(j, "k", where, 1);
            g.a = g.b = *d;
            ops.push_back(g);
            times.push_back(detail::number_field(j, "time_s", where));
        }
        if (ops.empty()) continue;
        if (ops.size() < min_points)
            detail::raise(errc::json_bad_value, source_file,
                          "only " + std::to_string(ops.size()) + " GEMM points for " + std::string(name(t)) +
                              "; the fit needs at least " + std::to_string(min_points));
        const double peak = gpu.peak_for(t).value();
        // linear in (overhead, 1/eta) for a given k ramp; rows scaled by 1/t: relative errors, so microsecond and
        // millisecond GEMMs weigh alike
        auto solve = [&](double ramp_dim, double& sse) {
            Eigen::MatrixXd X(static_cast<Eigen::Index>(ops.size()), 2);
            Eigen::VectorXd y(static_cast<Eigen::Index>(ops.size()));
            for (std::size_t i = 0; i < ops.size(); ++i) {
                const double work = cost(ops[i]).flops.value();
                double wave = detail::wave_efficiency(ops[i], gpu.sm_count, base);
                if (t == dtype::fp32) wave *= detail::simt_tile_reuse(ops[i], base);
                const double k = static_cast<double>(ops[i].k);
                const double ramp = ramp_dim > 0 ? k / (k + ramp_dim) : 1.0;
                X(static_cast<Eigen::Index>(i), 0) = 1.0 / times[i];
                X(static_cast<Eigen::Index>(i), 1) = work / (peak * wave * ramp) / times[i];
                y(static_cast<Eigen::Index>(i)) = 1.0;
            }
            auto fit = detail::least_squares(X, y);
            sse = (y - X * fit.beta).squaredNorm();
            return fit;
        };
        // the k ramp, BF16's for the tensor-core classes and FP32's own (SIMT): the candidate with the least
        // squared relative error
        const bool own_ramp = t == dtype::bf16 || t == dtype::fp32;
        double ramp_dim = c.gemm_ramp_dim.value;
        if (own_ramp) {
            double best_sse = 0;
            bool first = true;
            for (const double cand : {0.0, 8.0, 16.0, 32.0, 48.0, 64.0, 96.0, 128.0, 192.0, 256.0, 384.0, 512.0}) {
                if (t == dtype::fp32 && cand == 0.0) continue; // a 0 FP32 ramp means "take BF16's"
                double sse = 0;
                (void)solve(cand, sse);
                if (first || sse < best_sse) {
                    first = false;
                    best_sse = sse;
                    ramp_dim = cand;
                }
            }
            (t == dtype::bf16 ? c.gemm_ramp_dim : c.gemm_ramp_dim_fp32) = {ramp_dim, measured, 0};
        }
        double sse = 0;
        const auto f = solve(ramp_dim, sse);
        const double inv_eta = f.beta(1);
        if (!(inv_eta > 0))
            detail::raise(errc::json_bad_value, source_file,
                          "GEMM " + std::string(name(t)) + " fit gives a non-positive efficiency");
        auto& eff = c.gemm_efficiency[static_cast<std::size_t>(*compute_class_of(t))];
        eff = {1.0 / inv_eta, measured, f.std_error(1) / (inv_eta * inv_eta)};
        if (t == dtype::bf16) c.gemm_overhead = {seconds(std::max(0.0, f.beta(0))), measured, f.std_error(0)};
        double worst = 0;
        for (std::size_t i = 0; i < ops.size(); ++i)
            worst = std::max(worst, std::abs(predict(ops[i], gpu, c).time.value() / times[i] - 1));
        out.report.push_back({"gemm_efficiency_" + std::string(name(*compute_class_of(t))), eff.value, eff.std_error,
                              ops.size(), worst});
    }

    // launch overhead first: attention times are corrected by it
    {
        std::vector<double> launches;
        for (const auto& j : raw.lines)
            if (j.value("kind", "") == "launch" && j.value("mode", "") == "stream" && j.contains("time_s") &&
                j.at("time_s").is_number())
                launches.push_back(j.at("time_s").get<double>());
        if (!launches.empty()) c.launch_overhead = {seconds(detail::median(launches)), measured, 0};
    }
    const double launch_s = c.launch_overhead.value.value();

    // ---- attention per kernel (forward)
    for (attention_kernel k : all_attention_kernels) {
        std::vector<attention_op> ops;
        std::vector<double> times;
        for (std::size_t i = 0; i < raw.lines.size(); ++i) {
            const auto& j = raw.lines[i];
            if (!detail::is_attention(j, k, pass::forward)) continue;
            const std::string where = std::string(source_file) + " line " + std::to_string(raw.line_numbers[i]);
            attention_op a = detail::raw_attention(j, where);
            a.kernel = k;
            ops.push_back(a);
            times.push_back(detail::number_field(j, "time_s", where));
        }
        if (ops.empty()) continue;
        if (ops.size() < min_points)
            detail::raise(errc::json_bad_value, source_file,
                          "only " + std::to_string(ops.size()) + " attention points for kernel " +
                              std::string(name(k)) + "; the fit needs at least " + std::to_string(min_points));
        Eigen::MatrixXd X(static_cast<Eigen::Index>(ops.size()), 2);
        Eigen::VectorXd y(static_cast<Eigen::Index>(ops.size()));
        for (std::size_t i = 0; i < ops.size(); ++i) {
            const double work = cost(ops[i]).flops.value();
            const double s = static_cast<double>(resolved(ops[i]).seq_kv) / (ops[i].causal ? 2.0 : 1.0);
            X(static_cast<Eigen::Index>(i), 0) = 1.0;
            X(static_cast<Eigen::Index>(i), 1) = 1.0 / s;
            y(static_cast<Eigen::Index>(i)) = gpu.peak_for(ops[i].type).value() * (times[i] - launch_s) / work;
        }
        const auto f = detail::least_squares(X, y);
        if (!(f.beta(0) > 0))
            detail::raise(errc::json_bad_value, source_file,
                          "attention " + std::string(name(k)) + " fit gives a non-positive efficiency");
        auto& ac = c.attention[static_cast<std::size_t>(k)];
        ac.available = true;
        ac.efficiency = {1.0 / f.beta(0), measured, f.std_error(0) / (f.beta(0) * f.beta(0))};
        ac.seq_half = {std::max(0.0, f.beta(1) / f.beta(0)), measured, f.std_error(1) / f.beta(0)};
        double worst = 0;
        for (std::size_t i = 0; i < ops.size(); ++i)
            worst = std::max(worst, std::abs(predict(ops[i], gpu, c).time.value() / times[i] - 1));
        out.report.push_back({"attention_" + std::string(name(k)) + "_efficiency", ac.efficiency.value,
                              ac.efficiency.std_error, ops.size(), worst});

        // backward: its efficiency relative to the fitted forward model at the same shape
        std::vector<double> ratios;
        for (std::size_t i = 0; i < raw.lines.size(); ++i) {
            const auto& j = raw.lines[i];
            if (!detail::is_attention(j, k, pass::backward)) continue;
            const std::string where = std::string(source_file) + " line " + std::to_string(raw.line_numbers[i]);
            attention_op a = detail::raw_attention(j, where);
            a.kernel = k;
            a.direction = pass::backward;
            calibration unit = c;
            unit.attention[static_cast<std::size_t>(k)].backward_ratio = {1.0, measured, 0};
            const double at_forward_eta = predict(a, gpu, unit).compute_time.value();
            const double t = detail::number_field(j, "time_s", where) - launch_s;
            if (t > 0) ratios.push_back(at_forward_eta / t);
        }
        if (!ratios.empty()) {
            if (ratios.size() < 2)
                detail::raise(errc::json_bad_value, source_file,
                              "only 1 backward attention point for kernel " + std::string(name(k)) +
                                  "; the backward ratio needs at least 2");
            double mean = 0;
            for (double r : ratios) mean += r;
            mean /= static_cast<double>(ratios.size());
            double var = 0;
            for (double r : ratios) var += (r - mean) * (r - mean);
            const double se = std::sqrt(var / static_cast<double>(ratios.size() - 1) / static_cast<double>(ratios.size()));
            ac.backward_ratio = {detail::median(ratios), measured, se};
            out.report.push_back({"attention_" + std::string(name(k)) + "_backward_ratio", ac.backward_ratio.value,
                                  ac.backward_ratio.std_error, ratios.size(), 0});
        }
    }

    // ---- convolution: efficiency relative to the fitted GEMM model at the implicit-GEMM shape,
    //      t - launch = (GEMM-model compute time at relative efficiency 1) / rel, through the origin
    {
        std::vector<double> x, y;
        for (std::size_t i = 0; i < raw.lines.size(); ++i) {
            const auto& j = raw.lines[i];
            if (j.value("kind", "") != "conv" || !j.contains("time_s") || j.value("status", "ok") != "ok") continue;
            const std::string where = std::string(source_file) + " line " + std::to_string(raw.line_numbers[i]);
            const op o = op_from_json(detail::require_field(j, "op", where), where + ".op");
            const auto* cv = std::get_if<conv_op>(&o);
            if (cv == nullptr || cv->direction != pass::forward) continue;
            calibration unit = c;
            unit.conv_relative_efficiency = {1.0, measured, 0};
            const auto p = predict(*cv, gpu, unit);
            if (p.compute_time < p.memory_time) continue; // memory-bound convolutions say nothing of the efficiency
            const double t = detail::number_field(j, "time_s", where) - launch_s;
            if (!(t > 0)) continue;
            // rows scaled by 1/t: relative errors
            x.push_back(p.compute_time.value() / t);
            y.push_back(1.0);
        }
        if (!x.empty()) {
            if (x.size() < min_points)
                detail::raise(errc::json_bad_value, source_file,
                              "only " + std::to_string(x.size()) +
                                  " compute-bound convolution points; the fit needs at least " +
                                  std::to_string(min_points));
            Eigen::MatrixXd X(static_cast<Eigen::Index>(x.size()), 1);
            Eigen::VectorXd Y(static_cast<Eigen::Index>(x.size()));
            for (std::size_t i = 0; i < x.size(); ++i) {
                X(static_cast<Eigen::Index>(i), 0) = x[i];
                Y(static_cast<Eigen::Index>(i)) = y[i];
            }
            const auto f = detail::least_squares(X, Y);
            const double inv = f.beta(0);
            if (!(inv > 0))
                detail::raise(errc::json_bad_value, source_file, "the convolution fit gives a non-positive efficiency");
            c.conv_relative_efficiency = {1.0 / inv, measured, f.std_error(0) / (inv * inv)};
            out.report.push_back({"conv_relative_efficiency", c.conv_relative_efficiency.value,
                                  c.conv_relative_efficiency.std_error, x.size(), 0});
        }
    }

    // ---- memory, launches, host copies: medians of the measured rates
    std::vector<double> hbm, launch, h2d;
    for (std::size_t i = 0; i < raw.lines.size(); ++i) {
        const auto& j = raw.lines[i];
        const std::string kind = j.value("kind", "");
        const std::string where = std::string(source_file) + " line " + std::to_string(raw.line_numbers[i]);
        if (kind == "memory" && j.contains("op") && j.at("op") == "copy") {
            const double b = detail::bounded_field(j, "bytes", where, max_raw_bytes, true);
            if (b >= 4 * gpu.l2_size.value())
                hbm.push_back(b / detail::number_field(j, "time_s", where) / gpu.hbm_bandwidth.value());
        } else if (kind == "launch" && j.value("mode", "") == "stream") {
            launch.push_back(detail::number_field(j, "time_s", where));
        } else if (kind == "copy" && j.value("direction", "") == "h2d" && j.value("pinned", true)) {
            h2d.push_back(detail::bounded_field(j, "bytes", where, max_raw_bytes, true) /
                          detail::number_field(j, "time_s", where) / gpu.pcie_bandwidth.value());
        }
    }
    auto spread = [](const std::vector<double>& v) {
        if (v.size() < 2) return 0.0;
        double m = 0;
        for (double x : v) m += x;
        m /= static_cast<double>(v.size());
        double s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return std::sqrt(s / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
    };
    if (!hbm.empty()) {
        c.hbm_efficiency = {detail::median(hbm), measured, spread(hbm)};
        out.report.push_back({"hbm_efficiency", c.hbm_efficiency.value, c.hbm_efficiency.std_error, hbm.size(), 0});
    }
    if (!launch.empty()) {
        c.launch_overhead = {seconds(detail::median(launch)), measured, spread(launch)};
        out.report.push_back({"launch_overhead_s", c.launch_overhead.value.value(), c.launch_overhead.std_error,
                              launch.size(), 0});
    }
    if (!h2d.empty()) {
        c.pcie_efficiency = {detail::median(h2d), measured, spread(h2d)};
        out.report.push_back({"pcie_efficiency", c.pcie_efficiency.value, c.pcie_efficiency.std_error, h2d.size(), 0});
    }
    // ---- sustained load: the clocks of a long job relative to the first second's
    if (const auto f = detail::fit_sustained(raw, source_file)) {
        c.sustained_clock_ratio = {f->ratio, measured, f->std_error};
        out.report.push_back({"sustained_clock_ratio", f->ratio, f->std_error, f->sustained_points, 0});
        // the measured value beside the stored one (they differ only when noise put it above 1), and the
        // NVML SM-clock ratio over the same windows as a cross-check of the throughput ratio
        out.report.push_back({"sustained_throughput_ratio_measured", f->measured_ratio, f->std_error,
                              f->sustained_points, 0});
        if (f->clock_ratio > 0)
            out.report.push_back({"sustained_sm_clock_ratio", f->clock_ratio, 0, f->sustained_points, 0});
    }
    if (out.report.empty())
        detail::raise(errc::json_bad_value, source_file,
                      "no measurement the fitter knows (gemm, attention, conv, memory, launch, copy, sustained)");
    // a fit that lands outside what hardware can do (an efficiency above the peak from a bad time) is refused,
    // never written
    validate(out.cal.cal, std::string(source_file) + " (fitted)");
    return out;
}

/// A C++ header that compiles the calibration in (no file needed at run time).
[[nodiscard]] inline std::string to_constexpr_header(const calibration& c, std::string_view variable) {
    std::ostringstream h;
    h.precision(17);
    h << "#pragma once\n// Generated by vidperf-fit; do not edit. Calibration '" << c.profile << "' for " << c.gpu_slug
      << ".\n#include <vidperf/roofline/calibration.hpp>\n#include <vidperf/roofline/profiles.hpp>\n\n"
      << "inline constexpr vidperf::calibration " << variable << " = [] {\n"
      << "    vidperf::calibration c = vidperf::datasheet_calibration;\n"
      << "    c.profile = \"" << c.profile << "\";\n    c.gpu_slug = \"" << c.gpu_slug << "\";\n";
    // every constant in for_each_constant's order, in one walk over the mutable copy: the n-th constant visited
    // is the n-th case, and its key must be the one written (a header from another constant list does not
    // compile). One walk keeps constant evaluation linear in the number of constants.
    h << "    int n = 0;\n"
      << "    vidperf::for_each_constant(c, [&n](std::string_view key, auto& k) {\n"
      << "        using T = std::remove_cvref_t<decltype(k.value)>;\n"
      << "        auto set = [&](std::string_view want, double v, int kind, std::string_view source, double se) {\n"
      << "            if (key != want) throw \"vidperf: this header was generated for another list of constants\";\n"
      << "            k.value = T(v);\n"
      << "            k.from = {vidperf::provenance_kind(kind), source};\n"
      << "            k.std_error = se;\n"
      << "        };\n"
      << "        switch (n++) {\n";
    int index = 0;
    for_each_constant(c, [&](std::string_view key, const auto& k) {
        h << "        case " << index++ << ": set(\"" << key << "\", " << constant_value(k) << ", "
          << static_cast<int>(k.from.kind) << ", \"" << detail::cpp_escape(k.from.source) << "\", " << k.std_error
          << "); break;\n";
    });
    h << "        default: throw \"vidperf: this header was generated for another list of constants\";\n"
      << "        }\n"
      << "    });\n";
    for_each_flag(c, [&](std::string_view key, const bool& f) {
        h << "    vidperf::for_each_flag(c, [](std::string_view key, bool& f) { if (key == \"" << key
          << "\") f = " << (f ? "true" : "false") << "; });\n";
    });
    h << "    return c;\n}();\n";
    return h.str();
}

} // namespace vidperf
