#pragma once
// The public op-measurement corpus (validation/public/data/*.csv, schema in
// validation/public/README.md): published per-op timings with their
// provenance, predicted op by op. Each row is one measured call of one op (or
// of a list of ops whose times add up, e.g. attention forward + backward).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include <vidperf/hardware/catalog.hpp>
#include <vidperf/io/op_json.hpp>
#include <vidperf/roofline/engine.hpp>
#include <vidperf/roofline/profiles.hpp>

#include "csv.hpp"

namespace vidperf::validation {

struct corpus_row {
    std::string id, source, gpu, family, dtype, split, timing, peer, note, file;
    std::vector<op> ops;
    double measured_s = 0;
    double peer_s = 0; ///< another predictor's prediction for the same point; 0 = none
};

/// Op families of the corpus; `l2-resident` rows are reads of a buffer already in L2 (reported, never fitted to or
/// bounded: pointwise kernels are priced on fresh data).
inline constexpr std::array<std::string_view, 12> corpus_families{
    "gemm", "attention", "layernorm", "rmsnorm", "softmax", "elementwise", "reduction", "conv", "copy", "collective",
    "launch", "l2-resident"};

/// A time of the corpus, in seconds: the whole text one finite number > 0 (no trailing text, which std::stod would
/// drop); otherwise refused naming the field and showing the text.
[[nodiscard]] inline double corpus_seconds(const std::string& text, std::string_view field, const std::string& where) {
    double v = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (text.empty() || ec != std::errc() || ptr != last || !(v > 0) || !std::isfinite(v)) {
        const std::string shown = text.size() > 60 ? text.substr(0, 57) + "..." : text;
        detail::raise(errc::json_bad_value, where,
                      "field '" + std::string(field) + "' must be a positive number of seconds, got '" + shown + "'");
    }
    return v;
}

/// Every row of every CSV file in `dir`, in file then line order.
inline std::vector<corpus_row> read_corpus(const std::filesystem::path& dir) {
    std::vector<corpus_row> rows;
    if (!std::filesystem::is_directory(dir))
        detail::raise(errc::unknown_name, "vidperf_validate", "public corpus folder '" + dir.string() + "' not found");
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".csv") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        const std::string file = f.filename().string();
        for (const auto& r : read_csv(f.string())) {
            const std::string where = file + " line " + std::to_string(r.line);
            for (const char* column : {"id", "source", "gpu", "family", "dtype", "split", "timing", "peer", "note",
                                       "time_s", "peer_prediction_s", "op"})
                if (r.f.find(column) == r.f.end())
                    detail::raise(errc::json_missing_field, file, std::string("missing column '") + column + "'");
            corpus_row c;
            c.file = file;
            c.id = r.at("id");
            c.source = r.at("source");
            c.gpu = r.at("gpu");
            c.family = r.at("family");
            c.dtype = r.at("dtype");
            c.split = r.at("split");
            c.timing = r.at("timing");
            c.peer = r.at("peer");
            c.note = r.at("note");
            if (std::find(corpus_families.begin(), corpus_families.end(), c.family) == corpus_families.end())
                detail::raise(errc::json_bad_value, where, "field 'family': unknown family '" + c.family + "'");
            if (c.split != "fit" && c.split != "test")
                detail::raise(errc::json_bad_value, where, "field 'split' must be fit or test, got '" + c.split + "'");
            (void)find_gpu(c.gpu); // an unknown slug is an error naming the closest ones
            c.measured_s = corpus_seconds(r.at("time_s"), "time_s", where);
            if (!r.at("peer_prediction_s").empty())
                c.peer_s = corpus_seconds(r.at("peer_prediction_s"), "peer_prediction_s", where);
            const nlohmann::json j = detail::parse_json(r.at("op"), where + " field 'op'");
            if (j.is_array()) {
                for (const auto& one : j) c.ops.push_back(op_from_json(one, where + " op"));
            } else {
                c.ops.push_back(op_from_json(j, where + " op"));
            }
            if (c.ops.empty()) detail::raise(errc::json_bad_value, where, "field 'op' is an empty list");
            rows.push_back(std::move(c));
        }
    }
    return rows;
}

