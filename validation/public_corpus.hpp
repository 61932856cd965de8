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

#include <vidperf/calibration/fit_ops.hpp>
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

/// Sources whose timed window holds the host's dispatch of the op as well as the kernel: NeuSight times each call
/// with CUDA events recorded around one eager PyTorch call on an idle GPU (neusight/Dataset/collect.py
/// measure_once, Tracing/trace.py), so the start event fires before the host has launched the kernel.
inline constexpr std::array<std::string_view, 1> harness_sources{"neusight"};

/// Families whose rows get a harness offset (fit_ops.hpp): the row-wise kernels. The same holds for the sources'
/// GEMM and elementwise rows, which are not yet priced with it.
inline constexpr std::array<std::string_view, 3> harness_families{"layernorm", "rmsnorm", "softmax"};

[[nodiscard]] inline bool harness_timed(const corpus_row& r) {
    return std::find(harness_sources.begin(), harness_sources.end(), r.source) != harness_sources.end() &&
           std::find(harness_families.begin(), harness_families.end(), r.family) != harness_families.end();
}

/// A source's harness: the source and its timing method (one source may time two ways, e.g. NeuSight's op sweeps
/// and its traced model nodes, which call the op through different paths).
[[nodiscard]] inline std::string harness_of(const corpus_row& r) { return r.source + ": " + r.timing; }

/// The harness group of a row: harness, GPU and family. Each family has its own offset: fitted jointly, LayerNorm
/// and softmax pull one shared offset apart (A100 PCIe 40GB and L4 then reject the fit), so the dispatch of the
/// two module calls is not priced alike.
[[nodiscard]] inline std::string harness_key(const corpus_row& r) {
    return harness_of(r) + " | " + r.gpu + " | " + r.family;
}

struct corpus_result {
    const corpus_row* row = nullptr;
    std::string calibration; ///< profile used for `best`
    double best = 0, datasheet = 0;
    /// harness offset added to `best` / `datasheet` (harness_timed rows; 0 otherwise)
    double harness_best = 0, harness_datasheet = 0;
    [[nodiscard]] double error_best() const { return best / row->measured_s - 1; }
    [[nodiscard]] double error_datasheet() const { return datasheet / row->measured_s - 1; }
    [[nodiscard]] double error_peer() const { return row->peer_s / row->measured_s - 1; }
};

inline double percentile_of(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double pos = p * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = static_cast<std::size_t>(std::ceil(pos));
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

/// Adds each harness_timed row's offset to its prediction `what` (recording it in `offset`): the median of
/// measured - predicted over the fit rows of its harness group, at least 0 (as fit_ops.hpp fits it); a group
/// without fit rows takes the median of its harness and family's groups on other GPUs (the dispatch is the host's,
/// not the GPU's). Test rows never enter an offset.
inline void add_harness_offsets(std::vector<corpus_result>& results, double corpus_result::*what,
                                double corpus_result::*offset) {
    std::map<std::string, std::vector<double>> gaps;
    for (const auto& r : results)
        if (harness_timed(*r.row) && r.row->split == "fit")
            gaps[harness_key(*r.row)].push_back(r.row->measured_s - r.*what);
    std::map<std::string, double> fitted;                  // harness_key -> offset
    std::map<std::string, std::vector<double>> by_harness; // harness | family -> each GPU's offset
    for (auto& [key, v] : gaps) fitted[key] = detail::harness_median(std::move(v));
    for (const auto& r : results)
        if (harness_timed(*r.row) && r.row->split == "fit") {
            auto& v = by_harness[harness_of(*r.row) + " | " + r.row->family];
            const double h = fitted.at(harness_key(*r.row));
            if (std::find(v.begin(), v.end(), h) == v.end()) v.push_back(h); // one entry per GPU
        }
    for (auto& r : results) {
        if (!harness_timed(*r.row)) continue;
        double h = 0;
        if (const auto it = fitted.find(harness_key(*r.row)); it != fitted.end())
            h = it->second;
        else if (const auto other = by_harness.find(harness_of(*r.row) + " | " + r.row->family);
                 other != by_harness.end())
            h = percentile_of(other->second, 0.5);
        r.*offset = h;
        r.*what += h;
    }
}

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
    add_harness_offsets(out, &corpus_result::best, &corpus_result::harness_best);
    add_harness_offsets(out, &corpus_result::datasheet, &corpus_result::harness_datasheet);
    return out;
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
