// vidperf_validate: predicts every published case and reports the error.
//
//   vidperf_validate --cases validation/published/cases.csv --bounds validation/published/bounds.json
//                    [--data validation/data [--data-bounds FILE]] [--check] [--report docs/accuracy.md]
//
// Measured files (validation/run.sh on a GPU machine) live at
// validation/data/<gpu-slug>/<date>/*.jsonl, with their bounds in
// validation/data/bounds.json. With --check it exits 1 when the median or
// 90th-percentile absolute percentage error of a kind (published: end-to-end
// latency, memory; measured: op, block, step, memory) exceeds its bound. With
// --report it writes the accuracy report (docs/accuracy.md is generated this
// way, never by hand).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <vidperf/io/measurements.hpp>
#include <vidperf/json.hpp>
#include <vidperf/models/pipeline.hpp>
#include <vidperf/models/presets.hpp>

namespace {

using namespace vidperf;

std::vector<std::string> split_csv_line(const std::string& line, std::size_t line_no) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cur += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cur += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (quoted) detail::raise_parse("cases.csv", "unterminated quote", line_no, line.size());
    out.push_back(cur);
    return out;
}

struct validation_case {
    std::map<std::string, std::string> f;
    [[nodiscard]] const std::string& at(const std::string& k) const { return f.at(k); }
};

std::vector<validation_case> read_cases(const std::string& path) {
    std::ifstream in(path);
    if (!in) detail::raise(errc::unknown_name, "vidperf_validate", "cannot open '" + path + "'");
    std::string line;
    std::getline(in, line);
    const auto header = split_csv_line(line, 1);
    std::vector<validation_case> cases;
    std::size_t no = 1;
    while (std::getline(in, line)) {
        ++no;
        if (line.empty()) continue;
        const auto cols = split_csv_line(line, no);
        if (cols.size() != header.size())
            detail::raise_parse("cases.csv",
                                "expected " + std::to_string(header.size()) + " columns, got " +
                                    std::to_string(cols.size()),
                                no, 1);
        validation_case c;
        for (std::size_t i = 0; i < cols.size(); ++i) c.f[header[i]] = cols[i];
        cases.push_back(std::move(c));
    }
    return cases;
}


/// A published or measured case, in the report's terms.
struct row {
    std::string id, kind, gpu, model, what, unit, calibration, note;
    double reference = 0, best = 0, datasheet = 0;
    [[nodiscard]] double error_best() const { return best / reference - 1; }
    [[nodiscard]] double error_datasheet() const { return datasheet / reference - 1; }
};

double quantity_of(const pipeline_estimate& e, const std::string& q, extent steps) {
    double denoiser = 0;
    for (const auto& s : e.stages)
        if (s.name == "denoiser") denoiser = s.latency.value();
    if (q == "e2e_latency") return e.latency.value();
    if (q == "dit_latency") return denoiser;
    if (q == "per_step_latency") return denoiser / static_cast<double>(steps);
    if (q == "peak_memory" || q == "memory_requirement") return e.memory.device_total.value() / 1e9;
    if (q == "memory_usage") return e.memory.allocator_peak.value() / 1e9;
    detail::raise(errc::unknown_name, "vidperf_validate", "unknown quantity '" + q + "'");
}

