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
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "measurements.hpp"
#include <vidperf/json.hpp>
#include <vidperf/pipeline/job.hpp>
#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/pipeline/error_band.hpp>
#include <vidperf/models/presets.hpp>

#include "csv.hpp"
#include "public_corpus.hpp"
#include "public_fit.hpp"

namespace {

using namespace vidperf;

using validation_case = validation::csv_record;

/// The columns run_case reads.
constexpr std::array<const char*, 24> case_columns{
    "id",      "model",  "gpu",       "width",          "height", "frames", "steps",       "cfg",
    "offload", "text_encoder_on_cpu", "vae_tiling", "attention", "weights", "implementation", "ulysses", "ring",
    "cfg_parallel", "fsdp", "link",   "quantity",       "value",  "unit",   "source",      "note"};

/// The quantities quantity_of knows.
constexpr std::array<std::string_view, 6> case_quantities{"e2e_latency",  "dit_latency",        "per_step_latency",
                                                          "peak_memory", "memory_requirement", "memory_usage"};

/// The published cases; a file without a column run_case reads is refused naming the column.
std::vector<validation_case> read_cases(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
        detail::raise(errc::json_bad_value, "--cases",
                      "'" + path + "' is not a regular file (a directory, device or pipe cannot be read as one)");
    std::vector<validation_case> cases = validation::read_csv(path);
    for (const auto& c : cases)
        for (const char* column : case_columns)
            if (c.f.count(column) == 0)
                detail::raise(errc::json_missing_field, path,
                              std::string("missing column '") + column + "' (line " + std::to_string(c.line) + ")");
    return cases;
}

/// A published or measured case, in the report's terms.
struct row {
    std::string id, kind, gpu, model, what, unit, calibration, note;
    std::string source;   ///< who published it (leave-one-source-out folds)
    std::string setup;    ///< the command without the GPU (and the kernel it picks there): equal setups form GPU pairs
    std::string implementation; ///< ideal, diffusers or official
    double reference = 0, best = 0, datasheet = 0;
    double flops = 0;     ///< the job's (or quantity's) total FLOPs, for the fixed-MFU baseline
    double peak = 0;      ///< dense BF16 peak of all GPUs the job runs on, FLOP/s
    [[nodiscard]] double error_best() const { return best / reference - 1; }
    [[nodiscard]] double error_datasheet() const { return datasheet / reference - 1; }
};

double quantity_of(const pipeline_estimate& e, const std::string& q, extent steps) {
    const double denoiser = stage_latency(e, stage_kind::denoiser).value(); // both experts of Wan2.2 A14B
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
    const std::string where = "cases.csv " + c.at("id");
    auto count = [&](const char* field) {
        const std::string& v = c.at(field);
        long long n = 0;
        const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() || n < 1)
            detail::raise(errc::out_of_range, where, std::string("field '") + field + "' must be an integer >= 1, got '" + v + "'");
        return n;
    };
    const std::string& quantity = c.at("quantity");
    if (std::find(case_quantities.begin(), case_quantities.end(), quantity) == case_quantities.end())
        detail::raise(errc::unknown_name, where,
                      "field 'quantity': unknown quantity '" + quantity +
                          "'; known: e2e_latency dit_latency per_step_latency peak_memory memory_requirement memory_usage");
    // the published figure: a finite number > 0, the whole text
    const std::string& value = c.at("value");
    double reference = 0;
    {
        std::size_t used = 0;
        try {
            reference = std::stod(value, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (value.empty() || used != value.size() || !(reference > 0) || !std::isfinite(reference))
            detail::raise(errc::out_of_range, where, "field 'value' must be a finite number > 0, got '" + value + "'");
    }
    // the job as the source ran it, through the same job API as the CLI
    inference_request r;
    r.width = count("width");
    r.height = count("height");
    r.frames = count("frames");
    r.steps = count("steps");
    r.cfg = parse<cfg_mode>(c.at("cfg"), where + " field 'cfg'");
    r.attention = parse<attention_kernel>(c.at("attention"), where + " field 'attention'");
    // the denoiser's weights as the source's code holds them (Wan's own repository loads the DiT in fp32
    // and runs it under bf16 autocast; diffusers pipelines load it in the requested dtype)
    r.weights = parse<dtype>(c.at("weights"), where + " field 'weights'");
    // whose code the source ran (README.md: official for the model's own repository, diffusers for its pipelines)
    r.impl = parse<implementation>(c.at("implementation"), where + " field 'implementation'");
    r.offload = parse<offload_policy>(c.at("offload"), where + " field 'offload'");
    r.text_encoders_on_host = c.at("text_encoder_on_cpu") == "1";
    r.vae_tiling = c.at("vae_tiling") == "1"; // enable_tiling(): the class's own tiles
    const int ulysses = static_cast<int>(count("ulysses")), ring = static_cast<int>(count("ring"));
    const bool cfg_parallel = c.at("cfg_parallel") == "1";
    r.gpus = ulysses * ring * (cfg_parallel ? 2 : 1);
    if (r.gpus > 1) {
        r.parallel = parallel_mode::usp;
        r.ulysses = ulysses;
        r.ring = ring;
        r.cfg_parallel = cfg_parallel;
    }
    r.fsdp = c.at("fsdp") == "1";
    r.link = parse<link_kind>(c.at("link"), where + " field 'link'");
    const inference_job job = make_job(m, r);
    const video_workload& w = job.work;
    const inference_options& io = job.inference;
    const calibration_choice lit = builtin_calibration("best", gpu.slug);
    row o;
    o.id = c.at("id");
    o.model = c.at("model");
    o.gpu = c.at("gpu");
    o.what = c.at("quantity");
    o.unit = c.at("unit");
    o.note = c.at("note");
    o.reference = reference;
    o.kind = o.what.find("latency") != std::string::npos ? "end-to-end" : "published memory";
    o.calibration = lit.fell_back ? "datasheet (fallback)" : std::string(lit.cal->profile);
    o.best = quantity_of(estimate(job, gpu, *lit.cal).pipeline, o.what, w.steps);
    o.datasheet = quantity_of(estimate(job, gpu, datasheet_calibration).pipeline, o.what, w.steps);
    o.source = c.at("source");
    o.implementation = c.at("implementation");
    // the baseline's FLOPs: the whole job as one GPU would run it (the naive rule divides by the GPU count)
    inference_options whole = io;
    whole.parallel = {};
    for (const auto& st : lower_inference(m, w, whole)) {
        if (o.what != "e2e_latency" && st.kind != stage_kind::denoiser) continue;
        for (const auto& u : st.ops) o.flops += cost(u.op).flops.value() * u.count * st.calls;
    }
    if (o.what == "per_step_latency") o.flops /= static_cast<double>(w.steps);
    const int gpus = io.parallel.ulysses * io.parallel.ring * io.parallel.cfg;
    o.peak = gpu.peak(compute_class::bf16).value() * gpus;
    // the attention kernel is left out: the same command runs FA3 where the GPU has it (Wan2.2's table notes)
    for (const char* k : {"model", "width", "height", "frames", "steps", "cfg", "offload", "text_encoder_on_cpu",
                          "vae_tiling", "weights", "ulysses", "ring", "cfg_parallel", "fsdp", "link", "quantity"})
        o.setup += c.at(k) + "|";
    return o;
}

double percentile(std::vector<double> v, double p) { return validation::percentile_of(std::move(v), p); }

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

/// The text of a regular file; a missing file, a folder or a device is refused naming it.
std::string read_text(const std::filesystem::path& p) { return detail::read_text_file(p, "vidperf_validate"); }

/// Every measured file under `dir`: dir/<gpu-slug>/<date>/*.jsonl.
struct measured_set {
    std::vector<row> rows;
    std::vector<std::string> files;
    std::size_t skipped = 0;
};

measured_set read_measured(const std::filesystem::path& dir) {
    measured_set out;
    if (dir.empty()) return out;
    if (!std::filesystem::is_directory(dir))
        detail::raise(errc::unknown_name, "--data", "measured-data folder '" + dir.string() + "' not found (or not a folder)");
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

/// Error statistics of a list of relative errors (predicted / reference - 1).
struct error_stats {
    std::size_t count = 0;
    double median = 0, p90 = 0, signed_median = 0, within25 = 0;
};

error_stats stats_of_errors(const std::vector<double>& errors) {
    error_stats s;
    std::vector<double> a;
    a.reserve(errors.size());
    for (double e : errors) a.push_back(std::abs(e));
    s.count = errors.size();
    s.median = percentile(a, 0.5);
    s.p90 = percentile(a, 0.9);
    s.signed_median = percentile(errors, 0.5);
    s.within25 = s.count ? static_cast<double>(std::count_if(a.begin(), a.end(), [](double e) { return e <= 0.25; })) /
                               static_cast<double>(s.count)
                         : 0;
    return s;
}

/// The one-parameter rule "total FLOPs / (dense BF16 peak x MFU)" with the MFU fitted (least squares on the
/// log of the ratio) to `rows`; its errors in sample and with each source left out of the fit in turn.
struct mfu_baseline {
    double mfu = 0;
    std::vector<double> in_sample, cross_validated;
};

mfu_baseline fit_mfu_rule(const std::vector<const row*>& rows) {
    auto fit = [](const std::vector<const row*>& rs, const std::string& leave_out) {
        double sum = 0;
        std::size_t n = 0;
        for (const auto* r : rs)
            if (r->source != leave_out) {
                sum += std::log(r->flops / (r->peak * r->reference));
                ++n;
            }
        return n ? std::exp(sum / static_cast<double>(n)) : 0.0;
    };
    mfu_baseline b;
    b.mfu = fit(rows, {});
    for (const auto* r : rows) {
        b.in_sample.push_back(r->flops / (r->peak * b.mfu) / r->reference - 1);
        const double m = fit(rows, r->source);
        if (m > 0) b.cross_validated.push_back(r->flops / (r->peak * m) / r->reference - 1);
    }
    return b;
}

/// GPU-to-GPU speed-ups: pairs of published latency rows with the same set-up on different GPUs.
struct ratio_pair {
    const row* a = nullptr;
    const row* b = nullptr;
    [[nodiscard]] double published() const { return a->reference / b->reference; }
    [[nodiscard]] double predicted() const { return a->best / b->best; }
    [[nodiscard]] double peaks() const { return (b->peak / b->flops) / (a->peak / a->flops); }
};

std::vector<ratio_pair> ratio_pairs(const std::vector<const row*>& rows) {
    std::vector<ratio_pair> out;
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = i + 1; j < rows.size(); ++j)
            if (rows[i]->setup == rows[j]->setup && rows[i]->gpu != rows[j]->gpu) out.push_back({rows[i], rows[j]});
    return out;
}

/// What one software-stack efficiency per implementation (design rule 2's single allowed e2e-fitted
/// residual) would do: eta_impl = exp(median log(predicted / published)) over the implementation's latency
/// rows, predictions divided by it, each source's rows predicted from the other sources' fit. Reported only:
/// vidperf applies no such factor (see docs/accuracy.md for why).
std::string residual_section(const std::vector<row>& published) {
    std::vector<const row*> latency;
    for (const auto& r : published)
        if (r.kind == "end-to-end") latency.push_back(&r);
    auto eta = [&](const std::string& impl, const std::string& leave_out) {
        std::vector<double> logs;
        for (const auto* r : latency)
            if (r->implementation == impl && r->source != leave_out) logs.push_back(std::log(r->best / r->reference));
        return logs.size() >= 2 ? std::exp(percentile(logs, 0.5)) : 1.0;
    };
    std::vector<double> without, cross_validated;
    std::map<std::string, double> in_sample;
    for (const auto* r : latency) {
        without.push_back(r->error_best());
        in_sample.try_emplace(r->implementation, eta(r->implementation, {}));
        cross_validated.push_back(r->best / eta(r->implementation, r->source) / r->reference - 1);
    }
    const auto w = stats_of_errors(without), cv = stats_of_errors(cross_validated);
    std::string md = fmt::format(
        "| | rows | median abs. error | p90 | signed median | within 25 % |\n|---|---|---|---|---|---|\n"
        "| without (what vidperf predicts) | {} | {:.1f} % | {:.1f} % | {:+.1f} % | {:.0f} % |\n"
        "| with a per-implementation efficiency, leave-one-source-out | {} | {:.1f} % | {:.1f} % | {:+.1f} % | {:.0f} % |\n\n"
        "Fitted on all rows it would be:",
        w.count, 100 * w.median, 100 * w.p90, 100 * w.signed_median, 100 * w.within25, cv.count, 100 * cv.median,
        100 * cv.p90, 100 * cv.signed_median, 100 * cv.within25);
    for (const auto& [impl, e] : in_sample) md += fmt::format(" {} {:.3f};", impl, e);
    md += "\n";
    fmt::print("software-stack residual (not applied): without {:.1f}% median, per-implementation leave-one-source-out "
               "{:.1f}%\n",
               100 * w.median, 100 * cv.median);
    return md;
}

/// Honest baselines beside the model: the fitted fixed-MFU rule and, for GPU-to-GPU ratios, the ratio of peaks.
std::string baselines_section(const std::vector<row>& published) {
    std::vector<const row*> latency;
    for (const auto& r : published)
        if (r.kind == "end-to-end") latency.push_back(&r);
    std::vector<double> model_errors;
    model_errors.reserve(latency.size());
    for (const auto* r : latency) model_errors.push_back(r->error_best());
    const auto model = stats_of_errors(model_errors);
    const mfu_baseline mfu = fit_mfu_rule(latency);
    const auto in = stats_of_errors(mfu.in_sample);
    const auto cv = stats_of_errors(mfu.cross_validated);
    std::string md = fmt::format(
        "| predictor | rows | median abs. error | p90 | signed median | within 25 % |\n|---|---|---|---|---|---|\n"
        "| vidperf (best calibration) | {} | {:.1f} % | {:.1f} % | {:+.1f} % | {:.0f} % |\n"
        "| fixed MFU = {:.3f}, fitted to these rows (in sample) | {} | {:.1f} % | {:.1f} % | {:+.1f} % | {:.0f} % |\n"
        "| fixed MFU, leave-one-source-out | {} | {:.1f} % | {:.1f} % | {:+.1f} % | {:.0f} % |\n",
        model.count, 100 * model.median, 100 * model.p90, 100 * model.signed_median, 100 * model.within25, mfu.mfu,
        in.count, 100 * in.median, 100 * in.p90, 100 * in.signed_median, 100 * in.within25, cv.count, 100 * cv.median,
        100 * cv.p90, 100 * cv.signed_median, 100 * cv.within25);
    fmt::print("\nbaselines on {} latency rows: vidperf median {:.1f}% (signed {:+.1f}%, {:.0f}% within 25%); "
               "fixed MFU {:.3f} in sample {:.1f}%, leave-one-source-out {:.1f}%\n",
               model.count, 100 * model.median, 100 * model.signed_median, 100 * model.within25, mfu.mfu,
               100 * in.median, 100 * cv.median);
    const auto pairs = ratio_pairs(latency);
    std::vector<double> pe, re;
    md += "\nGPU-to-GPU speed-ups (pairs of published rows with the same set-up):\n\n"
          "| rows | GPUs | published ratio | vidperf | error | ratio of dense peaks | error |\n"
          "|---|---|---|---|---|---|---|\n";
    for (const auto& p : pairs) {
        pe.push_back(p.predicted() / p.published() - 1);
        re.push_back(p.peaks() / p.published() - 1);
        md += fmt::format("| {} / {} | {} / {} | {:.3f} | {:.3f} | {:+.1f} % | {:.3f} | {:+.1f} % |\n", p.a->id, p.b->id,
                          p.a->gpu, p.b->gpu, p.published(), p.predicted(), 100 * pe.back(), p.peaks(),
                          100 * re.back());
    }
    const auto ps = stats_of_errors(pe), rs = stats_of_errors(re);
    md += fmt::format("\nMedian abs. error of the ratio over {} pairs: vidperf {:.1f} %, ratio of peaks {:.1f} %.\n",
                      ps.count, 100 * ps.median, 100 * rs.median);
    fmt::print("GPU-to-GPU ratios on {} pairs: vidperf median {:.1f}%, ratio of peaks {:.1f}%\n", ps.count,
               100 * ps.median, 100 * rs.median);
    return md;
}

/// The error band of the latency rows (pipeline/error_band.hpp): p10 and p90 of predicted / published - 1, pooled
/// ("all") and per GPU architecture.
std::vector<detail::error_band_row> error_bands_of(const std::vector<row>& published,
                                                   std::vector<std::string>& names) {
    std::map<std::string, std::vector<double>> by;
    for (const auto& r : published) {
        if (r.kind != "end-to-end") continue;
        by["all"].push_back(r.error_best());
        by[std::string(find_gpu(r.gpu).architecture)].push_back(r.error_best());
    }
    std::vector<detail::error_band_row> out;
    names.clear();
    for (const auto& [basis, e] : by) names.push_back(basis); // owned strings for the rows' views
    for (const auto& basis : names) {
        const auto& e = by[basis];
        out.push_back({basis, percentile(e, 0.1), percentile(e, 0.9), static_cast<int>(e.size())});
    }
    // pooled first: error_band_for falls back to it
    std::stable_partition(out.begin(), out.end(), [](const auto& b) { return b.basis == "all"; });
    return out;
}

std::string band_header(const std::vector<detail::error_band_row>& bands) {
    std::string h = "#pragma once\n"
                    "/// \\file\n"
                    "/// The error bands of pipeline/error_band.hpp: p10 and p90 of vidperf's relative error\n"
                    "/// (predicted / published - 1) on the end-to-end latency rows of validation/published,\n"
                    "/// pooled (\"all\") and per GPU architecture. Generated by\n"
                    "///   vidperf_validate --band-header include/vidperf/pipeline/error_band_table.hpp\n"
                    "/// do not edit: ctest validation.error_band fails when it and the validation disagree.\n"
                    "#include <array>\n#include <string_view>\n\nnamespace vidperf::detail {\n\n"
                    "struct error_band_row {\n    std::string_view basis;\n    double p10, p90;\n    int rows;\n};\n\n"
                    "/// An architecture with fewer published rows uses the pooled band.\n"
                    "inline constexpr int error_band_min_rows = 8;\n\n";
    h += fmt::format("inline constexpr std::array<error_band_row, {}> error_bands{{{{\n", bands.size());
    for (const auto& b : bands) h += fmt::format("    {{\"{}\", {:.6f}, {:.6f}, {}}},\n", b.basis, b.p10, b.p90, b.rows);
    h += "}};\n\n} // namespace vidperf::detail\n";
    return h;
}

bool check_bands(const std::vector<detail::error_band_row>& bands) {
    bool ok = bands.size() == detail::error_bands.size();
    for (const auto& b : bands) {
        bool found = false;
        for (const auto& c : detail::error_bands)
            if (c.basis == b.basis) {
                found = std::abs(c.p10 - b.p10) < 1e-5 && std::abs(c.p90 - b.p90) < 1e-5 && c.rows == b.rows;
                if (!found)
                    fmt::print("error_band_table.hpp: '{}' is [{:+.4f}, {:+.4f}] over {} rows; the validation gives "
                               "[{:+.4f}, {:+.4f}] over {}\n",
                               b.basis, c.p10, c.p90, c.rows, b.p10, b.p90, b.rows);
            }
        ok = ok && found;
    }
    fmt::print("error bands: {}\n", ok ? "the compiled-in table equals the validation"
                                        : "the compiled-in table is stale (regenerate with --band-header)");
    return ok;
}

/// The public op corpus: prints every group's error statistics (fit and test parts), checks the test parts
/// against `bounds` (every test group with at least 5 rows must have a bound) and writes the report's tables.
bool public_corpus_section(const std::vector<validation::corpus_result>& results, const nlohmann::json* bounds,
                           const std::string& bounds_path, std::string& report) {
    using validation::stats_of;
    const auto groups = validation::group_corpus(results);
    bool ok = true;
    fmt::print("\npublic op corpus: {} rows\n", results.size());
    fmt::print("{:<44} {:<5} {:>6} {:>8} {:>8} {:>8} {:>9} {:>9}  {}\n", "family/gpu/dtype", "split", "rows",
               "median", "p90", "signed", "datasheet", "peer", "bound (median/p90)");
    report += "| family | GPU | dtype | split | rows | median abs. error | p90 | signed median | within 25 % | "
              "datasheet median | peer median (rows) | bound |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& [key, splits] : groups) {
        for (const std::string split : {"fit", "test"}) {
            const auto it = splits.find(split);
            if (it == splits.end()) continue;
            const auto st = stats_of(it->second);
            std::string bound_text = "-";
            if (split == "test" && bounds != nullptr) {
                const auto& groups_json = detail::require_field(*bounds, "groups", bounds_path);
                if (detail::has(groups_json, key)) {
                    const auto& b = groups_json.at(key);
                    const double bm = detail::number_field(b, "median_ape", bounds_path + " groups." + key);
                    const double bp = detail::number_field(b, "p90_ape", bounds_path + " groups." + key);
                    const bool pass = st.median <= bm && st.p90 <= bp;
                    ok = ok && pass;
                    bound_text = fmt::format("{:.0f}% / {:.0f}%{}", 100 * bm, 100 * bp, pass ? "" : " OUT OF BOUNDS");
                } else if (st.count >= 5 && key.rfind("l2-resident", 0) != 0) {
                    ok = false;
                    bound_text = "NO BOUND";
                }
            }
            const std::string peer =
                st.peer_count ? fmt::format("{:.1f}% ({})", 100 * st.peer_median, st.peer_count) : std::string("-");
            fmt::print("{:<44} {:<5} {:>6} {:>7.1f}% {:>7.1f}% {:>+7.1f}% {:>8.1f}% {:>9}  {}\n", key, split,
                       st.count, 100 * st.median, 100 * st.p90, 100 * st.signed_median, 100 * st.datasheet_median,
                       peer, bound_text);
            const auto a = key.find('/'), b = key.rfind('/');
            report += fmt::format("| {} | {} | {} | {} | {} | {:.1f} % | {:.1f} % | {:+.1f} % | {:.0f} % | {:.1f} % | {} | {} |\n",
                                  key.substr(0, a), key.substr(a + 1, b - a - 1), key.substr(b + 1), split, st.count,
                                  100 * st.median, 100 * st.p90, 100 * st.signed_median, 100 * st.within25,
                                  100 * st.datasheet_median, peer, bound_text);
        }
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
    std::string public_dir;
    std::string public_bounds_path;
    std::string fit_out;
    std::string fit_header_path;
    bool check_fit = false;
    std::string band_header_path;
    bool check_band = false;
    std::string plot_csv;
    bool check = false;
    app.add_option("--cases", cases_path, "published cases (CSV)");
    app.add_option("--bounds", bounds_path, "accuracy bounds of the published cases (JSON)");
    app.add_option("--data", data_dir, "measured files: DIR/<gpu-slug>/<date>/*.jsonl (validation/data)");
    app.add_option("--data-bounds", data_bounds_path, "accuracy bounds of the measured cases (default DIR/bounds.json)");
    app.add_option("--report", report_path, "write the accuracy report (Markdown) here");
    app.add_option("--public", public_dir, "public op-measurement corpus: DIR/*.csv (validation/public/data)");
    app.add_option("--public-bounds", public_bounds_path,
                   "accuracy bounds of the corpus's test rows (default DIR/../bounds.json)");
    app.add_flag("--check", check, "exit 1 when an error statistic exceeds its bound");
    app.add_option("--fit-public", fit_out,
                   "fit the literature constants to the corpus's fit rows (needs --public); write the fitted "
                   "calibrations (JSON, one per GPU) into this folder");
    app.add_option("--fit-header", fit_header_path,
                   "fit as --fit-public and write the table of accepted constants as C++ "
                   "(include/vidperf/roofline/literature_fit.hpp)");
    app.add_option("--band-header", band_header_path,
                   "write the error bands of the latency rows as C++ (include/vidperf/pipeline/error_band_table.hpp)");
    app.add_flag("--check-band", check_band, "exit 1 unless the compiled-in error bands equal this validation's");
    app.add_option("--plot-csv", plot_csv,
                   "write every published and public-corpus row (kind, gpu, reference, predicted) as CSV for "
                   "scripts/plot-accuracy.py");
    app.add_flag("--check-fit", check_fit,
                 "refit and exit 1 unless the compiled-in literature_fit.hpp table equals the fit");
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
        const std::string baselines = baselines_section(published);
        const std::string residual = residual_section(published);
        std::vector<std::string> band_names;
        const auto bands = error_bands_of(published, band_names);
        if (!band_header_path.empty()) std::ofstream(band_header_path) << band_header(bands);
        const bool band_ok = !check_band || check_bands(bands);
        bool fit_ok = true;
        std::vector<validation::corpus_row> corpus;
        std::vector<validation::corpus_result> corpus_results;
        std::string corpus_table;
        if (!public_dir.empty()) {
            corpus = validation::read_corpus(public_dir);
            corpus_results = validation::predict_corpus(corpus);
            if (public_bounds_path.empty())
                public_bounds_path = (std::filesystem::path(public_dir).parent_path() / "bounds.json").string();
            const nlohmann::json pbj = detail::parse_json(read_text(public_bounds_path), public_bounds_path);
            ok = public_corpus_section(corpus_results, &pbj, public_bounds_path, corpus_table) && ok;
            if (!fit_out.empty() || !fit_header_path.empty() || check_fit) {
                const auto fits = validation::fit_public(corpus);
                validation::print_fits(fits);
                if (!fit_out.empty()) {
                    std::filesystem::create_directories(fit_out);
                    for (const auto& f : fits)
                        std::ofstream(std::filesystem::path(fit_out) / (f.gpu + ".json")) << to_json(f.cal).dump(2)
                                                                                         << '\n';
                }
                if (!fit_header_path.empty()) std::ofstream(fit_header_path) << validation::fit_header(fits);
                if (check_fit) fit_ok = validation::check_fit_table(fits);
            }
        }
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
              << table
              << "\n![End-to-end latency, predicted against published, per GPU (log-log; scripts/plot-accuracy.py)]"
                 "(accuracy-e2e.png)\n"
              << "\n## Per GPU and kind\n\n"
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
            r << "\n## Baselines\n\nThe same end-to-end latency rows predicted by the naive rule a user would apply "
                 "without vidperf:\ntotal FLOPs / (dense BF16 peak x MFU), with the one MFU fitted to these very rows "
                 "(in sample,\nthe most favourable reading) and with each source's rows left out of the fit in turn.\n\n"
              << baselines;
            r << "\n## A software-stack residual? Not applied\n\n"
                 "Design rule 2 allows one software-stack efficiency per implementation, fitted on the published\n"
                 "end-to-end rows with leave-one-source-out cross-validation. After the public-corpus fit, sustained\n"
                 "clocks and the reference code's own work, the signed median error is already within a few per\n"
                 "cent, so vidperf applies none: no constant is fitted to end-to-end figures. What such a factor\n"
                 "would do, cross-validated:\n\n"
              << residual;
            r << "\n## Likely range\n\nEvery time vidperf prints comes with a likely range: the 10th to 90th "
                 "percentile of its\nrelative error on the end-to-end rows above, by GPU architecture (pooled where an "
                 "architecture has\nfewer than "
              << detail::error_band_min_rows
              << " rows). A prediction p is likely to be measured within [p / (1 + p90), p / (1 + p10)].\n\n"
                 "| basis | rows | p10 error | p90 error | range for a 100 s prediction |\n|---|---|---|---|---|\n";
            for (const auto& b : bands)
                r << fmt::format("| {} | {} | {:+.1f} % | {:+.1f} % | {:.0f}-{:.0f} s |\n", b.basis, b.rows, 100 * b.p10,
                                 100 * b.p90, 100 / (1 + b.p90), 100 / (1 + b.p10));
            if (!corpus_results.empty())
                r << "\n## Public op measurements\n\n"
                     "Every row of `validation/public/data/` (published per-op timings, with their sources in\n"
                     "`validation/public/README.md`) predicted at single-op (burst) clocks. Constants are fitted\n"
                     "on the `fit` rows only; the `test` rows judge them and carry the bounds. \"peer\" is\n"
                     "another predictor's published prediction for the same rows, where its source ships one.\n\n"
                  << corpus_table
                  << "\n![Public op corpus, test rows, predicted against published (log-log)](accuracy-ops.png)\n";
            if (!corpus.empty()) {
                r << "\n### Literature constants fitted to the fit rows\n\n"
                     "What `vidperf_validate --fit-public` fits on each GPU's fit rows (the table the literature\n"
                     "profiles apply, include/vidperf/roofline/literature_fit.hpp). Error columns: median |error| of\n"
                     "the step's fit rows before and after. A rejected step keeps the hand-sourced value. `carried`:\n"
                     "a row-kernel constant the GPU's rows do not determine, taken from a GPU with the same SM and\n"
                     "held while the rest is refitted, or a spill half-point recorded as none.\n\n"
                     "| GPU | step | constant | value | std. error | rows | before | after | |\n"
                     "|---|---|---|---|---|---|---|---|---|\n";
                for (const auto& f : validation::fit_public(corpus)) {
                    for (const auto& c : f.carried)
                        r << fmt::format("| {} | carried | {} | {:.4g} | {:.2g} | | | | {} |\n", f.gpu, c.key, c.value,
                                         c.std_error, c.source);
                    for (const auto& st : f.steps)
                        for (const auto& c : st.fit.constants)
                            r << fmt::format("| {} | {} | {} | {:.4g} | {:.2g} | {} | {:.1f} % | {:.1f} % | {} |\n", f.gpu,
                                             st.what, c.key, c.value, c.std_error, st.fit.points,
                                             100 * st.fit.median_abs_error_before, 100 * st.fit.median_abs_error,
                                             st.rejected.empty() ? "" : "rejected: " + st.rejected);
                }
                // the offsets the predictions above carry (validation::add_harness_offsets), one per group
                std::map<std::string, std::string> harness;
                for (const auto& c : corpus_results)
                    if (validation::harness_timed(*c.row))
                        harness.emplace(validation::harness_key(*c.row),
                                        fmt::format("| {} | {} | {} | {:.1f} us |\n", c.row->gpu, c.row->family,
                                                    validation::harness_of(*c.row), 1e6 * c.harness_best));
                if (!harness.empty()) {
                    r << "\nHarness offsets: the host dispatch inside a source's timed window (events around\n"
                         "one eager call, validation/public_corpus.hpp `harness_sources`), the median of measured -\n"
                         "predicted over the group's fit rows (test rows never enter it; a GPU without fit rows\n"
                         "takes the other GPUs' median), added to the group's rows. They describe how the source\n"
                         "timed, not the GPU, and are in no calibration.\n\n"
                         "| GPU | family | harness (source: timing) | offset |\n|---|---|---|---|\n";
                    for (const auto& [key, line] : harness) r << line;
                }
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
        if (!plot_csv.empty()) {
            std::ofstream out(plot_csv);
            out << "set,id,kind,gpu,family,split,reference,predicted,datasheet\n";
            for (const auto& r : published)
                out << fmt::format("published,{},{},{},{},test,{:.9g},{:.9g},{:.9g}\n", r.id, r.kind, r.gpu, r.model,
                                   r.reference, r.best, r.datasheet);
            for (const auto& r : corpus_results)
                out << fmt::format("public,{},op,{},{},{},{:.9g},{:.9g},{:.9g}\n", r.row->id, r.row->gpu,
                                   r.row->family, r.row->split, r.row->measured_s, r.best, r.datasheet);
        }
        if (check && !ok) return 1;
        if (!fit_ok || !band_ok) return 1;
    } catch (const vidperf::error& e) {
        std::cerr << "vidperf_validate: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        // a reader that let a library exception through (a wrongly typed JSON field, a filesystem error):
        // still a refusal with the reason, never an abort
        std::cerr << "vidperf_validate: cannot continue: " << e.what() << '\n';
        return 2;
    }
    return 0;
}