/// Predicted time of a row's ops (single ops run at burst clocks, as measured).
inline double predict_row(const corpus_row& r, const gpu_spec& gpu, const calibration& cal) {
    double t = 0;
    for (const auto& o : r.ops) t += predict(o, gpu, cal).time.value();
    return t;
}

struct corpus_result {
    const corpus_row* row = nullptr;
    std::string calibration; ///< profile used for `best`
    double best = 0, datasheet = 0;
    [[nodiscard]] double error_best() const { return best / row->measured_s - 1; }
    [[nodiscard]] double error_datasheet() const { return datasheet / row->measured_s - 1; }
    [[nodiscard]] double error_peer() const { return row->peer_s / row->measured_s - 1; }
};

inline std::vector<corpus_result> predict_corpus(const std::vector<corpus_row>& rows) {
    std::vector<corpus_result> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
        const gpu_spec& gpu = find_gpu(r.gpu);
        const calibration_choice best = builtin_calibration("best", gpu.slug);
        corpus_result c;
        c.row = &r;
        c.calibration = best.fell_back ? "datasheet (fallback)" : std::string(best.cal->profile);
        try {
            c.best = predict_row(r, gpu, *best.cal);
            c.datasheet = predict_row(r, gpu, datasheet_calibration);
        } catch (const vidperf::error& e) {
            detail::raise(errc::inconsistent, r.file + " row " + r.id, std::string("cannot predict: ") + e.what());
        }
        out.push_back(c);
    }
    return out;
}

inline double percentile_of(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double pos = p * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = static_cast<std::size_t>(std::ceil(pos));
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

/// Error statistics of one group of rows (absolute percentage errors, and the signed median).
struct corpus_stats {
    std::size_t count = 0, peer_count = 0;
    double median = 0, p90 = 0, signed_median = 0, datasheet_median = 0, peer_median = 0, within25 = 0;
};

inline corpus_stats stats_of(const std::vector<const corpus_result*>& group) {
    corpus_stats s;
    std::vector<double> abs_best, signed_best, abs_ds, abs_peer;
    for (const auto* r : group) {
        abs_best.push_back(std::abs(r->error_best()));
        signed_best.push_back(r->error_best());
        abs_ds.push_back(std::abs(r->error_datasheet()));
        if (r->row->peer_s > 0) abs_peer.push_back(std::abs(r->error_peer()));
    }
    s.count = group.size();
    s.peer_count = abs_peer.size();
    s.median = percentile_of(abs_best, 0.5);
    s.p90 = percentile_of(abs_best, 0.9);
    s.signed_median = percentile_of(signed_best, 0.5);
    s.datasheet_median = percentile_of(abs_ds, 0.5);
    s.peer_median = percentile_of(abs_peer, 0.5);
    s.within25 = s.count ? static_cast<double>(std::count_if(abs_best.begin(), abs_best.end(),
                                                             [](double e) { return e <= 0.25; })) /
                               static_cast<double>(s.count)
                         : 0;
    return s;
}

/// Sources whose kernels are an inference engine's own CUDA kernels, not the framework's (PyTorch) that vidperf
/// lowers video models to: reported in groups of their own and left out of the pointwise fits.
inline constexpr std::array<std::string_view, 1> custom_kernel_sources{"vidur-sarathi"};

[[nodiscard]] inline bool custom_kernels(const corpus_row& r) {
    return std::find(custom_kernel_sources.begin(), custom_kernel_sources.end(), r.source) !=
           custom_kernel_sources.end();
}

/// Groups "family/gpu/dtype" (with " (custom kernels)" for custom_kernel_sources) -> (split -> results).
using corpus_groups = std::map<std::string, std::map<std::string, std::vector<const corpus_result*>>>;

[[nodiscard]] inline std::string group_key(const corpus_row& r) {
    return r.family + "/" + r.gpu + "/" + r.dtype + (custom_kernels(r) ? " (custom kernels)" : "");
}

inline corpus_groups group_corpus(const std::vector<corpus_result>& results) {
    corpus_groups g;
    for (const auto& r : results) g[group_key(*r.row)][r.row->split].push_back(&r);
    return g;
}

} // namespace vidperf::validation