row run_case(const validation_case& c) {
    const model_spec& m = find_model(c.at("model"));
    const gpu_spec& gpu = find_gpu(c.at("gpu"));
    video_workload w = m.standard;
    w.width = std::stoll(c.at("width"));
    w.height = std::stoll(c.at("height"));
    w.frames = std::stoll(c.at("frames"));
    w.steps = std::stoll(c.at("steps"));
    const std::string cfg = c.at("cfg");
    w.cfg = cfg == "off" ? cfg_mode::off : cfg == "sequential" ? cfg_mode::sequential : cfg_mode::batched;
    for (auto k : all_attention_kernels)
        if (name(k) == c.at("attention")) w.attention = k;
    // the denoiser's weights as the source's code holds them (Wan's own repository loads the DiT in fp32
    // and runs it under bf16 autocast; diffusers pipelines load it in the requested dtype)
    const auto weights = parse_dtype(c.at("weights"));
    if (!weights) detail::raise(errc::unknown_name, "cases.csv " + c.at("id"), "unknown weights dtype '" + c.at("weights") + "'");
    w.weights = *weights;
    pipeline_options po;
    const std::string off = c.at("offload");
    po.offload = off == "model" ? offload_policy::model
                 : off == "sequential" ? offload_policy::sequential
                                       : offload_policy::none;
    po.text_encoders_on_host = c.at("text_encoder_on_cpu") == "1";
    inference_options io;
    io.parallel.ulysses = std::stoi(c.at("ulysses"));
    io.parallel.ring = std::stoi(c.at("ring"));
    io.parallel.cfg = c.at("cfg_parallel") == "1" ? 2 : 1;
    io.parallel.fsdp = c.at("fsdp") == "1";
    io.parallel.link = c.at("link") == "pcie" ? link_kind::pcie : link_kind::nvlink;
    if (c.at("vae_tiling") == "1") io.tiling = m.standard_tiling.enabled ? m.standard_tiling : vae_tiling{true, 0, 32, 32};
    const auto stages = lower_inference(m, w, io);
    const calibration_choice lit = builtin_calibration("best", gpu.slug);
    row o;
    o.id = c.at("id");
    o.model = c.at("model");
    o.gpu = c.at("gpu");
    o.what = c.at("quantity");
    o.unit = c.at("unit");
    o.note = c.at("note");
    o.reference = std::stod(c.at("value"));
    o.kind = o.what.find("latency") != std::string::npos ? "end-to-end" : "published memory";
    o.calibration = lit.fell_back ? "datasheet (fallback)" : std::string(lit.cal->profile);
    o.best = quantity_of(estimate_pipeline(stages, gpu, *lit.cal, po), o.what, w.steps);
    o.datasheet = quantity_of(estimate_pipeline(stages, gpu, datasheet_calibration, po), o.what, w.steps);
    return o;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double pos = p * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = static_cast<std::size_t>(std::ceil(pos));
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

struct summary {
    std::size_t count = 0;
    double median_best = 0, p90_best = 0, median_datasheet = 0, p90_datasheet = 0;
};


summary summarise(const std::vector<row>& rows, const std::string& kind, const std::string& gpu = {}) {
    std::vector<double> b, d;
    for (const auto& r : rows)
        if (r.kind == kind && (gpu.empty() || r.gpu == gpu)) {
            b.push_back(std::abs(r.error_best()));
            d.push_back(std::abs(r.error_datasheet()));
        }
    return {b.size(), percentile(b, 0.5), percentile(b, 0.9), percentile(d, 0.5), percentile(d, 0.9)};
}

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p);
    if (!in) detail::raise(errc::unknown_name, "vidperf_validate", "cannot open '" + p.string() + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Every measured file under `dir`: dir/<gpu-slug>/<date>/*.jsonl.
struct measured_set {
    std::vector<row> rows;
    std::vector<std::string> files;
    std::size_t skipped = 0;
};

measured_set read_measured(const std::filesystem::path& dir) {
    measured_set out;
    if (dir.empty() || !std::filesystem::is_directory(dir)) return out;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".jsonl") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        const auto rel = std::filesystem::relative(f, dir);
        const std::string slug = rel.begin()->string();
        if (std::distance(rel.begin(), rel.end()) != 3)
            detail::raise(errc::json_bad_value, f.string(),
                          "measured files live at <data>/<gpu-slug>/<date>/<file>.jsonl");
        const gpu_spec& gpu = find_gpu(slug);
        const calibration_choice best = builtin_calibration("best", gpu.slug);
        const measurement_file m = read_measurements(read_text(f), rel.string(), gpu, *best.cal);
        out.files.push_back(rel.string());
        out.skipped += m.skipped;
        for (const auto& c : m.cases) {
            row r;
            r.id = c.source;
            r.kind = c.kind;
            r.gpu = slug;
            r.model = c.model;
            r.what = c.what;
            r.unit = c.kind == "memory" ? "GB" : "s";
            r.calibration = best.fell_back ? "datasheet (fallback)" : std::string(best.cal->profile);
            r.reference = c.measured;
            r.best = c.best;
            r.datasheet = c.datasheet;
            out.rows.push_back(std::move(r));
        }
    }
    return out;
}

/// Checks each kind present in `rows` against `bounds` (a kind with cases must have a bound).
bool check_bounds(const std::vector<row>& rows, const std::vector<std::string>& kinds, const nlohmann::json& bounds,
                  const std::string& bounds_path, std::string& table) {
    bool ok = true;
    for (const auto& kind : kinds) {
        const summary s = summarise(rows, kind);
        if (s.count == 0) continue;
        const auto& b = detail::require_field(bounds, kind, bounds_path);
        const double bm = detail::number_field(b, "median_ape", bounds_path);
        const double bp = detail::number_field(b, "p90_ape", bounds_path);
        const bool pass = s.median_best <= bm && s.p90_best <= bp;
        ok = ok && pass;
        fmt::print("{}: {} cases, median |error| {:.1f}% (bound {:.0f}%), p90 {:.1f}% (bound {:.0f}%); datasheet "
                   "baseline median {:.1f}%, p90 {:.1f}%: {}\n",
                   kind, s.count, 100 * s.median_best, 100 * bm, 100 * s.p90_best, 100 * bp, 100 * s.median_datasheet,
                   100 * s.p90_datasheet, pass ? "within bounds" : "OUT OF BOUNDS");
        table += fmt::format("| {} | {} | {:.1f} % | {:.1f} % | {:.1f} % | {:.1f} % | {:.0f} % / {:.0f} % |\n", kind,
                             s.count, 100 * s.median_best, 100 * s.p90_best, 100 * s.median_datasheet,
                             100 * s.p90_datasheet, 100 * bm, 100 * bp);
    }
    return ok;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"vidperf_validate: prediction error against published figures and measured workloads"};
    std::string cases_path = "validation/published/cases.csv";
    std::string bounds_path = "validation/published/bounds.json";
    std::string data_dir;
    std::string data_bounds_path;
    std::string report_path;
    bool check = false;
    app.add_option("--cases", cases_path, "published cases (CSV)");
    app.add_option("--bounds", bounds_path, "accuracy bounds of the published cases (JSON)");
    app.add_option("--data", data_dir, "measured files: DIR/<gpu-slug>/<date>/*.jsonl (validation/data)");
    app.add_option("--data-bounds", data_bounds_path, "accuracy bounds of the measured cases (default DIR/bounds.json)");
    app.add_option("--report", report_path, "write the accuracy report (Markdown) here");
    app.add_flag("--check", check, "exit 1 when an error statistic exceeds its bound");
    CLI11_PARSE(app, argc, argv);
    try {
        std::vector<row> published;
        for (const auto& c : read_cases(cases_path)) published.push_back(run_case(c));
        const measured_set measured = read_measured(data_dir);

        fmt::print("{:<5} {:<16} {:<15} {:<19} {:>10} {:>10} {:>7} {:>10} {:>7}\n", "id", "model", "gpu", "quantity",
                   "published", "predicted", "error", "datasheet", "error");
        for (const auto& o : published)
            fmt::print("{:<5} {:<16} {:<15} {:<19} {:>10.2f} {:>10.2f} {:>+6.0f}% {:>10.2f} {:>+6.0f}%\n", o.id,
                       o.model, o.gpu, o.what, o.reference, o.best, 100 * o.error_best(), o.datasheet,
                       100 * o.error_datasheet());
        if (!measured.rows.empty()) {
            fmt::print("\n{:<28} {:<7} {:<15} {:<44} {:>11} {:>11} {:>7} {:>7}\n", "source", "kind", "gpu", "what",
                       "measured", "predicted", "error", "dsheet");
            for (const auto& r : measured.rows)
                fmt::print("{:<28} {:<7} {:<15} {:<44} {:>11.4g} {:>11.4g} {:>+6.0f}% {:>+6.0f}%\n", r.id, r.kind, r.gpu,
                           r.what, r.reference, r.best, 100 * r.error_best(), 100 * r.error_datasheet());
        }
        fmt::print("measured: {} files, {} cases, {} skipped records\n", measured.files.size(), measured.rows.size(),
                   measured.skipped);

        // published cases keep their bounds file's historical keys: latency (end-to-end) and memory
        nlohmann::json pb = detail::parse_json(read_text(bounds_path), bounds_path);
        nlohmann::json published_bounds = {{"end-to-end", detail::require_field(pb, "latency", bounds_path)},
                                           {"published memory", detail::require_field(pb, "memory", bounds_path)}};
        std::string table;
        bool ok = check_bounds(published, {"end-to-end", "published memory"}, published_bounds, bounds_path, table);
        const std::vector<std::string> measured_kinds{"op", "block", "step", "memory"};
        if (!measured.rows.empty()) {
            if (data_bounds_path.empty()) data_bounds_path = (std::filesystem::path(data_dir) / "bounds.json").string();
            const auto db = detail::parse_json(read_text(data_bounds_path), data_bounds_path);
            ok = check_bounds(measured.rows, measured_kinds, db, data_bounds_path, table) && ok;
        }
        if (!report_path.empty()) {
            std::vector<row> all = measured.rows;
            all.insert(all.end(), published.begin(), published.end());
            std::vector<std::string> gpus;
            for (const auto& r : all)
                if (std::find(gpus.begin(), gpus.end(), r.gpu) == gpus.end()) gpus.push_back(r.gpu);
            std::sort(gpus.begin(), gpus.end());
            std::vector<std::string> measured_gpus;
            for (const auto& r : measured.rows)
                if (std::find(measured_gpus.begin(), measured_gpus.end(), r.gpu) == measured_gpus.end())
                    measured_gpus.push_back(r.gpu);
            std::ofstream r(report_path);
            r << "# Accuracy\n\n"
                 "Generated by `bash scripts/accuracy-report.sh` (vidperf_validate --report) from\n"
                 "`validation/published/cases.csv` and the measured files under `validation/data/`; do not edit\n"
                 "by hand. Error = predicted / reference - 1, where the reference is the published or measured\n"
                 "value. \"Predicted\" uses the best calibration for the GPU (`measured` where it exists, else\n"
                 "`literature`, else the `datasheet` fallback); the datasheet column is the naive roofline, shown so a reader sees\n"
                 "what calibration buys.\n\n";
            if (measured_gpus.empty()) {
                r << "**No measured data yet**: no GPU has files under `validation/data/`, so every row below is\n"
                     "a published end-to-end figure (validation/published/README.md). The op, block, step and\n"
                     "measured-memory kinds appear once `validation/run.sh` has been run on a GPU and its raw\n"
                     "file committed.\n\n";
            } else {
                r << "GPUs with measured data: ";
                for (std::size_t i = 0; i < measured_gpus.size(); ++i) r << (i ? ", " : "") << measured_gpus[i];
                r << " (" << measured.files.size() << " files, " << measured.rows.size() << " cases, "
                  << measured.skipped << " records skipped on the GPU). Every other GPU has published figures only.\n\n";
            }
            r << "## Summary\n\n"
                 "| kind | cases | median abs. error | p90 | datasheet median | datasheet p90 | bounds (median / p90) |\n"
                 "|---|---|---|---|---|---|---|\n"
              << table << "\n## Per GPU and kind\n\n"
                 "| GPU | kind | cases | median abs. error | p90 | datasheet median | datasheet p90 |\n"
                 "|---|---|---|---|---|---|---|\n";
            for (const auto& g : gpus)
                for (const std::string kind : {"op", "block", "step", "memory", "end-to-end", "published memory"}) {
                    const summary s = summarise(all, kind, g);
                    if (s.count == 0) continue;
                    r << fmt::format("| {} | {} | {} | {:.1f} % | {:.1f} % | {:.1f} % | {:.1f} % |\n", g, kind, s.count,
                                     100 * s.median_best, 100 * s.p90_best, 100 * s.median_datasheet,
                                     100 * s.p90_datasheet);
                }
            if (!measured.rows.empty()) {
                r << "\n## Measured cases\n\n| source | kind | GPU | model | what | measured | predicted | error | "
                     "datasheet | error |\n|---|---|---|---|---|---|---|---|---|---|\n";
                for (const auto& o : measured.rows)
                    r << fmt::format("| {} | {} | {} | {} | {} | {:.4g} {} | {:.4g} | {:+.0f} % | {:.4g} | {:+.0f} % |\n",
                                     o.id, o.kind, o.gpu, o.model, o.what, o.reference, o.unit, o.best,
                                     100 * o.error_best(), o.datasheet, 100 * o.error_datasheet());
            }
            r << "\n## Published cases\n\n"
                 "| id | model | GPU | quantity | published | predicted | error | calibration | datasheet | error | "
                 "note |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
            for (const auto& o : published)
                r << fmt::format("| {} | {} | {} | {} | {:.2f} {} | {:.2f} | {:+.0f} % | {} | {:.2f} | {:+.0f} % | {} |\n",
                                 o.id, o.model, o.gpu, o.what, o.reference, o.unit, o.best, 100 * o.error_best(),
                                 o.calibration, o.datasheet, 100 * o.error_datasheet(), o.note);
            std::vector<row> worst = all;
            std::sort(worst.begin(), worst.end(), [](const row& a, const row& b) {
                return std::abs(a.error_best()) > std::abs(b.error_best());
            });
            r << "\n## Worst cases\n\n";
            for (std::size_t i = 0; i < worst.size() && i < 5; ++i)
                r << fmt::format("- {} ({} on {}, {}): {:+.0f} %. {}\n", worst[i].id, worst[i].model, worst[i].gpu,
                                 worst[i].what, 100 * worst[i].error_best(),
                                 worst[i].note.empty() ? "No configuration caveat recorded." : worst[i].note);
            r << "\nKnown systematic effects: latency is under-predicted in most rows: unfused elementwise\n"
                 "kernels and framework overhead between kernels are not modelled, and calibration is from\n"
                 "library microbenchmarks; rows with torch.compile or fused kernels are faster than eager\n"
                 "runs and under-prediction there is smaller. Memory rows compare against figures whose\n"
                 "semantics (allocator peak, reserved, nvidia-smi, rounded requirement) differ by source.\n";
        }
        if (check && !ok) return 1;
    } catch (const vidperf::error& e) {
        std::cerr << "vidperf_validate: " << e.what() << '\n';
        return 2;
    }
    return 0;
}
